import type { Page } from 'playwright-core';
import type { EngineMethod, EngineRequest, EngineResponses } from '../../extension/lib/messaging/protocol';

/** The engine's answer to one request, as its Port frames it. */
export interface EngineResult {
  ok: boolean;
  data?: unknown;
  error?: { message: string };
}

/**
 * Runs inside an extension page (Chrome's or Firefox's): one request to the engine over the same runtime Port the
 * popup uses. Self-contained, since the browser gets only its source.
 */
export function askEngineInPage(request: { method: string; params: unknown }): Promise<EngineResult> {
  return new Promise<EngineResult>((resolve) => {
    interface Port {
      onMessage: {
        addListener(listener: (frame: { kind: string; result?: EngineResult }) => void): void;
      };
      onDisconnect: { addListener(listener: () => void): void };
      postMessage(message: unknown): void;
      disconnect(): void;
    }
    const { chrome } = globalThis as unknown as {
      chrome: { runtime: { connect(info: { name: string }): Port } };
    };
    const port = chrome.runtime.connect({ name: 'engine' });
    // No engine listening (yet: a browser starting): the port closes unanswered.
    port.onDisconnect.addListener(() => resolve({ ok: false, error: { message: 'no engine answered' } }));
    port.onMessage.addListener((frame) => {
      if (frame.kind !== 'response' || !frame.result) return;
      port.disconnect();
      resolve(frame.result);
    });
    port.postMessage({ kind: 'request', id: 0, ...request });
  });
}

/** The engine's answer to `method`, or its error message thrown. */
export function engineAnswer<M extends EngineMethod>(method: M, result: EngineResult): EngineResponses[M] {
  if (!result.ok) throw new Error(`${method} failed: ${result.error?.message ?? 'no reason given'}`);
  // The engine answers `method` with EngineResponses[M]; the page only relays it.
  return result.data as EngineResponses[M];
}

/**
 * One request to the engine from an extension page; rejects with the engine's error message. For tests that set a
 * scene up (contacts, diagnostics) without clicking through it.
 */
export async function engineCall<M extends EngineMethod>(
  page: Page,
  method: M,
  params: EngineRequest<M>,
): Promise<EngineResponses[M]> {
  return engineAnswer(method, await page.evaluate(askEngineInPage, { method, params }));
}
