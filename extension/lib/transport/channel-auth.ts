import nacl from 'tweetnacl';
import {
  channelStatement,
  encodeBytes,
  isUserIdOf,
  verifyPublicIdentity,
  verifySignature,
} from '../../../shared/crypto/identity';
import type { UserId } from '../../../shared/ids';
import { HelloFrameSchema, PEER_PROTOCOL_VERSION, type HelloFrame } from '../../../shared/protocol/peer';
import { parse } from '../../../shared/validate';
import { publicIdentity, userIdOfKeys, type IdentityKeys } from '../crypto/identity';

/** The DTLS fingerprints of both ends of a connection, as this end's SDP states them. */
export interface ChannelFingerprints {
  readonly local: string;
  readonly remote: string;
}

/** The `a=fingerprint` of an SDP, e.g. `sha-256 AB:CD:…`, normalised to lower case; undefined if absent. */
export function fingerprintOf(sdp: string | undefined): string | undefined {
  const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp ?? '');
  return match ? `${match[1]?.toLowerCase()} ${match[2]?.toLowerCase()}` : undefined;
}

export function fingerprintsOf(connection: RTCPeerConnection): ChannelFingerprints | undefined {
  const local = fingerprintOf(connection.localDescription?.sdp);
  const remote = fingerprintOf(connection.remoteDescription?.sdp);
  return local && remote ? { local, remote } : undefined;
}

export function createHello(
  keys: IdentityKeys,
  peerId: UserId,
  fingerprints: ChannelFingerprints,
): HelloFrame {
  const statement = channelStatement(userIdOfKeys(keys), peerId, fingerprints.local, fingerprints.remote);
  return {
    v: PEER_PROTOCOL_VERSION,
    kind: 'hello',
    identity: publicIdentity(keys),
    signature: encodeBytes(nacl.sign.detached(statement, keys.signing.secretKey)),
  };
}

export type HelloCheck =
  { readonly ok: true; readonly hello: HelloFrame } | { readonly ok: false; readonly reason: string };

/**
 * Checks the hello that `peerId` sent on this channel: its key must be the one its id derives from, and it
 * must have signed this channel's fingerprints, its own first (it sees ours as remote).
 */
export function verifyHello(
  data: unknown,
  selfId: UserId,
  peerId: UserId,
  fingerprints: ChannelFingerprints,
): HelloCheck {
  const parsed = parse(HelloFrameSchema, data);
  if (!parsed.ok) return { ok: false, reason: `the first frame is not a valid hello (${parsed.message})` };
  const hello = parsed.value;
  if (!isUserIdOf(peerId, hello.identity.signingKey))
    return { ok: false, reason: 'the key does not belong to this user id' };
  if (!verifyPublicIdentity(hello.identity))
    return { ok: false, reason: 'the exchange key is not signed by the signing key' };
  const statement = channelStatement(peerId, selfId, fingerprints.remote, fingerprints.local);
  if (!verifySignature(statement, hello.signature, hello.identity.signingKey)) {
    return {
      ok: false,
      reason: 'the signature does not cover this channel (fingerprints differ: someone may be in the middle)',
    };
  }
  return { ok: true, hello };
}
