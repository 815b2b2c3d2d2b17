/**
 * The secret two contacts share, and what derives from it. The one who asks chooses it (contact request); the
 * other sends it back on accepting. If both asked at once, both keep the secret of the request whose sender has
 * the smaller user id (pickSharedSecret), so they agree without another round.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { UserId } from '../ids';
import { encodeBytes, decodeBytes } from './identity';

const PRESENCE_LABEL = utf8ToBytes('messenger presence token v1');

/** The pair's presence token: what both present to the server, which cannot tell whose pair it is. */
export function presenceToken(secret: string): string {
  return encodeBytes(hmac(sha256, decodeBytes(secret), PRESENCE_LABEL));
}

/** Both asked each other: the request of the smaller user id wins, on both sides. */
export function pickSharedSecret(
  mine: { readonly userId: UserId; readonly secret: string },
  theirs: { readonly userId: UserId; readonly secret: string },
): string {
  return mine.userId < theirs.userId ? mine.secret : theirs.secret;
}
