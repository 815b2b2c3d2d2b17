import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import { parse } from '../../../shared/validate';
import type { Engine } from '../engine/engine';
import { EngineError } from '../errors';
import type { ChannelDesk } from './channels';
import {
  PortPageFrameSchema,
  engineRequestSchemas,
  isEngineMethod,
  type EngineMethod,
  type PortEvent,
  type PortResponse,
} from './protocol';
import { ENGINE_PAGES, ENGINE_PORT, PortChannelSchema } from './engine-port';
import { isOwnPage } from './own-page';

type Port = Browser.runtime.Port;

/**
 * Chrome's background service worker, as WXT builds it: it has no DOM and reaches the engine over a runtime Port
 * only, to share what its context menu was clicked on. It may ask WORKER_METHODS and nothing else.
 */
export const WORKER_SCRIPTS: readonly string[] = ['/background.js'];
export const WORKER_METHODS: ReadonlySet<string> = new Set<EngineMethod>([
  'getShareTargets',
  'sharePage',
  'shareMedia',
]);

/** Where a session's frames go: the runtime Port itself, or a direct channel paired with it. */
interface Carrier {
  post(frame: PortResponse | PortEvent): void;
  close(): void;
}

/**
 * Answers EngineApi requests from UI pages and pushes engine events to every open page. Each page opens a runtime
 * Port (whose sender is checked); its first frame either asks for a direct channel (see channels.ts), which then
 * carries everything, or is already a request, and the Port carries everything. Events start once the carrier is
 * chosen, so no frame can overtake another on a second way.
 */
export function serveEngine(engine: Engine, desk?: ChannelDesk): void {
  browser.runtime.onConnect.addListener((port: Port) => {
    if (port.name !== ENGINE_PORT) return;
    // A page may ask anything; the background's worker only to share (and gets no events).
    const page = isOwnPage(port.sender, ENGINE_PAGES);
    if (!page && !isOwnPage(port.sender, WORKER_SCRIPTS)) {
      console.warn('serveEngine: refused a connection from outside the popup');
      port.disconnect();
      return;
    }
    const allowed = page ? undefined : WORKER_METHODS;
    // What this page shows (the background's worker shows nothing), until its session ends.
    const screen = page ? engine.screen() : undefined;
    let open = true;
    let carrier: Carrier | 'pairing' | undefined;
    let unsubscribe = (): void => undefined;
    const post = (frame: PortResponse | PortEvent): void => {
      if (open && typeof carrier === 'object') carrier.post(frame);
    };
    const serve = (chosen: Carrier): void => {
      carrier = chosen;
      if (page)
        unsubscribe = engine.subscribe((name, data) => post({ kind: 'event', name, data } as PortEvent));
    };
    const answerFrame = (message: unknown): void => {
      const frame = parse(PortPageFrameSchema, message);
      if (!frame.ok) {
        console.warn(`serveEngine: dropped a malformed frame: ${frame.message}`);
        return;
      }
      if (frame.value.kind === 'showing') {
        screen?.show(frame.value.conversation ?? undefined);
        return;
      }
      const { id, method, params } = frame.value;
      void answer(engine, method, params, allowed).then((result) => post({ kind: 'response', id, result }));
    };
    const pair = (token: string, claiming: ChannelDesk): void => {
      carrier = 'pairing'; // frames on the Port meanwhile are not answered: the page sends them on the channel
      void claiming.claim(token).then((direct) => {
        if (!open) return direct?.close();
        // No port came under that token: hang up, and the page connects again.
        if (!direct) return port.disconnect();
        direct.onmessage = (event: MessageEvent) => answerFrame(event.data);
        serve({ post: (frame) => direct.postMessage(frame), close: () => direct.close() });
      });
    };
    port.onDisconnect.addListener(() => {
      open = false;
      screen?.close();
      unsubscribe();
      if (typeof carrier === 'object') carrier.close();
    });
    port.onMessage.addListener((message: unknown) => {
      if (carrier === undefined) {
        const channel = v.safeParse(PortChannelSchema, message);
        if (channel.success && desk && page) return pair(channel.output.token, desk);
        serve({ post: (frame) => port.postMessage(frame), close: () => undefined });
      }
      if (carrier !== 'pairing') answerFrame(message);
    });
  });
}

async function answer(
  engine: Engine,
  method: string,
  params: unknown,
  allowed: ReadonlySet<string> | undefined,
): Promise<Result<unknown>> {
  if (!isEngineMethod(method) || (allowed && !allowed.has(method)))
    return fail(ErrorCode.UnknownEvent, `Unknown engine method "${method.slice(0, 64)}"`);
  const parsed = parse(engineRequestSchemas[method] as v.GenericSchema, params);
  if (!parsed.ok) return fail(ErrorCode.InvalidPayload, parsed.message);
  try {
    // parsed.value was validated by the schema of `method`, so it is that method's params.
    const call = engine[method] as (params: unknown) => Promise<unknown>;
    return ok(await call(parsed.value));
  } catch (error) {
    if (error instanceof EngineError) return fail(error.code, error.message);
    console.error(`serveEngine: ${method} failed`, error);
    return fail(ErrorCode.Internal, `${method} failed; see the extension's console`);
  }
}
