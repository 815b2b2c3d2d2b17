/**
 * The most media a call window received while its call lived. A window's figures (CALL_TEST_GLOBAL) come from its
 * RTCPeerConnection's getStats, which Chrome empties once the connection is closed: read after the call ended they
 * say 0 whatever flowed. So the page samples them every 20 ms from before the call is answered and keeps the peaks.
 * No named inner function: the page has none of the helpers a transform may wrap one in.
 */
import type { Page } from 'playwright-core';
import type { ReceivedStats } from './call-window';

/** The two figures watched (the window may publish more). */
export type MediaPeak = Pick<ReceivedStats, 'framesDecoded' | 'audioEnergy'>;

interface WatchGlobals {
  __receivedPeak?: { framesDecoded: number; audioEnergy: number };
  __messengerCall?: { stats(): Promise<MediaPeak> };
}

/** Starts sampling in this call window (once it shows its call). */
export async function watchReceivedMedia(page: Page): Promise<void> {
  await page.evaluate(() => {
    const globals = globalThis as unknown as WatchGlobals;
    const peak = { framesDecoded: 0, audioEnergy: 0 };
    globals.__receivedPeak = peak;
    setInterval(() => {
      void globals.__messengerCall?.stats().then((stats) => {
        peak.framesDecoded = Math.max(peak.framesDecoded, stats.framesDecoded);
        peak.audioEnergy = Math.max(peak.audioEnergy, stats.audioEnergy);
      });
    }, 20);
  });
}

/** The peaks sampled so far. */
export const receivedMediaPeak = (page: Page): Promise<MediaPeak> =>
  page.evaluate(
    () => (globalThis as unknown as WatchGlobals).__receivedPeak ?? { framesDecoded: 0, audioEnergy: 0 },
  );
