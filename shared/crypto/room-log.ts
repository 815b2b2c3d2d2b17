/**
 * A room's membership log: the rules, shared by the server (which refuses entries that break them) and every
 * client (which believes only what a log it checked itself proves). Each entry is signed by its actor over
 * (domain tag, room id, op, subject, time, actor, hash of the entry before), so an entry cannot be forged,
 * moved to another room, or spliced out of its place in the chain.
 */
import { utf8 } from '@scure/base';
import nacl from 'tweetnacl';
import * as v from 'valibot';
import { UserIdSchema, type UserId, type RoomId } from '../ids';
import { MAX_ROOM_LOG_ENTRIES, MAX_ROOM_MEMBERS } from '../limits';
import { WireNameSchema } from '../names';
import { MAX_ROOM_LOG_LENGTH, ROOM_ENTRY_HASH_LENGTH, type RoomEntry, type RoomOp } from '../protocol/rooms';
import {
  SIGNING_KEY_LENGTH,
  bytesSchema,
  decodeBytes,
  encodeBytes,
  userIdOf,
  verifySignature,
  type VerifyEd25519,
} from './identity';

/**
 * The primitives the rules spend their time in, passed in so that shared/ stays free of Node: the server gives
 * node:crypto's (OpenSSL is tens of times faster than tweetnacl's JavaScript); left out, tweetnacl's.
 */
export interface RoomLogCrypto {
  readonly verify?: VerifyEd25519;
  readonly sha512?: (bytes: Uint8Array) => Uint8Array;
}

const ENTRY_CONTEXT = 'toolbar-messenger room-entry v1\n';
const HASH_CONTEXT = 'toolbar-messenger room-entry-hash v1\n';

/** What an entry's actor signs (and, for a join with a code, the code's key too). JSON: no field can run into another. */
export function roomEntryStatement(
  roomId: RoomId,
  entry: Pick<RoomEntry, 'op' | 'subject' | 'at' | 'prev'>,
  actorId: UserId,
): Uint8Array {
  return utf8.decode(
    ENTRY_CONTEXT + JSON.stringify([roomId, entry.op, entry.subject, entry.at, actorId, entry.prev]),
  );
}

/** The hash the next entry names as `prev`: of the whole entry, signatures included. */
export function roomEntryHash(
  roomId: RoomId,
  entry: RoomEntry,
  sha512: (bytes: Uint8Array) => Uint8Array = nacl.hash,
): string {
  const fields = [roomId, entry.op, entry.subject, entry.at, entry.actor, entry.prev, entry.signature];
  const text = HASH_CONTEXT + JSON.stringify([...fields, entry.codeSignature ?? '']);
  return encodeBytes(sha512(utf8.decode(text)).subarray(0, ROOM_ENTRY_HASH_LENGTH));
}

/** A room as a checked log proves it. Never mutated: each entry gives a new one. */
export interface RoomLogState {
  readonly roomId: RoomId;
  readonly name: string;
  /** In the order they joined. */
  readonly members: readonly UserId[];
  /** Invitees, each with who invited them. */
  readonly invited: ReadonlyMap<UserId, UserId>;
  /** Live invite codes (public keys), each with who published it; a code dies when its publisher leaves. */
  readonly codes: ReadonlyMap<string, UserId>;
  /** The hash of each entry, in order: the last is the head the next entry must name. */
  readonly hashes: readonly string[];
}

/** One checked entry, as a timeline shows it. */
export interface RoomLogEvent {
  readonly op: RoomOp;
  readonly actor: UserId;
  readonly subject: string;
  readonly at: number;
  /** For a leave: whether they were only invited (they declined). */
  readonly declined?: boolean;
}

export type Applied =
  | { readonly ok: true; readonly state: RoomLogState; readonly event: RoomLogEvent }
  | { readonly ok: false; readonly reason: string };

const CodeKeySchema = bytesSchema(SIGNING_KEY_LENGTH);
const refuse = (reason: string): Applied => ({ ok: false, reason });
const without = <K, T>(map: ReadonlyMap<K, T>, drop: (key: K, value: T) => boolean): Map<K, T> =>
  new Map([...map].filter(([key, value]) => !drop(key, value)));

/**
 * Applies one entry to the state before it (undefined: the log is empty), or says why it does not belong there.
 * `verify: false` skips the signatures only, for a log the server checked entry by entry as it stored it.
 */
export function applyRoomEntry(
  state: RoomLogState | undefined,
  roomId: RoomId,
  entry: RoomEntry,
  { verify = true, crypto = {} }: { verify?: boolean; crypto?: RoomLogCrypto } = {},
): Applied {
  const actor = userIdOf(decodeBytes(entry.actor));
  if (entry.prev !== (state?.hashes.at(-1) ?? ''))
    return refuse('it does not follow the last entry of the log (a broken chain)');
  if (entry.codeSignature !== undefined && !(entry.op === 'join' && entry.subject !== 'invite'))
    return refuse('only a join with a code carries a code signature');
  let next: Omit<RoomLogState, 'hashes'>;
  if (!state) {
    if (entry.op !== 'create') return refuse('a log starts with create');
    if (!v.is(WireNameSchema, entry.subject)) return refuse('the room name is not a valid name');
    next = { roomId, name: entry.subject, members: [actor], invited: new Map(), codes: new Map() };
  } else {
    const length = state.hashes.length;
    if (state.members.length === 0) return refuse('the room has ended (everyone left)');
    if (length >= MAX_ROOM_LOG_LENGTH || (length >= MAX_ROOM_LOG_ENTRIES && entry.op !== 'leave'))
      return refuse(`the membership log is full (${MAX_ROOM_LOG_ENTRIES} entries): create a new room`);
    const member = state.members.includes(actor);
    const seats = state.members.length + state.invited.size;
    switch (entry.op) {
      case 'create':
        return refuse('a room is created once');
      case 'invite': {
        if (!member) return refuse('only a member may invite');
        const invitee = entry.subject;
        if (!v.is(UserIdSchema, invitee)) return refuse('an invite names a user id');
        if (state.members.includes(invitee) || state.invited.has(invitee))
          return refuse('they are already in the room or invited');
        if (seats >= MAX_ROOM_MEMBERS) return refuse(`a room has at most ${MAX_ROOM_MEMBERS} members`);
        next = { ...state, invited: new Map([...state.invited, [invitee, actor]]) };
        break;
      }
      case 'code':
        if (!member) return refuse('only a member may publish an invite code');
        if (!v.is(CodeKeySchema, entry.subject)) return refuse('a code entry names a public key');
        if (state.codes.has(entry.subject)) return refuse('this code is already published');
        next = { ...state, codes: new Map([...state.codes, [entry.subject, actor]]) };
        break;
      case 'join': {
        if (member) return refuse('they are already a member');
        const invited = state.invited.has(actor);
        if (entry.subject === 'invite') {
          if (!invited) return refuse('they were not invited');
        } else {
          if (!state.codes.has(entry.subject)) return refuse('this invite code is not valid in this room');
          if (entry.codeSignature === undefined) return refuse('a join with a code is signed with the code');
          if (!invited && seats >= MAX_ROOM_MEMBERS)
            return refuse(`a room has at most ${MAX_ROOM_MEMBERS} members`);
        }
        next = {
          ...state,
          members: [...state.members, actor],
          invited: without(state.invited, (userId) => userId === actor),
        };
        break;
      }
      case 'leave':
        if (entry.subject !== '') return refuse('a leave names nothing');
        if (!member && !state.invited.has(actor)) return refuse('they are not in the room');
        next = {
          ...state,
          members: state.members.filter((userId) => userId !== actor),
          invited: without(state.invited, (userId) => userId === actor),
          codes: without(state.codes, (_key, by) => by === actor),
        };
        break;
    }
  }
  // Signatures last: they cost the most.
  if (verify) {
    const statement = roomEntryStatement(roomId, entry, actor);
    if (!verifySignature(statement, entry.signature, entry.actor, crypto.verify))
      return refuse('its signature is not valid');
    if (
      entry.codeSignature !== undefined &&
      !verifySignature(statement, entry.codeSignature, entry.subject, crypto.verify)
    )
      return refuse('its code signature is not valid');
  }
  const hashes = [...(state?.hashes ?? []), roomEntryHash(roomId, entry, crypto.sha512)];
  const event: RoomLogEvent = { op: entry.op, actor, subject: entry.subject, at: entry.at };
  const declined = entry.op === 'leave' && !state?.members.includes(actor);
  return { ok: true, state: { ...next, hashes }, event: declined ? { ...event, declined } : event };
}

/** A log read entry by entry: what its valid start proves, and why the rest (if any) was not taken. */
export interface ReadLog {
  readonly state: RoomLogState | undefined;
  readonly events: readonly RoomLogEvent[];
  /** The first entry that did not verify, and why; nothing after it is taken either (the chain is broken). */
  readonly problem?: { readonly index: number; readonly reason: string };
}

/**
 * Checks a whole log. `known` is a log read before: its entries are not verified again where the new log starts
 * with the very same entries (same hashes), so a room that grows costs one signature check per new entry.
 */
export function readRoomLog(
  roomId: RoomId,
  log: readonly RoomEntry[],
  { verify = true, known, crypto = {} }: { verify?: boolean; known?: ReadLog; crypto?: RoomLogCrypto } = {},
): ReadLog {
  let state: RoomLogState | undefined;
  let events: RoomLogEvent[] = [];
  let start = 0;
  const knownHashes = known?.state?.hashes ?? [];
  if (
    known?.state?.roomId === roomId &&
    knownHashes.length <= log.length &&
    knownHashes.every((hash, index) => {
      const entry = log[index];
      return entry !== undefined && roomEntryHash(roomId, entry, crypto.sha512) === hash;
    })
  ) {
    state = known.state;
    events = [...known.events];
    start = knownHashes.length;
  }
  for (let index = start; index < log.length; index++) {
    const entry = log[index];
    if (!entry) break;
    let applied: Applied;
    try {
      applied = applyRoomEntry(state, roomId, entry, { verify, crypto });
    } catch (error) {
      applied = refuse(`it could not be read (${String(error)})`);
    }
    if (!applied.ok) return { state, events, problem: { index, reason: applied.reason } };
    state = applied.state;
    events.push(applied.event);
  }
  return { state, events };
}
