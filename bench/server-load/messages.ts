/** What the load bench's parent (bench/server-load.ts) and its client processes (client.ts) tell each other. */

/** Which server the clients talk to: ours (sign-in, presence:watch) or the bare Socket.IO one (bare-server.ts). */
export type ServerKind = 'ours' | 'bare';

/** Counts by outcome (an error code, a disconnect reason…), added up across processes. */
export type Tally = Record<string, number>;

export function count(tally: Tally, outcome: string, by = 1): void {
  tally[outcome] = (tally[outcome] ?? 0) + by;
}

export function addTally(into: Tally, from: Tally): Tally {
  for (const [outcome, n] of Object.entries(from)) count(into, outcome, n);
  return into;
}

export const tallyText = (tally: Tally): string =>
  Object.entries(tally)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ') || 'none';

/** One simulated user of a client process. */
export interface PlannedClient {
  readonly name: string;
  /** The presence tokens of the user's contacts. */
  readonly tokens: readonly string[];
}

/** Everything a client process is told before it starts. */
export interface ClientPlan {
  readonly url: string;
  readonly kind: ServerKind;
  readonly clients: readonly PlannedClient[];
  /** Pairs of contacts (indices into `clients`) both in this process: mail goes between them. */
  readonly mailPairs: readonly (readonly [number, number])[];
  /** Sign-ins this process keeps in flight during the ramp. */
  readonly concurrency: number;
}

/** Parent to client process. */
export type ParentMessage =
  | { readonly kind: 'plan'; readonly plan: ClientPlan }
  | { readonly kind: 'ramp' }
  | { readonly kind: 'mail'; readonly perSecond: number; readonly seconds: number }
  | { readonly kind: 'report' };

/** Client process to parent. */
export type ChildMessage =
  /** Listening: a message sent before would be lost (the child's IPC channel reads while tsx loads the module). */
  | { readonly kind: 'started' }
  | { readonly kind: 'prepared' }
  | {
      readonly kind: 'ramped';
      /** Clients signed in and watching (ours) or connected (bare). */
      readonly ready: number;
      readonly failures: Tally;
      /** ms from opening the connection until ready, per ready client. */
      readonly latencies: readonly number[];
    }
  | {
      readonly kind: 'mailed';
      readonly sent: number;
      /** ms from mail:send until the recipient's mail:new, per message pushed. */
      readonly latencies: readonly number[];
      readonly failures: Tally;
    }
  | {
      readonly kind: 'report';
      /** Presence events (online, whether an answer or not, and offline) each ready client received. */
      readonly presenceEvents: readonly number[];
      /** Presence events naming a token the client never presented: a leak, should never happen. */
      readonly foreignEvents: number;
      readonly hereFailures: Tally;
      /** Ready clients whose connection closed before the end, by reason. */
      readonly disconnects: Tally;
    };
