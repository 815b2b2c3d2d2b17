import nacl from 'tweetnacl';
import { encodeBytes } from '../../../shared/crypto/identity';
import { roomCodeKeys } from '../../../shared/crypto/room-code';
import { roomEntryStatement } from '../../../shared/crypto/room-log';
import type { RoomEntry } from '../../../shared/protocol/rooms';
import { userIdOfKeys, type IdentityKeys } from './identity';
import type { RoomId } from '../../../shared/ids';

const CODE_SECRET_BYTES = 16; // 128 bits, as 32 hex digits in the invite code

export { roomCodeKeys };

type KeyPair = { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array };

/** A new invite code secret: what members pass around (the server gets one only to list the room publicly). */
export function newCodeSecret(): string {
  return Array.from(nacl.randomBytes(CODE_SECRET_BYTES), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A membership entry signed with the identity key (and, for a join with a code, with the code's key). */
export function signRoomEntry(
  keys: IdentityKeys,
  roomId: RoomId,
  entry: Pick<RoomEntry, 'op' | 'subject' | 'at' | 'prev'>,
  code?: KeyPair,
): RoomEntry {
  const statement = roomEntryStatement(roomId, entry, userIdOfKeys(keys));
  return {
    ...entry,
    actor: encodeBytes(keys.signing.publicKey),
    signature: encodeBytes(nacl.sign.detached(statement, keys.signing.secretKey)),
    ...(code ? { codeSignature: encodeBytes(nacl.sign.detached(statement, code.secretKey)) } : {}),
  };
}
