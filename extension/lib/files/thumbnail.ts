/**
 * A picture's thumbnail, for the conversation: decoded by the browser (createImageBitmap runs no script, and only
 * raster types are tried, never SVG), drawn on a canvas at most THUMBNAIL_SIZE_PX wide or high, and written as WebP
 * (JPEG where the browser cannot write WebP). Pages show only this data: URL, never the received bytes.
 */
import { MAX_THUMBNAIL_BYTES, THUMBNAIL_SIZE_PX } from '../../../shared/limits';

/** Pictures thumbnails are made of: raster types a browser decodes without running anything. */
export const PICTURE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);
/** Larger pictures get no thumbnail: decoding them would cost the engine's thread too much. */
const MAX_PICTURE_BYTES = 32 * 1024 * 1024;
const QUALITIES = [0.8, 0.6, 0.4];

/** The thumbnail of `file` as a data: URL; undefined when it is not a picture this can show. */
export async function thumbnailOf(file: Blob, type: string): Promise<string | undefined> {
  if (!PICTURE_TYPES.has(type) || file.size > MAX_PICTURE_BYTES) return undefined;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file.slice(0, file.size, type));
  } catch {
    return undefined; // not the picture it claims to be
  }
  try {
    const scale = Math.min(1, THUMBNAIL_SIZE_PX / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const quality of QUALITIES) {
      let url = canvas.toDataURL('image/webp', quality);
      if (!url.startsWith('data:image/webp;')) url = canvas.toDataURL('image/jpeg', quality);
      if (url.length * 0.75 <= MAX_THUMBNAIL_BYTES) return url;
    }
    return undefined;
  } finally {
    bitmap.close();
  }
}
