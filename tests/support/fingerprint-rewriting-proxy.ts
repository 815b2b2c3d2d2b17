import { createHmac, randomBytes } from 'node:crypto';
import { startWebSocketMiddlebox, type Direction, type Middlebox } from './websocket-middlebox';

/** One fingerprint line the proxy changed. */
export interface Rewrite {
  readonly frame: 'OFFER' | 'ANSWER';
  readonly direction: Direction;
  /** The fingerprint as the sender's SDP had it ("sha-256 AB:CD:…"), and what the proxy put in its place. */
  readonly original: string;
  readonly forged: string;
}

export interface FingerprintRewritingProxy extends Middlebox {
  /** Every fingerprint line rewritten so far, in order. */
  readonly rewrites: readonly Rewrite[];
  /** Off: the proxy passes every frame as it is, an honest relay on the same path (on at the start). */
  setRewriting(on: boolean): void;
}

// One line's value; browsers end lines with CRLF, but a bare LF is taken too.
const FINGERPRINT_LINE = /^a=fingerprint:(\S+) ([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})*)(?=\r?$)/gm;

/**
 * A stand-in for the certificate a man in the middle would present: same hash name and length as the real one,
 * upper-case hex pairs as browsers write them, never equal to it, and the same forgery for the same fingerprint
 * (both calls of a renegotiation see one attacker).
 */
export function fingerprintForger(key: Buffer = randomBytes(32)): (algorithm: string, hex: string) => string {
  return (algorithm, hex) => {
    const length = hex.split(':').length;
    let bytes = Buffer.alloc(0);
    for (let block = 0; bytes.length < length; block++)
      bytes = Buffer.concat([
        bytes,
        createHmac('sha512', key).update(`${block}:${algorithm} ${hex}`).digest(),
      ]);
    const forged = bytes.subarray(0, length);
    // Flipping one bit keeps the astronomically unlikely collision with the original impossible.
    if (forged.toString('hex') === hex.replaceAll(':', '').toLowerCase())
      forged.writeUInt8((forged[0] ?? 0) ^ 1, 0);
    return [...forged].map((byte) => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
  };
}

/** The SDP with each `a=fingerprint:` line's value forged; `seen` is told each original and its forgery. */
export function rewriteFingerprints(
  sdp: string,
  forge: (algorithm: string, hex: string) => string,
  seen: (original: string, forged: string) => void,
): string {
  return sdp.replace(FINGERPRINT_LINE, (_line, algorithm: string, hex: string) => {
    const forged = `${algorithm} ${forge(algorithm, hex)}`;
    seen(`${algorithm} ${hex}`, forged);
    return `a=fingerprint:${forged}`;
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A middlebox in front of the signal server that acts as a hostile signaling server would to sit in the middle of
 * a call: in every PeerJS OFFER and ANSWER frame of a media connection (payload.type 'media'), either way, the
 * DTLS fingerprints in the SDP are replaced by forged ones. Everything else (data-channel offers and answers,
 * candidates, Socket.IO frames) passes byte for byte.
 */
export async function startFingerprintRewritingProxy(serverUrl: string): Promise<FingerprintRewritingProxy> {
  const rewrites: Rewrite[] = [];
  const forge = fingerprintForger();
  let rewriting = true;
  const filter = (text: string, direction: Direction): string => {
    if (!rewriting) return text;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return text; // Socket.IO's own framing: not PeerJS
    }
    if (!isRecord(frame) || (frame.type !== 'OFFER' && frame.type !== 'ANSWER')) return text;
    const kind = frame.type;
    const payload = frame.payload;
    if (!isRecord(payload) || payload.type !== 'media') return text;
    // PeerJS puts the RTCSessionDescriptionInit under payload.sdp; a bare string is taken too.
    const description = payload.sdp;
    const sdp = isRecord(description) ? description.sdp : description;
    if (typeof sdp !== 'string') return text;
    const forged = rewriteFingerprints(sdp, forge, (original, replacement) =>
      rewrites.push({ frame: kind, direction, original, forged: replacement }),
    );
    const sdpField = isRecord(description) ? { ...description, sdp: forged } : forged;
    return JSON.stringify({ ...frame, payload: { ...payload, sdp: sdpField } });
  };
  const middlebox = await startWebSocketMiddlebox(serverUrl, filter);
  return {
    ...middlebox,
    rewrites,
    setRewriting(on) {
      rewriting = on;
    },
  };
}
