/**
 * CPU time by thread over each browser's process tree, from /proc/<pid>/task/<tid>/stat (user + system): which
 * threads a transfer keeps busy, without a profiler that would slow it down or lose a worker that ends with the
 * file. Threads are grouped by process kind (the extension's renderer apart from a web page's) and thread name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { processTree } from './process-memory';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** What kind of Chromium process `pid` is, from its command line. */
function kindOf(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = args.find((arg) => arg.startsWith('--type='))?.slice('--type='.length);
    if (!type) return 'browser';
    if (type === 'renderer') return args.includes('--extension-process') ? 'extension' : 'page';
    // e.g. network.mojom.NetworkService: the service's own name.
    const sub = args
      .find((arg) => arg.startsWith('--utility-sub-type='))
      ?.split('.')
      .at(-1);
    return sub ?? type;
  } catch {
    return 'gone';
  }
}

/** CPU ticks used so far by each living thread of one tree, by `pid/tid`, with its `kind name`. */
function threadTicks(root: number): Map<string, { readonly key: string; readonly ticks: number }> {
  const threads = new Map<string, { key: string; ticks: number }>();
  for (const pid of processTree(root)) {
    const kind = kindOf(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        // After the name: state is field 3, utime and stime are fields 14 and 15.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]);
        // A process's main thread keeps the executable's name: call it main.
        const thread = name === 'chromium' ? 'main' : name.replace(/\d+$/, '');
        threads.set(`${pid}/${tid}`, { key: `${kind} ${thread}`, ticks });
      } catch {
        // The thread ended while we looked.
      }
    }
  }
  return threads;
}

/** How often the threads are read: a thread that ends (a file's worker) loses at most this much, in ms. */
const SAMPLE_EVERY_MS = 500;

export interface CpuWatch {
  /** Stops; CPU seconds each tree's threads used since the watch began, by `kind name`, busiest first. */
  stop(): [string, number][][];
}

/** Starts counting the CPU time of each root's tree, thread by thread, also of threads that start and end meanwhile. */
export function watchThreadCpu(roots: readonly number[]): CpuWatch {
  const first = roots.map(threadTicks);
  const last = roots.map(() => new Map<string, { key: string; ticks: number }>());
  const sample = (): void => {
    for (const [index, root] of roots.entries())
      for (const [id, thread] of threadTicks(root)) last[index]?.set(id, thread);
  };
  sample();
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return last.map((threads, index) => {
        const used = new Map<string, number>();
        for (const [id, { key, ticks }] of threads) {
          const spent = (ticks - (first[index]?.get(id)?.ticks ?? 0)) / TICKS_PER_SECOND;
          if (spent > 0) used.set(key, (used.get(key) ?? 0) + spent);
        }
        return [...used].sort((a, b) => b[1] - a[1]);
      });
    },
  };
}

/** The busiest `count` threads, and the total, as "extension CrRendererMain 12.3, …; all threads 40.1 s". */
export function describeCpu(used: readonly [string, number][], count = 6): string {
  const total = used.reduce((sum, [, seconds]) => sum + seconds, 0);
  const top = used.slice(0, count).map(([key, seconds]) => `${key} ${seconds.toFixed(1)}`);
  return `${top.join(', ')}; all threads ${total.toFixed(1)} s`;
}
