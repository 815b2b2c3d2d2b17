import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import {
  applyRoomEntry,
  readRoomLog,
  roomEntryHash,
  type RoomLogState,
} from '../../../shared/crypto/room-log';
import { randomId } from '../../../shared/ids';
import type { RoomEntry, RoomOp } from '../../../shared/protocol/rooms';
import { createIdentityKeys, userIdOfKeys, type IdentityKeys } from '../../../extension/lib/crypto/identity';
import { newCodeSecret, roomCodeKeys, signRoomEntry } from '../../../extension/lib/crypto/room-entries';
import { nativeRoomLogCrypto, sha512Native } from '../../../signal-server/src/crypto/room-log';

const roomId = `r${randomId()}`;

/** A log with every kind of entry: create, invite, join, code, join with the code, leave. */
function sampleLog(): RoomEntry[] {
  const [alice, bob, carol] = [createIdentityKeys(), createIdentityKeys(), createIdentityKeys()];
  const code = roomCodeKeys(roomId, newCodeSecret());
  const log: RoomEntry[] = [];
  let state: RoomLogState | undefined;
  const add = (by: IdentityKeys, op: RoomOp, subject: string, withCode?: typeof code) => {
    const prev = state?.hashes.at(-1) ?? '';
    const entry = signRoomEntry(by, roomId, { op, subject, at: log.length, prev }, withCode);
    const applied = applyRoomEntry(state, roomId, entry);
    if (!applied.ok) throw new Error(applied.reason);
    state = applied.state;
    log.push(entry);
  };
  add(alice, 'create', 'Trip');
  add(alice, 'invite', userIdOfKeys(bob));
  add(bob, 'join', 'invite');
  add(alice, 'code', encodeBytes(code.publicKey));
  add(carol, 'join', encodeBytes(code.publicKey), code);
  add(alice, 'leave', '');
  return log;
}

describe('room logs checked with node:crypto (the server) and tweetnacl (the extension)', () => {
  it('hash entries alike', () => {
    for (let i = 0; i < 20; i++) {
      const bytes = nacl.randomBytes(i * 37);
      expect(new Uint8Array(sha512Native(bytes))).toEqual(nacl.hash(bytes));
    }
    for (const entry of sampleLog())
      expect(roomEntryHash(roomId, entry, sha512Native)).toBe(roomEntryHash(roomId, entry));
  });

  it('read a valid log to the same state and events', () => {
    const log = sampleLog();
    const native = readRoomLog(roomId, log, { crypto: nativeRoomLogCrypto });
    const tweetnacl = readRoomLog(roomId, log);
    expect(native.problem).toBeUndefined();
    expect(native).toEqual(tweetnacl);
    expect(native.state?.members).toHaveLength(2);
  });

  it('refuse the same forged signature and code signature at the same entry', () => {
    const log = sampleLog();
    const forged = (index: number, change: Partial<RoomEntry>) =>
      log.map((entry, i) => (i === index ? { ...entry, ...change } : entry));
    const random = () => encodeBytes(nacl.randomBytes(64));
    for (const bad of [forged(2, { signature: random() }), forged(4, { codeSignature: random() })]) {
      const native = readRoomLog(roomId, bad, { crypto: nativeRoomLogCrypto });
      expect(native.problem).toBeDefined();
      expect(native).toEqual(readRoomLog(roomId, bad));
    }
  });
});
