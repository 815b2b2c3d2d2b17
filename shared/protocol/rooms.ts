/**
 * Rooms: a name and a member list the server keeps, so that members can find each other. Room messages never
 * pass through the room on the server: each is end-to-end encrypted to each member on their pairwise session
 * (see README, Rooms) and travels like any message (directly, or through the mailbox).
 */
import * as v from 'valibot';
import { UserIdSchema, type UserId } from '../ids';
import { MAX_ROOM_MEMBERS } from '../limits';
import { DisplayNameSchema, WireNameSchema } from '../names';

/** `r` and 32 lowercase hex digits: never mistaken for a user id. */
export const RoomIdSchema = v.pipe(
  v.string(),
  v.regex(/^r[0-9a-f]{32}$/, 'must be "r" and 32 lowercase hex digits'),
);
export type RoomId = v.InferOutput<typeof RoomIdSchema>;

export const InviteTokenSchema = v.pipe(
  v.string(),
  v.regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits'),
);

export const RoomMemberSchema = v.object({ userId: UserIdSchema, name: WireNameSchema });
export interface RoomMember {
  readonly userId: UserId;
  readonly name: string;
}

/** Whether `userId` is among `people` (a room's members, or those invited). */
export const isIn = (people: readonly RoomMember[], userId: string): boolean =>
  people.some((person) => person.userId === userId);

export const RoomSchema = v.object({
  roomId: RoomIdSchema,
  name: WireNameSchema,
  members: v.pipe(v.array(RoomMemberSchema), v.maxLength(MAX_ROOM_MEMBERS)),
  /** Invited by name, not yet joined. */
  invited: v.pipe(v.array(RoomMemberSchema), v.maxLength(MAX_ROOM_MEMBERS)),
  /** Lets anyone who has it join; only members are told it. */
  inviteToken: v.optional(InviteTokenSchema),
});
export interface Room {
  readonly roomId: RoomId;
  readonly name: string;
  readonly members: readonly RoomMember[];
  readonly invited: readonly RoomMember[];
  readonly inviteToken?: string;
}

export const RoomCreateSchema = v.strictObject({ name: WireNameSchema });
export const RoomInviteSchema = v.strictObject({ roomId: RoomIdSchema, name: WireNameSchema });
export const RoomJoinSchema = v.strictObject({
  roomId: RoomIdSchema,
  inviteToken: v.optional(InviteTokenSchema),
});
export const RoomLeaveSchema = v.strictObject({ roomId: RoomIdSchema });
export const RoomListSchema = v.object({ rooms: v.array(RoomSchema) });

/** What a user types to create a room: a display name, trimmed. */
export const RoomNameInputSchema = DisplayNameSchema;

/** An invite as people pass it on: `room:<room id>:<token>`. */
export const inviteCode = (room: { roomId: string; inviteToken: string }): string =>
  `room:${room.roomId}:${room.inviteToken}`;

export const InviteCodeSchema = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^room:r[0-9a-f]{32}:[0-9a-f]{32}$/, 'is not an invite code (room:…:…)'),
  v.transform((code) => {
    const [, roomId = '', inviteToken = ''] = code.split(':');
    return { roomId, inviteToken };
  }),
);
