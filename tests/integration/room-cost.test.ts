import nacl from 'tweetnacl';
import { describe, expect, it, vi } from 'vitest';
import { encodeBytes } from '../../shared/crypto/identity';
import { roomEntryHash } from '../../shared/crypto/room-log';
import type { Result } from '../../shared/errors';
import { randomId } from '../../shared/ids';
import {
  MAX_COSTLY_SOCKET_EVENTS,
  MAX_ROOM_LOG_ENTRIES,
  MAX_SOCKET_EVENTS_PER_SECOND,
} from '../../shared/limits';
import type { Room, RoomEntry } from '../../shared/protocol/rooms';
import { createIdentityKeys, type IdentityKeys } from '../../extension/lib/crypto/identity';
import { newCodeSecret, roomCodeKeys, signRoomEntry } from '../../extension/lib/crypto/room-entries';
import { signIn } from '../support/identity';
import { publicRoom } from '../../signal-server/src/stores/rooms';
import { useTestServer, type TestClient } from '../support/server';

/** How often the server verified a room entry's signature and hashed a room entry, with node:crypto. */
const counted = vi.hoisted(() => ({ verify: 0, sha512: 0 }));
vi.mock('../../signal-server/src/crypto/room-log', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../signal-server/src/crypto/room-log')>();
  const { verifyEd25519Native } = await import('../../signal-server/src/crypto/ed25519');
  return {
    ...real,
    nativeRoomLogCrypto: {
      verify: (message: Uint8Array, signature: Uint8Array, key: Uint8Array) => {
        counted.verify += 1;
        return verifyEd25519Native(message, signature, key);
      },
      sha512: (bytes: Uint8Array) => {
        counted.sha512 += 1;
        return real.sha512Native(bytes);
      },
    },
  };
});

const fixture = useTestServer();

interface TestUser {
  readonly socket: TestClient;
  readonly keys: IdentityKeys;
}

async function user(name: string): Promise<TestUser> {
  const socket = await fixture.client();
  const keys = createIdentityKeys();
  const started = await signIn(socket, name, keys);
  if (!started.ok) throw new Error(started.error.message);
  return { socket, keys };
}

const data = <T>(result: Result<T>): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
};

/** What the flood was answered, by error code ('ok' for an answer that is not an error). */
const tally = (answers: readonly Result<unknown>[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const key = answer.ok ? 'ok' : answer.error.code;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

/** Per batch: under the general MAX_SOCKET_EVENTS_PER_SECOND, as the attacker did (150 a second). */
const BATCH = Math.floor(MAX_SOCKET_EVENTS_PER_SECOND * 0.75);
/** Past the costly budget, and sent in batches a second apart so the general event rate never refuses any. */
const FLOOD = MAX_COSTLY_SOCKET_EVENTS + 60;

/** Sends `count` requests in batches of BATCH, a second between batches; `during` runs alongside the last. */
async function flood<T>(
  count: number,
  send: () => Promise<Result<T>>,
  during: () => Promise<void>,
): Promise<Result<T>[]> {
  const answers: Result<T>[] = [];
  for (let sent = 0; sent < count; sent += BATCH) {
    if (sent > 0) await new Promise((resolve) => setTimeout(resolve, 1_100));
    const batch = Array.from({ length: Math.min(BATCH, count - sent) }, send);
    const last = sent + BATCH >= count;
    const [answered] = await Promise.all([Promise.all(batch), last ? during() : undefined]);
    answers.push(...answered);
  }
  return answers;
}

/** A create entry in `by`'s name with a random 64-byte signature (the attacker's: nothing to sign). */
const forgedCreate = (by: TestUser): RoomEntry => ({
  op: 'create',
  subject: 'Spam',
  at: Date.now(),
  prev: '',
  actor: encodeBytes(by.keys.signing.publicKey),
  signature: encodeBytes(nacl.randomBytes(64)),
});

describe('room requests cannot spend the server for everyone', () => {
  it(`refuses a signed-in socket's bad room:create past ${MAX_COSTLY_SOCKET_EVENTS} (each checked natively, once), while another user is answered`, async () => {
    const mallory = await user('Mallory');
    const alice = await user('Alice');
    const verifiedBefore = counted.verify;
    let aliceRoom: Room | undefined;
    const answers = await flood(
      FLOOD,
      () =>
        mallory.socket.emitWithAck('room:create', { roomId: `r${randomId()}`, entry: forgedCreate(mallory) }),
      async () => {
        expect(await alice.socket.emitWithAck('ice:servers', {})).toMatchObject({ ok: true });
        const roomId = `r${randomId()}`;
        const entry = signRoomEntry(alice.keys, roomId, { op: 'create', subject: 'Hikers', at: 1, prev: '' });
        aliceRoom = data(await alice.socket.emitWithAck('room:create', { roomId, entry }));
      },
    );

    expect(tally(answers)).toEqual({ 'invalid-payload': MAX_COSTLY_SOCKET_EVENTS, 'rate-limited': 60 });
    const limited = answers.find((answer) => !answer.ok && answer.error.code === 'rate-limited');
    expect(limited?.ok === false && limited.error.message).toMatch(
      /^room:create: at most \d+ room requests every 60 s/,
    );
    // One native signature check per create let through, and Alice's; none for those refused at the door.
    expect(counted.verify - verifiedBefore).toBe(MAX_COSTLY_SOCKET_EVENTS + 1);
    expect(aliceRoom?.log).toHaveLength(1);
    expect(aliceRoom).not.toHaveProperty('checked'); // what the server keeps for itself stays there
  });

  it(`answers junk room:peek on a ${MAX_ROOM_LOG_ENTRIES}-entry room from what was kept (no hashing, no signature check), refuses it past the budget, and a real code still works`, async () => {
    const alice = await user('Alice');
    const mallory = await user('Mallory');
    const bob = await user('Bob');
    const roomId = `r${randomId()}`;
    // Alice's room: create, her real code, then codes up to one short of full (Bob's join makes it full).
    const secret = newCodeSecret();
    const code = roomCodeKeys(roomId, secret);
    let last = signRoomEntry(alice.keys, roomId, { op: 'create', subject: 'Busy', at: 0, prev: '' });
    let room = data(await alice.socket.emitWithAck('room:create', { roomId, entry: last }));
    for (let at = 1; room.log.length < MAX_ROOM_LOG_ENTRIES - 1; at++) {
      const subject = encodeBytes(at === 1 ? code.publicKey : nacl.randomBytes(32));
      last = signRoomEntry(alice.keys, roomId, {
        op: 'code',
        subject,
        at,
        prev: roomEntryHash(roomId, last),
      });
      room = data(await alice.socket.emitWithAck('room:append', { roomId, entry: last })).room ?? room;
    }
    expect(room.log).toHaveLength(MAX_ROOM_LOG_ENTRIES - 1);

    const reads = vi.spyOn(fixture.server.stores.rooms, 'get');
    const before = { ...counted };
    let peeked: Room | undefined;
    const answers = await flood(
      FLOOD,
      () => mallory.socket.emitWithAck('room:peek', { roomId, code: encodeBytes(nacl.randomBytes(32)) }),
      async () => {
        peeked = data(
          await bob.socket.emitWithAck('room:peek', { roomId, code: encodeBytes(code.publicKey) }),
        );
      },
    );
    expect(tally(answers)).toEqual({ 'not-found': MAX_COSTLY_SOCKET_EVENTS, 'rate-limited': 60 });
    expect(reads).toHaveBeenCalledTimes(MAX_COSTLY_SOCKET_EVENTS + 1); // once per peek let through, Bob's too
    expect(counted).toEqual(before); // not one entry hashed or verified again
    expect(peeked?.log).toHaveLength(MAX_ROOM_LOG_ENTRIES - 1);

    // Bob's join is checked against the kept head: two signatures (his and the code's), one hash (its own).
    const join = signRoomEntry(
      bob.keys,
      roomId,
      { op: 'join', subject: encodeBytes(code.publicKey), at: 1, prev: roomEntryHash(roomId, last) },
      code,
    );
    const joined = data(await bob.socket.emitWithAck('room:append', { roomId, entry: join })).room;
    expect(joined?.log).toHaveLength(MAX_ROOM_LOG_ENTRIES);
    expect(joined?.members).toHaveLength(2);
    expect(counted).toEqual({ verify: before.verify + 2, sha512: before.sha512 + 1 });
  });

  it('reads a room stored before its checked state was kept from its log once, and keeps it from then on', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const roomId = `r${randomId()}`;
    const code = roomCodeKeys(roomId, newCodeSecret());
    const create = signRoomEntry(alice.keys, roomId, { op: 'create', subject: 'Old', at: 0, prev: '' });
    data(await alice.socket.emitWithAck('room:create', { roomId, entry: create }));
    const codeEntry = signRoomEntry(alice.keys, roomId, {
      op: 'code',
      subject: encodeBytes(code.publicKey),
      at: 1,
      prev: roomEntryHash(roomId, create),
    });
    data(await alice.socket.emitWithAck('room:append', { roomId, entry: codeEntry }));
    const { rooms } = fixture.server.stores;
    // As an older server stored it: the log and the people, nothing kept beside them.
    await rooms.update(roomId, (room) => publicRoom(room));
    expect(await rooms.get(roomId)).not.toHaveProperty('checked');

    const subject = encodeBytes(code.publicKey);
    expect(data(await bob.socket.emitWithAck('room:peek', { roomId, code: subject })).log).toHaveLength(2);
    const join = signRoomEntry(
      bob.keys,
      roomId,
      { op: 'join', subject, at: 2, prev: roomEntryHash(roomId, codeEntry) },
      code,
    );
    expect(
      data(await bob.socket.emitWithAck('room:append', { roomId, entry: join })).room?.members,
    ).toHaveLength(2);
    expect((await rooms.get(roomId))?.checked?.hashes).toHaveLength(3);
  });
});
