import type { Page } from 'playwright-core';
import type { EngineMethod, EngineRequest, EngineResponses } from '../../extension/lib/messaging/protocol';

/**
 * One request to the engine from an extension page, over the same runtime Port the popup uses; rejects with the
 * engine's error message. For tests that set a scene up (contacts, diagnostics) without clicking through it.
 */
export async function engineCall<M extends EngineMethod>(
  page: Page,
  method: M,
  params: EngineRequest<M>,
): Promise<EngineResponses[M]> {
  const result = await page.evaluate(
    ([method, params]) =>
      new Promise<{ ok: boolean; data?: unknown; error?: { message: string } }>((resolve) => {
        interface Port {
          onMessage: {
            addListener(
              listener: (frame: {
                kind: string;
                result?: { ok: boolean; data?: unknown; error?: { message: string } };
              }) => void,
            ): void;
          };
          postMessage(message: unknown): void;
          disconnect(): void;
        }
        const { chrome } = globalThis as unknown as {
          chrome: { runtime: { connect(info: { name: string }): Port } };
        };
        const port = chrome.runtime.connect({ name: 'engine' });
        port.onMessage.addListener((frame) => {
          if (frame.kind !== 'response' || !frame.result) return;
          port.disconnect();
          resolve(frame.result);
        });
        port.postMessage({ kind: 'request', id: 0, method, params });
      }),
    [method, params] as const,
  );
  if (!result.ok) throw new Error(`${method} failed: ${result.error?.message ?? 'no reason given'}`);
  // The engine answers `method` with EngineResponses[M]; the page only relays it.
  return result.data as EngineResponses[M];
}
