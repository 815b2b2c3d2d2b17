/** JSON that keeps bytes and maps (keys, ratchet state): what the vault seals and backups carry. */
import { decodeBytes, encodeBytes } from '../../../shared/crypto/identity';

export function encodeValue(value: unknown): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify(value, (_key, item: unknown) => {
      if (item instanceof Uint8Array) return { $bytes: encodeBytes(item) };
      if (item instanceof Map) return { $map: [...(item as Map<unknown, unknown>)] };
      return item;
    }),
  );
}

export function decodeValue(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(bytes), (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    if ('$bytes' in item && typeof item.$bytes === 'string') return decodeBytes(item.$bytes);
    if ('$map' in item && Array.isArray(item.$map)) return new Map(item.$map as [unknown, unknown][]);
    return item;
  });
}
