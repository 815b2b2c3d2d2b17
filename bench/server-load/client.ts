/**
 * One client process of the load bench (forked by bench/server-load.ts, so the clients do not share the
 * measuring event loop, and spread over the cores). It plays its share of the users, each on its own Socket.IO
 * connection (WebSocket transport only), and does what the parent says:
 * - ramp: bring every user up, `concurrency` at a time. On our server: connect, session:challenge, session:start
 *   (signed with node:crypto), presence:watch with the user's tokens, visible. On the bare one: connect, the
 *   tokens in the handshake.
 * - throughout: count presence events per user; answer a contact's `presence:online` with `presence:here`, as the
 *   engine does; acknowledge each `mail:new`.
 * - mail: `mail:send` at a steady rate between contacts who both live in this process (so send and push are
 *   timed on one clock), until every push arrived or MAIL_DRAIN_MS passed.
 * - report: presence events per user, and what went wrong.
 */
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { encodeBytes } from '../../shared/crypto/identity';
import type { Result } from '../../shared/errors';
import type { SealedMessage } from '../../shared/protocol/envelope';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/socket';
import {
  count,
  type ChildMessage,
  type ClientPlan,
  type ParentMessage,
  type PlannedClient,
  type Tally,
} from './messages';
import { createNativeIdentity, signSession, type NativeIdentity } from './native-identity';

/** How long one request (or the connection) may take before the user counts as failed. */
const REQUEST_TIMEOUT_MS = 60_000;
/** After the last mail:send is answered, how long pushes still on their way are waited for. */
const MAIL_DRAIN_MS = 5_000;

type LoadSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

interface User {
  readonly plan: PlannedClient;
  readonly tokens: ReadonlySet<string>;
  readonly identity: NativeIdentity;
  socket?: LoadSocket;
  /** Up now: signed in and watching (ours) or connected (bare). */
  ready: boolean;
  /** Was up at some point: its presence events count. */
  cameUp: boolean;
  presenceEvents: number;
}

/** A step of bringing a user up that did not work, named for the tally. */
class StepFailure extends Error {}

let plan: ClientPlan | undefined;
let users: User[] = [];
let stopping = false;
let foreignEvents = 0;
const hereFailures: Tally = {};
const disconnects: Tally = {};
/** Mail sent and not yet pushed, by message id: when it was sent (performance.now()). */
const unpushed = new Map<string, number>();
const pushLatencies: number[] = [];

// What a short text looks like sealed: the server only checks its shape and stores it.
const sealed: SealedMessage = {
  v: 1,
  session: encodeBytes(randomBytes(32)),
  envelope: {
    v: 1,
    header: { dh: encodeBytes(randomBytes(32)), pn: 0, n: 0 },
    ciphertext: encodeBytes(randomBytes(160)),
  },
};

const send = (message: ChildMessage): void => {
  process.send?.(message);
};
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function open(current: ClientPlan, user: User): LoadSocket {
  const socket: LoadSocket = io(current.url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: REQUEST_TIMEOUT_MS,
    ...(current.kind === 'bare' && { auth: { userId: user.identity.userId, tokens: user.plan.tokens } }),
  });
  socket.on('presence:online', ({ token, reply }) => {
    user.presenceEvents += 1;
    if (!user.tokens.has(token)) foreignEvents += 1;
    if (reply) return;
    socket.emit('presence:here', { token }, (answer) => {
      if (!answer.ok) count(hereFailures, answer.error.code);
    });
  });
  socket.on('presence:offline', ({ token }) => {
    user.presenceEvents += 1;
    if (!user.tokens.has(token)) foreignEvents += 1;
  });
  socket.on('mail:new', ({ id, mailId }) => {
    const sentAt = unpushed.get(id);
    if (sentAt !== undefined) {
      pushLatencies.push(performance.now() - sentAt);
      unpushed.delete(id);
    }
    socket.emit('mail:ack', { mailIds: [mailId] }, () => undefined);
  });
  socket.on('disconnect', (reason) => {
    if (user.ready && !stopping) count(disconnects, reason);
    user.ready = false;
  });
  return socket;
}

function connected(socket: LoadSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (error) => reject(new StepFailure(`connect: ${error.message}`)));
  });
}

/**
 * A request's answer; its error code, or no answer within REQUEST_TIMEOUT_MS, as a StepFailure named after the
 * step. (An acknowledgement never comes once its socket is gone; socket.timeout() would type the answer as any.)
 */
async function request<T>(step: string, answer: Promise<Result<T>>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StepFailure(`${step} timed out`)), REQUEST_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([answer, timedOut]);
    if (!result.ok) throw new StepFailure(`${step} ${result.error.code}`);
    return result.data;
  } finally {
    clearTimeout(timer);
  }
}

async function bringUp(current: ClientPlan, user: User): Promise<void> {
  const socket = open(current, user);
  user.socket = socket;
  await connected(socket);
  if (current.kind === 'ours') {
    const { challenge } = await request('session:challenge', socket.emitWithAck('session:challenge', {}));
    const origin = new URL(current.url).origin;
    const name = user.plan.name;
    await request(
      'session:start',
      socket.emitWithAck('session:start', {
        identity: user.identity.identity,
        origin,
        name,
        challenge,
        signature: signSession(user.identity, { origin, challenge, name }),
      }),
    );
    await request(
      'presence:watch',
      socket.emitWithAck('presence:watch', { tokens: [...user.plan.tokens], visible: true }),
    );
  }
  user.ready = true;
  user.cameUp = true;
}

async function ramp(current: ClientPlan): Promise<ChildMessage> {
  const failures: Tally = {};
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let user = users[next++]; user; user = users[next++]) {
      const start = performance.now();
      try {
        await bringUp(current, user);
        latencies.push(performance.now() - start);
      } catch (error) {
        count(failures, error instanceof StepFailure ? error.message : String(error));
        user.socket?.close();
      }
    }
  };
  await Promise.all(Array.from({ length: current.concurrency }, worker));
  return { kind: 'ramped', ready: latencies.length, failures, latencies };
}

async function mail(current: ClientPlan, perSecond: number, seconds: number): Promise<ChildMessage> {
  const failures: Tally = {};
  const pairs = current.mailPairs.filter(([a, b]) => users[a]?.ready && users[b]?.ready);
  const answers: Promise<void>[] = [];
  const start = performance.now();
  const total = pairs.length === 0 ? 0 : Math.round(perSecond * seconds);
  for (let index = 0; index < total; index++) {
    await delay(start + (index * 1000) / perSecond - performance.now());
    const pair = pairs[Math.floor(Math.random() * pairs.length)] ?? [0, 0];
    const [from, to] = (Math.random() < 0.5 ? pair : [pair[1], pair[0]]).map((at) => users[at]);
    const socket = from?.socket;
    if (!socket || !to?.ready) {
      count(failures, 'sender or recipient gone');
      continue;
    }
    const id = randomBytes(16).toString('hex');
    unpushed.set(id, performance.now());
    const answer = socket.emitWithAck('mail:send', { to: to.identity.userId, id, message: sealed });
    answers.push(
      request('mail:send', answer).then(
        () => undefined,
        (error: unknown) => {
          unpushed.delete(id);
          count(failures, error instanceof StepFailure ? error.message : String(error));
        },
      ),
    );
  }
  await Promise.all(answers);
  const until = performance.now() + MAIL_DRAIN_MS;
  while (unpushed.size > 0 && performance.now() < until) await delay(50);
  if (unpushed.size > 0) count(failures, 'accepted, never pushed', unpushed.size);
  unpushed.clear();
  return { kind: 'mailed', sent: total, latencies: pushLatencies.splice(0), failures };
}

function report(): ChildMessage {
  return {
    kind: 'report',
    presenceEvents: users.filter((user) => user.cameUp).map((user) => user.presenceEvents),
    foreignEvents,
    hereFailures,
    disconnects,
  };
}

async function handle(message: ParentMessage): Promise<void> {
  if (message.kind === 'plan') {
    plan = message.plan;
    users = plan.clients.map((planned) => ({
      plan: planned,
      tokens: new Set(planned.tokens),
      identity: createNativeIdentity(),
      ready: false,
      cameUp: false,
      presenceEvents: 0,
    }));
    return send({ kind: 'prepared' });
  }
  if (!plan) throw new Error(`server-load client: "${message.kind}" before the plan`);
  if (message.kind === 'ramp') return send(await ramp(plan));
  if (message.kind === 'mail') return send(await mail(plan, message.perSecond, message.seconds));
  stopping = true;
  send(report());
}

// The parent is the only sender on this channel: its messages are ParentMessages by construction.
process.on('message', (message: ParentMessage) => {
  handle(message).catch((error: unknown) => {
    console.error('server-load client:', error);
    process.exit(1);
  });
});
// Whatever happens to the parent, no client outlives it.
process.on('disconnect', () => process.exit(0));
send({ kind: 'started' });
