/**
 * Invite links: `<server origin>/invite#<name>.<signing key>`. Whoever adds a contact from one checks that the
 * server presents that name with that very key, so the contact is verified from the start and the server's
 * directory is not trusted. The part after `#` never reaches the server when the link is opened in a browser.
 */
import { SIGNING_KEY_LENGTH, bytesSchema, decodeBytes, userIdOf } from '../../../shared/crypto/identity';
import type { UserId } from '../../../shared/ids';
import { MAX_URL_LENGTH } from '../../../shared/limits';
import { WireNameSchema } from '../../../shared/names';
import { parse } from '../../../shared/validate';

export const INVITE_PATH = '/invite';

export interface Invite {
  /** The origin of the server the inviter uses. */
  readonly server: string;
  readonly name: string;
  readonly signingKey: string;
  readonly userId: UserId;
}

export function inviteLink(server: string, name: string, signingKey: string): string {
  return `${new URL(server).origin}${INVITE_PATH}#${encodeURIComponent(name)}.${signingKey}`;
}

const SigningKeySchema = bytesSchema(SIGNING_KEY_LENGTH);

/** Reads an invite link; undefined if the text is not one (it may be a name), an error message if it is broken. */
export function readInviteLink(text: string): Invite | { readonly error: string } | undefined {
  if (text.length > MAX_URL_LENGTH || !/^https?:\/\//i.test(text.trim())) return undefined;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.pathname !== INVITE_PATH) return undefined;
  const fragment = url.hash.slice(1);
  const dot = fragment.lastIndexOf('.');
  if (dot < 0) return { error: 'This invite link is cut short: copy all of it' };
  let name: string;
  try {
    name = decodeURIComponent(fragment.slice(0, dot));
  } catch {
    return { error: 'This invite link is damaged: its name part does not decode' };
  }
  const checkedName = parse(WireNameSchema, name);
  if (!checkedName.ok) return { error: `The name in this invite link ${checkedName.message}` };
  const key = parse(SigningKeySchema, fragment.slice(dot + 1));
  if (!key.ok) return { error: 'This invite link is damaged: its key part is not a key' };
  return {
    server: url.origin,
    name: checkedName.value,
    signingKey: key.value,
    userId: userIdOf(decodeBytes(key.value)),
  };
}
