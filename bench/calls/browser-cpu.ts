/**
 * The CPU time each browser uses, summed over its whole process tree (browser, renderers, GPU, network, audio
 * services…) from /proc, thread by thread so that a process that ends meanwhile still counts (thread-cpu.ts).
 */
import { watchThreadCpu } from '../file-transfer/thread-cpu';

export interface BrowserCpu {
  /** CPU seconds each browser's tree used. */
  readonly seconds: readonly number[];
  /** The same as % of one core over the wall time watched. */
  readonly percent: readonly number[];
  /** By process kind and thread name, busiest first (kinds are Chromium's; a Firefox tree is all "browser"). */
  readonly threads: readonly [string, number][][];
  readonly wallMs: number;
}

/** Watches each root's tree for `ms` of wall time. */
export async function browserCpuOver(roots: readonly number[], ms: number): Promise<BrowserCpu> {
  const watch = watchThreadCpu(roots);
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const threads = watch.stop();
  const wallMs = performance.now() - start;
  const seconds = threads.map((used) => used.reduce((sum, [, spent]) => sum + spent, 0));
  return { seconds, percent: seconds.map((spent) => (spent / (wallMs / 1000)) * 100), threads, wallMs };
}
