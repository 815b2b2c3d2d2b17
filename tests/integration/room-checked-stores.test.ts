import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../shared/crypto/identity';
import { randomId } from '../../shared/ids';
import type { RoomEntry } from '../../shared/protocol/rooms';
import type { CheckedRoom, StoredRoom } from '../../signal-server/src/stores/rooms';
import { storeBackends } from '../support/store-backends';

/*
 * What the server keeps beside a room's log (its checked state: name, live codes, entry hashes) must come back
 * from both stores as it was written: lost, every room:append and room:peek would read the whole log again.
 */
const bytes = (length: number, fill = 1) => encodeBytes(new Uint8Array(length).fill(fill));

const { backends } = storeBackends();

describe.each(backends)('%s room store', (_name, open) => {
  it("keeps a room's checked state through create, update, get and listFor; a room stored without one reads without it", async () => {
    const { rooms } = open();
    const alice = randomId();
    const roomId = `r${randomId()}`;
    const create: RoomEntry = {
      op: 'create',
      subject: 'Hikers',
      at: 1,
      actor: bytes(32),
      prev: '',
      signature: bytes(64),
    };
    const room: StoredRoom = {
      roomId,
      members: [{ userId: alice, name: 'Alice' }],
      invited: [],
      log: [create],
      checked: { name: 'Hikers', codes: [], hashes: [bytes(32, 5)] },
    };
    expect(await rooms.create(room)).toBe(true);
    expect(await rooms.get(roomId)).toEqual(room);

    const code: RoomEntry = { ...create, op: 'code', subject: bytes(32, 7), prev: bytes(32, 5) };
    const checked: CheckedRoom = {
      name: 'Hikers',
      codes: [[bytes(32, 7), alice]],
      hashes: [bytes(32, 5), bytes(32, 6)],
    };
    const after = await rooms.update(roomId, (current) => ({
      ...current,
      log: [...current.log, code],
      checked,
    }));
    expect(after?.checked).toEqual(checked);
    expect((await rooms.get(roomId))?.checked).toEqual(checked);
    expect((await rooms.listFor(alice)).map((listed) => listed.checked)).toEqual([checked]);

    const older = `r${randomId()}`;
    await rooms.create({ roomId: older, members: room.members, invited: [], log: [create] });
    expect(await rooms.get(older)).not.toHaveProperty('checked');
  });
});
