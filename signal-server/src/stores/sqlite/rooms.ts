import { peopleOf, type RoomChange, type RoomStore, type StoredRoom } from '../rooms';
import type { Database } from './database';

/** Rooms in the embedded database; each change runs in one transaction. */
export function createSqliteRoomStore(db: Database): RoomStore {
  const select = db.prepare<[string], { room: string }>('SELECT room FROM rooms WHERE room_id = ?');
  const upsert = db.prepare<[string, string]>(
    'INSERT INTO rooms (room_id, room) VALUES (?, ?) ON CONFLICT (room_id) DO UPDATE SET room = excluded.room',
  );
  const remove = db.prepare<[string]>('DELETE FROM rooms WHERE room_id = ?');
  const forget = db.prepare<[string]>('DELETE FROM room_people WHERE room_id = ?');
  const index = db.prepare<[string, string]>(
    'INSERT OR IGNORE INTO room_people (user_id, room_id) VALUES (?, ?)',
  );
  const ofUser = db.prepare<[string], { room: string }>(
    'SELECT rooms.room FROM room_people JOIN rooms USING (room_id) WHERE room_people.user_id = ?',
  );
  // Written by this store from rooms the handlers built: read back as what they were.
  const read = (json: string | undefined): StoredRoom | undefined =>
    json === undefined ? undefined : (JSON.parse(json) as StoredRoom);
  const write = (room: StoredRoom): void => {
    upsert.run(room.roomId, JSON.stringify(room));
    forget.run(room.roomId);
    for (const userId of peopleOf(room)) index.run(userId, room.roomId);
  };
  const update = db.transaction((roomId: string, change: RoomChange) => {
    const current = read(select.get(roomId)?.room);
    if (!current) return undefined;
    const next = change(current);
    if (next === undefined) return current;
    if (next === null) {
      remove.run(roomId);
      forget.run(roomId);
      return undefined;
    }
    write(next);
    return next;
  });
  return {
    async create(room) {
      db.transaction(write)(room);
    },
    async get(roomId) {
      return read(select.get(roomId)?.room);
    },
    async update(roomId, change) {
      return update(roomId, change);
    },
    async listFor(userId) {
      return ofUser.all(userId).map((row) => JSON.parse(row.room) as StoredRoom);
    },
  };
}
