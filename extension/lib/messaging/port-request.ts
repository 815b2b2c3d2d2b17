import { browser } from 'wxt/browser';
import { EngineRequestError } from './client';
import type { EngineMethod, EngineRequest, EngineResponses, PortRequest, PortResponse } from './protocol';
import { ENGINE_PORT } from './engine-port';

/**
 * One request to the engine over a runtime Port of its own, for a context with no DOM and no extension views
 * (Chrome's background service worker): no direct channel, so JSON params only. Rejects with the engine's error,
 * or if the engine hangs up first. The engine must already run (the caller makes sure).
 */
export function requestOverPort<M extends EngineMethod>(
  method: M,
  params: EngineRequest<M>,
): Promise<EngineResponses[M]> {
  const port = browser.runtime.connect({ name: ENGINE_PORT });
  return new Promise<EngineResponses[M]>((resolve, reject) => {
    // Frames come from our own engine (checked on its side), so their shape is trusted here, as in client.ts;
    // the worker gets no events, only this answer.
    port.onMessage.addListener((frame: PortResponse) => {
      if (frame.id !== 0) return;
      port.disconnect();
      // The engine answers `method` with EngineResponses[M].
      if (frame.result.ok) resolve(frame.result.data as EngineResponses[M]);
      else reject(new EngineRequestError(frame.result.error));
    });
    port.onDisconnect.addListener(() =>
      reject(new Error(`requestOverPort: the messenger engine hung up before it answered ${method}`)),
    );
    port.postMessage({ kind: 'request', id: 0, method, params } satisfies PortRequest);
  });
}
