/**
 * The engine's side of the port between extension contexts (extension/lib/messaging/serve.ts), in process, with
 * a fake `chrome.runtime` and a real engine on fake transports: hostile and mutated port messages from the
 * extension's own page, and ports from senders that must be refused. A well-formed request gets exactly one
 * answer, a Result; anything else gets none; nothing throws.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { ErrorCode, fail, ok } from '../../../shared/errors';
import { PortRequestSchema, engineRequestSchemas } from '../../../extension/lib/messaging/protocol';
import { Fakes, PASSPHRASE, onlineEngine } from '../../support/engine';
import { hostileString, payloadFor, randomPayload } from '../arbitraries';
import { quietConsole } from '../console';
import { watchCrashes } from '../crashes';
import { anyContext, engineExamples } from '../examples';
import { runProperty, type TargetReport } from '../report';
import { within } from '../sockets';

const EXTENSION_ID = 'fuzzextension';
const OWN_PAGE = `chrome-extension://${EXTENSION_ID}/popup.html`;

type Listener = (value: unknown) => void;

/** A runtime Port as serveEngine sees it; `fromPage` is what the page posts. */
interface FakePort {
  readonly name: string;
  readonly sender: unknown;
  disconnected: boolean;
  postMessage(frame: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: Listener): void };
  onDisconnect: { addListener(listener: Listener): void };
  fromPage(message: unknown): void;
}

function fakePort(name: string, sender: unknown, onPost: (frame: unknown) => void): FakePort {
  const messageListeners: Listener[] = [];
  return {
    name,
    sender,
    disconnected: false,
    postMessage: onPost,
    disconnect() {
      this.disconnected = true;
    },
    onMessage: { addListener: (listener) => void messageListeners.push(listener) },
    onDisconnect: { addListener: () => undefined },
    fromPage: (message) => messageListeners.forEach((listener) => listener(message)),
  };
}

/**
 * `chrome.runtime` as far as serveEngine uses it. wxt/browser binds to it when first imported, so there is one per
 * process; `reset` forgets the engines served by earlier runs.
 */
const connectListeners: Listener[] = [];
function installFakeRuntime(): { connect(port: FakePort): void } {
  connectListeners.length = 0;
  const global = globalThis as { chrome?: unknown };
  global.chrome ??= {
    runtime: {
      id: EXTENSION_ID,
      getURL: (path: string) => `chrome-extension://${EXTENSION_ID}${path}`,
      onConnect: { addListener: (listener: Listener) => void connectListeners.push(listener) },
    },
  };
  return { connect: (port) => connectListeners.forEach((listener) => listener(port)) };
}

const ResultShape = v.variant('ok', [
  v.object({ ok: v.literal(true), data: v.unknown() }),
  v.object({
    ok: v.literal(false),
    error: v.object({
      code: v.picklist(Object.values(ErrorCode)),
      message: v.pipe(v.string(), v.minLength(1)),
    }),
  }),
]);

/** Senders serveEngine must refuse: other extensions, web pages, content scripts, nobody. */
const HOSTILE_SENDERS: unknown[] = [
  undefined,
  {},
  { id: 'another-extension', url: `chrome-extension://another-extension/popup.html` },
  { id: EXTENSION_ID, url: 'https://evil.example/', tab: { url: 'https://evil.example/' } },
  { id: EXTENSION_ID, url: OWN_PAGE, tab: { url: 'http://evil.example/' } },
  { id: EXTENSION_ID, url: 'https://evil.example/' },
];

export async function fuzzServe({
  seed,
  numRuns,
}: {
  seed: number;
  numRuns: number;
}): Promise<TargetReport[]> {
  const runtime = installFakeRuntime();
  const { serveEngine } = await import('../../../extension/lib/messaging/serve');
  const watch = watchCrashes();
  const quiet = quietConsole();
  try {
    const fakes = new Fakes();
    const { engine } = await onlineEngine(fakes);
    // The fake server has no rooms: it answers room requests as a server would a room it does not know.
    for (const event of [
      'room:create',
      'room:append',
      'room:invitee',
      'room:peek',
      'room:listing',
      'room:browse',
      'room:listed-code',
    ] as const)
      fakes.answers[event] = fail(ErrorCode.NotFound, `${event}: no such room on this fake server`);
    // It refuses account requests, so that the engine stays signed in for the cases after them.
    for (const event of ['account:release-name', 'account:delete'] as const)
      fakes.answers[event] = fail(ErrorCode.RateLimited, `${event}: refused by this fake server`);
    // It holds no profile, and takes any (the engine then tells Bob, through the fake mailbox).
    fakes.answers['profile:get'] = fail(ErrorCode.NotFound, 'profile:get: no profile on this fake server');
    fakes.answers['profile:put'] = ok({ version: 1 });
    serveEngine(engine);

    const refused: string[] = [];
    for (const sender of HOSTILE_SENDERS) {
      const port = fakePort('engine', sender, () => refused.push(`answered ${JSON.stringify(sender)}`));
      runtime.connect(port);
      port.fromPage({ kind: 'request', id: 1, method: 'getState', params: {} });
      if (!port.disconnected) refused.push(`kept a port from ${JSON.stringify(sender)}`);
    }
    const senders: TargetReport = {
      target: 'port: hostile senders',
      cases: HOSTILE_SENDERS.length,
      failures: refused.length > 0 ? [`serveEngine: ${refused.join('; ')}`] : [],
    };

    const waiting = new Map<number, (result: unknown) => void>();
    const stray: string[] = [];
    const page = fakePort('engine', { id: EXTENSION_ID, url: OWN_PAGE }, (frame) => {
      const response = frame as { kind?: string; id?: number; result?: unknown };
      if (response.kind !== 'response') return; // engine events
      const resolve = waiting.get(response.id ?? -1);
      if (resolve) resolve(response.result);
      else stray.push(`an answer nobody asked for: ${JSON.stringify(frame).slice(0, 200)}`);
    });
    runtime.connect(page);

    const examples: Partial<Record<string, unknown>> = engineExamples(anyContext());
    const methods = Object.keys(engineRequestSchemas);
    const requests = fc
      .record({
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom(...methods) },
          { weight: 1, arbitrary: hostileString },
        ),
        id: fc.nat(),
      })
      .chain(({ method, id }) =>
        payloadFor(examples[method] === undefined ? [] : [examples[method]]).map((params) => ({
          kind: 'request',
          id,
          method,
          params,
        })),
      );
    const messages = fc.oneof(
      { weight: 6, arbitrary: requests },
      {
        weight: 2,
        arbitrary: payloadFor(
          methods.map((method, id) => ({ kind: 'request', id, method, params: examples[method] })),
        ),
      },
      { weight: 1, arbitrary: randomPayload },
    );

    let nextId = 0;
    const property = fc.asyncProperty(messages, async (message) => {
      if (!v.is(PortRequestSchema, message)) {
        page.fromPage(message); // dropped with a warning; a throw here fails the case
        if (stray.length > 0) throw new Error(stray.splice(0).join('; '));
        return;
      }
      // Our own id, so an answer is matched to this request (the page's ids are its own business).
      const id = nextId++;
      const answered = new Promise<unknown>((resolve) => waiting.set(id, resolve));
      page.fromPage({ ...message, id });
      const result = await within(answered, 30_000, 'timeout');
      waiting.delete(id);
      if (result === 'timeout') throw new Error(`${message.method}: no answer within 30 s`);
      const parsed = v.safeParse(ResultShape, result);
      if (!parsed.success) throw new Error(`${message.method}: the answer is not a Result`);
      if (!parsed.output.ok && parsed.output.error.code === ErrorCode.Internal)
        throw new Error(`${message.method}: the engine failed on this input: ${parsed.output.error.message}`);
      // A page may lock the engine; unlock again so that later cases reach the methods behind the lock.
      if ((await engine.getState({})).vault === 'locked') await engine.unlock({ passphrase: PASSPHRASE });
      fakes.forget();
      const problems = [...watch.drain(), ...quiet.drainErrors(), ...stray.splice(0)];
      if (problems.length > 0) throw new Error(problems.join('\n'));
    });
    const report = await runProperty('port: messages to the engine', property, { numRuns, seed });
    await engine.lock({});
    return [senders, report];
  } finally {
    quiet.restore();
    watch.stop();
  }
}
