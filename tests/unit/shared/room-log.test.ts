import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import { applyRoomEntry, readRoomLog, type RoomLogState } from '../../../shared/crypto/room-log';
import { randomId } from '../../../shared/ids';
import { MAX_ROOM_LOG_ENTRIES, MAX_TIMESTAMP_MS } from '../../../shared/limits';
import { RoomEntrySchema, type RoomEntry, type RoomOp } from '../../../shared/protocol/rooms';
import { createIdentityKeys, userIdOfKeys, type IdentityKeys } from '../../../extension/lib/crypto/identity';
import { newCodeSecret, roomCodeKeys, signRoomEntry } from '../../../extension/lib/crypto/room-entries';

const roomId = `r${randomId()}`;

/** Builds a log entry by entry, each checked as the server and the clients check it. */
function logBuilder() {
  const log: RoomEntry[] = [];
  let state: RoomLogState | undefined;
  const sign = (by: IdentityKeys, op: RoomOp, subject: string, code?: ReturnType<typeof roomCodeKeys>) =>
    signRoomEntry(by, roomId, { op, subject, at: log.length, prev: state?.hashes.at(-1) ?? '' }, code);
  return {
    log,
    state: () => state,
    sign,
    /** Appends if the rules allow it; the reason otherwise. */
    add(entry: RoomEntry): string | undefined {
      const applied = applyRoomEntry(state, roomId, entry);
      if (!applied.ok) return applied.reason;
      state = applied.state;
      log.push(entry);
      return undefined;
    },
  };
}

describe('room membership log', () => {
  it('kills an invite code when the member who published it leaves', () => {
    const [alice, bob, carol] = [createIdentityKeys(), createIdentityKeys(), createIdentityKeys()];
    const room = logBuilder();
    room.add(room.sign(alice, 'create', 'Trip'));
    room.add(room.sign(bob, 'join', 'invite')); // refused: not invited
    expect(room.state()?.members).toEqual([userIdOfKeys(alice)]);
    room.add(room.sign(alice, 'invite', userIdOfKeys(bob)));
    expect(room.add(room.sign(bob, 'join', 'invite'))).toBeUndefined();
    const code = roomCodeKeys(roomId, newCodeSecret());
    expect(room.add(room.sign(alice, 'code', encodeBytes(code.publicKey)))).toBeUndefined();
    expect(room.add(room.sign(alice, 'leave', ''))).toBeUndefined();
    expect(room.add(room.sign(carol, 'join', encodeBytes(code.publicKey), code))).toBe(
      'this invite code is not valid in this room',
    );
    expect(readRoomLog(roomId, room.log).state?.members).toEqual([userIdOfKeys(bob)]);
  });

  it(`takes only leaves once it holds ${MAX_ROOM_LOG_ENTRIES} entries, so nobody is stuck in a full room`, () => {
    const [alice, bob] = [createIdentityKeys(), createIdentityKeys()];
    const room = logBuilder();
    room.add(room.sign(alice, 'create', 'Busy'));
    room.add(room.sign(alice, 'invite', userIdOfKeys(bob)));
    while (room.log.length < MAX_ROOM_LOG_ENTRIES) {
      const code = roomCodeKeys(roomId, newCodeSecret());
      expect(room.add(room.sign(alice, 'code', encodeBytes(code.publicKey)))).toBeUndefined();
    }
    expect(room.add(room.sign(bob, 'join', 'invite'))).toContain('the membership log is full');
    expect(room.add(room.sign(bob, 'leave', ''))).toBeUndefined(); // declining still works
    expect(room.add(room.sign(alice, 'leave', ''))).toBeUndefined();
    expect(room.add(room.sign(alice, 'invite', userIdOfKeys(bob)))).toBe(
      'the room has ended (everyone left)',
    );
    // A client reading it checks every signature and ends with nobody in it.
    const read = readRoomLog(roomId, room.log);
    expect(read.problem).toBeUndefined();
    expect(read.state?.members).toEqual([]);
    expect(read.events.at(-2)).toMatchObject({ op: 'leave', declined: true });
  }, 60_000); // about 400 Ed25519 operations in JavaScript

  it('reads the valid start of a log, says where it breaks, and checks only new entries of a log seen before', () => {
    const alice = createIdentityKeys();
    const room = logBuilder();
    room.add(room.sign(alice, 'create', 'Trip'));
    const first = readRoomLog(roomId, room.log);
    room.add(room.sign(alice, 'code', encodeBytes(roomCodeKeys(roomId, newCodeSecret()).publicKey)));
    const tampered = [...room.log, { ...room.sign(alice, 'leave', ''), at: 99 }];
    const read = readRoomLog(roomId, tampered, { known: first });
    expect(read.state?.hashes).toHaveLength(2);
    expect(read.problem).toEqual({ index: 2, reason: 'its signature is not valid' });
    // The known start is taken as checked: a log that does not start with it is read from scratch.
    expect(readRoomLog(roomId, room.log.slice(1), { known: first }).problem?.reason).toBe(
      'it does not follow the last entry of the log (a broken chain)',
    );
  });
});

describe('an entry time', () => {
  it('is refused past MAX_TIMESTAMP_MS, like every time from a peer (even when signed)', () => {
    const alice = createIdentityKeys();
    const created = (at: number) =>
      signRoomEntry(alice, roomId, { op: 'create', subject: 'Room', at, prev: '' });
    // 8640000000000001 is past the last date JavaScript can hold: showing it in the timeline would throw.
    for (const at of [8_640_000_000_000_001, 9e15, MAX_TIMESTAMP_MS + 1, -1])
      expect(v.safeParse(RoomEntrySchema, created(at)).success, `at ${at}`).toBe(false);
    expect(v.safeParse(RoomEntrySchema, created(MAX_TIMESTAMP_MS)).success).toBe(true);
  });
});
