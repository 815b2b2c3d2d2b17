import { BufferedConnection, DataConnectionErrorType, util } from 'peerjs';
import { MAX_PEER_FRAME_BYTES } from '../../../shared/limits';
import { SERIALIZATION } from './signal-guard';

export type DecodedFrame =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** One data channel message as JSON, refused before parsing if it is not a binary frame within MAX_PEER_FRAME_BYTES. */
export function decodeFrame(data: unknown): DecodedFrame {
  if (!(data instanceof ArrayBuffer)) return { ok: false, reason: 'it sent a frame that is not binary' };
  if (data.byteLength > MAX_PEER_FRAME_BYTES)
    return {
      ok: false,
      reason: `it sent a frame of ${data.byteLength} bytes (at most ${MAX_PEER_FRAME_BYTES})`,
    };
  try {
    return { ok: true, value: JSON.parse(strictUtf8.decode(data)) as unknown };
  } catch {
    return { ok: false, reason: 'it sent a frame that is not UTF-8 JSON' };
  }
}

/**
 * PeerJS's JSON data connection with a bound on what arrives: PeerJS parsed any message the browser let through
 * (Firefox allows about 1 GiB). A frame that is too large, not binary or not JSON closes the channel unparsed.
 * Sending is PeerJS's own: one frame under its chunk size.
 */
export class BoundedJsonConnection extends BufferedConnection {
  readonly serialization = SERIALIZATION;
  private readonly encoder = new TextEncoder();

  protected override _handleDataMessage({ data }: MessageEvent): void {
    const frame = decodeFrame(data);
    if (frame.ok) {
      this.emit('data', frame.value);
      return;
    }
    console.warn(`peers: closed the link to ${this.peer}: ${frame.reason}`);
    this.close();
  }

  protected override _send(data: unknown): void {
    const encoded = this.encoder.encode(JSON.stringify(data));
    if (encoded.byteLength >= util.chunkedMTU) {
      this.emitError(DataConnectionErrorType.MessageToBig, 'Message too big for JSON channel');
      return;
    }
    this._bufferedSend(encoded.slice().buffer);
  }
}
