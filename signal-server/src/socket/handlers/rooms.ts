import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCode, fail, ok, type Result } from '../../../../shared/errors';
import { MAX_ROOMS_PER_USER, MAX_ROOM_MEMBERS } from '../../../../shared/limits';
import { isIn, type Room, type RoomMember } from '../../../../shared/protocol/rooms';
import { peopleOf, type StoredRoom } from '../../stores/rooms';
import { userRoom, type Handler, type HandlerContext } from '../context';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const without = (people: readonly RoomMember[], userId: string): RoomMember[] =>
  people.filter((person) => person.userId !== userId);
const sameToken = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** A room as `userId` may see it: only members are told the invite token. */
function viewFor(room: StoredRoom, userId: string): Room {
  const { inviteToken, ...rest } = room;
  return isIn(room.members, userId) ? { ...rest, inviteToken } : rest;
}

/** Tells everyone a room concerns (on whichever process they are) how it is now. */
function announce({ io }: HandlerContext, room: StoredRoom): void {
  for (const userId of peopleOf(room)) io.to(userRoom(userId)).emit('room:updated', viewFor(room, userId));
}

const notMember = (event: string) => fail(ErrorCode.NotFound, `${event}: no such room, or you are not in it`);

async function hasRoomFor(ctx: HandlerContext, userId: string): Promise<boolean> {
  return (await ctx.stores.rooms.listFor(userId)).length < MAX_ROOMS_PER_USER;
}

const tooMany = (event: string): Result<never> =>
  fail(ErrorCode.QuotaExceeded, `${event}: at most ${MAX_ROOMS_PER_USER} rooms per user; leave one first`);

export const roomCreate: Handler<'room:create'> = {
  requiresSession: true,
  async handle({ name }, ctx) {
    const { user } = ctx.session;
    if (!(await hasRoomFor(ctx, user.userId))) return tooMany('room:create');
    const room: StoredRoom = {
      roomId: `r${hex(16)}`,
      name,
      members: [{ userId: user.userId, name: user.name }],
      invited: [],
      inviteToken: hex(16),
    };
    await ctx.stores.rooms.create(room);
    return ok(viewFor(room, user.userId));
  },
};

/** A member invites someone by their name; they see the room and may join it. */
export const roomInvite: Handler<'room:invite'> = {
  requiresSession: true,
  async handle({ roomId, name }, ctx) {
    const { user } = ctx.session;
    const invitee = await ctx.stores.accounts.lookup(name);
    if (!invitee) return fail(ErrorCode.NotFound, `room:invite: nobody is called "${name}" on this server`);
    if (!(await hasRoomFor(ctx, invitee))) return tooMany('room:invite');
    let refusal: Result<never> | undefined;
    const room = await ctx.stores.rooms.update(roomId, (current) => {
      if (!isIn(current.members, user.userId)) return ((refusal = notMember('room:invite')), undefined);
      if (isIn(current.members, invitee) || isIn(current.invited, invitee)) return undefined;
      if (current.members.length + current.invited.length >= MAX_ROOM_MEMBERS) {
        refusal = fail(
          ErrorCode.QuotaExceeded,
          `room:invite: a room has at most ${MAX_ROOM_MEMBERS} members`,
        );
        return undefined;
      }
      return { ...current, invited: [...current.invited, { userId: invitee, name }] };
    });
    if (refusal) return refusal;
    if (!room) return notMember('room:invite');
    announce(ctx, room);
    return ok(viewFor(room, user.userId));
  },
};

/** Joins a room one is invited to, or whose invite token one has. */
export const roomJoin: Handler<'room:join'> = {
  requiresSession: true,
  async handle({ roomId, inviteToken }, ctx) {
    const { user } = ctx.session;
    if (!(await hasRoomFor(ctx, user.userId))) return tooMany('room:join');
    let refusal: Result<never> | undefined;
    const room = await ctx.stores.rooms.update(roomId, (current) => {
      if (isIn(current.members, user.userId)) return undefined;
      const invited = isIn(current.invited, user.userId);
      if (!invited && !(inviteToken !== undefined && sameToken(inviteToken, current.inviteToken))) {
        refusal = fail(
          ErrorCode.NotFound,
          'room:join: this invite is not valid (ask a member for a new one)',
        );
        return undefined;
      }
      if (!invited && current.members.length + current.invited.length >= MAX_ROOM_MEMBERS) {
        refusal = fail(ErrorCode.QuotaExceeded, `room:join: a room has at most ${MAX_ROOM_MEMBERS} members`);
        return undefined;
      }
      const member = { userId: user.userId, name: user.name };
      return {
        ...current,
        members: [...current.members, member],
        invited: without(current.invited, user.userId),
      };
    });
    if (refusal) return refusal;
    if (!room)
      return fail(ErrorCode.NotFound, 'room:join: this invite is not valid (ask a member for a new one)');
    announce(ctx, room);
    return ok(viewFor(room, user.userId));
  },
};

/** Leaves a room (or declines an invitation); the last member out deletes it. */
export const roomLeave: Handler<'room:leave'> = {
  requiresSession: true,
  async handle({ roomId }, ctx) {
    const { user } = ctx.session;
    const seen = { wasIn: false };
    const room = await ctx.stores.rooms.update(roomId, (current) => {
      seen.wasIn = isIn(current.members, user.userId) || isIn(current.invited, user.userId);
      if (!seen.wasIn) return undefined;
      const members = without(current.members, user.userId);
      return members.length === 0
        ? null
        : { ...current, members, invited: without(current.invited, user.userId) };
    });
    if (!seen.wasIn) return notMember('room:leave');
    if (room) announce(ctx, room);
    ctx.io.to(userRoom(user.userId)).emit('room:removed', { roomId });
    return ok({ roomId });
  },
};

export const roomList: Handler<'room:list'> = {
  requiresSession: true,
  async handle(_payload, ctx) {
    const { user } = ctx.session;
    const rooms = await ctx.stores.rooms.listFor(user.userId);
    return ok({ rooms: rooms.map((room) => viewFor(room, user.userId)) });
  },
};
