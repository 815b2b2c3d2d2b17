/** Explicit limits shared by the server and the extension. Units are in the names or comments. */

/** Longest display name, in characters (UTF-16 code units). */
export const MAX_NAME_LENGTH = 32;
/** Longest text message, in characters (UTF-16 code units). */
export const MAX_TEXT_LENGTH = 10_000;
/** Largest Socket.IO packet the server accepts, in bytes. */
export const MAX_SOCKET_PAYLOAD_BYTES = 256 * 1024;
/** Largest PeerJS signaling frame (offer, answer, candidate) the server relays, in bytes. */
export const MAX_SIGNAL_FRAME_BYTES = 64 * 1024;
/** Largest frame a peer may send over a data channel before it is decrypted, in bytes. */
export const MAX_PEER_FRAME_BYTES = 64 * 1024;
/** How long a peer ticket issued by a session stays valid, in milliseconds. */
export const PEER_TICKET_TTL_MS = 10 * 60 * 1000;
/** Longest server URL the user may configure, in characters. */
export const MAX_URL_LENGTH = 2048;
/** Signaling frames one peer connection may send per second before being cut off. */
export const MAX_SIGNAL_FRAMES_PER_SECOND = 200;
/** How long a session challenge (server nonce) may be answered, in milliseconds. Each one works once. */
export const CHALLENGE_TTL_MS = 60 * 1000;
/** Message keys the ratchet keeps for messages not yet arrived (out of order or lost), per conversation. */
export const MAX_SKIPPED_MESSAGE_KEYS = 1000;
/** Largest ratchet envelope ciphertext, in base64url characters. */
export const MAX_ENVELOPE_CIPHERTEXT_LENGTH = 96 * 1024;
/** How often each end of a verified data channel sends a heartbeat when it has sent nothing else, in milliseconds. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A data channel silent this long is dead, even if the browser still says it is open, in milliseconds. */
export const HEARTBEAT_TIMEOUT_MS = 15_000;
/** Socket.IO events one connection may send per second; past it requests are refused with `rate-limited`. */
export const MAX_SOCKET_EVENTS_PER_SECOND = 50;
/** A connection that sends this many times the limit within one second is disconnected. */
export const FLOOD_DISCONNECT_FACTOR = 4;
