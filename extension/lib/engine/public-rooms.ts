/**
 * Public rooms (README, Public rooms): listing a room is publishing, to the server, a new invite code of this
 * member's; joining a listed room is joining with that code, exactly as with any invite code (room-membership.ts).
 * The signed log stays the only truth of who is in a room: nothing here adds anyone to it.
 */
import { ErrorCode } from '../../../shared/errors';
import type { PublicRoom } from '../../../shared/protocol/rooms';
import type { RequestPayload, ResponseMap } from '../../../shared/protocol/socket';
import { EngineError } from '../errors';
import type { RoomMembership } from './room-membership';
import type { RoomId } from '../../../shared/ids';

export type PublicRoomEvent = 'room:listing' | 'room:browse' | 'room:listed-code';

export interface PublicRoomsDeps {
  /** A request to the server that must succeed now; throws an EngineError with the server's reason otherwise. */
  readonly request: <E extends PublicRoomEvent>(
    event: E,
    payload: RequestPayload<E>,
  ) => Promise<ResponseMap[E]>;
  /** The rooms of the open profile (throws while the vault is locked). */
  readonly rooms: () => RoomMembership;
}

export interface PublicRooms {
  /** Lists a room this profile is a member of (with a new code of its own), or unlists it. */
  list(roomId: RoomId, listed: boolean): Promise<void>;
  browse(search: RequestPayload<'room:browse'>): Promise<{ rooms: readonly PublicRoom[]; more: boolean }>;
  /** Joins a listed room with its listed code; resolves the room joined. */
  join(roomId: RoomId): Promise<RoomId>;
}

export function createPublicRooms({ request, rooms }: PublicRoomsDeps): PublicRooms {
  return {
    async list(roomId, listed) {
      const membership = rooms();
      if (!membership.joined(roomId))
        throw new EngineError(ErrorCode.InvalidPayload, 'Join the room before listing or unlisting it');
      if (!listed) {
        await request('room:listing', { roomId, listed });
        return;
      }
      // A code of its own for the listing, so that unlisting withdraws it without touching the one shown.
      const secret = await membership.newCode(roomId);
      await request('room:listing', { roomId, listed, secret });
    },
    async browse(search) {
      const { rooms: found, more } = await request('room:browse', search);
      return { rooms: found, more };
    },
    async join(roomId) {
      const membership = rooms();
      if (membership.joined(roomId)) return roomId;
      const { secret } = await request('room:listed-code', { roomId });
      return membership.join({ roomId, secret });
    },
  };
}
