import { encodeBytes } from '../../../shared/crypto/identity';
import { readRoomLog, type ReadLog, type RoomLogEvent } from '../../../shared/crypto/room-log';
import { ErrorCode } from '../../../shared/errors';
import { randomId, type UserId, type RoomId } from '../../../shared/ids';
import { inviteCode, type Room, type RoomEntry, type RoomOp } from '../../../shared/protocol/rooms';
import type { RequestPayload, ResponseMap } from '../../../shared/protocol/socket';
import type { IdentityKeys } from '../crypto/identity';
import { newCodeSecret, roomCodeKeys, signRoomEntry } from '../crypto/room-entries';
import type { RoomTimelineLine, RoomView } from '../messaging/protocol';
import type { LocalRoom, LocalRoomStore } from '../storage/room-store';
import { EngineError } from '../errors';

export type RoomEvent = 'room:create' | 'room:append' | 'room:invitee' | 'room:peek' | 'room:list';

export interface RoomMembershipDeps {
  readonly keys: IdentityKeys;
  readonly selfId: UserId;
  /** Where rooms are kept (the vault). */
  readonly store: LocalRoomStore;
  /** A request to the server that must succeed now; throws an EngineError with the server's reason otherwise. */
  readonly request: <E extends RoomEvent>(event: E, payload: RequestPayload<E>) => Promise<ResponseMap[E]>;
  /** The user id a name is pinned to on this profile, if any: an invitee the server names otherwise is refused. */
  readonly pinnedUser: (name: string) => UserId | undefined;
  /** A name for someone the server did not name (a contact's, or our own). */
  readonly nameOf: (userId: UserId) => string | undefined;
  readonly now: () => number;
  /** Something shown changed: members, timeline, warnings. */
  readonly changed: () => void;
}

/**
 * Rooms as their signed membership logs prove them. The server hands out each room with its log and its own
 * list of members; only the log is believed: room messages are sealed for, and taken from, members the log
 * proves, and whatever the server claims beyond it shows as a warning in the room.
 */
export interface RoomMembership {
  /** Reads the rooms kept in the vault (each log checked again). */
  load(): Promise<void>;
  /** A room as the server sent it (a push or an answer): checked, kept if it concerns us. */
  take(room: Room): Promise<void>;
  forget(roomId: RoomId): Promise<void>;
  /** The server's list of our rooms: what it no longer lists is forgotten. */
  sync(rooms: readonly Room[]): Promise<void>;
  has(roomId: string): boolean;
  /** Whether this profile is a member by the log. */
  joined(roomId: string): boolean;
  /** Members the log proves, this profile left out: whom a room message is sealed for. */
  recipients(roomId: RoomId): UserId[];
  isMember(roomId: RoomId, userId: UserId): boolean;
  /** Rooms whose log proves `userId` a member. */
  roomsWith(userId: UserId): RoomId[];
  views(isOnline: (userId: UserId) => boolean): RoomView[];
  create(name: string): Promise<RoomId>;
  invite(roomId: RoomId, name: string): Promise<void>;
  /** Accepts an invitation (no secret), or joins with an invite code's secret. */
  join(request: { readonly roomId: RoomId; readonly secret?: string }): Promise<RoomId>;
  /** Publishes an invite code of this member's own (shown in the room; its secret never leaves this profile). */
  makeCode(roomId: RoomId): Promise<void>;
  /** Publishes a new code of this member's and hands its secret over (to list the room); the shown one stays. */
  newCode(roomId: RoomId): Promise<string>;
  /** Leaves a room, or declines an invitation. */
  leave(roomId: RoomId): Promise<void>;
}

interface Known {
  readonly local: LocalRoom;
  readonly log: ReadLog;
  /** The server sent a log that does not continue the one checked before: it was not taken. */
  readonly rewritten?: boolean;
}

type Signer = { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array };

/** Attempts at an append when someone else's entry came first (each retry starts from the room as it is then). */
const APPEND_ATTEMPTS = 3;

const lineFor = (
  event: RoomLogEvent,
  name: (userId: UserId) => string,
  codes: ReadonlyMap<string, UserId>,
  earlier: ReadonlyMap<string, UserId>,
): string => {
  const actor = name(event.actor);
  switch (event.op) {
    case 'create':
      return `${actor} created the room "${event.subject}"`;
    case 'invite':
      return `${actor} invited ${name(event.subject)}`;
    case 'code':
      return `${actor} made an invite code`;
    case 'join': {
      const how =
        event.subject === 'invite'
          ? 'accepted the invitation'
          : `joined with an invite code from ${name(codes.get(event.subject) ?? '')}`;
      const before = earlier.get(actor);
      // The same name with another key: someone else, or a new identity; either way the members should know.
      const rekeyed =
        before !== undefined && before !== event.actor
          ? ' (with another identity key than before: compare safety numbers)'
          : '';
      return `${actor} ${how}${rekeyed}`;
    }
    case 'leave':
      return event.declined ? `${actor} declined the invitation` : `${actor} left`;
  }
};

export function createRoomMembership(deps: RoomMembershipDeps): RoomMembership {
  const { keys, selfId, store, request, now } = deps;
  const rooms = new Map<RoomId, Known>();

  const stateOf = (roomId: string) => rooms.get(roomId)?.log.state;
  const concerns = (log: ReadLog): boolean =>
    !!log.state && (log.state.members.includes(selfId) || log.state.invited.has(selfId));

  /**
   * Checks a room's log, resuming from the one checked before when the new one continues it. A log that is only
   * shorter (an older state, a push overtaken by a newer answer) is stale; one that differs rewrites history.
   */
  function check(
    room: Room,
    before: Known | undefined,
  ): { log: ReadLog; stale: boolean; rewritten: boolean } {
    const log = readRoomLog(room.roomId, room.log, before ? { known: before.log } : {});
    const [was, is] = [before?.log.state?.hashes ?? [], log.state?.hashes ?? []];
    const agree = was.slice(0, is.length).every((hash, index) => is[index] === hash);
    return { log, stale: agree && is.length < was.length, rewritten: !agree };
  }

  async function keep(known: Known): Promise<void> {
    rooms.set(known.local.room.roomId, known);
    await store.put({ ...known.local, verified: known.log.state?.hashes.length ?? 0 });
    deps.changed();
  }

  async function take(room: Room): Promise<void> {
    const before = rooms.get(room.roomId);
    const { log, stale, rewritten } = check(room, before);
    if (stale) return;
    if (before && rewritten) {
      // A server that rewrites history could drop a leave or slip in a join: keep what was checked.
      rooms.set(room.roomId, { ...before, rewritten: true });
      deps.changed();
      return;
    }
    if (!before && !concerns(log)) {
      console.warn(`rooms: ignored room ${room.roomId}: its log does not show this profile in it`);
      return;
    }
    const secret = before?.local.codeSecret;
    // Names of everyone the log mentions, as the server last gave them: those who left keep theirs.
    const mentioned = new Set(log.events.flatMap((event) => [event.actor, event.subject]));
    const names = Object.fromEntries(
      [
        ...Object.entries(before?.local.names ?? {}),
        ...[...room.members, ...room.invited].map((p) => [p.userId, p.name] as const),
      ].filter(([userId]) => mentioned.has(userId)),
    );
    await keep({ local: { room, names, ...(secret ? { codeSecret: secret } : {}) }, log });
  }

  async function forget(roomId: RoomId): Promise<void> {
    if (!rooms.delete(roomId)) return;
    await store.remove(roomId);
    deps.changed();
  }

  /** The room as the server has it now, from the list of our rooms. */
  async function current(roomId: RoomId): Promise<Room | undefined> {
    return (await request('room:list', {})).rooms.find((room) => room.roomId === roomId);
  }

  /**
   * Signs an entry that follows the room's head and appends it. If another entry came first (the server refuses
   * a broken chain), fetches the room again and signs anew, a few times.
   */
  async function append(
    roomId: RoomId,
    fields: { op: RoomOp; subject: string; name?: string; code?: Signer },
    fetch: () => Promise<Room | undefined>,
    start: ReadLog | undefined = rooms.get(roomId)?.log,
  ): Promise<void> {
    let log = start;
    for (let attempt = 1; ; attempt++) {
      const prev = log?.state?.hashes.at(-1);
      if (prev === undefined) throw new EngineError(ErrorCode.NotFound, 'This room is not known here');
      const entry: RoomEntry = signRoomEntry(
        keys,
        roomId,
        { op: fields.op, subject: fields.subject, at: now(), prev },
        fields.code,
      );
      try {
        const done = await request('room:append', {
          roomId,
          entry,
          ...(fields.name === undefined ? {} : { name: fields.name }),
        });
        if (done.room && fields.op !== 'leave') await take(done.room);
        return;
      } catch (error) {
        if (attempt >= APPEND_ATTEMPTS) throw error;
        const fresh = await fetch().catch(() => undefined);
        const next = fresh && readRoomLog(roomId, fresh.log, log ? { known: log } : {});
        if (!next?.state || next.state.hashes.at(-1) === prev) throw error; // not a race: the refusal stands
        if (fresh && rooms.has(roomId)) await take(fresh);
        log = next;
      }
    }
  }

  /**
   * Publishes an invite code of this member's own. Kept, its secret stays here so the room can show it; else it is
   * only handed back (to list the room with it).
   */
  async function publishCode(roomId: RoomId, kept = true): Promise<string> {
    if (!stateOf(roomId)?.members.includes(selfId))
      throw new EngineError(ErrorCode.InvalidPayload, 'Join the room before making an invite code for it');
    const secret = newCodeSecret();
    const code = roomCodeKeys(roomId, secret);
    await append(roomId, { op: 'code', subject: encodeBytes(code.publicKey) }, () => current(roomId));
    const known = rooms.get(roomId);
    if (known && kept) await keep({ ...known, local: { ...known.local, codeSecret: secret } });
    return secret;
  }

  function view(known: Known, isOnline: (userId: UserId) => boolean): RoomView | undefined {
    const { room } = known.local;
    const state = known.log.state;
    if (!state) return undefined;
    const names = known.local.names ?? {};
    const name = (userId: UserId): string =>
      (Object.hasOwn(names, userId) ? names[userId] : undefined) ??
      deps.nameOf(userId) ??
      `someone (${userId.slice(0, 8)})`;
    const person = (userId: UserId) => ({ userId, name: name(userId), online: isOnline(userId) });
    const timeline: RoomTimelineLine[] = [];
    const byName = new Map<string, UserId>();
    const codes = new Map<string, UserId>();
    for (const event of known.log.events) {
      // Every member publishes a code of their own as they join: a line for each would only be noise.
      if (event.op !== 'code') timeline.push({ at: event.at, text: lineFor(event, name, codes, byName) });
      if (event.op === 'code') codes.set(event.subject, event.actor);
      if (event.op === 'join' || event.op === 'create') byName.set(name(event.actor), event.actor);
    }
    const warnings: string[] = [];
    if (known.log.problem)
      warnings.push(
        `An entry of this room's membership log does not verify (${known.log.problem.reason}): it, and what follows it, are ignored`,
      );
    if (known.rewritten)
      warnings.push(
        'The server sent a membership log that rewrites the one checked before: it was not taken',
      );
    for (const member of room.members)
      if (!state.members.includes(member.userId))
        warnings.push(
          `The server listed ${member.name} as a member without their signed join: messages are not sent to them`,
        );
    for (const invitee of room.invited)
      if (!state.invited.has(invitee.userId) && !state.members.includes(invitee.userId))
        warnings.push(`The server listed ${invitee.name} as invited without a signed invitation`);
    const joined = state.members.includes(selfId);
    return {
      roomId: room.roomId,
      name: state.name,
      joined,
      members: state.members.map(person),
      invited: [...state.invited.keys()].map(person),
      ...(joined && known.local.codeSecret
        ? { inviteCode: inviteCode(room.roomId, known.local.codeSecret) }
        : {}),
      ...(room.listed ? { listed: true } : {}),
      timeline,
      warnings,
    };
  }

  return {
    async load() {
      for (const local of await store.all()) {
        const { roomId, log: entries } = local.room;
        // What was checked before it was kept is not checked again (a log can take seconds to verify).
        const checked = readRoomLog(roomId, entries.slice(0, local.verified ?? 0), { verify: false });
        rooms.set(roomId, { local, log: readRoomLog(roomId, entries, { known: checked }) });
      }
    },
    take,
    forget,
    async sync(listed) {
      const current = new Set(listed.map((room) => room.roomId));
      for (const roomId of [...rooms.keys()]) if (!current.has(roomId)) await forget(roomId);
      for (const room of listed) await take(room);
    },
    has: (roomId) => rooms.has(roomId),
    joined: (roomId) => stateOf(roomId)?.members.includes(selfId) ?? false,
    recipients: (roomId) => (stateOf(roomId)?.members ?? []).filter((userId) => userId !== selfId),
    isMember: (roomId, userId) => stateOf(roomId)?.members.includes(userId) ?? false,
    roomsWith: (userId) =>
      [...rooms.values()]
        .filter((known) => known.log.state?.members.includes(userId))
        .map((known) => known.local.room.roomId),
    views(isOnline) {
      return [...rooms.values()]
        .flatMap((known) => view(known, isOnline) ?? [])
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    async create(name) {
      const roomId = `r${randomId()}`;
      const entry = signRoomEntry(keys, roomId, { op: 'create', subject: name, at: now(), prev: '' });
      await take(await request('room:create', { roomId, entry }));
      // The creator's code, at once; other members make theirs when they want one (each is a log entry).
      await publishCode(roomId).catch((error: unknown) =>
        console.warn(`rooms: could not publish an invite code for ${roomId}: ${String(error)}`),
      );
      return roomId;
    },
    async invite(roomId, name) {
      const { userId } = await request('room:invitee', { name });
      const pinned = deps.pinnedUser(name);
      if (pinned !== undefined && pinned !== userId)
        throw new EngineError(
          ErrorCode.KeyChanged,
          `The server says ${name} has another identity key than the one pinned here: compare safety numbers before inviting them`,
        );
      await append(roomId, { op: 'invite', subject: userId, name }, () => current(roomId));
    },
    async join({ roomId, secret }) {
      if (secret === undefined) {
        await append(roomId, { op: 'join', subject: 'invite' }, () => current(roomId));
      } else {
        const code = roomCodeKeys(roomId, secret);
        const subject = encodeBytes(code.publicKey);
        const peek = () => request('room:peek', { roomId, code: subject });
        const room = await peek();
        const log = readRoomLog(roomId, room.log);
        if (!log.state?.codes.has(subject))
          throw new EngineError(ErrorCode.NotFound, 'This invite is not valid (ask a member for a new one)');
        await append(roomId, { op: 'join', subject, code }, peek, log);
      }
      if (!rooms.has(roomId)) {
        const room = await current(roomId);
        if (room) await take(room);
      }
      return roomId;
    },
    async makeCode(roomId) {
      await publishCode(roomId);
    },
    newCode: (roomId) => publishCode(roomId, false),
    async leave(roomId) {
      await append(roomId, { op: 'leave', subject: '' }, () => current(roomId));
      await forget(roomId);
    },
  };
}
