/**
 * A server process for the load bench, ours (signal-server/src/main.ts, embedded store in a temp dir) or the bare
 * one (bare-server.ts), each with probe.ts preloaded, and what can be read of it from outside: RSS from
 * /proc/<pid>/status, CPU time from /proc/<pid>/stat, heap and event-loop delay through the probe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import * as v from 'valibot';
import type { ProbeReading } from './probe';
import type { ServerKind } from './messages';

export interface LoadServer {
  readonly kind: ServerKind;
  readonly url: string;
  readonly pid: number;
  /** Resident set size now, in bytes (VmRSS). */
  rss(): number;
  /** CPU time (user + system) used so far, in ms. */
  cpuMs(): number;
  /** Collects garbage in the server, then reads its heap, and the event-loop delay since the last reading. */
  probe(): Promise<ProbeReading>;
  /** Whether the process is gone (it crashed, or was stopped). */
  exited(): boolean;
  /** Resolves when the process is gone. */
  readonly whenExited: Promise<void>;
  /** Kills it and removes its data, synchronously (for an exit handler). */
  discard(): void;
  /** Ends it at once: SIGKILL, or SIGHUP (the probe exits) when a CPU profile is to be written. */
  stop(): Promise<void>;
}

/**
 * Our server's limits, raised only where one machine's load would trip a per-address guard: every client comes from
 * 127.0.0.1, so the per-address connection count, opening rate, event and byte rates and new-identity budget are
 * set to what 15,000 users from many addresses would be allowed together. MAX_CONNECTIONS stays under this
 * machine's 20,000 descriptors a process. Everything else (sign-in deadline, queues, per-socket rates) keeps its
 * default. LOG_LEVEL=warn: the info line per session would be 15,000 lines the bare server does not write.
 */
const OUR_ENV = {
  LOG_LEVEL: 'warn',
  MAX_CONNECTIONS: '19500',
  MAX_CONNECTIONS_PER_IP: '19500',
  NEW_CONNECTIONS_PER_IP_PER_SECOND: '1000000',
  NEW_IDENTITIES_PER_IP_PER_HOUR: '1000000',
  IP_EVENTS_PER_SECOND: '10000000',
  IP_BYTES_PER_SECOND: String(2 ** 40),
};

const READY_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 30_000;
/** How long a server may take to write its CPU profile and exit before it is killed. */
const PROFILE_STOP_TIMEOUT_MS = 60_000;
/** Lines of the server's own output passed on to stderr; past this they are only counted. */
const FORWARDED_LINES = 20;

const ProbeReadingSchema = v.object({
  lag: v.object({ p50: v.number(), p99: v.number(), max: v.number() }),
  heapUsed: v.number(),
  rss: v.number(),
});

/** A port free now (the server binds it a moment later; nothing else here races for it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Passes the first lines of `stream` on to stderr, prefixed; counts the rest. */
function forward(stream: Readable | null, prefix: string): { readonly dropped: () => number } {
  let lines = 0;
  if (stream) {
    createInterface({ input: stream }).on('line', (line) => {
      lines += 1;
      if (lines <= FORWARDED_LINES) process.stderr.write(`${prefix} ${line.slice(0, 500)}\n`);
    });
  }
  return { dropped: () => Math.max(0, lines - FORWARDED_LINES) };
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`server-load: the server exited (${String(child.exitCode ?? child.signalCode)})`);
    const up = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server-load: the server did not answer /health within ${READY_TIMEOUT_MS / 1000} s`);
}

/** `VmRSS` of /proc/<pid>/status, in bytes. */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`server-load: no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** utime + stime of /proc/<pid>/stat, in ms (clock ticks of 10 ms). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time the whole machine spent busy so far (every core, from /proc/stat: all but idle and I/O wait), in ms. */
export function machineBusyMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/) ?? [];
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 10;
}

export interface StartOptions {
  /** Write a V8 CPU profile of the whole process into this directory (node --cpu-prof). */
  readonly cpuProfileDir?: string;
}

export async function startLoadServer(kind: ServerKind, options: StartOptions = {}): Promise<LoadServer> {
  const port = await freePort();
  const dataDir = kind === 'ours' ? mkdtempSync(join(tmpdir(), 'bench-server-load-')) : undefined;
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
  const entry = kind === 'ours' ? 'signal-server/src/main.ts' : 'bench/server-load/bare-server.ts';
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...profile, '--import', 'tsx', '--import', './bench/server-load/probe.ts', entry],
    {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        ...(dataDir && { DATA_DIR: dataDir, ...OUR_ENV }),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`server-load: could not start ${entry}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isGone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const output = [forward(child.stdout, `[${kind} server]`), forward(child.stderr, `[${kind} server]`)];

  // Probe readings arrive one a line on fd 3, in the order they were asked for.
  const waiting: ((reading: ProbeReading) => void)[] = [];
  createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => {
    waiting.shift()?.(v.parse(ProbeReadingSchema, JSON.parse(line)));
  });

  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (!isGone()) {
      // SIGHUP: the probe exits at once, and a CPU profile is written (SIGKILL would lose it).
      child.kill(options.cpuProfileDir ? 'SIGHUP' : 'SIGKILL');
      const killer = setTimeout(() => child.kill('SIGKILL'), PROFILE_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(killer);
    }
    if (options.cpuProfileDir)
      process.stderr.write(`server-load: CPU profile of the ${kind} server in ${options.cpuProfileDir}\n`);
    const dropped = output.reduce((sum, stream) => sum + stream.dropped(), 0);
    if (dropped > 0) process.stderr.write(`[${kind} server] … and ${dropped} more lines\n`);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    kind,
    url,
    pid,
    rss: () => rssOf(pid),
    cpuMs: () => cpuMsOf(pid),
    probe: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('server-load: the probe did not answer')),
          PROBE_TIMEOUT_MS,
        );
        waiting.push((reading) => {
          clearTimeout(timer);
          resolve(reading);
        });
        child.kill('SIGUSR2');
      }),
    exited: isGone,
    whenExited: exited,
    discard() {
      if (!isGone()) child.kill('SIGKILL');
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    stop,
  };
}
