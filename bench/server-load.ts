/**
 * `npm run bench` (last part): the signal server under load, beside a bare Socket.IO server in the same run.
 *
 * For each size N (BENCH_LOAD_SIZES, default 1000,5000,15000): N users, each with CONTACTS contacts (a fixed
 * random graph, contact symmetric, a random secret and presence token per pair). Each server runs in its own
 * process; the users are spread over BENCH_LOAD_PROCESSES client processes (4), one Socket.IO connection each
 * (WebSocket transport only). On our server each user signs in (session:challenge, session:start signed with
 * node:crypto's Ed25519) and calls presence:watch with its tokens, visible; on the bare one (server-load/bare-server.ts)
 * it connects with its tokens in the handshake, and that server only joins the rooms and relays through them.
 * Measured, per server:
 * - users brought up per second during the ramp (BENCH_LOAD_CONCURRENCY in flight, 256), the server's CPU per user;
 * - RSS (/proc/<pid>/status) and V8 heap (server-load/probe.ts), each after a full collection, per connection:
 *   the growth from the idle server to the loaded one, divided by the users up;
 * - presence events each user received (bounded by its contacts), max and mean;
 * - mail push latency: BENCH_LOAD_MAIL_RATE mail:send a second (200) for BENCH_LOAD_MAIL_SECONDS (10) between
 *   random contacts, from mail:send to the recipient's mail:new, p50/p99;
 * - the server's event-loop delay during the ramp and during the mail;
 * - the CPU everything else on the machine took during the ramp (/proc/stat, less the server and the clients):
 *   sign-ins a second measure the whole machine, so other work running then lowers them (CPU per user far less).
 * Prints a line per server and a summary per size with the ratios ours/bare; asserts nothing. Progress goes to
 * stderr. BENCH_LOAD_PROFILE_DIR=dir writes CPU profiles of both servers at the largest size (node --cpu-prof)
 * into dir/ours-N and dir/bare-N (the second file of each is tsx's loader thread).
 */
import { join } from 'node:path';
import { CONTACTS, contactGraph } from './server-load/graph';
import { tallyText } from './server-load/messages';
import { killEverything, measure, type Quantiles, type RunFigures, type RunOptions } from './server-load/run';

const SEED = 1; // the same graph on every run

function numberList(name: string, fallback: string): number[] {
  const values = (process.env[name] ?? fallback).split(',').map(Number);
  if (values.some((value) => !Number.isInteger(value) || value <= CONTACTS + 1))
    throw new Error(`server-load: ${name} must be a comma-separated list of integers above ${CONTACTS + 1}`);
  return values;
}

function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`server-load: ${name} must be a positive number`);
  return value;
}

const sizes = numberList('BENCH_LOAD_SIZES', '1000,5000,15000');
const profileDir = process.env.BENCH_LOAD_PROFILE_DIR;
const options: RunOptions = {
  clientProcesses: positive('BENCH_LOAD_PROCESSES', 4),
  concurrency: positive('BENCH_LOAD_CONCURRENCY', 256),
  mailPerSecond: positive('BENCH_LOAD_MAIL_RATE', 200),
  mailSeconds: positive('BENCH_LOAD_MAIL_SECONDS', 10),
  settleMs: 2_000,
};

const KiB = 1024;
const MiB = 1024 * 1024;
const fixed = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : 'none';
const ms = (value: number): string => `${fixed(value)} ms`;
const ratio = (ours: number, bare: number): string => `${fixed(ours / bare, 2)}x`;
const perConnection = (figures: RunFigures, what: 'rss' | 'heap'): number =>
  (figures.loaded[what] - figures.idle[what]) / Math.max(1, figures.ready);
const quantileText = ({ n, p50, p99, max }: Quantiles): string =>
  `p50 ${ms(p50)} p99 ${ms(p99)} max ${ms(max)} (n=${n})`;

function detail(figures: RunFigures): string {
  const { loaded, idle, presence, mail, lag } = figures;
  return (
    `  ${figures.kind} ${figures.users}: ${figures.ready} up in ${fixed(figures.rampSeconds)} s, ` +
    `${fixed(figures.signInsPerSecond, 0)}/s (each ${quantileText(figures.signIn)}; failed: ${tallyText(figures.failures)}); ` +
    `server CPU ${fixed(figures.cpuPerSignInMs, 2)} ms/user (busy ${fixed(figures.serverBusy * 100, 0)}% of a core), ` +
    `clients' CPU ${fixed(figures.clientCpuPerSignInMs, 2)} ms/user, ` +
    `everything else ${fixed(figures.othersBusy * 100, 0)}% of a core; ` +
    `RSS ${fixed(idle.rss / MiB)} → ${fixed(loaded.rss / MiB)} MiB (${fixed(perConnection(figures, 'rss') / KiB)} KiB/conn); ` +
    `heap ${fixed(idle.heap / MiB)} → ${fixed(loaded.heap / MiB)} MiB (${fixed(perConnection(figures, 'heap') / KiB)} KiB/conn); ` +
    `presence events/client max ${presence.max} mean ${fixed(presence.mean)} (not its tokens: ${presence.foreign}; ` +
    `presence:here failed: ${tallyText(presence.hereFailures)}); ` +
    `mail ${mail.sent} sent, push ${quantileText(mail.push)} (failed: ${tallyText(mail.failures)}); ` +
    `event-loop lag ramp p99 ${ms(lag.ramp.p99)} max ${ms(lag.ramp.max)}, mail p99 ${ms(lag.mail.p99)} max ${ms(lag.mail.max)}; ` +
    `disconnected before the end: ${tallyText(figures.disconnects)}`
  );
}

function summary(ours: RunFigures, bare: RunFigures): string {
  const rss = [perConnection(ours, 'rss'), perConnection(bare, 'rss')] as const;
  const heap = [perConnection(ours, 'heap'), perConnection(bare, 'heap')] as const;
  return (
    `server load ${ours.users}: sign-ins/s ${fixed(ours.signInsPerSecond, 0)} ` +
    `(bare ${fixed(bare.signInsPerSecond, 0)}, ${ratio(ours.signInsPerSecond, bare.signInsPerSecond)}); ` +
    `server CPU/sign-in ${ms(ours.cpuPerSignInMs)} (bare ${ms(bare.cpuPerSignInMs)}, ${ratio(ours.cpuPerSignInMs, bare.cpuPerSignInMs)}); ` +
    `RSS/conn ${fixed(rss[0] / KiB)} KiB (bare ${fixed(rss[1] / KiB)} KiB, ${ratio(...rss)}); ` +
    `heap/conn ${fixed(heap[0] / KiB)} KiB (bare ${fixed(heap[1] / KiB)} KiB, ${ratio(...heap)}); ` +
    `presence events/client max ${ours.presence.max} mean ${fixed(ours.presence.mean)}; ` +
    `mail push p50 ${ms(ours.mail.push.p50)} p99 ${ms(ours.mail.push.p99)} (bare p99 ${ms(bare.mail.push.p99)}); ` +
    `event-loop lag max ${ms(Math.max(ours.lag.ramp.max, ours.lag.mail.max))} ` +
    `(bare ${ms(Math.max(bare.lag.ramp.max, bare.lag.mail.max))}); ` +
    `up ${ours.ready}/${ours.users} (bare ${bare.ready}/${bare.users}); ` +
    `other work during the ramps ${fixed(ours.othersBusy * 100, 0)}% of a core (bare ${fixed(bare.othersBusy * 100, 0)}%)`
  );
}

// No server or client process outlives the bench, however it ends.
process.once('exit', killEverything);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killEverything();
    process.exit(130);
  });
}

console.log(
  `Server load (each user ${CONTACTS} contacts; ${options.clientProcesses} client processes, ` +
    `${options.concurrency} sign-ins in flight; mail ${options.mailPerSecond}/s for ${options.mailSeconds} s; ` +
    'per-connection figures are the growth from the idle server, divided by the users up)',
);
const summaries: string[] = [];
const largest = Math.max(...sizes);
for (const size of sizes) {
  process.stderr.write(`server-load: ${size} users: contact graph\n`);
  const graph = contactGraph(size, SEED);
  // With BENCH_LOAD_PROFILE_DIR, both servers at the largest size, each into a folder of its own.
  const profiled = (kind: 'ours' | 'bare'): RunOptions =>
    profileDir !== undefined && size === largest
      ? { ...options, cpuProfileDir: join(profileDir, `${kind}-${size}`) }
      : options;
  const bare = await measure('bare', graph, profiled('bare'));
  console.log(detail(bare));
  const ours = await measure('ours', graph, profiled('ours'));
  console.log(detail(ours));
  summaries.push(summary(ours, bare));
  console.log(summaries.at(-1));
}
if (summaries.length > 1) console.log(summaries.join('\n'));
