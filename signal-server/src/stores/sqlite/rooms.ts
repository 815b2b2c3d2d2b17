import { nameKey } from '../../../../shared/names';
import { listedRoom, type RoomChange, type RoomStore, type StoredRoom, StoredRoomSchema } from '../rooms';
import { readStored, warnUnreadable, type ReportUnreadable } from '../stored';
import type { Database } from './database';

/** Rooms in the embedded database; each change runs in one transaction. A room that does not parse is reported and read as absent. */
export function createSqliteRoomStore(db: Database, report: ReportUnreadable = warnUnreadable): RoomStore {
  const select = db.prepare<[string], { room: string }>('SELECT room FROM rooms WHERE room_id = ?');
  const insert = db.prepare<[string, string]>(
    'INSERT INTO rooms (room_id, room) VALUES (?, ?) ON CONFLICT (room_id) DO NOTHING',
  );
  const replace = db.prepare<[string, string]>('UPDATE rooms SET room = ? WHERE room_id = ?');
  const remove = db.prepare<[string]>('DELETE FROM rooms WHERE room_id = ?');
  const forget = db.prepare<[string]>('DELETE FROM room_people WHERE room_id = ?');
  const index = db.prepare<[string, string, string | null]>(
    'INSERT OR REPLACE INTO room_people (user_id, room_id, invited_by) VALUES (?, ?, ?)',
  );
  const ofUser = db.prepare<[string], { room_id: string; room: string }>(
    'SELECT room_id, rooms.room FROM room_people JOIN rooms USING (room_id) WHERE room_people.user_id = ?',
  );
  const countOf = db.prepare<[string], { memberOf: number; invitedTo: number }>(
    `SELECT count(*) FILTER (WHERE invited_by IS NULL) AS memberOf,
            count(*) FILTER (WHERE invited_by IS NOT NULL) AS invitedTo
     FROM room_people WHERE user_id = ?`,
  );
  const byInviter = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM room_people WHERE invited_by = ?',
  );
  const ofInviter = db.prepare<[string], { room_id: string; room: string }>(
    `SELECT DISTINCT room_id, rooms.room FROM room_people JOIN rooms USING (room_id)
     WHERE room_people.invited_by = ?`,
  );
  // Each change reindexes its room in its transaction, so nothing here lags: this only drops what a room that no
  // longer parses left behind.
  const unindex = db.prepare<[string]>('DELETE FROM room_people WHERE user_id = ?');
  const unlist = db.prepare<[string]>('DELETE FROM room_listings WHERE room_id = ?');
  const list = db.prepare<[string, string, string, number, string, number]>(
    `INSERT INTO room_listings (room_id, name_key, name, members, listed_by, listed_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  // A search scans the listings (a substring has no index); they are bounded per user and searches per connection.
  const browse = db.prepare<[string, number, number], { room_id: string; name: string; members: number }>(
    `SELECT room_id, name, members FROM room_listings WHERE instr(name_key, ?) > 0
     ORDER BY listed_at DESC, room_id DESC LIMIT ? OFFSET ?`,
  );
  const byLister = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM room_listings WHERE listed_by = ?',
  );
  const countOne = db.prepare<[string, number], { count: number }>(
    `INSERT INTO room_listing_counts (user_id, window_start, count) VALUES (?, ?, 1)
     ON CONFLICT (user_id, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
  );
  const dropCounts = db.prepare<[string, number]>(
    'DELETE FROM room_listing_counts WHERE user_id = ? AND window_start < ?',
  );
  const read = (roomId: string, json: string | undefined): StoredRoom | undefined =>
    json === undefined ? undefined : readStored(StoredRoomSchema, `rooms.room of ${roomId}`, json, report);
  const reindex = (room: StoredRoom): void => {
    forget.run(room.roomId);
    for (const member of room.members) index.run(member.userId, room.roomId, null);
    for (const invitee of room.invited) index.run(invitee.userId, room.roomId, invitee.by);
    unlist.run(room.roomId);
    const listed = listedRoom(room);
    if (listed && room.listing)
      list.run(
        room.roomId,
        nameKey(listed.name),
        listed.name,
        listed.members,
        room.listing.by,
        room.listing.at,
      );
  };
  const countListing = db.transaction((userId: string, window: number): number => {
    dropCounts.run(userId, window);
    return countOne.get(userId, window)?.count ?? 1;
  });
  const create = db.transaction((room: StoredRoom): boolean => {
    if (insert.run(room.roomId, JSON.stringify(room)).changes === 0) return false;
    reindex(room);
    return true;
  });
  const update = db.transaction((roomId: string, change: RoomChange) => {
    const current = read(roomId, select.get(roomId)?.room);
    if (!current) return undefined;
    const next = change(current);
    if (next === undefined) return current;
    if (next === null) {
      remove.run(roomId);
      forget.run(roomId);
      unlist.run(roomId);
      return undefined;
    }
    replace.run(JSON.stringify(next), roomId);
    reindex(next);
    return next;
  });
  return {
    async create(room) {
      return create(room);
    },
    async get(roomId) {
      return read(roomId, select.get(roomId)?.room);
    },
    async update(roomId, change) {
      return update(roomId, change);
    },
    async listFor(userId) {
      return ofUser.all(userId).flatMap((row) => read(row.room_id, row.room) ?? []);
    },
    async counts(userId) {
      const row = countOf.get(userId);
      return { memberOf: row?.memberOf ?? 0, invitedTo: row?.invitedTo ?? 0 };
    },
    async invitationsBy(userId) {
      return byInviter.get(userId)?.n ?? 0;
    },
    async listInvitedBy(userId) {
      return ofInviter.all(userId).flatMap((row) => read(row.room_id, row.room) ?? []);
    },
    async dropIndexOf(userId) {
      unindex.run(userId);
      dropCounts.run(userId, Number.MAX_SAFE_INTEGER);
    },
    async browse({ text = '', offset, limit }) {
      const rows = browse.all(text, limit + 1, offset);
      const rooms = rows
        .slice(0, limit)
        .map((row) => ({ roomId: row.room_id, name: row.name, members: row.members }));
      return { rooms, more: rows.length > limit };
    },
    async listedBy(userId) {
      return byLister.get(userId)?.n ?? 0;
    },
    async countListing(userId, now, windowMs) {
      return countListing(userId, Math.floor(now / windowMs));
    },
  };
}
