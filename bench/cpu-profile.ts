/**
 * CPU profiles through the DevTools protocol, for the benches: start, stop, and the functions that took the most
 * time of their own. A profile is also written whole (`.cpuprofile`, which DevTools' Performance panel opens).
 */
import { writeFileSync } from 'node:fs';

/** What a DevTools session of Playwright's or Puppeteer's offers: a protocol command and its answer. */
export interface ProtocolSession {
  send(method: 'Profiler.enable' | 'Profiler.start' | 'Profiler.stop'): Promise<unknown>;
  send(method: 'Profiler.setSamplingInterval', params: { interval: number }): Promise<unknown>;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

/** The part of a DevTools CPU profile read here. */
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Starts sampling every 100 µs. */
export async function startProfile(session: ProtocolSession): Promise<void> {
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 100 });
  await session.send('Profiler.start');
}

function isProfile(value: unknown): value is CpuProfile {
  return (
    typeof value === 'object' &&
    value !== null &&
    'nodes' in value &&
    Array.isArray(value.nodes) &&
    'samples' in value &&
    Array.isArray(value.samples) &&
    'timeDeltas' in value &&
    Array.isArray(value.timeDeltas)
  );
}

/**
 * Stops the profile, writes it to `file`, and returns its busiest functions (time of their own, in ms, idle and
 * program time left out) as lines of text, `top` of them.
 */
export async function stopProfile(session: ProtocolSession, file: string, top = 15): Promise<string[]> {
  const answer = await session.send('Profiler.stop');
  const profile =
    typeof answer === 'object' && answer !== null && 'profile' in answer ? answer.profile : undefined;
  if (!isProfile(profile)) throw new Error('stopProfile: the browser answered no CPU profile');
  writeFileSync(file, JSON.stringify(profile));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, at) => {
    const frame = nodes.get(id)?.callFrame;
    const ms = (profile.timeDeltas[at + 1] ?? 0) / 1000;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') return;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + ms);
    busy += ms;
  });
  return [
    `busy ${busy.toFixed(1)} ms; the most time of their own:`,
    ...[...self]
      .sort(([, a], [, b]) => b - a)
      .slice(0, top)
      .map(([name, ms]) => `  ${ms.toFixed(1).padStart(7)} ms  ${name}`),
  ];
}

/** A DevTools session that also reports events (Puppeteer's). */
export interface TracingSession {
  send(
    method: 'Tracing.start',
    params: { categories: string; transferMode: 'ReportEvents' },
  ): Promise<unknown>;
  send(method: 'Tracing.end'): Promise<unknown>;
  on(event: 'Tracing.dataCollected', listener: (data: { value: object[] }) => void): unknown;
  once(event: 'Tracing.tracingComplete', listener: () => void): unknown;
}

export interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string };
}

const isTraceEvent = (value: object): value is TraceEvent =>
  'name' in value && 'ph' in value && 'ts' in value && 'pid' in value && 'tid' in value;

/** Starts a timeline trace (what DevTools' Performance panel records); `stop` ends it and sums it up. */
export async function startTimeline(
  session: TracingSession,
): Promise<{ stop(file: string, top?: number): Promise<string[]> }> {
  const events: TraceEvent[] = [];
  session.on('Tracing.dataCollected', ({ value }) => events.push(...value.filter(isTraceEvent)));
  await session.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink.user_timing',
    transferMode: 'ReportEvents',
  });
  return {
    async stop(file, top = 15) {
      const complete = new Promise<void>((resolve) => session.once('Tracing.tracingComplete', resolve));
      await session.send('Tracing.end');
      await complete;
      writeFileSync(file, JSON.stringify({ traceEvents: events }));
      return timelineSummary(events, top);
    },
  };
}

/**
 * The extension process's main thread: time of its own per kind of work (script, style, layout, paint…), in ms,
 * from complete events (a nested event's time is its own, not its parent's).
 */
export function timelineSummary(events: readonly TraceEvent[], top: number): string[] {
  const mains = new Set(
    events
      .filter(
        (event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain',
      )
      .map((event) => `${event.pid}/${event.tid}`),
  );
  const threads = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const key = `${event.pid}/${event.tid}`;
    if (event.ph !== 'X' || event.dur === undefined || !mains.has(key)) continue;
    threads.set(key, [...(threads.get(key) ?? []), event]);
  }
  // The extension's pages share one renderer process: its main thread is the busiest.
  const total = (thread: readonly TraceEvent[]): number =>
    thread.reduce((sum, event) => sum + (event.dur ?? 0), 0);
  const thread = [...threads.values()].sort((a, b) => total(b) - total(a))[0] ?? [];
  const sorted = [...thread].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const open: TraceEvent[] = [];
  for (const event of sorted) {
    while (open.length > 0 && (open.at(-1)?.ts ?? 0) + (open.at(-1)?.dur ?? 0) <= event.ts) open.pop();
    const parent = open.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - (event.dur ?? 0) / 1000);
    self.set(event.name, (self.get(event.name) ?? 0) + (event.dur ?? 0) / 1000);
    open.push(event);
  }
  const first = sorted[0]?.ts ?? 0;
  const last = sorted.reduce((end, event) => Math.max(end, event.ts + (event.dur ?? 0)), first);
  return [
    `main thread over ${((last - first) / 1000).toFixed(1)} ms; time of its own by kind of work:`,
    ...[...self]
      .filter(([, ms]) => ms > 0.05)
      .sort(([, a], [, b]) => b - a)
      .slice(0, top)
      .map(([name, ms]) => `  ${ms.toFixed(1).padStart(7)} ms  ${name}`),
  ];
}
