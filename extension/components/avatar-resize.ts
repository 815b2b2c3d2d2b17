/**
 * Turns a picture the user chose into an avatar: cropped to a square from its middle, drawn on a canvas at
 * AVATAR_SIZE_PX and encoded as WebP (JPEG where the browser cannot write WebP), its quality lowered until it fits
 * MAX_AVATAR_BYTES. The engine checks the result again; only what a canvas wrote ever leaves this page.
 */
import { AVATAR_SIZE_PX, MAX_AVATAR_BYTES } from '../../shared/limits';
import { t } from '../lib/i18n';

const QUALITIES = [0.85, 0.7, 0.55, 0.4];

/** Bytes a base64 data: URL decodes to. */
export function dataUrlBytes(url: string): number {
  const base64 = url.slice(url.indexOf(',') + 1);
  return Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
}

/** Loads the file as an image; throws a message a user can act on when it is not one. */
async function load(file: Blob): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  } catch {
    throw new Error(t('pictureNotOpened'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The avatar for `file`, as a data: URL of a JPEG or WebP picture of AVATAR_SIZE_PX square. */
export async function resizeAvatar(file: Blob): Promise<string> {
  const image = await load(file);
  const canvas = document.createElement('canvas');
  canvas.width = AVATAR_SIZE_PX;
  canvas.height = AVATAR_SIZE_PX;
  const context = canvas.getContext('2d');
  if (!context) throw new Error(t('pictureNotDrawn'));
  const side = Math.min(image.naturalWidth, image.naturalHeight);
  const [x, y] = [(image.naturalWidth - side) / 2, (image.naturalHeight - side) / 2];
  context.drawImage(image, x, y, side, side, 0, 0, AVATAR_SIZE_PX, AVATAR_SIZE_PX);
  for (const quality of QUALITIES) {
    let url = canvas.toDataURL('image/webp', quality);
    // A browser that cannot write WebP answers PNG: JPEG then.
    if (!url.startsWith('data:image/webp;')) url = canvas.toDataURL('image/jpeg', quality);
    if (dataUrlBytes(url) <= MAX_AVATAR_BYTES) return url;
  }
  throw new Error(t('pictureTooLarge'));
}
