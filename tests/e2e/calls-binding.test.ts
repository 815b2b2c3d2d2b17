import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { mismatchWarning } from '../../extension/lib/engine/calls/calls';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { chromeCallPair, type ChromeCallPair } from '../support/call-users';
import {
  callEntries,
  eventually,
  openCallPage,
  receivedStats,
  ringingCallPage,
  waitCallState,
  waitCallStates,
} from '../support/call-window';
import { receivedMediaPeak, watchReceivedMedia } from '../support/media-watch';
import {
  startFingerprintRewritingProxy,
  type FingerprintRewritingProxy,
} from '../support/fingerprint-rewriting-proxy';
import { startTestServer, type TestServer } from '../support/server';

/**
 * Issue 14: a call's media connection has its own DTLS, so a signaling server that rewrites the fingerprints in
 * the call's SDP could sit in the middle; each side signs both fingerprints as its own SDP shows them. Bob reaches
 * the server through a proxy that forges them, as such a server would: the call must end with a warning naming
 * the other side, before any media flows. With the proxy passing frames as they are, the same call connects.
 */
describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('a call bound to both identities', () => {
  let server: TestServer;
  let proxy: FingerprintRewritingProxy;
  let pair: ChromeCallPair;

  beforeAll(async () => {
    server = await startTestServer();
    proxy = await startFingerprintRewritingProxy(server.url);
    pair = await chromeCallPair(server.url, proxy.url);
  }, 120_000);
  afterAll(async () => {
    await pair.close();
    await proxy.close();
    await server.close();
  });

  /** Alice calls Bob by video and Bob accepts in the window his engine opened: both windows. */
  async function aliceCallsBob(): Promise<{ aliceWindow: Page; bobWindow: Page; callId: string }> {
    const aliceWindow = await openCallPage(pair.alice, `?peer=${pair.bobId}&media=video`);
    await waitCallState(aliceWindow, 'ringing');
    const {
      call: { callId },
      page: bobWindow,
    } = await ringingCallPage(pair.bob, pair.bobEngine);
    await Promise.all([watchReceivedMedia(aliceWindow), watchReceivedMedia(bobWindow)]);
    await bobWindow.getByTestId('call-accept').click();
    return { aliceWindow, bobWindow, callId };
  }

  it('ends the call, warns each side by the other’s name and sends no media, when the signaling rewrote the fingerprints', async () => {
    const { aliceWindow, bobWindow, callId } = await aliceCallsBob();

    await waitCallStates([aliceWindow, bobWindow], 'ended', 'failed');
    expect(await aliceWindow.getByTestId('call-warning').textContent()).toBe(mismatchWarning('Bob'));
    expect(await bobWindow.getByTestId('call-warning').textContent()).toBe(mismatchWarning('Alice'));
    // The proxy did sit in the middle: Alice's offer forged on its way to Bob, Bob's answer on its way out.
    const rewritten = proxy.rewrites.map(({ frame, direction }) => `${frame} ${direction}`);
    expect(rewritten).toContain('OFFER to-client');
    expect(rewritten).toContain('ANSWER to-server');
    // Nothing was sent before the bindings were checked: not one frame, not a sound, while the call lived.
    for (const page of [aliceWindow, bobWindow])
      expect(await receivedMediaPeak(page)).toEqual({ framesDecoded: 0, audioEnergy: 0 });
    // Each history keeps the failed call with its warning.
    const failed = async (page: Page, peerId: string) =>
      (await callEntries(page, peerId))
        .filter((entry) => entry.call?.callId === callId)
        .map((entry) => [entry.call?.outcome, entry.call?.warning]);
    await eventually(
      'both histories log it',
      async () => [
        ...(await failed(pair.aliceEngine, pair.bobId)),
        ...(await failed(pair.bobEngine, pair.aliceId)),
      ],
      (entries) => entries.length === 2,
    );
    expect(await failed(pair.aliceEngine, pair.bobId)).toEqual([['failed', mismatchWarning('Bob')]]);
    expect(await failed(pair.bobEngine, pair.aliceId)).toEqual([['failed', mismatchWarning('Alice')]]);
    await Promise.all([aliceWindow.close(), bobWindow.close()]);
  }, 90_000);

  it('connects the same call, with live video both ways, when the signaling is honest', async () => {
    proxy.setRewriting(false);
    const rewritesBefore = proxy.rewrites.length;
    const { aliceWindow, bobWindow } = await aliceCallsBob();

    await waitCallStates([aliceWindow, bobWindow], 'active');
    for (const page of [aliceWindow, bobWindow]) {
      const first = await eventually(
        'first frame',
        () => receivedStats(page),
        (stats) => stats.framesDecoded > 0,
      );
      await eventually(
        'frames advancing',
        () => receivedStats(page),
        (stats) => stats.framesDecoded > first.framesDecoded + 10,
      );
    }
    expect(await aliceWindow.getByTestId('call-warning').count()).toBe(0);
    expect(await bobWindow.getByTestId('call-warning').count()).toBe(0);
    expect(proxy.rewrites).toHaveLength(rewritesBefore);

    await aliceWindow.getByTestId('call-hangup').click();
    await waitCallStates([aliceWindow, bobWindow], 'ended', 'ended');
    // The same watch as above sees what flowed here (so its zeros there are no artefact of the call's end).
    for (const page of [aliceWindow, bobWindow]) {
      const peak = await receivedMediaPeak(page);
      expect(peak.framesDecoded).toBeGreaterThan(10);
      expect(peak.audioEnergy).toBeGreaterThan(0);
    }
    await Promise.all([aliceWindow.close(), bobWindow.close()]);
  }, 90_000);
});
