import * as parser from 'socket.io-parser';

/**
 * Socket.IO's packet decoder, minus binary packets. This protocol sends JSON only; a BINARY_EVENT or BINARY_ACK
 * header (`45…`, `46…`) would have socket.io-parser hold every attachment that follows until the last promised
 * one arrives (up to maxAttachments buffers of maxHttpBufferSize each, per socket). Refused on the header, and
 * so is any binary frame, so nothing is ever buffered: the throw makes Socket.IO close the connection.
 */
const BINARY_TYPES = new Set([parser.PacketType.BINARY_EVENT, parser.PacketType.BINARY_ACK].map(String));

class JsonOnlyDecoder extends parser.Decoder {
  override add(chunk: unknown): void {
    if (typeof chunk !== 'string')
      throw new Error('Binary frames are not part of this protocol; send JSON events');
    if (BINARY_TYPES.has(chunk.charAt(0)))
      throw new Error('Binary events are not part of this protocol; send JSON events');
    super.add(chunk);
  }
}

/** Socket.IO's `parser` option: socket.io-parser's encoder, the JSON-only decoder. */
export const jsonOnlyParser = { ...parser, Decoder: JsonOnlyDecoder };
