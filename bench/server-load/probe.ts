/**
 * Preloaded into each server process the load bench starts (`node --expose-gc --import tsx --import
 * ./bench/server-load/probe.ts …`), ours and the bare one alike; the servers' code is not touched.
 *
 * The server has no heap figure to ask for (/health counts users), and only the process itself can read its V8
 * heap. So on SIGUSR2 this module collects garbage (what is left is what the connections hold, not what the ramp
 * left behind) and writes one JSON line (ProbeReading) to file descriptor 3, a pipe the parent opened. No IPC
 * channel (its serialisation would run on the server's event loop), no inspector session. The event-loop delay
 * comes along: monitorEventLoopDelay samples it from a libuv timer for a few µs a tick, and each reading covers
 * the time since the one before. SIGHUP ends the process at once (for a CPU profile).
 */
import { writeSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What one SIGUSR2 writes, in ms and bytes. */
export interface ProbeReading {
  /** Event-loop delay since the last reading (or the start). */
  readonly lag: { readonly p50: number; readonly p99: number; readonly max: number };
  /** V8 heap in use after a full collection. */
  readonly heapUsed: number;
  readonly rss: number;
}

const PROBE_FD = 3;
const NS_PER_MS = 1e6;

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
// --expose-gc puts gc on globalThis; without it the reading counts garbage too.
const { gc } = globalThis as { gc?: () => void };

process.on('SIGUSR2', () => {
  const lag = {
    p50: delay.percentile(50) / NS_PER_MS,
    p99: delay.percentile(99) / NS_PER_MS,
    max: delay.max / NS_PER_MS,
  };
  gc?.();
  delay.reset(); // after the collection, whose pause is the probe's, not the server's
  const { heapUsed, rss } = process.memoryUsage();
  const reading: ProbeReading = { lag, heapUsed, rss };
  writeSync(PROBE_FD, `${JSON.stringify(reading)}\n`);
});

// Stops the process at once, so that a CPU profile (--cpu-prof, written on exit) ends with the measurement and
// holds no shutdown work: a signal's default action would exit without writing it, and SIGTERM starts ours's
// graceful close of every connection.
process.on('SIGHUP', () => process.exit(0));

// A server left behind by a parent that was killed outright would hold its port and clients' sockets.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(1);
}, 1_000).unref();
