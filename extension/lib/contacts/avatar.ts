/**
 * Avatars: small raster pictures (JPEG or WebP) that a profile carries, and the data: URLs pages show them by. A
 * picture from a contact is checked before any page sees it: its bytes must start as its declared type does,
 * stay under MAX_AVATAR_BYTES, and decode as a picture at most AVATAR_SIZE_PX square. Never SVG, never HTML: the
 * data: URL is built here, from a type on the allowed list, never taken from what was received.
 */
import { decodeBytes, encodeBytes } from '../../../shared/crypto/identity';
import { AVATAR_SIZE_PX, MAX_AVATAR_BYTES } from '../../../shared/limits';
import type { AvatarType } from '../../../shared/protocol/profile';

/** A picture's size once decoded, in pixels; throws for bytes that do not decode as `type`. */
export type DecodeImage = (bytes: Uint8Array, type: AvatarType) => Promise<{ width: number; height: number }>;

/** An avatar as a profile carries it: its type and its bytes, base64url. */
export interface Avatar {
  readonly type: AvatarType;
  readonly data: string;
}

/** A picture that cannot be an avatar; `reason` says why, for the user. */
export class AvatarError extends Error {
  override readonly name = 'AvatarError';
  constructor(readonly reason: string) {
    super(`checkAvatar: ${reason}`);
  }
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  prefix.every((byte, index) => bytes[at + index] === byte);
const ascii = (text: string): number[] => Array.from(text, (char) => char.charCodeAt(0));

/** The type the bytes' signature says they are: JPEG (FF D8 FF) or WebP (RIFF….WEBP); undefined otherwise. */
export function sniffAvatarType(bytes: Uint8Array): AvatarType | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return undefined;
}

/** The browser's own decoder: what pages would run on the bytes anyway. */
export const decodeWithBrowser: DecodeImage = async (bytes, type) => {
  // A copy on a plain ArrayBuffer: Blob takes no view of a shared one.
  const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type }));
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
};

/** Throws (checkAvatar: …) unless the avatar is a picture of its declared type within the limits. */
export async function checkAvatar(avatar: Avatar, decode: DecodeImage): Promise<void> {
  const bytes = decodeBytes(avatar.data);
  if (bytes.length > MAX_AVATAR_BYTES)
    throw new AvatarError(`the picture is larger than ${MAX_AVATAR_BYTES} bytes`);
  if (sniffAvatarType(bytes) !== avatar.type)
    throw new AvatarError(`the bytes are not those of ${avatar.type}`);
  let size: { width: number; height: number };
  try {
    size = await decode(bytes, avatar.type);
  } catch {
    throw new AvatarError(`the bytes do not decode as ${avatar.type}`);
  }
  if (size.width < 1 || size.height < 1 || size.width > AVATAR_SIZE_PX || size.height > AVATAR_SIZE_PX)
    throw new AvatarError(`the picture must be at most ${AVATAR_SIZE_PX}×${AVATAR_SIZE_PX} pixels`);
}

const DATA_URL = /^data:(image\/jpeg|image\/webp);base64,([A-Za-z0-9+/]+={0,2})$/;

/** A data: URL for a checked avatar, of its (allowed) type. */
export function avatarDataUrl(avatar: Avatar): string {
  return `data:${avatar.type};base64,${btoa(String.fromCharCode(...decodeBytes(avatar.data)))}`;
}

/** The avatar a page sends as a data: URL (JPEG or WebP, base64); undefined for anything else. Not yet checked. */
export function avatarFromDataUrl(url: string): Avatar | undefined {
  const match = DATA_URL.exec(url);
  if (!match?.[1] || !match[2]) return undefined;
  let binary: string;
  try {
    binary = atob(match[2]);
  } catch {
    return undefined;
  }
  // The regex allows only the two types of AvatarType.
  const type = match[1] as AvatarType;
  return { type, data: encodeBytes(Uint8Array.from(binary, (char) => char.charCodeAt(0))) };
}
