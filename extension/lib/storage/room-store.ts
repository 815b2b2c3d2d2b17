import * as v from 'valibot';
import { UserIdSchema } from '../../../shared/ids';
import { WireNameSchema } from '../../../shared/names';
import { RoomSchema } from '../../../shared/protocol/rooms';
import type { Records } from './records';

/** A room as this profile keeps it: as the server last sent it, and the secret of this member's invite code. */
export const LocalRoomSchema = v.pipe(
  v.object({
    room: RoomSchema,
    codeSecret: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/))),
    /** How many entries of the log were checked before it was kept (the vault is sealed: not checked again). */
    verified: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    /** The names the server gave everyone the log mentions, kept so people who left still have one. */
    names: v.optional(v.pipe(v.record(UserIdSchema, WireNameSchema), v.readonly())),
  }),
  v.readonly(),
);
export type LocalRoom = v.InferOutput<typeof LocalRoomSchema>;

/** The rooms this profile is in, kept (sealed) so room messages can be written offline. */
export interface LocalRoomStore {
  /** Every room kept; one that does not parse (kept by an older version, before signed logs) is left out. */
  all(): Promise<LocalRoom[]>;
  put(room: LocalRoom): Promise<void>;
  remove(roomId: string): Promise<void>;
}

export function createLocalRoomStore(records: Records): LocalRoomStore {
  const keyOf = (roomId: string): string => `room:${records.tag(roomId)}`;
  return {
    async all() {
      return (await records.list('room:')).flatMap((record) => {
        const parsed = v.safeParse(LocalRoomSchema, record);
        return parsed.success ? [parsed.output] : [];
      });
    },
    put(room) {
      return records.put(keyOf(room.room.roomId), room);
    },
    remove(roomId) {
      return records.delete(keyOf(roomId));
    },
  };
}
