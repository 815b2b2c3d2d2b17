/**
 * Safety numbers: 60 digits two users compare out of band (read aloud, or a QR code) to be sure that each sees
 * the other's real identity key. Modelled on Signal's numeric fingerprints.
 */
import nacl from 'tweetnacl';
import { concatBytes, hexToBytes } from './bytes';
import { decodeBytes } from './identity';
import type { UserId } from '../ids';

const VERSION = new Uint8Array([0, 1]);
const ITERATIONS = 5200; // SHA-512 rounds: makes searching for a key with a colliding number costly
const DIGITS_PER_USER = 30;

/** 30 digits for one user: six 5-digit groups from the first 30 bytes of the iterated hash. */
export function displayableFingerprint(userId: UserId, signingKey: string): string {
  const key = decodeBytes(signingKey);
  let hash = nacl.hash(concatBytes(VERSION, key, hexToBytes(userId)));
  for (let i = 1; i < ITERATIONS; i++) hash = nacl.hash(concatBytes(hash, key));
  let digits = '';
  for (let offset = 0; offset < DIGITS_PER_USER; offset += 5) {
    // 5 bytes read as a 40-bit big-endian number, modulo 100000.
    let chunk = 0;
    for (let i = 0; i < 5; i++) chunk = chunk * 256 + (hash[offset + i] ?? 0);
    digits += String(chunk % 100_000).padStart(5, '0');
  }
  return digits;
}

/** The 60-digit safety number of two users: the same on both sides, whoever computes it. */
export function safetyNumber(
  a: { readonly userId: UserId; readonly signingKey: string },
  b: { readonly userId: UserId; readonly signingKey: string },
): string {
  const parts = [
    displayableFingerprint(a.userId, a.signingKey),
    displayableFingerprint(b.userId, b.signingKey),
  ];
  return parts.sort().join('');
}

/** "12345 67890 …": the form people read aloud. */
export function groupDigits(digits: string): string {
  return (digits.match(/.{1,5}/g) ?? []).join(' ');
}
