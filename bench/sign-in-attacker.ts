/**
 * One attacking process of bench/sign-in-under-attack.ts (run as its child, so the attack does not share the
 * measuring event loop). ATTACK_SOCKETS sockets to ATTACK_URL (127.0.0.1 only) each hammer sign-in as fast as the
 * server answers, reconnecting whenever they are dropped:
 * - forged: a valid public identity (its exchange key signature checks out) answering each challenge with a
 *   random signature: no account needed, and the server verifies two signatures before refusing;
 * - throwaway: properly signed sign-ins, each with a fresh identity and name (an account costs nothing).
 * Counts from the parent's "measure" message; on "stop" (or after ATTACK_MAX_SECONDS) sends back what the server
 * answered since then.
 */
import { randomBytes } from 'node:crypto';
import { CHALLENGE_LENGTH, encodeBytes, SIGNATURE_LENGTH } from '../shared/crypto/identity';
import type { SessionStart } from '../shared/protocol/socket';
import { signIn } from '../tests/support/identity';
import type { TestClient } from '../tests/support/server';
import { ATTACKER_ADDRESS, count, delay, openSocket, whileOpen, type Tally } from './sign-in-sockets';

export type AttackVariant = 'forged' | 'throwaway';

/** What a child process sends its parent. */
export type AttackerMessage =
  | { readonly kind: 'started' }
  | {
      readonly kind: 'tally';
      readonly answers: Tally;
      readonly connections: number;
      readonly seconds: number;
    };

const MAX_ATTEMPTS_PER_SOCKET = 100_000; // a bound on the work, should the parent never say stop
const RECONNECT_PAUSE_MS = 100; // after a failed connect, so a refusing server is not spun against

const url = process.env.ATTACK_URL ?? '';
const sockets = Number(process.env.ATTACK_SOCKETS);
const variant = process.env.ATTACK_VARIANT;
const maxSeconds = Number(process.env.ATTACK_MAX_SECONDS ?? 300);
if (
  !/^http:\/\/127\.0\.0\.1:\d+$/.test(url) ||
  !(sockets > 0) ||
  (variant !== 'forged' && variant !== 'throwaway')
) {
  throw new Error(
    'sign-in-attacker: set ATTACK_URL=http://127.0.0.1:<port>, ATTACK_SOCKETS>0, ATTACK_VARIANT=forged|throwaway',
  );
}

let answers: Tally = {};
let connections = 0;
let stopped = false;
let measuredFrom = Date.now();
let firstAttempts = 0; // sockets that have tried to connect once: when all have, the attack is under way

/**
 * What signIn sends as `session:start` for a valid identity, taken instead of sent: the answer's shape as this
 * version of the protocol has it, without the bench spelling out the statement the signature covers.
 */
async function answerTemplate(name: string): Promise<SessionStart> {
  let taken: SessionStart | undefined;
  const challenge = encodeBytes(randomBytes(CHALLENGE_LENGTH));
  // signIn only calls emitWithAck (and reads io.uri for the origin), so this is all of a socket it touches.
  const taker = {
    io: { uri: url },
    emitWithAck: (event: string, payload: SessionStart) => {
      if (event === 'session:start') taken = payload;
      return Promise.resolve(event === 'session:start' ? { ok: false } : { ok: true, data: { challenge } });
    },
  } as unknown as TestClient;
  await signIn(taker, name);
  if (!taken) throw new Error('sign-in-attacker: signIn sent no session:start');
  return taken;
}

/** A forged answer to each challenge, on the same connection until the server drops it. */
async function forge(socket: TestClient, template: SessionStart): Promise<void> {
  while (socket.connected && !stopped) {
    const challenge = await whileOpen(socket, socket.emitWithAck('session:challenge', {}));
    if (!challenge) return;
    if (!challenge.ok) {
      count(answers, challenge.error.code);
      continue;
    }
    // The right identity, server and name: only the signature check catches it.
    const forged = {
      ...template,
      challenge: challenge.data.challenge,
      signature: encodeBytes(randomBytes(SIGNATURE_LENGTH)),
    };
    const answer = await whileOpen(socket, socket.emitWithAck('session:start', forged));
    if (!answer) return;
    count(answers, answer.ok ? 'accepted' : answer.error.code);
  }
}

/** One real sign-in with a new identity; a socket holds one session, so the next one needs a new connection. */
async function throwAway(socket: TestClient, index: number, attempt: number): Promise<void> {
  const result = await whileOpen(socket, signIn(socket, `throwaway-${process.pid}-${index}-${attempt}`));
  if (result) count(answers, result.ok ? 'accepted' : result.error.code);
}

async function hammer(index: number): Promise<void> {
  const template = variant === 'forged' ? await answerTemplate(`forger-${process.pid}-${index}`) : undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS_PER_SOCKET && !stopped; attempt++) {
    let socket: TestClient;
    try {
      socket = await openSocket(url, ATTACKER_ADDRESS);
    } catch {
      count(answers, 'connect-failed');
      if (attempt === 0) attempted();
      await delay(RECONNECT_PAUSE_MS);
      continue;
    }
    connections++;
    if (attempt === 0) attempted();
    try {
      if (template) await forge(socket, template);
      else await throwAway(socket, index, attempt);
    } finally {
      socket.close();
    }
  }
}

function attempted(): void {
  firstAttempts++;
  const started: AttackerMessage = { kind: 'started' };
  if (firstAttempts === sockets) process.send?.(started);
}

function finish(): void {
  stopped = true;
  const message: AttackerMessage = {
    kind: 'tally',
    answers,
    connections,
    seconds: (Date.now() - measuredFrom) / 1000,
  };
  process.send?.(message, () => process.exit(0));
  if (!process.send) process.exit(0);
}

process.on('message', (message) => {
  if (message === 'measure') {
    answers = {};
    connections = 0;
    measuredFrom = Date.now();
  }
  if (message === 'stop') finish();
});
process.on('disconnect', () => process.exit(0)); // the parent is gone
setTimeout(finish, maxSeconds * 1000);
for (let index = 0; index < sockets; index++) {
  hammer(index).catch((error: unknown) => console.error('sign-in-attacker: a socket stopped:', error));
}
