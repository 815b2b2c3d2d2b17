/** What the benchmarks share: round trips timed inside extension pages, and their summary. */
import type { Page } from 'playwright-core';
import { defineNameHelper } from '../tests/support/peerjs-page';

/** The part of the runtime API the in-page code below touches. */
interface EnginePort {
  onMessage: {
    addListener(
      listener: (frame: { kind: string; name?: string; data?: { direction: string; text: string } }) => void,
    ): void;
  };
  postMessage(message: unknown): void;
}

export function summary(samples: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? NaN };
}

/** Round trips timed inside A's page through the engines: B's page answers "ping N" with "pong N". */
export async function engineRoundTrips(
  pageA: Page,
  pageB: Page,
  aliceId: string,
  bobId: string,
  rounds: number,
): Promise<number[]> {
  await Promise.all([defineNameHelper(pageA), defineNameHelper(pageB)]);
  await pageB.evaluate((aliceId) => {
    const { chrome } = globalThis as unknown as {
      chrome: { runtime: { connect(i: { name: string }): EnginePort } };
    };
    const port = chrome.runtime.connect({ name: 'engine' });
    let id = 1;
    port.onMessage.addListener((frame) => {
      const text = frame.kind === 'event' && frame.data?.direction === 'in' ? frame.data.text : '';
      if (!text.startsWith('ping ')) return;
      port.postMessage({
        kind: 'request',
        id: id++,
        method: 'sendText',
        params: { peerId: aliceId, text: text.replace('ping', 'pong') },
      });
    });
  }, aliceId);
  return pageA.evaluate(
    async ({ bobId, rounds }) => {
      const { chrome } = globalThis as unknown as {
        chrome: { runtime: { connect(i: { name: string }): EnginePort } };
      };
      const port = chrome.runtime.connect({ name: 'engine' });
      let waiting: { text: string; resolve: () => void } | undefined;
      port.onMessage.addListener((frame) => {
        if (frame.kind === 'event' && frame.data?.direction === 'in' && frame.data.text === waiting?.text)
          waiting.resolve();
      });
      const samples: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t0 = performance.now();
        await new Promise<void>((resolve) => {
          waiting = { text: `pong ${i}`, resolve };
          port.postMessage({
            kind: 'request',
            id: i,
            method: 'sendText',
            params: { peerId: bobId, text: `ping ${i}` },
          });
        });
        samples.push(performance.now() - t0);
      }
      return samples;
    },
    { bobId, rounds },
  );
}
