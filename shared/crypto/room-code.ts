/**
 * An invite code's key pair, derived from its secret and bound to its room. Shared so that the server can check
 * that the secret a member lists a room with is a code live in the room's log (see README, Public rooms).
 */
import { utf8 } from '@scure/base';
import nacl from 'tweetnacl';
import type { RoomId } from '../ids';

const CODE_CONTEXT = 'toolbar-messenger room-code v1\n';

type KeyPair = { readonly publicKey: Uint8Array; readonly secretKey: Uint8Array };

/** The Ed25519 key pair an invite code stands for, bound to its room: the log holds only its public key. */
export function roomCodeKeys(roomId: RoomId, secret: string): KeyPair {
  const seed = nacl
    .hash(utf8.decode(`${CODE_CONTEXT}${roomId}\n${secret}`))
    .subarray(0, nacl.sign.seedLength);
  return nacl.sign.keyPair.fromSeed(seed);
}
