/**
 * A profile sealed under its owner's profile key, for the server to hold without reading it. The box key is
 * derived (HKDF-SHA-256) from the profile key, the owner's user id and the version, so a box opens only as the
 * profile of that user at that version: a server cannot pass one version off as another, or one user's profile
 * as another's. The plaintext is padded to a multiple of PROFILE_PAD_BYTES, so the size says little of the text.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import nacl from 'tweetnacl';
import { concatBytes } from '../../../shared/crypto/bytes';
import { decodeBytes, encodeBytes } from '../../../shared/crypto/identity';
import type { UserId } from '../../../shared/ids';
import { PROFILE_KEY_LENGTH } from '../../../shared/limits';
import { ProfileCardSchema, type ProfileCard } from '../../../shared/protocol/profile';
import { parse } from '../../../shared/validate';

const CONTEXT = 'toolbar-messenger profile v1';
const PROFILE_PAD_BYTES = 1024; // the plaintext's size is rounded up to a multiple of this

/** A new random profile key, base64url. */
export const newProfileKey = (): string => encodeBytes(nacl.randomBytes(PROFILE_KEY_LENGTH));

function boxKey(profileKey: string, userId: UserId, version: number): Uint8Array {
  const info = utf8ToBytes(`${CONTEXT}\n${userId}\n${version}`);
  return hkdf(sha256, decodeBytes(profileKey), new Uint8Array(0), info, nacl.secretbox.keyLength);
}

/** `card` sealed for the server: base64url of nonce and box. */
export function sealProfile(profileKey: string, userId: UserId, version: number, card: ProfileCard): string {
  const json = utf8ToBytes(JSON.stringify(card));
  // JSON ignores trailing white space: spaces pad it.
  const padded = new Uint8Array(Math.ceil(json.length / PROFILE_PAD_BYTES) * PROFILE_PAD_BYTES).fill(0x20);
  padded.set(json);
  const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
  return encodeBytes(concatBytes(nonce, nacl.secretbox(padded, nonce, boxKey(profileKey, userId, version))));
}

/**
 * Opens a sealed profile as `userId`'s at `version` and checks its content; throws (openProfile: …) when it does
 * not open under this key as that, or holds something else than a profile.
 */
export function openProfile(
  profileKey: string,
  userId: UserId,
  version: number,
  sealed: string,
): ProfileCard {
  const bytes = decodeBytes(sealed);
  if (bytes.length < nacl.secretbox.nonceLength + nacl.secretbox.overheadLength)
    throw new Error('openProfile: it is too short to be a sealed profile');
  const nonce = bytes.subarray(0, nacl.secretbox.nonceLength);
  const plain = nacl.secretbox.open(
    bytes.subarray(nacl.secretbox.nonceLength),
    nonce,
    boxKey(profileKey, userId, version),
  );
  if (!plain) throw new Error('openProfile: it does not open with this key as this user and version');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
  } catch {
    throw new Error('openProfile: it opens, but is not JSON');
  }
  const card = parse(ProfileCardSchema, json);
  if (!card.ok) throw new Error(`openProfile: not a profile (${card.message})`);
  return card.value;
}
