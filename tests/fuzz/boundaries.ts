/**
 * Every schema at a trust boundary, read from the protocol tables (a new socket event, push, engine method or
 * frame variant is fuzzed without touching this file), each with valid examples to mutate.
 */
import type * as v from 'valibot';
import { ContentSchema } from '../../shared/protocol/content';
import { SealedMessageSchema } from '../../shared/protocol/envelope';
import { HeartbeatFrameSchema, HelloFrameSchema, PeerFrameSchema } from '../../shared/protocol/peer';
import { ClientSignalFrameSchema } from '../../shared/protocol/peerjs';
import { pushSchemas, requestSchemas, responseSchemas } from '../../shared/protocol/socket';
import { PortRequestSchema, engineRequestSchemas } from '../../extension/lib/messaging/protocol';
import {
  anyContext,
  contentExamples,
  engineExamples,
  peerFrameExamples,
  peerjsExamples,
  pushExamples,
  socketExamples,
  type ExampleContext,
} from './examples';

export interface Boundary {
  readonly name: string;
  readonly schema: v.GenericSchema;
  readonly examples: readonly unknown[];
  /** What every value the schema accepts must also satisfy. */
  readonly invariant?: (accepted: unknown) => string | undefined;
}

/** A Date can hold ±8.64e15 ms; a timestamp past that passes `integer()` and then throws when shown. */
const MAX_DATE_MS = 8.64e15;

/** Every number named `…At` (a timestamp) can be shown as a date. */
export function timestampsInDateRange(value: unknown, path = ''): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.endsWith('At') && typeof item === 'number' && !(Math.abs(item) <= MAX_DATE_MS))
      return `${at} = ${item} was accepted, but no Date can show it`;
    const inner = timestampsInDateRange(item, at);
    if (inner) return inner;
  }
  return undefined;
}

/** The variant tags (`kind`, `type`) a variant schema's options accept. */
/** The tags a variant schema tells apart by `key`; a nested variant (e.g. a call's actions) counts once per tag. */
export function variantTags(schema: { readonly options: readonly unknown[] }, key: string): string[] {
  const tags = schema.options.flatMap((option): string[] => {
    const { entries, options } = option as {
      entries?: Record<string, { literal?: string; options?: readonly string[] }>;
      options?: readonly unknown[];
    };
    if (!entries) return options ? variantTags({ options }, key) : [];
    const tag = entries[key];
    return tag?.literal !== undefined ? [tag.literal] : [...(tag?.options ?? [])];
  });
  return [...new Set(tags)];
}

export function boundaries(ctx: ExampleContext = anyContext()): Boundary[] {
  const socket = socketExamples(ctx);
  const pushes = pushExamples(ctx);
  const engine = engineExamples(ctx);
  const frames = peerFrameExamples();
  const peer = { invariant: timestampsInDateRange };
  return [
    ...Object.entries(requestSchemas).map(([event, schema]) => ({
      name: `socket ${event}`,
      schema,
      examples: [socket[event as keyof typeof socket]],
    })),
    ...Object.entries(pushSchemas).map(([event, schema]) => ({
      name: `push ${event}`,
      schema,
      examples: [pushes[event as keyof typeof pushes]],
    })),
    ...Object.entries(responseSchemas).map(([event, schema]) => ({
      name: `response ${event}`,
      schema,
      examples: [],
    })),
    { name: 'peerjs frame', schema: ClientSignalFrameSchema, examples: Object.values(peerjsExamples(ctx)) },
    { name: 'peer frame', schema: PeerFrameSchema, examples: [frames.sealed], ...peer },
    { name: 'peer hello', schema: HelloFrameSchema, examples: [frames.hello], ...peer },
    { name: 'peer heartbeat', schema: HeartbeatFrameSchema, examples: [frames.heartbeat], ...peer },
    { name: 'peer sealed message', schema: SealedMessageSchema, examples: [frames.sealed.message], ...peer },
    { name: 'peer content', schema: ContentSchema, examples: Object.values(contentExamples(ctx)), ...peer },
    {
      name: 'port request',
      schema: PortRequestSchema,
      examples: Object.entries(engine).map(([method, params], id) => ({
        kind: 'request',
        id,
        method,
        params,
      })),
    },
    ...Object.entries(engineRequestSchemas).map(([method, schema]) => ({
      name: `port ${method}`,
      schema,
      examples: [engine[method as keyof typeof engine]],
    })),
  ];
}
