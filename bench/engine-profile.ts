/**
 * A CPU profile of each user's engine (the offscreen document; the popup shares its renderer thread), summed by
 * area: where the engine's time goes per round trip. Sources are named through the build's hidden source maps.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Protocol } from 'puppeteer-core';
import { CHROME_BUILD, type ChromeUser } from '../tests/support/chrome-extension';
import { parseSourceMap, sourceMapLookup, type SourceOf } from './source-map';

export const AREAS = [
  'crypto',
  'storage',
  'messaging to pages',
  'rendering',
  'PeerJS and signaling',
  'engine and validation',
  'other JS',
  'GC',
  'outside JS',
] as const;
export type Area = (typeof AREAS)[number];

/** Busy milliseconds per area, and idle, over the profiled span. */
export interface ProfileSummary {
  readonly busy: Record<Area, number>;
  readonly idle: number;
}

const SAMPLING_INTERVAL = 100; // µs

/**
 * Starts a profile of `user`'s engine; the returned function stops it and sums it. With BENCH_PROFILE_DIR set, the
 * raw profile is also written there as `<name>.cpuprofile` (DevTools opens it).
 */
export async function startEngineProfile(
  user: ChromeUser,
  name: string,
): Promise<() => Promise<ProfileSummary>> {
  const session: CDPSession = await user.engineCdp();
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL });
  await session.send('Profiler.start');
  return async () => {
    const { profile } = await session.send('Profiler.stop');
    await session.detach();
    const dir = process.env.BENCH_PROFILE_DIR;
    if (dir) writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    return summarise(profile);
  };
}

/** Which area a source file is part of; libraries say what called them. */
type Kind = Area | 'crypto library';

const SOURCE_KINDS: [RegExp, Kind][] = [
  [/node_modules\/(tweetnacl|@noble)\//, 'crypto library'],
  [/extension\/lib\/crypto\/|shared\/crypto\//, 'crypto'],
  [/node_modules\/idb\/|extension\/lib\/(storage|vault)\//, 'storage'],
  [/extension\/lib\/(messaging|host)\//, 'messaging to pages'],
  [/node_modules\/(preact|@preact)\/|extension\/(components|hooks|entrypoints\/popup)\//, 'rendering'],
  [
    /node_modules\/(peerjs|peerjs-js-binarypack|webrtc-adapter|socket\.io-client|engine\.io-client|socket\.io-parser)\/|extension\/lib\/transport\//,
    'PeerJS and signaling',
  ],
  [/extension\/lib\/|shared\/|node_modules\/valibot\//, 'engine and validation'],
];

const BUILTIN_KINDS: Record<string, Area | 'idle'> = {
  '(idle)': 'idle',
  '(program)': 'outside JS',
  '(garbage collector)': 'GC',
  '(root)': 'outside JS',
};

function summarise(profile: Protocol.Profiler.Profile): ProfileSummary {
  const maps = new Map<string, SourceOf | undefined>();
  const sourceOf = (frame: Protocol.Runtime.CallFrame): string | undefined => {
    const file = /^chrome-extension:\/\/[^/]+\/(.+\.js)$/.exec(frame.url)?.[1];
    if (!file) return undefined;
    if (!maps.has(file)) {
      try {
        maps.set(
          file,
          sourceMapLookup(parseSourceMap(readFileSync(join(CHROME_BUILD, `${file}.map`), 'utf8'))),
        );
      } catch {
        maps.set(file, undefined); // no map: the frame counts as other JS
      }
    }
    return maps.get(file)?.(frame.lineNumber, frame.columnNumber);
  };
  const kindOf = (frame: Protocol.Runtime.CallFrame): Kind | undefined => {
    // Structured clone of what is posted to a page happens inside the native postMessage.
    if (frame.url === '' && /postMessage|structuredClone/.test(frame.functionName))
      return 'messaging to pages';
    const source = sourceOf(frame);
    return source === undefined ? undefined : SOURCE_KINDS.find(([pattern]) => pattern.test(source))?.[1];
  };

  const parents = new Map<number, Protocol.Profiler.ProfileNode>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const areaOfNode = new Map<number, Area | 'idle'>();
  const areaOf = (node: Protocol.Profiler.ProfileNode): Area | 'idle' => {
    const known = areaOfNode.get(node.id);
    if (known) return known;
    const builtin = BUILTIN_KINDS[node.callFrame.functionName];
    let area: Area | 'idle';
    if (builtin && node.callFrame.url === '') area = builtin;
    else {
      // The stack decides, in this order: storage (which includes vault sealing), crypto, messaging to pages,
      // rendering, PeerJS; otherwise the engine's own code.
      const kinds = new Set<Kind>();
      for (let at: Protocol.Profiler.ProfileNode | undefined = node; at; at = parents.get(at.id)) {
        const kind = kindOf(at.callFrame);
        if (kind) kinds.add(kind);
      }
      const order: Kind[] = [
        'storage',
        'crypto library',
        'crypto',
        'messaging to pages',
        'rendering',
        'PeerJS and signaling',
        'engine and validation',
      ];
      const first = order.find((kind) => kinds.has(kind));
      area = first === undefined ? 'other JS' : first === 'crypto library' ? 'crypto' : first;
    }
    areaOfNode.set(node.id, area);
    return area;
  };

  const busy = Object.fromEntries(AREAS.map((area) => [area, 0])) as Record<Area, number>;
  let idle = 0;
  const { samples = [], timeDeltas = [] } = profile;
  for (const [index, id] of samples.entries()) {
    // A sample lasts until the next one.
    const ms = (timeDeltas[index + 1] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) continue;
    const area = areaOf(node);
    if (area === 'idle') idle += ms;
    else busy[area] += ms;
  }
  return { busy, idle };
}

/** One line: each area's milliseconds per round trip. */
export function describeProfile(summary: ProfileSummary, rounds: number): string {
  const per = (ms: number): string => (ms / rounds).toFixed(1);
  const total = AREAS.reduce((sum, area) => sum + summary.busy[area], 0);
  return `${AREAS.map((area) => `${area} ${per(summary.busy[area])}`).join(', ')}; busy ${per(total)}, idle ${per(summary.idle)}`;
}
