import { randomBytes } from 'node:crypto';
import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import type { WireError } from '../../shared/errors';
import { CHANNEL_OFFER, ENGINE_WINDOW_MARK } from '../../extension/lib/messaging/channels';
import type {
  EngineMethod,
  EngineRequest,
  EngineResponses,
  TransferView,
} from '../../extension/lib/messaging/protocol';
import { CHANNEL_TOKEN_LENGTH, ENGINE_PORT } from '../../extension/lib/messaging/engine-port';
import type { ChatMessage, TransferState } from '../../extension/lib/model';
import type { ConversationId } from '../../shared/ids';

/** What the helpers need of an extension page (popup.html or share.html), in Chromium or in Firefox. */
export interface ExtensionPage {
  /** Runs `fn(arg)` in the page; `fn` must be self-contained (it is sent as text). */
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Puts the file at `path` in the file input matching `selector`, as a user picking it would. */
  setInputFiles(selector: string, path: string): Promise<void>;
}

export function playwrightPage(page: PlaywrightPage): ExtensionPage {
  return {
    // Playwright types the argument through its own Unboxed<>; a JSON-able `arg` goes over as it is.
    evaluate: <A, R>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg as unknown),
    setInputFiles: (selector, path) => page.setInputFiles(selector, path),
  };
}

export function puppeteerPage(page: PuppeteerPage): ExtensionPage {
  return {
    evaluate: async <A, R>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      // Puppeteer awaits the function's promise; its result is R.
      (await page.evaluate(fn as (arg: unknown) => unknown, arg)) as R,
    async setInputFiles(selector, path) {
      const input = await page.$(selector);
      if (!input) throw new Error(`setInputFiles: nothing matches ${selector}`);
      // $() of an <input> gives its handle; uploadFile is on input handles only.
      await (input as unknown as { uploadFile(...paths: string[]): Promise<void> }).uploadFile(path);
    },
  };
}

/** What the page keeps on its global object: the channel and the Files made there, by key. */
const GLOBAL = '__filesTest';
const INPUT_ID = 'files-test-input';

interface Setup {
  readonly token: string;
  readonly global: string;
  readonly offer: string;
  readonly mark: string;
  readonly portName: string;
}

type WireResult = { ok: true; data: unknown } | { ok: false; error: WireError };

/**
 * A direct channel from an extension page to the engine, as the share window opens one (client.ts, channels.ts):
 * the only way a File reaches the engine. It also records every `transfer` event the engine pushes to the page.
 * Files are made in the page (from bytes, or from a file on disk through a file input) and kept there by key, so a
 * large file never passes through the test's memory.
 */
export class EngineChannel {
  private constructor(private readonly page: ExtensionPage) {}

  static async open(page: ExtensionPage): Promise<EngineChannel> {
    const setup: Setup = {
      token: randomBytes(CHANNEL_TOKEN_LENGTH / 2).toString('hex'),
      global: GLOBAL,
      offer: CHANNEL_OFFER,
      mark: ENGINE_WINDOW_MARK,
      portName: ENGINE_PORT,
    };
    await page.evaluate(({ token, global, offer, mark, portName }: Setup) => {
      interface RuntimePort {
        postMessage(message: unknown): void;
      }
      const scope = globalThis as unknown as Record<string, unknown> & {
        chrome: {
          runtime: { connect(info: { name: string }): RuntimePort };
          extension: { getViews(): object[] };
        };
      };
      if (scope[global]) throw new Error('EngineChannel.open: this page has a channel already');
      const engine = scope.chrome.extension
        .getViews()
        .find((view) => (view as Record<string, unknown>)[mark] === true) as Window | undefined;
      if (!engine) throw new Error('EngineChannel.open: the engine window is not in reach of this page');
      const channel = new MessageChannel();
      engine.postMessage({ type: offer, token }, location.origin, [channel.port2]);
      const port = scope.chrome.runtime.connect({ name: portName });
      port.postMessage({ kind: 'channel', token });
      const pending = new Map<number, (result: unknown) => void>();
      const transfers: unknown[] = [];
      let nextId = 0;
      channel.port1.onmessage = (event: MessageEvent) => {
        const frame = event.data as {
          kind: string;
          id?: number;
          name?: string;
          data?: unknown;
          result?: unknown;
        };
        if (frame.kind === 'event') {
          if (frame.name === 'transfer') transfers.push({ at: Date.now(), view: frame.data });
          return;
        }
        if (frame.id === undefined) return;
        pending.get(frame.id)?.(frame.result);
        pending.delete(frame.id);
      };
      scope[global] = {
        port, // held, so the session stays open
        transfers,
        files: new Map<string, File>(),
        request: (method: string, params: unknown) =>
          new Promise((resolve) => {
            const id = nextId++;
            pending.set(id, resolve);
            channel.port1.postMessage({ kind: 'request', id, method, params });
          }),
      };
    }, setup);
    return new EngineChannel(page);
  }

  /** One request over the channel; rejects with the engine's message. Params must be JSON (no Files: see sendFiles). */
  async request<M extends EngineMethod>(method: M, params: EngineRequest<M>): Promise<EngineResponses[M]> {
    const result = await this.page.evaluate(
      ({ global, method, params }: { global: string; method: string; params: unknown }) => {
        const scope = globalThis as unknown as Record<
          string,
          { request(method: string, params: unknown): Promise<unknown> }
        >;
        return scope[global]?.request(method, params) as Promise<WireResult>;
      },
      { global: GLOBAL, method, params },
    );
    if (!result.ok) throw new Error(`${method} failed: ${result.error.message}`);
    // The engine answers `method` with EngineResponses[M]; the page only relays it.
    return result.data as EngineResponses[M];
  }

  /** A File made in the page from `bytes` (small files only: they pass through the protocol as base64). */
  async fileFromBytes(key: string, bytes: Uint8Array, name: string, type = ''): Promise<void> {
    await this.page.evaluate(
      ({ global, key, base64, name, type }) => {
        const scope = globalThis as unknown as Record<string, { files: Map<string, File> }>;
        const binary = atob(base64);
        const data = Uint8Array.from(binary, (character) => character.charCodeAt(0));
        scope[global]?.files.set(key, new File([data], name, { type }));
      },
      { global: GLOBAL, key, base64: Buffer.from(bytes).toString('base64'), name, type },
    );
  }

  /**
   * The file at `path` on disk, picked through a file input in the page (the browser reads it from disk, not from
   * the test's memory), renamed to `name` if given: a File made of the picked one holds no copy of its bytes.
   */
  async fileFromPath(key: string, path: string, name?: string, type?: string): Promise<void> {
    await this.page.evaluate(
      ({ id }) => {
        if (document.getElementById(id)) return;
        const input = document.createElement('input');
        input.type = 'file';
        input.id = id;
        input.hidden = true;
        document.body.append(input);
      },
      { id: INPUT_ID },
    );
    await this.page.setInputFiles(`#${INPUT_ID}`, path);
    await this.page.evaluate(
      ({ global, id, key, name, type }) => {
        const scope = globalThis as unknown as Record<string, { files: Map<string, File> }>;
        const picked = (document.getElementById(id) as HTMLInputElement | null)?.files?.[0];
        if (!picked) throw new Error('fileFromPath: the file input holds no file');
        const file = name === null ? picked : new File([picked], name, { type: type ?? picked.type });
        scope[global]?.files.set(key, file);
      },
      { global: GLOBAL, id: INPUT_ID, key, name: name ?? null, type: type ?? null },
    );
  }

  /** Offers the files made under `keys` in conversation `peerId` (sendFiles, File objects by structured clone). */
  async sendFiles(peerId: ConversationId, keys: readonly string[]): Promise<ChatMessage[]> {
    const result = await this.page.evaluate(
      ({ global, peerId, keys }) => {
        const scope = globalThis as unknown as Record<
          string,
          { files: Map<string, File>; request(method: string, params: unknown): Promise<unknown> }
        >;
        const own = scope[global];
        if (!own) throw new Error('sendFiles: no channel in this page');
        const files = keys.map((key) => {
          const file = own.files.get(key);
          if (!file) throw new Error(`sendFiles: no file made under ${key}`);
          return file;
        });
        return own.request('sendFiles', { peerId, files }) as Promise<WireResult>;
      },
      { global: GLOBAL, peerId, keys: [...keys] },
    );
    if (!result.ok) throw new Error(`sendFiles failed: ${result.error.message}`);
    // The engine answers sendFiles with the messages that offer the files.
    return result.data as ChatMessage[];
  }

  /** Every `transfer` event the engine pushed to this page so far, oldest first. */
  async events(): Promise<TransferView[]> {
    return (await this.timedEvents()).map(({ view }) => view);
  }

  /** The same, each with when the page got it (the page's clock, ms since the epoch): for figures, not asserts. */
  async timedEvents(): Promise<{ at: number; view: TransferView }[]> {
    const events = await this.page.evaluate(
      ({ global }) =>
        (globalThis as unknown as Record<string, { transfers: unknown[] }>)[global]?.transfers ?? [],
      { global: GLOBAL },
    );
    // The engine pushes TransferViews under `transfer`; the page kept each with its time.
    return events as { at: number; view: TransferView }[];
  }

  /** The transfer of message `messageId`, as the engine lists it now. */
  async transfer(messageId: string): Promise<TransferView | undefined> {
    return (await this.request('listTransfers', {})).find((view) => view.messageId === messageId);
  }

  /**
   * Polls until the transfer of message `messageId` satisfies `check` (by default: reaches `state`); rejects, with
   * the transfer as it stands, after `timeoutMs`, or at once if it reached a final state other than the one awaited.
   */
  async waitForTransfer(
    messageId: string,
    state: TransferState,
    { timeoutMs = 60_000, check }: { timeoutMs?: number; check?: (view: TransferView) => boolean } = {},
  ): Promise<TransferView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.transfer(messageId);
      if (view && (check ? check(view) : view.state === state)) return view;
      const final = ['done', 'declined', 'cancelled', 'failed'];
      if (view && final.includes(view.state) && view.state !== state)
        throw new Error(`waitForTransfer: waited for ${state}, but it ended ${JSON.stringify(view)}`);
      if (Date.now() > deadline)
        throw new Error(`waitForTransfer: no ${state} within ${timeoutMs} ms; ${JSON.stringify(view)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
