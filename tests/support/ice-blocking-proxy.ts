import { startWebSocketMiddlebox, type Middlebox } from './websocket-middlebox';

export type BlockingProxy = Middlebox;

/** Drops a PeerJS CANDIDATE frame; passes everything else (Socket.IO frames too) as it is, less SDP candidates. */
export function withoutCandidates(text: string): string | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return text; // Socket.IO's own framing: not ours to touch
  }
  if (typeof frame !== 'object' || frame === null || !('type' in frame)) return text;
  if (frame.type === 'CANDIDATE') return undefined;
  // Candidates gathered early can also sit in the SDP itself.
  return text.replace(/a=candidate:[^\\]*\\r\\n/g, '');
}

/**
 * A middlebox in front of the signal server that lets every connection through but no ICE candidate: neither
 * browser ever learns where to reach the other, so no data channel can open (as between two strict NATs with
 * no TURN). Everything else reaches the server unchanged.
 */
export function startIceBlockingProxy(serverUrl: string): Promise<BlockingProxy> {
  return startWebSocketMiddlebox(serverUrl, withoutCandidates);
}
