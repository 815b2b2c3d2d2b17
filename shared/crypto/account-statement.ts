/**
 * What a user signs to act on their account on a server: release their name, or delete the account. Signed
 * over a fresh challenge of the connection (session:challenge), like a sign-in, so that a captured request
 * cannot be replayed and a request made for one server cannot be passed on to another.
 */
import { utf8 } from '@scure/base';
import * as v from 'valibot';
import type { UserId } from '../ids';
import { concatBytes } from './bytes';

/** The two things a user can ask of their account. */
export const AccountActionSchema = v.picklist(['release-name', 'delete-account']);
export type AccountAction = v.InferOutput<typeof AccountActionSchema>;

// Domain-separated from every other statement (sign-in, exchange key, prekeys, channels, room entries).
const ACCOUNT_CONTEXT = 'toolbar-messenger account v1\n';

export interface AccountClaim {
  /** The origin of the server the request is for (see ServerOriginSchema). */
  readonly origin: string;
  /** The server's fresh nonce for this connection (CHALLENGE_LENGTH bytes). */
  readonly challenge: Uint8Array;
  readonly action: AccountAction;
  readonly userId: UserId;
}

/** A field of variable length: its length (4 bytes, big-endian) and then its UTF-8 bytes. */
function field(value: string): Uint8Array {
  const bytes = utf8.decode(value); // @scure/base: decode takes text to bytes
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, bytes.length);
  return concatBytes(length, bytes);
}

/** What a client signs to act on its account: which server, its nonce, the action and the client's user id. */
export function accountStatement({ origin, challenge, action, userId }: AccountClaim): Uint8Array {
  return concatBytes(utf8.decode(ACCOUNT_CONTEXT), field(origin), challenge, field(action), field(userId));
}
