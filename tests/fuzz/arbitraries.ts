/**
 * What the fuzz suite sends across a boundary: hostile JSON-ish values, and valid payloads with one field
 * mutated (dropped, of another type, extreme, or joined by an extra field).
 */
import fc from 'fast-check';

/** JSON text of `value`; JSON.stringify gives undefined for undefined (and its types do not say so). */
const stringify: (value: unknown) => string | undefined = JSON.stringify;
export const toJson = (value: unknown): string => stringify(value) ?? 'null';

/** Keys that trip code which treats objects as dictionaries or walks prototypes. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'then'];

/** Numbers at the edges: not finite, negative zero, past Number.MAX_SAFE_INTEGER, past the Date range. */
export const EXTREME_NUMBERS = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  -1,
  0.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MIN_SAFE_INTEGER - 2,
  2 ** 32,
  2 ** 53,
  8_640_000_000_000_001, // one past the last millisecond a Date can hold
  Number.MIN_VALUE,
];

/** Strings at the edges: empty, control and bidi characters, lone surrogates, near-misses of ids, huge. */
export const EXTREME_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202e',
  '\ud800',
  '\udfff',
  '\ufeff',
  '💥'.repeat(20),
  ...PROTOTYPE_KEYS,
  'A'.repeat(32), // 32 digits, wrong case: a near-miss of a user id
  '0'.repeat(31),
  'r' + '0'.repeat(32),
  'room:r' + '0'.repeat(32) + ':' + '0'.repeat(32),
  'x'.repeat(10_001),
  'A'.repeat(96 * 1024 + 1),
  'http://[::1',
  'javascript:alert(1)',
  '{"__proto__":{}}',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...EXTREME_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .tuple(fc.string({ maxLength: 8 }), loneSurrogate, fc.string({ maxLength: 8 }))
    .map((parts) => parts.join('')),
  fc
    .tuple(fc.constantFrom('a', '0', 'A', '\u0000', '_'), fc.integer({ min: 1, max: 300_000 }))
    .map(([c, n]) => c.repeat(n)),
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...EXTREME_NUMBERS),
  fc.integer(),
  fc.double(),
  fc.nat({ max: 10 }),
);

const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...PROTOTYPE_KEYS, 'v', 'kind', 'type', 'id', 'ok'),
  fc.string({ maxLength: 12 }),
);

/** An object built so that `__proto__` is an own key, as JSON.parse would make it, not the prototype. */
export const objectOf = (entries: readonly (readonly [string, unknown])[]): Record<string, unknown> =>
  Object.fromEntries(entries);

/** Nesting far deeper than any schema: arrays or objects, 100 to 1000 levels (deeper overflows fast-check's own printer). */
export const deepNesting: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 100, max: 1_000 }), fc.boolean())
  .map(([depth, arrays]) => {
    let value: unknown = arrays ? [] : {};
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { nested: value };
    return value;
  });

/** Any JSON-ish value, with the edges above likely. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.constantFrom<unknown>(null, undefined, true, false, 0, [], {}),
    hostileNumber,
    hostileString,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 6 }).map(objectOf),
  ),
})).value;

/** Hostile values and deep nesting. */
export const randomPayload: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 9, arbitrary: hostileValue },
  { weight: 1, arbitrary: deepNesting },
);

type Path = readonly (string | number)[];

/** Every path to a value inside `value` (objects and arrays), the root included. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const paths: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

const MUTATIONS = ['drop', 'replace', 'extreme', 'extra-field', 'wrap-in-array', 'stringify'] as const;
type Mutation = (typeof MUTATIONS)[number];

/** A copy of `value` with the node at `path` changed by `mutation`. */
export interface Change {
  readonly mutation: Mutation;
  /** The new value ('replace'), or the extra field's value. */
  readonly replacement: unknown;
  /** The extra field's name. */
  readonly key: string;
  /** Which extreme value ('extreme'). */
  readonly pick: number;
}

/** A copy of `value` with the node at `path` changed. */
export function mutate(value: unknown, path: Path, change: Change): unknown {
  if (path.length === 0) return mutateNode(value, change);
  const [head, ...rest] = path as [string | number, ...Path];
  const child = (value as Record<string | number, unknown>)[head];
  if (Array.isArray(value)) {
    const copy: unknown[] = [...(value as unknown[])];
    if (rest.length === 0 && change.mutation === 'drop') copy.splice(head as number, 1);
    else copy[head as number] = mutate(child, rest, change);
    return copy;
  }
  const entries = Object.entries(value as Record<string, unknown>).flatMap(
    ([key, item]): [string, unknown][] => {
      if (key !== head) return [[key, item]];
      if (rest.length === 0 && change.mutation === 'drop') return [];
      return [[key, mutate(child, rest, change)]];
    },
  );
  return objectOf(entries);
}

function mutateNode(node: unknown, { mutation, replacement, key, pick }: Change): unknown {
  switch (mutation) {
    case 'drop':
      return undefined;
    case 'replace':
      return replacement;
    case 'extreme':
      return typeof node === 'number'
        ? EXTREME_NUMBERS[pick % EXTREME_NUMBERS.length]
        : typeof node === 'string'
          ? EXTREME_STRINGS[pick % EXTREME_STRINGS.length]
          : replacement;
    case 'extra-field':
      return node !== null && typeof node === 'object' && !Array.isArray(node)
        ? objectOf([...Object.entries(node), [key, replacement]])
        : [node, replacement];
    case 'wrap-in-array':
      return [node];
    case 'stringify':
      return toJson(node);
  }
}

/** `example` with one node changed (rarely two): the near-misses a hand-written client would send. */
export function mutated(example: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(example);
  const once = (value: unknown) =>
    fc
      .record({
        path: fc.constantFrom(...pathsOf(value)),
        mutation: fc.constantFrom(...MUTATIONS),
        replacement: hostileValue,
        key: hostileKey,
        pick: fc.nat(),
      })
      .map(({ path, ...change }) => mutate(value, path, change));
  if (paths.length === 0) return fc.constant(example);
  return fc.oneof(
    { weight: 4, arbitrary: once(example) },
    {
      weight: 1,
      arbitrary: once(example).chain((first) => (first === undefined ? fc.constant(first) : once(first))),
    },
  );
}

/** Half hostile values, half mutations of one of `examples` (all hostile when there is none). */
export function payloadFor(examples: readonly unknown[]): fc.Arbitrary<unknown> {
  if (examples.length === 0) return randomPayload;
  return fc.oneof(randomPayload, fc.constantFrom(...examples).chain(mutated));
}

/** Values of every type that each field is tried with by the sweep below. */
const EDGE_VALUES: readonly unknown[] = [
  ...EXTREME_NUMBERS,
  ...EXTREME_STRINGS,
  null,
  undefined,
  true,
  [],
  {},
  objectOf([['__proto__', { polluted: true }]]),
];

/**
 * Every single-field mutation of `example` with every edge value, in order: unlike random cases, none is left
 * to chance (e.g. `sentAt: 8640000000000001`).
 */
export function* edgeMutations(example: unknown): Generator {
  for (const path of pathsOf(example)) {
    const change = { replacement: undefined, key: '__proto__', pick: 0 };
    yield mutate(example, path, { ...change, mutation: 'drop' });
    yield mutate(example, path, { ...change, mutation: 'wrap-in-array' });
    yield mutate(example, path, { ...change, mutation: 'stringify' });
    yield mutate(example, path, { ...change, mutation: 'extra-field', replacement: { polluted: true } });
    for (const replacement of EDGE_VALUES)
      yield mutate(example, path, { ...change, mutation: 'replace', replacement });
  }
}
