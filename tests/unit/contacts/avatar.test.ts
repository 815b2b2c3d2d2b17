import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import { MAX_AVATAR_BYTES } from '../../../shared/limits';
import {
  avatarDataUrl,
  avatarFromDataUrl,
  checkAvatar,
  sniffAvatarType,
  type DecodeImage,
} from '../../../extension/lib/contacts/avatar';

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const WEBP = new TextEncoder().encode('RIFF\x10\0\0\0WEBPVP8 data');
const size =
  (width: number, height: number): DecodeImage =>
  async () => ({ width, height });
const broken: DecodeImage = async () => {
  throw new Error('cannot decode');
};

describe('avatars', () => {
  it('knows JPEG and WebP by their first bytes, and nothing else (SVG, HTML, PNG)', () => {
    expect(sniffAvatarType(JPEG)).toBe('image/jpeg');
    expect(sniffAvatarType(WEBP)).toBe('image/webp');
    for (const other of ['<svg xmlns="http://www.w3.org/2000/svg"/>', '<html>', '\x89PNG\r\n'])
      expect(sniffAvatarType(new TextEncoder().encode(other))).toBeUndefined();
  });

  it('checks the bytes against the declared type, the size in bytes, and the decoded size in pixels', async () => {
    const jpeg = { type: 'image/jpeg', data: encodeBytes(JPEG) } as const;
    await expect(checkAvatar(jpeg, size(128, 96))).resolves.toBeUndefined();
    await expect(checkAvatar({ ...jpeg, type: 'image/webp' }, size(64, 64))).rejects.toThrow(/not those of/);
    await expect(checkAvatar(jpeg, size(129, 64))).rejects.toThrow(/at most 128×128/);
    await expect(checkAvatar(jpeg, broken)).rejects.toThrow(/do not decode/);
    const big = new Uint8Array(MAX_AVATAR_BYTES + 1);
    big.set(JPEG);
    await expect(checkAvatar({ type: 'image/jpeg', data: encodeBytes(big) }, size(1, 1))).rejects.toThrow(
      /larger than/,
    );
  });

  it('goes to and from data: URLs of the two types only', () => {
    const avatar = { type: 'image/webp', data: encodeBytes(WEBP) } as const;
    const url = avatarDataUrl(avatar);
    expect(url).toMatch(/^data:image\/webp;base64,UklGR/);
    expect(avatarFromDataUrl(url)).toEqual(avatar);
    expect(avatarFromDataUrl('data:image/svg+xml;base64,PHN2Zy8+')).toBeUndefined();
    expect(avatarFromDataUrl('data:text/html;base64,PGI+')).toBeUndefined();
    expect(avatarFromDataUrl('data:image/jpeg;base64,!!!')).toBeUndefined();
  });
});
