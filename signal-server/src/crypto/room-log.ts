import { createHash } from 'node:crypto';
import type { RoomLogCrypto } from '../../../shared/crypto/room-log';
import { verifyEd25519Native } from './ed25519';

/** SHA-512 by OpenSSL: a room entry's hash in microseconds, where tweetnacl's JavaScript takes a fraction of a ms. */
export const sha512Native = (bytes: Uint8Array): Uint8Array => createHash('sha512').update(bytes).digest();

/** What the server checks room logs with: node:crypto's Ed25519 and SHA-512. */
export const nativeRoomLogCrypto: RoomLogCrypto = { verify: verifyEd25519Native, sha512: sha512Native };
