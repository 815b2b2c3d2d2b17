import type { Room } from '../../../shared/protocol/rooms';
import type { Records } from './records';

/** The rooms this profile is in, as the server last told: kept (sealed) so room messages can be written offline. */
export interface LocalRoomStore {
  all(): Promise<Room[]>;
  put(room: Room): Promise<void>;
  remove(roomId: string): Promise<void>;
}

export function createLocalRoomStore(records: Records): LocalRoomStore {
  const keyOf = (roomId: string): string => `room:${records.tag(roomId)}`;
  return {
    async all() {
      return (await records.list('room:')) as Room[]; // written by put() from validated server pushes
    },
    put(room) {
      return records.put(keyOf(room.roomId), room);
    },
    remove(roomId) {
      return records.delete(keyOf(roomId));
    },
  };
}
