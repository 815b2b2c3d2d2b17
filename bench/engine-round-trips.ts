/** What the benchmarks share: round trips timed inside extension pages, and their summary. */
import type { Page } from 'playwright-core';
import { CHANNEL_OFFER, ENGINE_WINDOW_MARK } from '../extension/lib/messaging/channels';
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

/**
 * Defines `benchEngine()` in the page: a connection to the engine as the popup's client makes it (a runtime Port
 * named `engine`, then a direct channel through the engine's window, see extension/lib/messaging/channels.ts).
 */
async function defineEngineConnect(page: Page): Promise<void> {
  await page.evaluate(
    ({ offer, mark }) => {
      const page = globalThis as unknown as {
        chrome: {
          runtime: { connect(i: { name: string }): { postMessage(message: unknown): void } };
          extension: { getViews(): Window[] };
        };
        benchEngine?: () => EnginePort;
      };
      page.benchEngine = () => {
        const port = page.chrome.runtime.connect({ name: 'engine' });
        const engine = page.chrome.extension
          .getViews()
          .find((view) => (view as unknown as Record<string, unknown>)[mark] === true);
        if (!engine) throw new Error('benchEngine: the engine window is not in reach');
        const token = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
          b.toString(16).padStart(2, '0'),
        ).join('');
        const channel = new MessageChannel();
        engine.postMessage({ type: offer, token }, location.origin, [channel.port2]);
        port.postMessage({ kind: 'channel', token });
        // The runtime Port is the session: held for as long as the page lives, or the engine hangs up.
        (page as unknown as { benchPorts?: unknown[] }).benchPorts = [
          ...((page as unknown as { benchPorts?: unknown[] }).benchPorts ?? []),
          port,
        ];
        return {
          postMessage: (message) => channel.port1.postMessage(message),
          onMessage: {
            addListener(listener) {
              channel.port1.addEventListener(
                'message',
                (event: MessageEvent<Parameters<typeof listener>[0]>) => listener(event.data),
              );
              channel.port1.start();
            },
          },
        };
      };
    },
    { offer: CHANNEL_OFFER, mark: ENGINE_WINDOW_MARK },
  );
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
  await Promise.all([defineEngineConnect(pageA), defineEngineConnect(pageB)]);
  await pageB.evaluate((aliceId) => {
    const { benchEngine, benchResponder } = globalThis as unknown as {
      benchEngine: () => EnginePort;
      benchResponder?: true;
    };
    // One responder per page, however many batches are run: a second would answer each ping twice.
    if (benchResponder) return;
    (globalThis as unknown as { benchResponder: true }).benchResponder = true;
    const port = benchEngine();
    let id = 1;
    // A message event comes again for each change of the message (read, say): each ping is answered once.
    const answered = new Set<string>();
    port.onMessage.addListener((frame) => {
      const text = frame.kind === 'event' && frame.data?.direction === 'in' ? frame.data.text : '';
      if (!text.startsWith('ping ') || answered.has(text)) return;
      answered.add(text);
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
      interface Bench {
        port: EnginePort;
        waiting?: { text: string; resolve: () => void };
        sent: number;
      }
      const page = globalThis as unknown as {
        benchEngine: () => EnginePort;
        bench?: Bench;
      };
      // One port per page across batches: each port is one more page the engine pushes its state to.
      let bench = page.bench;
      if (!bench) {
        const created: Bench = { port: page.benchEngine(), sent: 0 };
        created.port.onMessage.addListener((frame) => {
          const { waiting } = created;
          if (frame.kind === 'event' && frame.data?.direction === 'in' && frame.data.text === waiting?.text)
            waiting.resolve();
        });
        bench = page.bench = created;
      }
      const { port } = bench;
      const samples: number[] = [];
      for (let n = 0; n < rounds; n++) {
        const i = bench.sent++;
        const t0 = performance.now();
        await new Promise<void>((resolve) => {
          bench.waiting = { text: `pong ${i}`, resolve };
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
