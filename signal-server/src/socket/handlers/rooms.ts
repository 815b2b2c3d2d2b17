import { isUserIdOf } from '../../../../shared/crypto/identity';
import { applyRoomEntry, readRoomLog, type RoomLogState } from '../../../../shared/crypto/room-log';
import { ErrorCode, fail, ok, type Result } from '../../../../shared/errors';
import type { UserId, RoomId } from '../../../../shared/ids';
import {
  MAX_PENDING_INVITATIONS_PER_INVITEE,
  MAX_PENDING_INVITATIONS_PER_INVITER,
  MAX_ROOMS_PER_USER,
} from '../../../../shared/limits';
import type { RoomEntry } from '../../../../shared/protocol/rooms';
import { nativeRoomLogCrypto } from '../../crypto/room-log';
import { keepListing, peopleOf, publicRoom, withdrawnCode, type StoredRoom } from '../../stores/rooms';
import { userRoom, type Handler, type HandlerContext, type SessionContext } from '../context';

/** Tells everyone a room concerns (on whichever process they are) how it is now. */
export function announce({ io }: HandlerContext, room: StoredRoom): void {
  for (const userId of peopleOf(room)) io.to(userRoom(userId)).emit('room:updated', publicRoom(room));
}

/**
 * What a stored room's log proves, from what was kept beside it when its entries were checked: no entry is
 * hashed or verified again. A room stored before that was kept (or whose kept state does not match its log) is
 * read from its log once, natively, without the signatures it was checked with when stored.
 */
export function stateOf(room: StoredRoom): RoomLogState | undefined {
  const { checked } = room;
  if (checked && checked.hashes.length === room.log.length)
    return {
      roomId: room.roomId,
      name: checked.name,
      members: room.members.map((member) => member.userId),
      invited: new Map(room.invited.map((invitee) => [invitee.userId, invitee.by])),
      codes: new Map(checked.codes),
      hashes: checked.hashes,
    };
  return readRoomLog(room.roomId, room.log, { verify: false, crypto: nativeRoomLogCrypto }).state;
}

/** The room a checked log makes, each person named as the server knows them (`names`: the latest first). */
function roomOf(
  roomId: RoomId,
  state: RoomLogState,
  log: readonly RoomEntry[],
  names: Map<UserId, string>,
): StoredRoom {
  const named = (userId: UserId) => ({ userId, name: names.get(userId) ?? 'unknown' });
  return {
    roomId,
    members: state.members.map(named),
    invited: [...state.invited].map(([userId, by]) => ({ ...named(userId), by })),
    log: [...log],
    checked: { name: state.name, codes: [...state.codes], hashes: state.hashes },
  };
}

const namesIn = (room: StoredRoom): Map<UserId, string> =>
  new Map([...room.members, ...room.invited].map((person) => [person.userId, person.name]));

/** Entries are made by the one who sends them: nobody appends in someone else's name. */
function notOwn(event: string, { session }: SessionContext, entry: RoomEntry): Result<never> | undefined {
  if (isUserIdOf(session.user.userId, entry.actor)) return undefined;
  return fail(ErrorCode.InvalidPayload, `${event}: sign the entry with the identity key of this session`);
}

async function roomQuota(ctx: SessionContext, event: string): Promise<Result<never> | undefined> {
  const { memberOf } = await ctx.stores.rooms.counts(ctx.session.user.userId);
  if (memberOf < MAX_ROOMS_PER_USER) return undefined;
  return fail(
    ErrorCode.QuotaExceeded,
    `${event}: at most ${MAX_ROOMS_PER_USER} rooms per user; leave one first`,
  );
}

/**
 * Invitations wait apart from rooms (they never count toward the invitee's rooms), bounded per invitee and per
 * inviter; when full, it is the inviter who is refused.
 */
async function invitationQuota(
  ctx: SessionContext,
  invitee: string,
  name: string,
): Promise<Result<never> | undefined> {
  if ((await ctx.stores.rooms.invitationsBy(ctx.session.user.userId)) >= MAX_PENDING_INVITATIONS_PER_INVITER)
    return fail(
      ErrorCode.QuotaExceeded,
      `room:append: you have ${MAX_PENDING_INVITATIONS_PER_INVITER} invitations waiting; wait until some are answered, or share an invite code`,
    );
  if ((await ctx.stores.rooms.counts(invitee)).invitedTo >= MAX_PENDING_INVITATIONS_PER_INVITEE)
    return fail(
      ErrorCode.QuotaExceeded,
      `room:append: ${name} has too many invitations waiting; share an invite code with them instead`,
    );
  return undefined;
}

const refused = (event: string, reason: string) =>
  fail(ErrorCode.InvalidPayload, `${event}: the entry was refused: ${reason}`);

/** Creates a room from its creator's signed `create` entry. */
export const roomCreate: Handler<'room:create'> = {
  requiresSession: true,
  async handle({ roomId, entry }, ctx) {
    const { user } = ctx.session;
    const refusal = notOwn('room:create', ctx, entry) ?? (await roomQuota(ctx, 'room:create'));
    if (refusal) return refusal;
    const applied = applyRoomEntry(undefined, roomId, entry, { crypto: nativeRoomLogCrypto });
    if (!applied.ok) return refused('room:create', applied.reason);
    const room = roomOf(roomId, applied.state, [entry], new Map([[user.userId, user.name]]));
    if (!(await ctx.stores.rooms.create(room)))
      return fail(ErrorCode.InvalidPayload, 'room:create: a room already has this id; choose another');
    return ok(publicRoom(room));
  },
};

/** Adds one signed entry (invite, code, join, leave) that follows the room's log and its rules. */
export const roomAppend: Handler<'room:append'> = {
  requiresSession: true,
  async handle({ roomId, entry, name }, ctx) {
    const { user } = ctx.session;
    let early = notOwn('room:append', ctx, entry);
    if (!early && entry.op === 'join') early = await roomQuota(ctx, 'room:append');
    if (!early && entry.op === 'invite') {
      if (name === undefined || (await ctx.stores.accounts.lookup(name)) !== entry.subject)
        return fail(
          ErrorCode.NotFound,
          `room:append: nobody is called "${name ?? ''}" with this user id here`,
        );
      early = await invitationQuota(ctx, entry.subject, name);
    }
    if (early) return early;
    let refusal: Result<never> | undefined;
    let before: StoredRoom | undefined;
    const room = await ctx.stores.rooms.update(roomId, (current) => {
      before = current;
      refusal = undefined;
      // Every entry of a stored log was checked when it was appended: only the new one is verified, against
      // the state kept beside the log (its head hash, people and codes).
      if (entry.op === 'join' && withdrawnCode(current, entry.subject))
        return ((refusal = refused('room:append', 'this invite code was withdrawn')), undefined);
      const applied = applyRoomEntry(stateOf(current), roomId, entry, { crypto: nativeRoomLogCrypto });
      if (!applied.ok) return ((refusal = refused('room:append', applied.reason)), undefined);
      if (applied.state.members.length === 0) return null; // the last member left: the room ends
      const names = namesIn(current);
      if (entry.op === 'invite' && name !== undefined) names.set(entry.subject, name);
      if (entry.op === 'join') names.set(user.userId, user.name);
      return keepListing(current, roomOf(roomId, applied.state, [...current.log, entry], names));
    });
    if (refusal) return refusal;
    if (!before) return fail(ErrorCode.NotFound, 'room:append: no such room (it may have ended)');
    if (room) announce(ctx, room);
    const gone = peopleOf(before).filter((userId) => !room || !peopleOf(room).includes(userId));
    for (const userId of gone) ctx.io.to(userRoom(userId)).emit('room:removed', { roomId });
    return ok(room ? { roomId, room: publicRoom(room) } : { roomId });
  },
};

/** The user id a name belongs to here, to sign an invitation for (the engine checks it against its pins). */
export const roomInvitee: Handler<'room:invitee'> = {
  requiresSession: true,
  async handle({ name }, ctx) {
    const userId = await ctx.stores.accounts.lookup(name);
    if (!userId) return fail(ErrorCode.NotFound, `room:invitee: nobody is called "${name}" on this server`);
    return ok({ userId });
  },
};

/** The room an invite code is for, to whoever shows the code's public key (to sign a join that follows it). */
export const roomPeek: Handler<'room:peek'> = {
  requiresSession: true,
  async handle({ roomId, code }, ctx) {
    const room = await ctx.stores.rooms.get(roomId);
    // The live codes were kept when the log was checked: a wrong code costs a lookup, never a read of the log.
    if (!room || withdrawnCode(room, code) || !stateOf(room)?.codes.has(code))
      return fail(ErrorCode.NotFound, 'room:peek: this invite is not valid (ask a member for a new one)');
    return ok(publicRoom(room));
  },
};

export const roomList: Handler<'room:list'> = {
  requiresSession: true,
  async handle(_payload, ctx) {
    const rooms = await ctx.stores.rooms.listFor(ctx.session.user.userId);
    return ok({ rooms: rooms.map(publicRoom) });
  },
};
