/**
 * The real server over real sockets on 127.0.0.1: every request event with hostile and mutated payloads, signed in
 * and not; raw engine.io frames (event names that are not strings, broken packets); PeerJS frames on an accepted
 * socket, and on sockets the server refuses. After every batch a canary (a normal client) must be answered, and
 * the process must have had no uncaught exception, no unhandled rejection and no error logged.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { ErrorCode } from '../../../shared/errors';
import {
  isRequestEvent,
  requestSchemas,
  type RequestEvent,
  type SessionStarted,
} from '../../../shared/protocol/socket';
import { signIn } from '../../support/identity';
import { openPeerjsSocket, type PeerjsSocket } from '../../support/peerjs-socket';
import { connect, startTestServer, type TestClient, type TestServer } from '../../support/server';
import { hostileString, hostileValue, mutated, payloadFor, randomPayload, toJson } from '../arbitraries';
import { watchCrashes, type CrashWatch } from '../crashes';
import { anyContext, createEntry, peerjsExamples, socketExamples, type ExampleContext } from '../examples';
import { createIdentityKeys, type IdentityKeys } from '../../../extension/lib/crypto/identity';
import { randomBytes } from 'node:crypto';
import { encodeBytes } from '../../../shared/crypto/identity';
import { randomId } from '../../../shared/ids';
import { runProperty, type TargetReport } from '../report';
import { delay, openRawSocketIo, sendOnRefusedPeerjs, within, type RawSocketIo } from '../sockets';

export interface ServerFuzzOptions {
  readonly seed: number;
  /** Cases per sub-target. */
  readonly events: number;
  readonly rawFrames: number;
  readonly peerjsFrames: number;
  readonly refusedPeerjs: number;
  /** Cases between two canaries. */
  readonly batch: number;
  /** Called as each sub-target ends (a long run shows its progress). */
  readonly onReport?: (report: TargetReport) => void;
}

/** Clients per pool; each is paced under the per-connection rate limit, so payloads reach validation. */
const POOL_SIZE = 6;
/** Least time between two requests on one connection, in ms (the limit is MAX_SOCKET_EVENTS_PER_SECOND). */
const PACE_MS = 8;
const ANSWER_TIMEOUT_MS = 10_000;

// The typed client would not let us send these; the untyped view is the point.
const raw = (socket: TestClient) =>
  socket as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
    emit(event: string, ...args: unknown[]): void;
  };

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

/** What is wrong with an answer, if anything: it must be a Result, and not the server's own failure. */
function badAnswer(event: string, answer: unknown): string | undefined {
  const result = v.safeParse(ResultShape, answer);
  if (!result.success) return `${event}: the answer is not a Result: ${toJson(answer).slice(0, 300)}`;
  if (!result.output.ok && result.output.error.code === ErrorCode.Internal)
    return `${event}: the server failed on this input: ${result.output.error.message}`;
  return undefined;
}

/** Resolves on the next `event` of `socket`; `cancel` removes the listener (a long run would pile them up). */
function once(socket: TestClient, event: string): { promise: Promise<unknown>; cancel(): void } {
  let listener: (value: unknown) => void = () => undefined;
  const promise = new Promise<unknown>((resolve) => (listener = resolve));
  const target = socket as unknown as {
    once(event: string, listener: (value: unknown) => void): void;
    off(event: string, listener: (value: unknown) => void): void;
  };
  target.once(event, listener);
  return { promise, cancel: () => target.off(event, listener) };
}

interface Slot {
  socket: TestClient;
  keys: IdentityKeys;
  started?: SessionStarted;
  last: number;
}

/** Connections used in turn, each paced; one the server cut is replaced (signed in again for a signed pool). */
class Pool {
  private turn = 0;
  private constructor(
    private readonly server: TestServer,
    private readonly slots: Slot[],
    private readonly signed: boolean,
  ) {}

  static async open(server: TestServer, size: number, signed: boolean): Promise<Pool> {
    const pool = new Pool(server, [], signed);
    for (let i = 0; i < size; i++) pool.slots.push(await pool.fresh());
    return pool;
  }

  private async fresh(): Promise<Slot> {
    const socket = await connect(this.server.url);
    const keys = createIdentityKeys();
    if (!this.signed) return { socket, keys, last: 0 };
    const started = await signIn(socket, `Fuzz ${Math.random().toString(36).slice(2, 10)}`, keys);
    if (!started.ok) throw new Error(`fuzz: could not sign in: ${started.error.message}`);
    return { socket, keys, started: started.data, last: 0 };
  }

  at(index: number): Slot {
    const slot = this.slots[index];
    if (!slot) throw new Error(`fuzz: no slot ${index}`);
    return slot;
  }

  async take(): Promise<TestClient> {
    const index = this.turn++ % this.slots.length;
    let slot = this.at(index);
    if (!slot.socket.connected) {
      slot.socket.close();
      slot = this.slots[index] = await this.fresh();
    }
    const wait = slot.last + PACE_MS - Date.now();
    if (wait > 0) await delay(wait);
    slot.last = Date.now();
    return slot.socket;
  }

  close(): void {
    for (const slot of this.slots) slot.socket.close();
  }
}

/** A normal client is still answered; nothing crashed and nothing was logged as an error. */
async function canary(server: TestServer, watch: CrashWatch): Promise<string | undefined> {
  const crashes = watch.drain();
  if (crashes.length > 0) return `the process crashed: ${crashes.join('\n')}`;
  const errors = server.logs.filter((line) => /"level":(5\d|60)/.test(line));
  server.logs.length = 0;
  if (errors.length > 0) return `the server logged errors: ${errors.slice(0, 3).join('')}`;
  const socket = await within(connect(server.url), 5_000, undefined).catch(() => undefined);
  if (!socket) return 'canary: a normal client could not connect';
  try {
    const answer = await within(socket.emitWithAck('session:challenge', {}), 5_000, undefined);
    if (!answer?.ok) return `canary: a normal client got no challenge (${JSON.stringify(answer)})`;
  } finally {
    socket.close();
  }
  const health = await fetch(`${server.url}/health`).catch(() => undefined);
  return health?.status === 200 ? undefined : `canary: /health answered ${health?.status}`;
}

/**
 * Runs `body` on each of `sweep` in turn, then on `numRuns` random cases, with the canary after every `batch`
 * cases and once at the end.
 */
async function fuzzOverSockets<T>(
  target: string,
  server: TestServer,
  watch: CrashWatch,
  {
    numRuns,
    seed,
    batch,
    sweep = [],
  }: { numRuns: number; seed: number; batch: number; sweep?: readonly T[] },
  cases: fc.Arbitrary<T>,
  body: (input: T) => Promise<string | undefined>,
): Promise<TargetReport> {
  let count = 0;
  const checked = async (input: T) => {
    if (process.env.FUZZ_DEBUG) process.stderr.write(`${target} ${count} ${toJson(input).slice(0, 200)}\n`);
    const problem = await body(input);
    if (problem) throw new Error(problem);
    if (++count % batch === 0) {
      const sick = await canary(server, watch);
      if (sick) throw new Error(sick);
    }
  };
  for (const input of sweep) {
    try {
      await checked(input);
    } catch (error) {
      const failure = `${target}: ${error instanceof Error ? error.message : String(error)}\n  input: ${JSON.stringify(input)}`;
      return { target, cases: count, failures: [failure] };
    }
  }
  const report = await runProperty(target, fc.asyncProperty(cases, checked), { numRuns, seed });
  const sick = report.failures.length === 0 ? await canary(server, watch) : undefined;
  return {
    target,
    cases: sweep.length + report.cases,
    failures: sick ? [`${target}: after the last case: ${sick}`] : report.failures,
  };
}

/** Frames no Socket.IO client sends: non-string event names, unknown packet types, broken JSON, stray acks. */
const RAW_FRAMES = [
  '42',
  '421',
  '42[0]',
  '42[1,{}]',
  '42[null]',
  '42[true]',
  '42[[]]',
  '42[{}]',
  '42[]',
  '42{}',
  '42"x"',
  '42[',
  '42["__proto__",{}]',
  '42["constructor",{}]',
  '42["toString",{}]',
  '42["hasOwnProperty",{}]',
  '420["session:challenge"]',
  '42-1["session:challenge",{}]',
  '4299999999999999999999["session:challenge",{}]',
  '451-["session:challenge",{"_placeholder":true,"num":0}]',
  '43',
  '431[]',
  '44',
  '44{}',
  '41',
  '40',
  '40{"token":1}',
  '4/admin,',
  '4/admin,42["x"]',
  '46',
  '47',
  '4',
  '0',
  '1',
  '2',
  '3',
  '5',
  '6',
  '9',
  '',
  'x',
];

export async function fuzzServer(options: ServerFuzzOptions): Promise<TargetReport[]> {
  const watch = watchCrashes();
  const server = await startTestServer({ logLevel: 'error' });
  const signed = await Pool.open(server, POOL_SIZE, true);
  const anonymous = await Pool.open(server, POOL_SIZE, false);
  const peers = [signed.at(0), signed.at(1)].map((slot) => slot.started);
  const [sender, receiver] = peers;
  if (!sender || !receiver) throw new Error('fuzz: no signed-in users');
  const { keys } = signed.at(0);
  const roomId = `r${randomId()}`;
  await signed.at(0).socket.emitWithAck('room:create', { roomId, entry: createEntry(keys, roomId) });
  // The first two signed-in users are contacts (one presence token), so presence and signaling go through.
  const token = await sharedToken(signed.at(0).socket, signed.at(1).socket);
  // Room entries in the examples are signed by the user of the first signed-in connection.
  const ctx: ExampleContext = { peer: receiver.self.userId, roomId, token, keys };
  const reports: TargetReport[] = [];
  const done = (report: TargetReport) => {
    reports.push(report);
    options.onReport?.(report);
  };
  try {
    done(await fuzzEvents(server, watch, ctx, signed, anonymous, options));
    done(await fuzzRawFrames(server, watch, options));
    done(await fuzzPeerjs(server, watch, options));
    done(await fuzzRefusedPeerjs(server, watch, sender, options));
  } finally {
    signed.close();
    anonymous.close();
    await server.close();
    watch.stop();
  }
  return reports;
}

function fuzzEvents(
  server: TestServer,
  watch: CrashWatch,
  ctx: ExampleContext,
  signed: Pool,
  anonymous: Pool,
  { seed, events, batch }: ServerFuzzOptions,
): Promise<TargetReport> {
  const examples: Partial<Record<string, unknown>> = socketExamples(ctx);
  const names = Object.keys(requestSchemas) as RequestEvent[];
  const cases = fc
    .record({
      signedIn: fc.boolean(),
      ack: fc.oneof(
        { weight: 19, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      event: fc.oneof(
        { weight: 19, arbitrary: fc.constantFrom<string>(...names) },
        { weight: 1, arbitrary: hostileString.map((name) => name.slice(0, 80)) },
      ),
    })
    .chain((c) =>
      fc.tuple(fc.constant(c), payloadFor(examples[c.event] === undefined ? [] : [examples[c.event]])),
    );

  const body = async ([{ signedIn, ack, event }, payload]: [
    { signedIn: boolean; ack: boolean; event: string },
    unknown,
  ]) => {
    const socket = await (signedIn ? signed : anonymous).take();
    const gone = once(socket, 'disconnect');
    try {
      if (ack && isRequestEvent(event)) {
        const answer = await within(
          Promise.race([
            // The client rejects a pending request when its connection drops.
            raw(socket)
              .emitWithAck(event, payload)
              .catch(() => 'disconnected'),
            gone.promise.then(() => 'disconnected'),
          ]),
          ANSWER_TIMEOUT_MS,
          'timeout',
        );
        // The server may cut a connection (a packet over its size limit): allowed, the pool reconnects.
        if (answer === 'disconnected') return undefined;
        if (answer === 'timeout') return `${event}: no answer within ${ANSWER_TIMEOUT_MS} ms`;
        return badAnswer(event, answer);
      }
      const refused = once(socket, 'protocol:error');
      try {
        raw(socket).emit(event, payload);
      } catch {
        refused.cancel();
        return undefined; // a name the client itself reserves ("connect"): not sent
      }
      const answer = await within(
        Promise.race([refused.promise, gone.promise.then(() => 'disconnected')]),
        ANSWER_TIMEOUT_MS,
        'timeout',
      );
      refused.cancel();
      return answer === 'timeout' ? `${event}: no protocol:error within ${ANSWER_TIMEOUT_MS} ms` : undefined;
    } finally {
      gone.cancel();
    }
  };
  return fuzzOverSockets(
    'server: socket events',
    server,
    watch,
    { numRuns: events, seed, batch },
    cases,
    body,
  );
}

function fuzzRawFrames(
  server: TestServer,
  watch: CrashWatch,
  { seed, rawFrames, batch }: ServerFuzzOptions,
): Promise<TargetReport> {
  const names = Object.keys(requestSchemas);
  const frames: fc.Arbitrary<string | Buffer> = fc.oneof(
    fc.constantFrom(...RAW_FRAMES),
    fc
      .tuple(
        fc.option(fc.nat(), { nil: undefined }),
        fc.oneof(fc.constantFrom<unknown>(...names), hostileValue),
        fc.array(randomPayload, { maxLength: 3 }),
      )
      .map(([ack, event, args]) => `42${ack ?? ''}${toJson([event, ...args])}`),
    fc.tuple(fc.nat({ max: 9 }), hostileString).map(([type, text]) => `${type}${text}`),
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  );
  const pool: (RawSocketIo | undefined)[] = Array.from({ length: POOL_SIZE });
  const last = new Array<number>(POOL_SIZE).fill(0);
  let turn = 0;
  const body = async (frame: string | Buffer) => {
    const index = turn++ % POOL_SIZE;
    let conn = pool[index];
    if (!conn?.isOpen()) conn = pool[index] = await openRawSocketIo(server.url);
    const wait = (last[index] ?? 0) + 2 * PACE_MS - Date.now(); // two events a case: the frame and the probe
    if (wait > 0) await delay(wait);
    last[index] = Date.now();
    conn.ws.send(frame, { binary: Buffer.isBuffer(frame) });
    // Answered, or the connection closed: both fine. Silent and open (e.g. waiting for an attachment): drop it.
    if (!(await conn.probe(2_000)) && conn.isOpen()) conn.ws.terminate();
    return undefined;
  };
  const options = { numRuns: rawFrames, seed, batch, sweep: RAW_FRAMES };
  return fuzzOverSockets('server: raw engine.io frames', server, watch, options, frames, body).finally(() => {
    for (const conn of pool) conn?.ws.terminate();
  });
}

/** A frame as sent: text (maybe not valid UTF-8) or binary. */
interface WireFrame {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

const text = (data: string | Buffer): WireFrame => ({ data, binary: false });

/** Frames over the PeerJS limits: too large, not UTF-8. */
const OVERSIZED_OR_BROKEN: fc.Arbitrary<WireFrame> = fc.oneof(
  fc.integer({ min: 64 * 1024 + 1, max: 200 * 1024 }).map((size) => text('x'.repeat(size))),
  fc.uint8Array({ minLength: 1, maxLength: 32 }).map((bytes) => text(Buffer.from([0xff, 0xfe, ...bytes]))),
  fc.constant(text(Buffer.from([0xc3, 0x28]))),
  fc.constant(text(Buffer.from([0xed, 0xa0, 0x80]))), // an encoded lone surrogate
);

/** Frames every PeerJS run sends first: over 64 KiB, not UTF-8, binary. */
const PEERJS_SWEEP: readonly WireFrame[] = [
  text('x'.repeat(64 * 1024 + 1)),
  text(Buffer.from([0xff, 0xfe, 0xfd])),
  text(Buffer.from([0xed, 0xa0, 0x80])),
  { data: Buffer.from('{"type":"HEARTBEAT"}'), binary: true },
  text('{"type":"OFFER","dst":"__proto__","payload":{"serialization":"constructor"}}'),
];

/** Makes the users of these sockets contacts: both present one new presence token; resolves it. */
async function sharedToken(...sockets: TestClient[]): Promise<string> {
  const token = encodeBytes(randomBytes(32));
  for (const socket of sockets) {
    const watched = await socket.emitWithAck('presence:watch', { tokens: [token], visible: true });
    if (!watched.ok) throw new Error(`fuzz: could not present a token: ${watched.error.message}`);
  }
  return token;
}

interface PeerUser {
  readonly socket: TestClient;
  readonly started: SessionStarted;
}

/** A user signed in on a connection of its own, for its PeerJS ticket. */
async function peerUser(server: TestServer): Promise<PeerUser> {
  const socket = await connect(server.url);
  const started = await within(signIn(socket, `Peer ${randomId().slice(0, 8)}`), 10_000, undefined);
  if (!started?.ok) throw new Error(`fuzz: could not sign in: ${started?.error.message ?? 'no answer'}`);
  return { socket, started: started.data };
}

async function fuzzPeerjs(
  server: TestServer,
  watch: CrashWatch,
  { seed, peerjsFrames, batch }: ServerFuzzOptions,
): Promise<TargetReport> {
  const users = { sender: await peerUser(server), receiver: await peerUser(server) };
  // Contacts, so that relayed frames are relayed (and a user signed in again presents the same token).
  const token = await sharedToken(users.sender.socket, users.receiver.socket);
  const ctx = { ...anyContext(), peer: users.receiver.started.self.userId, token };
  const examples = Object.values(peerjsExamples(ctx));
  const json = (value: unknown) => text(toJson(value));
  const frames: fc.Arbitrary<WireFrame> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(...examples)
        .chain(mutated)
        .map(json),
    },
    { weight: 3, arbitrary: randomPayload.map(json) },
    { weight: 1, arbitrary: hostileString.map(text) },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 64 })
        .map((bytes) => ({ data: Buffer.from(bytes), binary: true })),
    },
    { weight: 1, arbitrary: OVERSIZED_OR_BROKEN },
  );
  let socket: PeerjsSocket | undefined;
  let receiver: PeerjsSocket | undefined;

  /** Opens the user's PeerJS socket; signs them in again (a new ticket) if the server will not take the one held. */
  async function open(role: keyof typeof users): Promise<PeerjsSocket> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { peerId, ticket } = users[role].started.peer;
      const opened = await within(openPeerjsSocket(server.url, peerId, ticket), 5_000, undefined).catch(
        () => undefined,
      );
      opened?.ws.on('error', () => undefined);
      const first = opened && (await within(opened.nextFrame(), 5_000, undefined));
      if (opened && first?.type === 'OPEN') return opened;
      opened?.ws.terminate();
      users[role].socket.close();
      users[role] = await peerUser(server);
      await users[role].socket.emitWithAck('presence:watch', { tokens: [token], visible: true });
    }
    throw new Error('fuzz: the server did not open a PeerJS socket for a user just signed in');
  }

  const body = async (frame: WireFrame) => {
    if (!receiver || receiver.ws.readyState !== receiver.ws.OPEN) {
      receiver = await open('receiver');
      receiver.ws.removeAllListeners('message'); // relayed frames are read and dropped, not kept
      receiver.ws.on('message', () => undefined);
    }
    if (!socket || socket.ws.readyState !== socket.ws.OPEN) socket = await open('sender');
    socket.ws.send(frame.data, { binary: frame.binary });
    // Refused frames close the socket; give the server a moment (pacing only, nothing is asserted on time).
    await within(socket.closed, 3, undefined);
    return undefined;
  };
  const options = { numRuns: peerjsFrames, seed, batch, sweep: PEERJS_SWEEP };
  return fuzzOverSockets('server: PeerJS frames', server, watch, options, frames, body).finally(() => {
    socket?.ws.terminate();
    receiver?.ws.terminate();
    users.sender.socket.close();
    users.receiver.socket.close();
  });
}

function fuzzRefusedPeerjs(
  server: TestServer,
  watch: CrashWatch,
  user: SessionStarted,
  { seed, refusedPeerjs, batch }: ServerFuzzOptions,
): Promise<TargetReport> {
  const { peerId, ticket } = user.peer;
  const queries = [
    `key=wrong&id=${peerId}&token=${ticket}`,
    `key=peerjs&id=${peerId}&token=1.bad`,
    `key=peerjs&id=NOT-HEX&token=`,
    '',
  ];
  const cases = fc.record({
    query: fc.constantFrom(...queries),
    frame: fc.oneof(
      OVERSIZED_OR_BROKEN,
      randomPayload.map((value) => text(toJson(value))),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ data: Buffer.from(bytes), binary: true })),
    ),
  });
  const body = async ({ query, frame }: { query: string; frame: WireFrame }) => {
    await sendOnRefusedPeerjs(server.url, query, frame.data, frame.binary);
    return undefined;
  };
  // Each way of being refused, with each frame over the limits (the crash of finding 2).
  const sweep = queries.flatMap((query) => PEERJS_SWEEP.map((frame) => ({ query, frame })));
  const options = { numRuns: refusedPeerjs, seed, batch, sweep };
  return fuzzOverSockets('server: refused PeerJS sockets', server, watch, options, cases, body);
}
