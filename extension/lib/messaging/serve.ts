import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import { parse } from '../../../shared/validate';
import type { Engine } from '../engine/engine';
import { EngineError } from '../errors';
import {
  ENGINE_PORT,
  PortRequestSchema,
  engineRequestSchemas,
  isEngineMethod,
  type PortEvent,
  type PortResponse,
} from './protocol';

type Port = Browser.runtime.Port;

/** The pages that drive the engine: the popup (also opened in a tab to greet a new user). */
export const ENGINE_PAGES: readonly string[] = ['/popup.html'];

/**
 * Only the named pages of this extension (paths such as `/popup.html`; a query or a fragment does not matter) may
 * talk to it; its other pages, content scripts, web pages and other extensions may not.
 */
export function isOwnPage(
  sender: Browser.runtime.MessageSender | undefined,
  pages: readonly string[],
): boolean {
  if (!sender?.url || sender.id !== browser.runtime.id || sender.tab?.url?.startsWith('http')) return false;
  const own = new URL(extensionRoot());
  const url = urlOf(sender.url);
  if (url?.protocol !== own.protocol || url.host !== own.host) return false;
  return pages.includes(url.pathname);
}

/** This extension's origin, as a URL (`chrome-extension://<id>/`, `moz-extension://<uuid>/`). */
function extensionRoot(): string {
  // WXT types getURL by the build's public paths (.wxt), which code type-checked outside the extension lacks.
  return (browser.runtime as unknown as { getURL(path: string): string }).getURL('/');
}

function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Answers EngineApi requests from UI pages over ports and pushes engine events to every open page. */
export function serveEngine(engine: Engine): void {
  browser.runtime.onConnect.addListener((port: Port) => {
    if (port.name !== ENGINE_PORT) return;
    if (!isOwnPage(port.sender, ENGINE_PAGES)) {
      console.warn('serveEngine: refused a connection from outside the popup');
      port.disconnect();
      return;
    }
    let open = true;
    const post = (frame: PortResponse | PortEvent): void => {
      if (open) port.postMessage(frame);
    };
    const unsubscribe = engine.subscribe((name, data) => post({ kind: 'event', name, data } as PortEvent));
    port.onDisconnect.addListener(() => {
      open = false;
      unsubscribe();
    });
    port.onMessage.addListener((message: unknown) => {
      const request = parse(PortRequestSchema, message);
      if (!request.ok) {
        console.warn(`serveEngine: dropped a malformed frame: ${request.message}`);
        return;
      }
      const { id, method, params } = request.value;
      void answer(engine, method, params).then((result) => post({ kind: 'response', id, result }));
    });
  });
}

async function answer(engine: Engine, method: string, params: unknown): Promise<Result<unknown>> {
  if (!isEngineMethod(method))
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
