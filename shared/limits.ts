/** Explicit limits shared by the server and the extension. Units are in the names or comments. */

/** Longest display name, in characters (UTF-16 code units). */
export const MAX_NAME_LENGTH = 32;
/**
 * A name whose key has not signed in for this long is released by the server, and anyone may take it; the key
 * keeps everything else it has there (first seen, prekeys, mail, rooms). In milliseconds: 365 days.
 */
export const NAME_INACTIVITY_RELEASE_MS = 365 * 24 * 60 * 60 * 1000;
/** Longest text message, in characters (UTF-16 code units). */
export const MAX_TEXT_LENGTH = 10_000;
/**
 * Latest time a peer may put on a message (2100-01-01T00:00:00Z), in ms since the epoch. Dates past 8.64e15 ms
 * cannot even be formatted; every timestamp from a peer is bounded well before.
 */
export const MAX_TIMESTAMP_MS = 4_102_444_800_000;
/** Largest Socket.IO packet the server accepts, in bytes. */
export const MAX_SOCKET_PAYLOAD_BYTES = 256 * 1024;
/** Largest PeerJS signaling frame (offer, answer, candidate) the server relays, in bytes. */
export const MAX_SIGNAL_FRAME_BYTES = 64 * 1024;
/** Levels of objects and arrays a PeerJS frame's payload may nest (PeerJS's own are 3 deep: payload.sdp.sdp). */
export const MAX_SIGNAL_PAYLOAD_DEPTH = 32;
/** Largest frame a peer may send over a data channel before it is decrypted, in bytes. */
export const MAX_PEER_FRAME_BYTES = 64 * 1024;
/**
 * How long a peer ticket issued by a session stays valid, in milliseconds. The engine uses it at once (and asks a
 * fresh one for each reconnect); it is short because PeerJS sends it in a URL, which logs on the way may keep.
 */
export const PEER_TICKET_TTL_MS = 60 * 1000;
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
/**
 * Socket.IO events one connection may send per second; past it requests are refused with `rate-limited`. The
 * relay path costs about four events per message (send, acknowledge, and a receipt each way), so a brisk relayed
 * conversation must fit.
 */
export const MAX_SOCKET_EVENTS_PER_SECOND = 200;
/** A connection that sends this many times the limit within one second is disconnected. */
export const FLOOD_DISCONNECT_FACTOR = 4;
/**
 * Requests that cost a signature check or a room log (room:create, room:append, room:peek) one connection may send
 * per COSTLY_SOCKET_EVENTS_WINDOW_MS, within MAX_SOCKET_EVENTS_PER_SECOND; past it they are refused with
 * `rate-limited` until the window ends. Room enough to fill MAX_ROOMS_PER_USER rooms and invite someone to each.
 */
export const MAX_COSTLY_SOCKET_EVENTS = 240;
/** The window of MAX_COSTLY_SOCKET_EVENTS, in milliseconds. */
export const COSTLY_SOCKET_EVENTS_WINDOW_MS = 60 * 1000;
/** One-time prekeys one `prekeys:publish` may upload. */
export const MAX_ONE_TIME_PREKEYS_PER_UPLOAD = 100;
/** One-time prekeys the server keeps per user; the engine tops up to this. */
export const MAX_ONE_TIME_PREKEYS = 100;
/**
 * Below this many one-time prekeys on the server, the engine uploads more: the server pushes `prekeys:low` when
 * a claim crosses it (not at each claim below it), so claims cannot make the engine top up in a loop.
 */
export const ONE_TIME_PREKEYS_LOW_WATER = 30;
/** Claims of one user's prekeys by one claimer that may take a one-time prekey, per PREKEY_CLAIM_WINDOW_MS. */
export const MAX_PREKEY_CLAIMS_PER_TARGET = 5;
/** The window of MAX_PREKEY_CLAIMS_PER_TARGET, in milliseconds. */
export const PREKEY_CLAIM_WINDOW_MS = 60 * 60 * 1000;
/**
 * One-time prekeys of one user handed out per PREKEY_CLAIM_WINDOW_MS, whoever claims them: many throwaway claimers
 * together cannot drain them (past it bundles come without one, as past a claimer's own limits).
 */
export const MAX_ONE_TIME_PREKEYS_HANDED_OUT_PER_OWNER = 20;
/** Claims by one claimer, of anyone's prekeys, that may take a one-time prekey, per minute. */
export const MAX_PREKEY_CLAIMS_PER_MINUTE = 30;
/** How long a signed prekey is used before the engine publishes a new one, in milliseconds. */
export const SIGNED_PREKEY_ROTATION_MS = 7 * 24 * 60 * 60 * 1000;
/** Ratchet sessions the engine keeps per contact (both sides may start one at once; old ones still decrypt). */
export const MAX_SESSIONS_PER_CONTACT = 4;
/** Shortest passphrase for the encrypted history and for backups, in characters. */
export const MIN_PASSPHRASE_LENGTH = 8;
/** Longest passphrase, in characters. */
export const MAX_PASSPHRASE_LENGTH = 1024;
/** Largest backup file accepted for import, in bytes. */
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024;
/** Longest idle time the auto-lock may be set to, in minutes (0 turns it off). */
export const MAX_AUTO_LOCK_MINUTES = 24 * 60;
/** How long the server's mailbox holds a message nobody fetched, in milliseconds (the server may be set lower). */
export const MAILBOX_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Messages the mailbox holds for one recipient; past it `mail:send` is refused with `quota-exceeded`. */
export const MAX_MAILBOX_MESSAGES = 1000;
/** Bytes of sealed messages the mailbox holds for one recipient. */
export const MAX_MAILBOX_BYTES = 16 * 1024 * 1024;
/** Share of one recipient's mailbox (messages) a single sender may fill, so one sender cannot block the rest. */
export const MAX_MAILBOX_MESSAGES_FROM_ONE_SENDER = 500;
/** Messages one `mail:fetch` returns at most; the answer says when more are waiting. */
export const MAX_MAIL_FETCH = 100;
/**
 * Bytes of sealed messages one `mail:fetch` returns at most (a single larger message still comes, alone), so
 * one request cannot make the server queue 100 full-size messages for a client that does not read.
 */
export const MAX_MAIL_FETCH_BYTES = 1024 * 1024;
/** A sender whose key first signed in here less than this long ago is new, in milliseconds: a smaller quota. */
export const NEW_SENDER_AGE_MS = 24 * 60 * 60 * 1000;
/** Bytes of a new sender's messages the mailbox holds at once, across all recipients. */
export const MAX_NEW_SENDER_MAIL_BYTES = 1024 * 1024;
/** Messages of a new sender the mailbox holds at once, across all recipients. */
export const MAX_NEW_SENDER_MAIL_MESSAGES = 200;
/** Bytes of any one sender's messages the mailbox holds at once, across all recipients. */
export const MAX_SENDER_MAIL_BYTES = 64 * 1024 * 1024;
/** Bytes the whole mailbox holds, all users together, unless the server is set otherwise (MAILBOX_TOTAL_MAX_BYTES). */
export const MAX_MAILBOX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;
/** Mail ids one `mail:ack` may name. */
export const MAX_MAIL_ACK_IDS = 100;
/** How long a send waits for a direct data channel to open before relaying through the server, in milliseconds. */
export const DIRECT_LINK_TIMEOUT_MS = 5_000;
/** How long a message sent over a data channel waits for its delivery receipt before it also goes through the server, in milliseconds. */
export const DELIVERY_RECEIPT_TIMEOUT_MS = 5_000;
/** Message ids one receipt may acknowledge. */
export const MAX_RECEIPT_IDS = 100;
/** Members a room may have (every message is encrypted once per member: see README, Rooms). */
export const MAX_ROOM_MEMBERS = 32;
/** Rooms one user may be a member of (invitations are counted apart, so they can never fill this). */
export const MAX_ROOMS_PER_USER = 100;
/** Invitations waiting for one invitee; past it, further invitations to them are refused to the inviter. */
export const MAX_PENDING_INVITATIONS_PER_INVITEE = 50;
/** Invitations one inviter may have waiting, over all rooms; past it their own invitations are refused. */
export const MAX_PENDING_INVITATIONS_PER_INVITER = 20;
/**
 * Signed entries a room's membership log may hold (create, invite, code, join, leave). At the bound only leaves
 * are accepted (so nobody is ever stuck in a room), at most one per member or invitee: a log never exceeds
 * MAX_ROOM_LOG_ENTRIES + MAX_ROOM_MEMBERS. A full room takes no one new: create another. Sized so that a user's
 * whole `room:list` (100 rooms and 50 invitations, at most 128 entries of about 400 bytes each) stays under the
 * server's default outgoing queue per socket (DEFAULT_MAX_QUEUED_BYTES_PER_SOCKET).
 */
export const MAX_ROOM_LOG_ENTRIES = 96;

/**
 * Rooms one user may have listed publicly at once (see README, Public rooms). A listing rides on an invite code of
 * the lister's, so it counts against them until it is withdrawn, they leave, or the room ends.
 */
export const MAX_LISTED_ROOMS_PER_USER = 5;
/**
 * Listings one user may make per ROOM_LISTING_WINDOW_MS (unlisting is not counted): each publishes an invite code
 * entry in the room's log, which holds MAX_ROOM_LOG_ENTRIES, so listing cannot be flipped on and off to fill it.
 */
export const MAX_ROOM_LISTINGS_PER_WINDOW = 10;
/** The window of MAX_ROOM_LISTINGS_PER_WINDOW, in milliseconds: one hour (counted per clock hour). */
export const ROOM_LISTING_WINDOW_MS = 60 * 60 * 1000;
/** Longest text a search of public rooms may hold, in characters: a room name is no longer. */
export const MAX_ROOM_QUERY_LENGTH = MAX_NAME_LENGTH;
/** Public rooms one `room:browse` answer holds; the answer says when more follow. */
export const ROOM_BROWSE_PAGE = 20;
/** The furthest a browse may page, in rooms skipped: past it, search by name. */
export const MAX_ROOM_BROWSE_OFFSET = 1000;
/**
 * Public-room requests (`room:browse`, `room:listed-code`) one connection may send per minute, then `rate-limited`:
 * for people looking for a room, not for copying every listing and its code.
 */
export const MAX_ROOM_BROWSES_PER_MINUTE = 30;

// The server's front door (connections, sign-in deadline, byte rates, outgoing buffers). The operator can set the
// ones named with an environment variable (signal-server/src/config.ts); these are the defaults.
/** WebSocket connections (Socket.IO and PeerJS together) the server holds at once (MAX_CONNECTIONS). Keep it below
 * the process's descriptor limit (`ulimit -n`) so /health and the stores always have descriptors left. */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** WebSocket connections (Socket.IO and PeerJS together) one IP address may hold at once (MAX_CONNECTIONS_PER_IP). */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 64;
/** TCP connections the HTTP server accepts beyond MAX_CONNECTIONS (for /health and handshakes in flight). */
export const HTTP_CONNECTION_HEADROOM = 256;
/** TCP connections one address may hold beyond MAX_CONNECTIONS_PER_IP (requests in flight, /health). */
export const HTTP_CONNECTION_HEADROOM_PER_IP = 16;
/** How long a Socket.IO connection may stay without a session (session:start) before it is closed, in ms. */
export const DEFAULT_SIGN_IN_DEADLINE_MS = 10_000;
/** How long an HTTP request (or a WebSocket handshake) may take to send its headers, in ms. */
export const HTTP_HEADERS_TIMEOUT_MS = 10_000;
/** Bytes the server may hold queued for one socket that does not read (MAX_QUEUED_BYTES_PER_SOCKET); past it
 * the socket is cut off and what was queued is dropped. Above the largest single answer (a mail:fetch page). */
export const DEFAULT_MAX_QUEUED_BYTES_PER_SOCKET = 8 * 1024 * 1024;
/** Bytes the server may hold queued for all Socket.IO sockets together (MAX_QUEUED_BYTES_TOTAL); past it the
 * socket holding the most is cut off first, and what was queued for it dropped. */
export const DEFAULT_MAX_QUEUED_BYTES_TOTAL = 256 * 1024 * 1024;
/** Bytes of Socket.IO packets one connection may send per second; past it requests are refused with `rate-limited`. */
export const MAX_SOCKET_BYTES_PER_SECOND = 4 * 1024 * 1024;
/**
 * Bytes an engine.io packet other than a message (pong, noop, upgrade) may carry; a larger one closes the
 * connection. Clients send them empty: any padding is only there to cost the server.
 */
export const MAX_CONTROL_PACKET_BYTES = 1024;
/** Bytes of signaling frames one PeerJS connection may send per second before being cut off. */
export const MAX_SIGNAL_BYTES_PER_SECOND = 1024 * 1024;
/** Socket.IO events and PeerJS frames all connections of one IP address may send per second (IP_EVENTS_PER_SECOND). */
export const DEFAULT_IP_EVENTS_PER_SECOND = 2_000;
/** Bytes all connections of one IP address may send per second (IP_BYTES_PER_SECOND). */
export const DEFAULT_IP_BYTES_PER_SECOND = 16 * 1024 * 1024;
/**
 * New identities (signing keys the server has never seen) one IP address may start sessions for per hour
 * (NEW_IDENTITIES_PER_IP_PER_HOUR); past it a new key's `session:start` is refused with `rate-limited`, while keys
 * the server knows sign in as before. Each new identity costs the server a name, prekeys and a mailbox.
 */
export const DEFAULT_NEW_IDENTITIES_PER_IP_PER_HOUR = 10;
/**
 * Sign-ins that failed verification (a session:start whose identity or signature does not verify) one IP address
 * may make per minute (FAILED_SIGN_INS_PER_IP_PER_MINUTE; token bucket, refilled evenly). Each costs the server two
 * signature verifications; past it every session:start from that address is refused with `rate-limited` before
 * any verification, until tokens come back (one every 60 / this many seconds).
 */
export const DEFAULT_FAILED_SIGN_INS_PER_IP_PER_MINUTE = 20;
/**
 * WebSocket connections (Socket.IO handshakes and PeerJS upgrades together) one IP address may open per second
 * (NEW_CONNECTIONS_PER_IP_PER_SECOND); an address that has opened none for a second may open this many at once.
 */
export const DEFAULT_NEW_CONNECTIONS_PER_IP_PER_SECOND = 30;

/** Contacts one profile may have (accepted, asked and asking together); each presents a presence token. */
export const MAX_CONTACTS = 2_000;
/** Users one user may block on a server. */
export const MAX_BLOCKED = 1_000;
/** Exact-name lookups (`user:lookup`) one connection may make per minute: finding people, not listing them. */
export const MAX_USER_LOOKUPS_PER_MINUTE = 30;
/** Bytes of the secret two contacts share (their presence token derives from it). */
export const CONTACT_SECRET_LENGTH = 32;

// Profiles (display name, bio, avatar): sealed under the user's profile key; the server holds ciphertext only.
/** Longest profile display name, in characters (UTF-16 code units). Self-chosen, shown beside the server name. */
export const MAX_PROFILE_NAME_LENGTH = 64;
/** Longest profile bio, in characters (UTF-16 code units). */
export const MAX_PROFILE_BIO_LENGTH = 140;
/** Width and height the popup resizes an avatar to, in pixels; a received avatar may be at most this large. */
export const AVATAR_SIZE_PX = 128;
/** Largest avatar image (JPEG or WebP), in bytes. Every contact's avatar rides in each state push to the popup. */
export const MAX_AVATAR_BYTES = 16 * 1024;
/** Bytes of a profile key (secretbox key material, shared with contacts over the ratchet). */
export const PROFILE_KEY_LENGTH = 32;
/** Longest sealed profile the server stores, in base64url characters (an avatar at its cap, sealed, fits). */
export const MAX_SEALED_PROFILE_LENGTH = 40 * 1024;

// Files: offered in a sealed chat message, then streamed in sealed chunks over a data channel of their own.
/** Plaintext bytes per file chunk, one data-channel message each (Chrome's largest message is 256 KiB). */
export const FILE_CHUNK_BYTES = 64 * 1024;
/** Largest file that can be offered, in bytes (chunk indexes stay well inside 32 bits). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024 * 1024;
/** Bytes of a file's own key (AES-256-GCM, see extension/lib/files/file-chunks.ts) and of its SHA-256. */
export const FILE_KEY_LENGTH = 32;
export const FILE_HASH_LENGTH = 32;
/** Longest file name offered, in characters; the receiver sanitises it again before saving. */
export const MAX_FILE_NAME_LENGTH = 255;
/** Longest media type offered, in characters. */
export const MAX_FILE_TYPE_LENGTH = 127;
/** Files one send may carry (the picker's "several files at once"). */
export const MAX_FILES_PER_SEND = 20;
/**
 * A sender stops writing to a file channel once this many bytes are queued on it, and goes on when the queue falls
 * to FILE_BUFFER_LOW_BYTES: Chrome closes a channel whose queue passes 16 MiB.
 */
export const FILE_BUFFER_HIGH_BYTES = 4 * 1024 * 1024;
export const FILE_BUFFER_LOW_BYTES = 1024 * 1024;
/**
 * Chunks a sender may have sent beyond the last the receiver confirmed written: a data channel cannot be paused
 * from the receiving end, so this bounds what waits in the receiver's memory when its disk or hash is slower than
 * the link. The receiver confirms every FILE_ACK_EVERY chunks.
 */
export const FILE_WINDOW_CHUNKS = 64;
export const FILE_ACK_EVERY = 8;
/**
 * Largest file that goes through the server's mailbox when no direct link opens (in halves of sealed chunks, under
 * the mailbox's quotas: a new sender's whole share is MAX_NEW_SENDER_MAIL_BYTES); larger ones wait for a link.
 */
export const MAX_RELAYED_FILE_BYTES = 512 * 1024;
/** Base64url characters of one relayed piece: half of a sealed chunk frame (4 + FILE_CHUNK_BYTES + 16 bytes). */
export const MAX_FILE_PART_LENGTH = Math.ceil(((4 + FILE_CHUNK_BYTES + 16) / 2 / 3) * 4) + 4;
/** Largest picture (PNG, JPEG, GIF, WebP) accepted without asking, when the setting is on, in bytes. */
export const MAX_AUTO_ACCEPT_IMAGE_BYTES = 10 * 1024 * 1024;
/** Width or height a picture's thumbnail is drawn at, at most, in pixels; and its largest size, in bytes. */
export const THUMBNAIL_SIZE_PX = 240;
export const MAX_THUMBNAIL_BYTES = 32 * 1024;
/** Data-channel stream ids file channels use (negotiated on the contact's link, never PeerJS's own 0 and 1). */
export const FILE_STREAM_FIRST = 16;
export const FILE_STREAM_LAST = 1023;
/**
 * Calls. A ring that nobody answers within CALL_RING_TIMEOUT_MS is missed, on both sides (a ring that arrives later,
 * e.g. from the mailbox, shows as missed at once), in milliseconds.
 */
export const CALL_RING_TIMEOUT_MS = 35_000;
/**
 * Once both descriptions are set, each side's signed binding of the call's DTLS fingerprints must have come and
 * verified within this long, or the call ends (no media flows before), in milliseconds.
 */
export const CALL_BINDING_TIMEOUT_MS = 20_000;
/**
 * A call whose media connection stays lost this long (ICE failed, and the caller's ICE restart did not bring it
 * back: the other side vanished) is hung up by its window, in milliseconds.
 */
export const CALL_CONNECTION_LOST_MS = 20_000;
/**
 * How often a call window asks its engine for its call while the call lives, in milliseconds: a call counts as
 * activity (auto-lock does not cut it), and a change the window missed is caught up.
 */
export const CALL_REFRESH_INTERVAL_MS = 20_000;
/** Longest session description of a call's media connection, in characters (audio and video: a few KB). */
export const MAX_CALL_SDP_LENGTH = 32 * 1024;
/** Longest ICE candidate line a call relays, in characters. */
export const MAX_CALL_CANDIDATE_LENGTH = 1024;
/** ICE candidates an engine relays per call and direction; more are dropped (a restart of ICE sends a few more). */
export const MAX_CALL_CANDIDATES = 100;
/** Longest DTLS fingerprint as a binding names it (`sha-512` and 64 hex pairs), in characters. */
export const MAX_FINGERPRINT_LENGTH = 256;
/** Calls one engine keeps in memory at once (ringing, active, or ended and still shown); the oldest ended go first. */
export const MAX_CALLS_KEPT = 16;

/** Longest quoted preview a reply carries of the message it answers, in characters (UTF-16 code units). */
export const MAX_QUOTE_LENGTH = 200;
/**
 * Times one message may be edited; later edits are refused by the sender and ignored by receivers. Bounds what a
 * message keeps of the edits it took (their ids, so a copy of one arriving twice is dropped without decrypting).
 */
export const MAX_EDITS_PER_MESSAGE = 20;
/** While the user types, at most one "typing" frame per contact this often, in milliseconds. */
export const TYPING_SEND_INTERVAL_MS = 3_000;
/**
 * A page shows "typing…" this long after the last "typing" frame, then hides it by itself (a lost "stopped", a
 * closed popup or a dropped link never leaves it on), in milliseconds. Over TYPING_SEND_INTERVAL_MS, with room.
 */
export const TYPING_SHOWN_MS = 7_000;
/** Most messages one search of a conversation's history returns (newest first). */
export const MAX_SEARCH_RESULTS = 50;
/** Longest search query, in characters. */
export const MAX_SEARCH_QUERY_LENGTH = 200;
/**
 * Longest preview of a conversation's newest message that the engine hands the pages (the conversation list's
 * second line), in characters: enough for a 400 px row, and a list of many conversations stays small.
 */
export const MAX_PREVIEW_LENGTH = 100;
