/**
 * DTLS fingerprints in a session description, for binding a call's media connection to the identities (see
 * extension/lib/engine/calls/binding.ts). Strict on purpose: every `a=fingerprint` line (session or media level)
 * must name the same one, or the description has none that can be trusted.
 */

/** Hash names WebRTC uses in `a=fingerprint` (RFC 8122), lower case. */
const FINGERPRINT_LINE = /^a=fingerprint:([A-Za-z0-9-]{1,16}) ((?:[0-9A-Fa-f]{2}:)+[0-9A-Fa-f]{2})\s*$/;

/**
 * The one DTLS fingerprint `sdp` states, as `sha-256 ab:cd:…` (lower case); undefined if it states none, or
 * states more than one (two media sections with different certificates).
 */
export function sdpFingerprint(sdp: string): string | undefined {
  const found = new Set<string>();
  for (const line of sdp.split(/\r?\n/)) {
    if (!line.startsWith('a=fingerprint:')) continue;
    const match = FINGERPRINT_LINE.exec(line);
    if (!match) return undefined;
    found.add(`${match[1]?.toLowerCase()} ${match[2]?.toLowerCase()}`);
  }
  return found.size === 1 ? [...found][0] : undefined;
}
