/**
 * One measurement of the load bench: one server (ours or bare), N users in CLIENT_PROCESSES client processes.
 * Ramp (every user up, a bounded number in flight), settle, memory, steady mail, presence counts; then every
 * process of the run is stopped, whatever happened.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Contacts } from './graph';
import {
  addTally,
  type ChildMessage,
  type ClientPlan,
  type ParentMessage,
  type ServerKind,
  type Tally,
} from './messages';
import type { ProbeReading } from './probe';
import { cpuMsOf, machineBusyMs, startLoadServer, type LoadServer } from './server-process';

export interface RunOptions {
  readonly clientProcesses: number;
  /** Sign-ins in flight at once during the ramp, over all client processes. */
  readonly concurrency: number;
  readonly mailPerSecond: number;
  readonly mailSeconds: number;
  /** After the ramp, before memory is read: presence answers still on their way arrive. */
  readonly settleMs: number;
  readonly cpuProfileDir?: string;
}

export interface Quantiles {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface RunFigures {
  readonly kind: ServerKind;
  readonly users: number;
  readonly ready: number;
  readonly failures: Tally;
  readonly rampSeconds: number;
  readonly signInsPerSecond: number;
  readonly signIn: Quantiles;
  /** Server CPU time per user brought up during the ramp, in ms. */
  readonly cpuPerSignInMs: number;
  /** The server's CPU time during the ramp over the ramp's time: 1 is a whole core. */
  readonly serverBusy: number;
  /** The client processes' CPU time during the ramp, per user brought up, in ms. */
  readonly clientCpuPerSignInMs: number;
  /**
   * CPU time of everything else on the machine during the ramp (other work, the kernel's own threads) over the
   * ramp's time, 1 a whole core: sign-ins a second depend on it, the CPU per user much less.
   */
  readonly othersBusy: number;
  readonly idle: { readonly rss: number; readonly heap: number };
  readonly loaded: { readonly rss: number; readonly heap: number };
  readonly presence: {
    readonly max: number;
    readonly mean: number;
    readonly foreign: number;
    readonly hereFailures: Tally;
  };
  readonly mail: { readonly sent: number; readonly push: Quantiles; readonly failures: Tally };
  readonly lag: { readonly ramp: ProbeReading['lag']; readonly mail: ProbeReading['lag'] };
  readonly disconnects: Tally;
}

export function quantiles(samples: readonly number[]): Quantiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

const progress = (text: string): boolean => process.stderr.write(`server-load: ${text}\n`);

/** Every process a run started and has not stopped yet: killed outright if the bench itself is stopped. */
const live = new Set<ChildProcess | LoadServer>();

/** Kills every process still running and removes its data (synchronous: also usable from an 'exit' handler). */
export function killEverything(): void {
  for (const process_ of live) {
    if ('kind' in process_) process_.discard();
    else process_.kill('SIGKILL');
  }
  live.clear();
}

/** The next message of `kind` from a client process; rejects if it exits first. */
function next<K extends ChildMessage['kind']>(
  child: ChildProcess,
  kind: K,
): Promise<Extract<ChildMessage, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage): void => {
      if (message.kind !== kind) return;
      cleanUp();
      resolve(message as Extract<ChildMessage, { kind: K }>); // its kind was just checked
    };
    const onExit = (code: number | null): void => {
      cleanUp();
      reject(new Error(`server-load: a client process exited (${String(code)}) before "${kind}"`));
    };
    const cleanUp = (): void => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Asks every client process the same thing and waits for all of their answers; gives up at once if the server
 * exits meanwhile (the clients would otherwise wait out their request timeouts).
 */
function everyone<K extends ChildMessage['kind']>(
  server: LoadServer,
  children: readonly ChildProcess[],
  message: ParentMessage,
  kind: K,
): Promise<Extract<ChildMessage, { kind: K }>[]> {
  const answers = children.map((child) => next(child, kind));
  for (const child of children) child.send(message);
  const serverGone = server.whenExited.then(() => {
    throw new Error(`server-load: the ${server.kind} server exited while waiting for "${kind}"`);
  });
  return Promise.race([Promise.all(answers), serverGone]);
}

/** The users of process `index` (user i lives in process i mod processes) and the mail pairs among them. */
function planFor(
  url: string,
  kind: ServerKind,
  graph: readonly Contacts[],
  index: number,
  options: RunOptions,
): ClientPlan {
  const processes = options.clientProcesses;
  const mine = graph.flatMap((user, at) => (at % processes === index ? [{ at, user }] : []));
  const local = (at: number): number => Math.floor(at / processes);
  const mailPairs = mine.flatMap(({ at, user }) =>
    user.contacts
      .filter((other) => other > at && other % processes === index)
      .map((other) => [local(at), local(other)] as const),
  );
  return {
    url,
    kind,
    clients: mine.map(({ at, user }) => ({ name: `load${at}`, tokens: user.tokens })),
    mailPairs,
    concurrency: Math.max(1, Math.ceil(options.concurrency / processes)),
  };
}

async function stop(server: LoadServer, children: readonly ChildProcess[]): Promise<void> {
  // The server first, while the clients still hold their sockets: 15,000 disconnections would otherwise keep it
  // busy (and, with a profile being written, in the profile).
  if (!server.exited()) await server.stop();
  live.delete(server);
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      live.delete(child);
    }),
  );
}

export async function measure(
  kind: ServerKind,
  graph: readonly Contacts[],
  options: RunOptions,
): Promise<RunFigures> {
  const users = graph.length;
  const server = await startLoadServer(
    kind,
    options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {},
  );
  live.add(server);
  const children: ChildProcess[] = [];
  try {
    const started: Promise<unknown>[] = [];
    for (let index = 0; index < options.clientProcesses; index++) {
      const child = fork('bench/server-load/client.ts', [], { execArgv: ['--import', 'tsx'] });
      live.add(child);
      children.push(child);
      started.push(next(child, 'started'));
    }
    await Promise.all(started);
    await Promise.all(
      children.map((child, index) => {
        const prepared = next(child, 'prepared');
        child.send({
          kind: 'plan',
          plan: planFor(server.url, kind, graph, index, options),
        } satisfies ParentMessage);
        return prepared;
      }),
    );
    // RSS after the probe's full collection, like the heap: garbage the ramp left is not what connections hold.
    const idle = await server.probe();
    const idleRss = server.rss();
    progress(`${kind} ${users}: ramp (${options.concurrency} in flight)`);

    const clientsCpuMs = (): number => children.reduce((sum, child) => sum + cpuMsOf(child.pid ?? 0), 0);
    const cpuBefore = server.cpuMs();
    const clientCpuBefore = clientsCpuMs();
    const machineBefore = machineBusyMs();
    const rampStart = performance.now();
    const ramped = await everyone(server, children, { kind: 'ramp' }, 'ramped');
    const rampSeconds = (performance.now() - rampStart) / 1000;
    const cpuMs = server.cpuMs() - cpuBefore;
    const clientCpuMs = clientsCpuMs() - clientCpuBefore;
    const othersMs = machineBusyMs() - machineBefore - cpuMs - clientCpuMs;
    const ready = ramped.reduce((sum, answer) => sum + answer.ready, 0);
    const failures = ramped.reduce<Tally>((tally, answer) => addTally(tally, answer.failures), {});
    progress(`${kind} ${users}: ${ready} up in ${rampSeconds.toFixed(1)} s; settling, then memory`);

    await new Promise((resolve) => setTimeout(resolve, options.settleMs));
    const afterRamp = await server.probe();
    const loadedRss = server.rss();
    progress(`${kind} ${users}: mail, ${options.mailPerSecond}/s for ${options.mailSeconds} s`);

    const perProcess = options.mailPerSecond / options.clientProcesses;
    const mailed = await everyone(
      server,
      children,
      { kind: 'mail', perSecond: perProcess, seconds: options.mailSeconds },
      'mailed',
    );
    const afterMail = await server.probe();
    const reports = await everyone(server, children, { kind: 'report' }, 'report');
    const presenceEvents = reports.flatMap((report) => report.presenceEvents);
    return {
      kind,
      users,
      ready,
      failures,
      rampSeconds,
      signInsPerSecond: ready / rampSeconds,
      signIn: quantiles(ramped.flatMap((answer) => answer.latencies)),
      cpuPerSignInMs: cpuMs / Math.max(1, ready),
      serverBusy: cpuMs / 1000 / rampSeconds,
      clientCpuPerSignInMs: clientCpuMs / Math.max(1, ready),
      othersBusy: Math.max(0, othersMs) / 1000 / rampSeconds,
      idle: { rss: idleRss, heap: idle.heapUsed },
      loaded: { rss: loadedRss, heap: afterRamp.heapUsed },
      presence: {
        max: presenceEvents.reduce((max, n) => Math.max(max, n), 0),
        mean: presenceEvents.reduce((sum, n) => sum + n, 0) / Math.max(1, presenceEvents.length),
        foreign: reports.reduce((sum, report) => sum + report.foreignEvents, 0),
        hereFailures: reports.reduce<Tally>((tally, report) => addTally(tally, report.hereFailures), {}),
      },
      mail: {
        sent: mailed.reduce((sum, answer) => sum + answer.sent, 0),
        push: quantiles(mailed.flatMap((answer) => answer.latencies)),
        failures: mailed.reduce<Tally>((tally, answer) => addTally(tally, answer.failures), {}),
      },
      lag: { ramp: afterRamp.lag, mail: afterMail.lag },
      disconnects: reports.reduce<Tally>((tally, report) => addTally(tally, report.disconnects), {}),
    };
  } finally {
    if (server.exited()) progress(`${kind} ${users}: THE SERVER EXITED during the run`);
    await stop(server, children);
  }
}
