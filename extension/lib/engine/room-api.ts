/** The engine's room requests: make, invite, join, leave, invite codes, public listing (rooms as the state lists them). */
import { ErrorCode } from '../../../shared/errors';
import { EngineError } from '../errors';
import type { EngineParams, EngineResponses, EngineState, RoomView } from '../messaging/protocol';
import type { Profile } from './profile';
import type { PublicRooms } from './public-rooms';
import type { RoomId } from '../../../shared/ids';

type RoomMethod =
  | 'createRoom'
  | 'inviteToRoom'
  | 'joinRoom'
  | 'leaveRoom'
  | 'makeInviteCode'
  | 'listRoom'
  | 'browseRooms'
  | 'joinListedRoom';
type RoomApi = { [M in RoomMethod]: (params: EngineParams<M>) => Promise<EngineResponses[M]> };

export function roomApi(open: () => Profile, publicRooms: PublicRooms, state: () => EngineState): RoomApi {
  /** A room as the state lists it (it is there once made or joined). */
  const roomView = (roomId: RoomId): RoomView => {
    const room = state().rooms.find((listed) => listed.roomId === roomId);
    if (!room) throw new EngineError(ErrorCode.Internal, 'The room is not listed after all');
    return room;
  };
  return {
    createRoom: async ({ name }) => roomView(await open().rooms.create(name)),
    async inviteToRoom({ roomId, name }) {
      await open().rooms.invite(roomId, name);
      return state();
    },
    joinRoom: async (request) =>
      roomView(await open().rooms.join('code' in request ? request.code : request)),
    async leaveRoom({ roomId }) {
      await open().rooms.leave(roomId);
      return state();
    },
    async makeInviteCode({ roomId }) {
      await open().rooms.makeCode(roomId);
      return state();
    },
    async listRoom({ roomId, listed }) {
      await publicRooms.list(roomId, listed);
      return state();
    },
    browseRooms: (search) => publicRooms.browse(search),
    joinListedRoom: async ({ roomId }) => roomView(await publicRooms.join(roomId)),
  };
}
