/**
 * The resident memory of a whole browser: its browser process and every process under it (zygotes, renderers, GPU,
 * network and storage services), summed from /proc/<pid>/status VmRSS. Pages shared between processes count once
 * per process, as RSS does: the figure is for comparing runs, not for adding up to the machine's use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';

/** How often a sampler reads /proc, in ms. */
const SAMPLE_EVERY_MS = 200;

/** The browser process of a launched context (the root of its tree), as the DevTools protocol names it. */
export async function browserPid(context: BrowserContext): Promise<number> {
  const browser = context.browser();
  if (!browser) throw new Error('browserPid: this context has no browser to ask');
  const session = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await session.send('SystemInfo.getProcessInfo');
    const root = processInfo.find((info) => info.type === 'browser');
    if (!root) throw new Error('browserPid: the browser lists no browser process');
    return root.id;
  } finally {
    await session.detach();
  }
}

/** The parent of each process now running. */
function parents(): Map<number, number> {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name, which is in parentheses and may hold anything: state, then ppid.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  return parentOf;
}

/** Resident bytes of one process; 0 if it is gone (or a kernel thread, which has no VmRSS). */
function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** `root` and every process under it, now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  const pending = [root];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** The resident bytes of each root's whole tree, now. */
export function treeRss(roots: readonly number[]): number[] {
  return roots.map((root) => processTree(root).reduce((sum, pid) => sum + rssBytes(pid), 0));
}

export interface MemorySampler {
  /**
   * Stops sampling (the first call takes a last sample); the peak resident bytes of each root's tree over the
   * samples taken.
   */
  stop(): number[];
}

/** Samples each root's tree every SAMPLE_EVERY_MS until stopped, keeping each one's peak. */
export function sampleRss(roots: readonly number[]): MemorySampler {
  const peaks = roots.map(() => 0);
  const sample = (): void => {
    for (const [index, bytes] of treeRss(roots).entries()) peaks[index] = Math.max(peaks[index] ?? 0, bytes);
  };
  sample();
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  let stopped = false;
  return {
    stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        sample();
      }
      return [...peaks];
    },
  };
}
