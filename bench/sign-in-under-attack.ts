/**
 * `npm run bench` (third part): sign-in and a legitimate round trip while other sockets hammer sign-in.
 *
 * Each level gets its own signal server process on 127.0.0.1 (a fresh DATA_DIR) and its own attacker processes
 * (bench/sign-in-attacker.ts), with 0 (the baseline), 8 or 32 attacking sockets in two variants: forged answers
 * (no account needed) and real sign-ins with throwaway identities. Meanwhile a legitimate user
 * - signs in again and again, each time on a fresh connection (sign-ins per second it achieves), from
 *   SIGN_IN_ADDRESSES in turn: the server bounds how fast one address opens connections
 *   (NEW_CONNECTIONS_PER_IP_PER_SECOND), and this loop measures the server, not that bound; and
 * - on a signed-in connection asks for `ice:servers` every ROUND_TRIP_INTERVAL_MS (its round trip).
 * The servers run with their default limits: the throwaway attackers, all from one address, get a few new
 * identities and then `rate-limited` (NEW_IDENTITIES_PER_IP_PER_HOUR); the forged ones are disconnected after each
 * failed answer and, once their address has failed FAILED_SIGN_INS_PER_IP_PER_MINUTE times, refused with
 * `rate-limited` before any verification; reconnections past the opening rate are refused at the door (counted
 * as connect-failed). The user's identities are new only once per server.
 * Prints one line per level, and ratios to the baseline; asserts nothing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIdentityKeys } from '../extension/lib/crypto/identity';
import { signIn } from '../tests/support/identity';
import { startServerProcess } from '../tests/support/server-process';
import type { TestClient } from '../tests/support/server';
import { summary } from './engine-round-trips';
import type { AttackerMessage, AttackVariant } from './sign-in-attacker';
import {
  add,
  ATTACKER_ADDRESS,
  count,
  delay,
  LEGITIMATE_ADDRESS,
  openSocket,
  REQUEST_TIMEOUT_MS,
  whileOpen,
  type Tally,
} from './sign-in-sockets';

const WINDOW_MS = Number(process.env.BENCH_ATTACK_SECONDS ?? 10) * 1000; // measured, per level
const WARM_UP_MS = 1000; // from every attacking socket's first connection to the window's start
// Attacker processes, sharing a level's sockets. The throwaway variant signs with tweetnacl, so it can be the
// attackers, not the server, that run out of CPU: more processes on a machine with more cores.
const ATTACKER_PROCESSES = Number(process.env.BENCH_ATTACKER_PROCESSES ?? 2);
const ROUND_TRIP_INTERVAL_MS = 50; // a legitimate client's pace, well under the per-socket rate limit
// Where the sign-in loop comes from, in turn (documentation addresses, like LEGITIMATE_ADDRESS): 8 × the default
// 30 connections a second an address may open is more than one server process signs in.
const SIGN_IN_ADDRESSES = Array.from({ length: 8 }, (_, index) => `198.51.100.${20 + index}`);
const LEVELS: readonly { readonly sockets: number; readonly variant?: AttackVariant }[] = [
  { sockets: 0 },
  { sockets: 8, variant: 'forged' },
  { sockets: 32, variant: 'forged' },
  { sockets: 8, variant: 'throwaway' },
  { sockets: 32, variant: 'throwaway' },
];

interface Figures {
  readonly signInsPerSecond: number;
  readonly signIn: { p50: number; p95: number };
  readonly signInFailures: Tally;
  readonly roundTrips: number[];
  readonly roundTrip: { p50: number; p95: number; max: number };
  readonly roundTripFailures: Tally;
  readonly attack: { readonly answers: Tally; readonly connections: number; readonly seconds: number };
  readonly serverExited: boolean;
}

// The legitimate user: one identity per measurement, so that the sign-in loop does not take over the other's session.
const keys = { roundTrips: createIdentityKeys(), signIns: createIdentityKeys() };

/** The legitimate user's connection for round trips, signed in; undefined if that failed. */
async function signedIn(url: string, name: string, failures: Tally): Promise<TestClient | undefined> {
  let socket: TestClient;
  try {
    socket = await openSocket(url, LEGITIMATE_ADDRESS);
  } catch {
    count(failures, 'connect-failed');
    return undefined;
  }
  const result = await whileOpen(socket, signIn(socket, name, keys.roundTrips));
  if (result?.ok) return socket;
  count(failures, result ? `sign-in ${result.error.code}` : 'sign-in unanswered');
  socket.close();
  return undefined;
}

/** `ice:servers` at a steady pace until `until`; the request in flight then is waited for, since it may be slow. */
async function roundTrips(
  url: string,
  first: TestClient,
  until: number,
): Promise<{ samples: number[]; failures: Tally }> {
  const samples: number[] = [];
  const failures: Tally = {};
  let socket: TestClient | undefined = first;
  while (Date.now() < until) {
    const start = performance.now();
    socket ??= await signedIn(url, 'legit-round-trips', failures);
    if (socket) {
      const answer = await whileOpen(socket, socket.emitWithAck('ice:servers', {}));
      if (answer?.ok) samples.push(performance.now() - start);
      else count(failures, answer ? answer.error.code : 'unanswered');
      if (!socket.connected) socket = undefined;
    }
    await delay(Math.max(0, ROUND_TRIP_INTERVAL_MS - (performance.now() - start)));
  }
  socket?.close();
  return { samples, failures };
}

/** Sign-in after sign-in, each on a new connection, counting those that finish inside the window. */
async function signIns(url: string, until: number): Promise<{ samples: number[]; failures: Tally }> {
  const samples: number[] = [];
  const failures: Tally = {};
  for (let attempt = 0; Date.now() < until; attempt++) {
    const start = performance.now();
    let socket: TestClient;
    try {
      socket = await openSocket(
        url,
        SIGN_IN_ADDRESSES[attempt % SIGN_IN_ADDRESSES.length] ?? LEGITIMATE_ADDRESS,
      );
    } catch {
      count(failures, 'connect-failed');
      await delay(ROUND_TRIP_INTERVAL_MS);
      continue;
    }
    const result = await whileOpen(socket, signIn(socket, 'legit-sign-ins', keys.signIns));
    socket.close();
    if (!result?.ok) count(failures, result ? result.error.code : 'unanswered');
    else if (Date.now() <= until) samples.push(performance.now() - start);
  }
  return { samples, failures };
}

function startAttackers(url: string, sockets: number, variant: AttackVariant): ChildProcess[] {
  const processes = Math.min(ATTACKER_PROCESSES, sockets);
  return Array.from({ length: processes }, (_, index) => {
    const share = Math.floor(sockets / processes) + (index < sockets % processes ? 1 : 0);
    return fork('bench/sign-in-attacker.ts', [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        ATTACK_URL: url,
        ATTACK_SOCKETS: String(share),
        ATTACK_VARIANT: variant,
        ATTACK_MAX_SECONDS: String((WARM_UP_MS + WINDOW_MS + REQUEST_TIMEOUT_MS) / 1000 + 60),
      },
    });
  });
}

function nextMessage(child: ChildProcess, kind: AttackerMessage['kind']): Promise<AttackerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: AttackerMessage): void => {
      if (message.kind !== kind) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) =>
      reject(new Error(`sign-in-attacker exited (${String(code)}) before "${kind}"`)),
    );
  });
}

async function measure(sockets: number, variant: AttackVariant | undefined): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-sign-in-'));
  // TRUST_PROXY: attackers and the user count as the addresses they send in X-Forwarded-For (older servers ignore it).
  const server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'info', TRUST_PROXY: 'true' });
  const serverExited = (): boolean => server.child.exitCode !== null || server.child.signalCode !== null;
  const attackers: ChildProcess[] = [];
  try {
    const roundTripFailures: Tally = {};
    // Signed in before the attack starts, as a user already chatting would be.
    const roundTripSocket = await signedIn(server.url, 'legit-round-trips', roundTripFailures);
    if (!roundTripSocket) {
      throw new Error(
        `sign-in-under-attack: the legitimate user could not sign in at rest (${tallyText(roundTripFailures)})`,
      );
    }
    if (variant) attackers.push(...startAttackers(server.url, sockets, variant));
    await Promise.all(attackers.map((child) => nextMessage(child, 'started')));
    await delay(WARM_UP_MS);
    for (const child of attackers) child.send('measure');
    const until = Date.now() + WINDOW_MS;
    const [signInRun, roundTripRun] = await Promise.all([
      signIns(server.url, until),
      roundTrips(server.url, roundTripSocket, until),
    ]);
    const attack = { answers: {}, connections: 0, seconds: 0 };
    for (const child of attackers) {
      const tally = nextMessage(child, 'tally');
      child.send('stop');
      const message = await tally;
      if (message.kind !== 'tally') continue;
      add(attack.answers, message.answers);
      attack.connections += message.connections;
      attack.seconds = Math.max(attack.seconds, message.seconds);
    }
    return {
      signInsPerSecond: signInRun.samples.length / (WINDOW_MS / 1000),
      signIn: summary(signInRun.samples),
      signInFailures: signInRun.failures,
      roundTrips: roundTripRun.samples,
      roundTrip: summary(roundTripRun.samples),
      roundTripFailures: add(roundTripFailures, roundTripRun.failures),
      attack,
      serverExited: serverExited(),
    };
  } finally {
    for (const child of attackers) child.kill();
    if (!serverExited()) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (value: number): string => (Number.isNaN(value) ? 'none' : `${value.toFixed(1)} ms`);
const ratio = (value: number, base: number): string => `${(value / base).toFixed(2)}x`;
const tallyText = (tally: Tally): string =>
  Object.entries(tally)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ') || 'none';

function line(sockets: number, variant: AttackVariant | undefined, figures: Figures): string {
  const level = variant ? `${sockets} sockets, ${variant}` : '0 sockets (baseline)';
  const { answers, seconds } = figures.attack;
  const accepted = answers.accepted ?? 0;
  const tried = Object.values(answers).reduce((sum, n) => sum + n, 0);
  const attack = variant
    ? `, attacker sign-ins accepted ${(accepted / seconds).toFixed(1)}/s of ${(tried / seconds).toFixed(1)}/s` +
      ` answered (${tallyText(answers)}; ${figures.attack.connections} new connections)`
    : '';
  return (
    `sign-in under attack: ${level}: legit sign-ins/s ${figures.signInsPerSecond.toFixed(1)}` +
    ` (sign-in p50 ${ms(figures.signIn.p50)} p95 ${ms(figures.signIn.p95)}; failed: ${tallyText(figures.signInFailures)})` +
    `, round trip p50 ${ms(figures.roundTrip.p50)} p95 ${ms(figures.roundTrip.p95)}` +
    ` max ${ms(figures.roundTrip.max)} (n=${figures.roundTrips.length}; failed: ${tallyText(figures.roundTripFailures)})` +
    attack +
    (figures.serverExited ? ' -- THE SERVER EXITED' : '')
  );
}

console.log(
  `Sign-in under attack (${WINDOW_MS / 1000} s a level; attackers in ${ATTACKER_PROCESSES} processes; ` +
    `legit round trip: ice:servers every ${ROUND_TRIP_INTERVAL_MS} ms; attackers from ${ATTACKER_ADDRESS}, ` +
    `the user from ${LEGITIMATE_ADDRESS} (round trips) and ${SIGN_IN_ADDRESSES.length} others (sign-ins) ` +
    'when the server trusts X-Forwarded-For; default limits, so throwaway identities past ' +
    'NEW_IDENTITIES_PER_IP_PER_HOUR and forged answers past FAILED_SIGN_INS_PER_IP_PER_MINUTE are rate-limited)',
);
let baseline: Figures | undefined;
for (const { sockets, variant } of LEVELS) {
  const figures = await measure(sockets, variant);
  console.log(line(sockets, variant, figures));
  baseline ??= figures;
  if (variant) {
    console.log(
      `  vs baseline: legit sign-ins/s ${ratio(figures.signInsPerSecond, baseline.signInsPerSecond)},` +
        ` round trip p50 ${ratio(figures.roundTrip.p50, baseline.roundTrip.p50)}` +
        ` p95 ${ratio(figures.roundTrip.p95, baseline.roundTrip.p95)}`,
    );
  }
}
