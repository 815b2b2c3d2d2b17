/**
 * The one protocol between UI pages (popup, later options and call windows) and the engine.
 * Pages open a runtime Port named ENGINE_PORT; requests are answered by id, and the engine pushes events. A page
 * in the engine's own process (always so today) first asks for a direct channel (see channels.ts): the frames
 * then go over a MessagePort, in process, and the runtime Port only tells each side when the other is gone.
 */
import * as v from 'valibot';
import type { Result } from '../../../shared/errors';
import {
  MessageIdSchema,
  UserIdSchema,
  type MessageId,
  type UserId,
  RoomIdSchema,
  type RoomId,
  ConversationIdSchema,
  type ConversationId,
} from '../../../shared/ids';
import {
  InviteCodeSchema,
  RoomBrowseSchema,
  RoomNameInputSchema,
  type PublicRoom,
} from '../../../shared/protocol/rooms';
import { ProfileCardSchema } from '../../../shared/protocol/profile';
import {
  MAX_AVATAR_BYTES,
  MAX_BACKUP_BYTES,
  MAX_FILE_BYTES,
  MAX_FILES_PER_SEND,
  MAX_NAME_LENGTH,
  MAX_PASSPHRASE_LENGTH,
  MAX_TEXT_LENGTH,
  MAX_URL_LENGTH,
} from '../../../shared/limits';
import { DisplayNameSchema } from '../../../shared/names';
import { TextMessageSchema } from '../../../shared/protocol/content';
import { PassphraseSchema, SettingsInputSchema, type SettingsInput } from '../settings';
import {
  type ChatMessage,
  type ConnectionStatus,
  type ContactState,
  type FileInfo,
  type TransferState,
  type LinkStatus,
  type VaultStatus,
} from '../model';
import { callRequestSchemas, type CallEvents, type CallResponses } from './call-protocol';
import {
  conversationRequestSchemas,
  type ConversationEvents,
  type ConversationResponses,
  type RecentList,
} from './conversation-protocol';

export const engineRequestSchemas = {
  getState: v.strictObject({}),
  /** First start: the name, the server and the passphrase that will protect everything stored. */
  setUp: v.strictObject({ ...SettingsInputSchema.entries, passphrase: PassphraseSchema }),
  unlock: v.strictObject({ passphrase: v.pipe(v.string(), v.maxLength(MAX_PASSPHRASE_LENGTH)) }),
  lock: v.strictObject({}),
  /** Wraps the vault's data key under a new passphrase, once the current one is checked (nothing else changes). */
  changePassphrase: v.strictObject({
    current: v.pipe(v.string(), v.maxLength(MAX_PASSPHRASE_LENGTH)),
    next: PassphraseSchema,
  }),
  exportBackup: v.strictObject({ passphrase: PassphraseSchema }),
  importBackup: v.strictObject({
    passphrase: v.pipe(v.string(), v.maxLength(MAX_PASSPHRASE_LENGTH)),
    backup: v.pipe(v.string(), v.maxLength(MAX_BACKUP_BYTES, 'is larger than a backup can be')),
  }),
  saveSettings: SettingsInputSchema,
  getDiagnostics: v.strictObject({}),
  getSafetyNumber: v.strictObject({ peerId: UserIdSchema }),
  createRoom: v.strictObject({ name: RoomNameInputSchema }),
  inviteToRoom: v.strictObject({ roomId: RoomIdSchema, name: DisplayNameSchema }),
  /** Joins with an invite code (`room:…:…`), or accepts an invitation by room id. */
  joinRoom: v.union([v.strictObject({ code: InviteCodeSchema }), v.strictObject({ roomId: RoomIdSchema })]),
  leaveRoom: v.strictObject({ roomId: RoomIdSchema }),
  /** A member's own invite code for the room (the creator has one from the start). */
  makeInviteCode: v.strictObject({ roomId: RoomIdSchema }),
  /** Lists the room publicly on the server (a new code of this member's rides on it), or unlists it. */
  listRoom: v.strictObject({ roomId: RoomIdSchema, listed: v.boolean() }),
  /** Public rooms, newest listing first; with `query`, those whose name contains it (any case). */
  browseRooms: RoomBrowseSchema,
  /** Joins a public room with the code it is listed with, as with any invite code. */
  joinListedRoom: v.strictObject({ roomId: RoomIdSchema }),
  /** Asks a user to become a contact, found by exact name or by an invite link (verified against its key). */
  addContact: v.strictObject({
    query: v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'must name someone: a name or an invite link'),
      v.maxLength(MAX_URL_LENGTH),
    ),
    greeting: v.optional(TextMessageSchema),
  }),
  /** Accepts a request: the two become contacts (presence, direct links). */
  acceptContact: v.strictObject({ userId: UserIdSchema }),
  /** Declines a request: it is gone, and nothing is sent back. */
  declineContact: v.strictObject({ userId: UserIdSchema }),
  /** Blocks (the server refuses their mail; anything that slips through is dropped) or unblocks a user. */
  blockContact: v.strictObject({ userId: UserIdSchema, blocked: v.boolean() }),
  /** Stops being contacts: no more presence either way; the history stays. */
  removeContact: v.strictObject({ userId: UserIdSchema }),
  /** A local name for a contact; '' goes back to their own. Never sent anywhere. */
  renameContact: v.strictObject({
    userId: UserIdSchema,
    alias: v.pipe(
      v.string(),
      v.trim(),
      v.maxLength(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`),
    ),
  }),
  /** A muted contact's messages count in the popup, not on the badge, and never notify. */
  muteContact: v.strictObject({ userId: UserIdSchema, muted: v.boolean() }),
  /** This profile's invite link (its name and key, on its server). */
  getInviteLink: v.strictObject({}),
  /** Frees this profile's name on its server (signed); the profile is signed out until Settings are saved again. */
  releaseName: v.strictObject({}),
  /** Has the server forget everything it holds for this profile (signed), after leaving every room; signs out. */
  deleteAccount: v.strictObject({}),
  /** This profile's own display name, bio and avatar (null before the first save). */
  getProfile: v.strictObject({}),
  /** Seals a new version for contacts, stores it on the server (online only) and tells every contact. */
  saveProfile: v.strictObject({
    displayName: v.pipe(v.string(), v.trim(), ProfileCardSchema.entries.displayName),
    bio: v.pipe(v.string(), v.trim(), ProfileCardSchema.entries.bio),
    /** A JPEG or WebP data: URL, resized by the page; absent: no picture. */
    avatar: v.optional(
      v.pipe(
        v.string(),
        v.maxLength(64 + Math.ceil((MAX_AVATAR_BYTES * 4) / 3), `must be at most ${MAX_AVATAR_BYTES} bytes`),
        v.regex(/^data:image\/(jpeg|webp);base64,/, 'must be a JPEG or WebP picture'),
      ),
    ),
  }),
  /**
   * Offers files in a conversation (to each member of a room). Files come as File objects by structured clone,
   * over the direct channel (channels.ts) only: never as bytes in JSON. Each is hashed, then offered.
   */
  sendFiles: v.strictObject({
    peerId: ConversationIdSchema,
    files: v.pipe(
      v.array(
        v.pipe(
          v.instance(File, 'must be a file'),
          v.check((file) => file.size <= MAX_FILE_BYTES, `must be at most ${MAX_FILE_BYTES} bytes`),
        ),
      ),
      v.minLength(1, 'must hold a file'),
      v.maxLength(MAX_FILES_PER_SEND, `at most ${MAX_FILES_PER_SEND} files at once`),
    ),
  }),
  /** Accepts (the file is fetched and saved) or declines (nothing is sent) a file offered in message `messageId`. */
  answerFile: v.strictObject({
    conversation: ConversationIdSchema,
    messageId: MessageIdSchema,
    accept: v.boolean(),
  }),
  /** Stops a file transfer from either side; `peer` picks one receiver of a file sent to a room (else all). */
  cancelFile: v.strictObject({
    conversation: ConversationIdSchema,
    messageId: MessageIdSchema,
    peer: v.optional(UserIdSchema),
  }),
  /** Every transfer this profile knows of, newest first. */
  listTransfers: v.strictObject({}),
  /** Sends what the page's context menu was opened on as a message: a link, a selection, or the page itself. */
  sharePage: v.strictObject({
    peerId: ConversationIdSchema,
    kind: v.picklist(['link', 'selection', 'page']),
    /** The link, or the page's address. */
    url: v.pipe(v.string(), v.url(), v.maxLength(MAX_URL_LENGTH)),
    /** The selected text (selection), or the link's or page's title. */
    text: v.optional(v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH - MAX_URL_LENGTH - 64))),
  }),
  /** Fetches an image, audio or video the context menu was opened on, and offers it as a file. */
  shareMedia: v.strictObject({
    peerId: ConversationIdSchema,
    srcUrl: v.pipe(v.string(), v.url(), v.maxLength(MAX_URL_LENGTH)),
    pageUrl: v.optional(v.pipe(v.string(), v.url(), v.maxLength(MAX_URL_LENGTH))),
  }),
  /** The conversations a share can go to, most recently active first (the context menu's submenus). */
  getShareTargets: v.strictObject({}),
  /** Every conversation's newest message as a preview (a RecentList, `whole`); `recent` events carry each change. */
  listRecent: v.strictObject({}),
  ...callRequestSchemas,
  ...conversationRequestSchemas,
} as const;

export type EngineMethod = keyof typeof engineRequestSchemas;
/** What the engine gets, once validated (and transformed, e.g. an invite code into its parts). */
export type EngineParams<M extends EngineMethod> = v.InferOutput<(typeof engineRequestSchemas)[M]>;
/** What a page sends. */
export type EngineRequest<M extends EngineMethod> = v.InferInput<(typeof engineRequestSchemas)[M]>;

export interface Contact {
  readonly userId: UserId;
  /** Their name on the server (as they claim it, for a request: see nameVerified). */
  readonly name: string;
  /** The name this user gave them, if any: shown instead of `name`. */
  readonly alias?: string;
  readonly state: ContactState;
  /** Online now (accepted contacts who do not appear offline). */
  readonly online: boolean;
  readonly muted: boolean;
  /** The server binds `name` to this user's key (false: another key holds it, or it could not be checked). */
  readonly nameVerified: boolean;
  /** Another contact held this name under another key before: this may be someone else. */
  readonly nameReused: boolean;
  /** The profile they chose (accepted contacts only): self-chosen and unverified, shown beside `name`. */
  readonly profile?: ContactProfile;
}

/** A profile as pages show it: text only, and the avatar as a data: URL of a checked JPEG or WebP picture. */
export interface ContactProfile {
  readonly displayName: string;
  readonly bio: string;
  readonly avatar?: string;
}

export interface OwnProfile extends ContactProfile {
  readonly version: number;
}

export type ProfileInput = EngineParams<'saveProfile'>;

export interface EngineState {
  readonly vault: VaultStatus;
  readonly settings: (SettingsInput & { readonly userId: UserId }) | null;
  readonly connection: { readonly status: ConnectionStatus; readonly error?: string };
  /** Contacts, requests either way, and blocked users: online first, then by shown name. */
  readonly contacts: readonly Contact[];
  /** Peer-to-peer links that exist now, by user id. */
  readonly links: Readonly<Record<UserId, LinkStatus>>;
  /** Messages received and not yet seen, by conversation. */
  readonly unread: Readonly<Record<ConversationId, number>>;
  /** Rooms this profile is in or invited to, by name. */
  readonly rooms: readonly RoomView[];
}

export interface RoomMemberView {
  readonly userId: UserId;
  readonly name: string;
  readonly online: boolean;
}

export interface RoomView {
  readonly roomId: RoomId;
  readonly name: string;
  /** Joined: a member. Otherwise only invited (the room shows, to be joined or declined). */
  readonly joined: boolean;
  /** Members the room's signed log proves (room messages are sealed for these, and taken only from these). */
  readonly members: readonly RoomMemberView[];
  readonly invited: readonly RoomMemberView[];
  /** For members: the code others can join with (its secret never reaches the server). */
  readonly inviteCode?: string;
  /** Listed publicly on the server: anyone there can find it by name and join (README, Public rooms). */
  readonly listed?: boolean;
  /** The membership log, checked, oldest first: who created, invited, joined, left. */
  readonly timeline: readonly RoomTimelineLine[];
  /** What the server claimed that the log does not prove, or log entries that did not verify. */
  readonly warnings: readonly string[];
}

export interface RoomTimelineLine {
  /** The actor's clock, ms since epoch. */
  readonly at: number;
  readonly text: string;
}

export interface Diagnostics {
  /** RTCPeerConnections this engine has created since it started: a reopened popup must not add any. */
  readonly peerConnectionsCreated: number;
  readonly startedAt: number;
}

/** A file transfer as pages show it: one per offered file and receiver (see TransferRecord). */
export interface TransferView {
  readonly messageId: MessageId;
  readonly conversation: ConversationId;
  /** The other end: the receiver (outgoing) or the sender (incoming). */
  readonly peer: UserId;
  readonly direction: 'in' | 'out';
  readonly file: FileInfo;
  readonly state: TransferState;
  /** Bytes moved so far (written and checked, on the receiving side). */
  readonly bytes: number;
  /** While active: bytes per second over the last few seconds. */
  readonly bytesPerSecond?: number;
  readonly error?: string;
  /** Received and saved: the name the downloads got it under. */
  readonly savedAs?: string;
  /** A picture's thumbnail, drawn by the engine: a data: URL of a WebP or JPEG picture, to show as an <img>. */
  readonly thumbnail?: string;
}

export interface ShareTarget {
  readonly id: ConversationId;
  readonly name: string;
  readonly kind: 'contact' | 'room';
}

export interface EngineResponses extends CallResponses, ConversationResponses {
  getState: EngineState;
  setUp: EngineState;
  unlock: EngineState;
  lock: EngineState;
  changePassphrase: Record<string, never>;
  /** The backup file's text (JSON) and a name to save it under. */
  exportBackup: { readonly fileName: string; readonly backup: string };
  importBackup: EngineState;
  saveSettings: EngineState;
  getDiagnostics: Diagnostics;
  /** 60 digits, the same on both sides when each sees the other's real key. */
  getSafetyNumber: { readonly digits: string };
  /** The new room, as the state lists it. */
  createRoom: RoomView;
  inviteToRoom: EngineState;
  /** The room joined, as the state lists it. */
  joinRoom: RoomView;
  leaveRoom: EngineState;
  makeInviteCode: EngineState;
  listRoom: EngineState;
  /** Only each room's name and member count: all the server shows of a listed room. */
  browseRooms: { readonly rooms: readonly PublicRoom[]; readonly more: boolean };
  /** The room joined, as the state lists it. */
  joinListedRoom: RoomView;
  releaseName: EngineState;
  deleteAccount: EngineState;
  addContact: Contact;
  acceptContact: Contact;
  declineContact: Record<string, never>;
  /** The blocked contact; null once unblocked (a stranger again: no longer listed). */
  blockContact: Contact | null;
  removeContact: Record<string, never>;
  renameContact: Contact;
  muteContact: Contact;
  getInviteLink: { readonly link: string };
  getProfile: OwnProfile | null;
  saveProfile: OwnProfile;
  /** One message per file, in the order given. */
  sendFiles: readonly ChatMessage[];
  answerFile: TransferView;
  cancelFile: readonly TransferView[];
  listTransfers: readonly TransferView[];
  sharePage: ChatMessage;
  shareMedia: ChatMessage;
  getShareTargets: { readonly targets: readonly ShareTarget[] };
  /** None while locked. */
  listRecent: RecentList;
}

export interface EngineEvents extends CallEvents, ConversationEvents {
  state: EngineState;
  /** A message was added or its status changed. */
  message: ChatMessage;
  /** A file transfer changed (its state, or its progress: at most a few times a second). */
  transfer: TransferView;
}

export type PortRequest = {
  readonly kind: 'request';
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
};
export type PortResponse = {
  readonly kind: 'response';
  readonly id: number;
  readonly result: Result<unknown>;
};
export type PortEvent = {
  [E in keyof EngineEvents]: { readonly kind: 'event'; readonly name: E; readonly data: EngineEvents[E] };
}[keyof EngineEvents];

export const PortRequestSchema = v.strictObject({
  kind: v.literal('request'),
  id: v.pipe(v.number(), v.integer(), v.minValue(0)),
  method: v.pipe(v.string(), v.maxLength(64)),
  params: v.unknown(),
});

/**
 * Which conversation a page shows now, while it is in sight (null: none). A message that arrives in it is read at
 * once: no unread count, no badge, no notice, and its receipt says read. Ends with the page's session.
 */
export type PortShowing = { readonly kind: 'showing'; readonly conversation: ConversationId | null };
export const PortShowingSchema = v.strictObject({
  kind: v.literal('showing'),
  conversation: v.nullable(ConversationIdSchema),
});

/** A frame a page sends once its carrier is chosen: a request, or what it shows. */
export const PortPageFrameSchema = v.variant('kind', [PortRequestSchema, PortShowingSchema]);

export function isEngineMethod(method: string): method is EngineMethod {
  return Object.hasOwn(engineRequestSchemas, method);
}
