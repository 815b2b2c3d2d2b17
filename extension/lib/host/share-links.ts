/**
 * How the background's context menu reaches the engine, on each browser: the menu itself (share-menu.ts) only
 * needs to send a share and to hear the targets.
 */
import type { Engine } from '../engine/engine';
import { EngineError } from '../errors';
import type { EngineRequest, EngineResponses } from '../messaging/protocol';
import { engineRequestSchemas } from '../messaging/protocol';
import { requestOverPort } from '../messaging/port-request';
import type { ShareRequest } from '../share/pending-share';
import type { ShareEngineLink } from './share-menu';
import { ErrorCode } from '../../../shared/errors';
import { parse } from '../../../shared/validate';
import { ensureOffscreenDocument } from './offscreen';
import { answerShareTargets, watchShareTargets } from './share-targets';

/**
 * Chrome (MV3): the worker asks the offscreen engine over a runtime Port (serve.ts lets the worker's own script
 * ask the share methods only), and hears the targets from the engine host's runtime messages. A worker that
 * starts again knows nothing of them: it asks once, as the engine only reports changes.
 */
export function workerShareLink(): ShareEngineLink {
  const ask = async <M extends ShareRequest['method'] | 'getShareTargets'>(
    method: M,
    params: EngineRequest<M>,
  ): Promise<EngineResponses[M]> => {
    await ensureOffscreenDocument();
    return requestOverPort(method, params);
  };
  return {
    send: (request) =>
      request.method === 'sharePage' ? ask('sharePage', request.params) : ask('shareMedia', request.params),
    watchTargets(listener) {
      let reported = false;
      answerShareTargets((targets) => {
        reported = true;
        listener(targets);
      });
      ask('getShareTargets', {}).then(
        // A report that came meanwhile is newer than this answer.
        ({ targets }) => reported || listener(targets),
        (error: unknown) => console.warn('workerShareLink: the share targets could not be read', error),
      );
    },
  };
}

/** Firefox (MV2): the background page hosts the engine, so the menu calls it directly, validated as serve.ts does. */
export function pageShareLink(engineReady: Promise<Engine>): ShareEngineLink {
  return {
    async send(request) {
      const engine = await engineReady;
      if (request.method === 'sharePage') {
        const parsed = parse(engineRequestSchemas.sharePage, request.params);
        if (!parsed.ok) throw new EngineError(ErrorCode.InvalidPayload, parsed.message);
        return engine.sharePage(parsed.value);
      }
      const parsed = parse(engineRequestSchemas.shareMedia, request.params);
      if (!parsed.ok) throw new EngineError(ErrorCode.InvalidPayload, parsed.message);
      return engine.shareMedia(parsed.value);
    },
    watchTargets(listener) {
      engineReady.then(
        (engine) =>
          watchShareTargets(engine, (targets) => {
            listener(targets);
            return Promise.resolve();
          }),
        (error: unknown) => console.warn('pageShareLink: the engine did not start', error),
      );
    },
  };
}
