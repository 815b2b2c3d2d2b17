/**
 * The load bench's contact graph: N users, each with CONTACTS contacts, contact symmetric, each pair with a random
 * 32-byte secret and the presence token both present (presenceToken, as the engine derives it).
 */
import { randomBytes } from 'node:crypto';
import { presenceToken } from '../../shared/crypto/contact-secret';
import { encodeBytes } from '../../shared/crypto/identity';
import { CONTACT_SECRET_LENGTH } from '../../shared/limits';

/** Contacts per user. */
export const CONTACTS = 20;

/** One user's side of the graph: their contacts (user indices) and, in the same order, the pair tokens. */
export interface Contacts {
  readonly contacts: readonly number[];
  readonly tokens: readonly string[];
}

/** A small seeded generator (mulberry32): the same seed gives the same graph on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A random CONTACTS-regular graph: the union of CONTACTS / 2 random cycles through every user gives everyone
 * exactly CONTACTS ends of edges; an edge that repeats one (probability about CONTACTS / N each) is swapped with
 * a random other edge (u–v, x–y become u–x, v–y), which keeps every degree, until none repeats.
 */
export function contactEdges(users: number, seed: number): [number, number][] {
  if (users <= CONTACTS + 1) throw new Error(`contactEdges: needs more than ${CONTACTS + 1} users`);
  const random = seededRandom(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const edges: [number, number][] = [];
  for (let cycle = 0; cycle < CONTACTS / 2; cycle++) {
    const order = Array.from({ length: users }, (_, index) => index);
    for (let i = users - 1; i > 0; i--) {
      const j = pick(i + 1);
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    order.forEach((user, index) => edges.push([user, order[(index + 1) % users] ?? 0]));
  }
  const key = (a: number, b: number): number => (a < b ? a * users + b : b * users + a);
  const multiplicity = new Map<number, number>();
  const change = (a: number, b: number, by: number): void => {
    const count = (multiplicity.get(key(a, b)) ?? 0) + by;
    if (count === 0) multiplicity.delete(key(a, b));
    else multiplicity.set(key(a, b), count);
  };
  for (const [a, b] of edges) change(a, b, 1);
  for (let index = 0; index < edges.length; index++) {
    const [u, v] = edges[index] ?? [0, 0];
    while ((multiplicity.get(key(u, v)) ?? 0) > 1) {
      const other = pick(edges.length);
      const [x, y] = edges[other] ?? [u, v];
      const free = x !== u && x !== v && y !== u && y !== v;
      if (!free || multiplicity.has(key(u, x)) || multiplicity.has(key(v, y))) continue;
      change(u, v, -1);
      change(x, y, -1);
      change(u, x, 1);
      change(v, y, 1);
      edges[index] = [u, x];
      edges[other] = [v, y];
      break;
    }
  }
  return edges;
}

/** Every user's contacts and pair tokens, each pair with a fresh random secret. */
export function contactGraph(users: number, seed: number): Contacts[] {
  const graph = Array.from({ length: users }, () => ({ contacts: [] as number[], tokens: [] as string[] }));
  for (const [a, b] of contactEdges(users, seed)) {
    const token = presenceToken(encodeBytes(randomBytes(CONTACT_SECRET_LENGTH)));
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      graph[self]?.contacts.push(other);
      graph[self]?.tokens.push(token);
    }
  }
  return graph;
}
