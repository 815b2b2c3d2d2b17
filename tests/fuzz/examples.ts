/**
 * One valid example of every payload the fuzz suite sends, keyed by the protocol tables themselves: a new socket
 * event, push or engine method without an example here does not type-check, and a new variant of a frame schema
 * without one fails tests/fuzz/examples.test.ts.
 */
import nacl from 'tweetnacl';
import { encodeBytes, userIdOf } from '../../shared/crypto/identity';
import { randomId, type UserId, type RoomId } from '../../shared/ids';
import type { Content } from '../../shared/protocol/content';
import type { SealedMessage } from '../../shared/protocol/envelope';
import type { MailItem } from '../../shared/protocol/mailbox';
import type { ClientSignalFrame, RelayedType } from '../../shared/protocol/peerjs';
import type { HelloFrame, FilePullFrame, SealedFrame, TypingFrame } from '../../shared/protocol/peer';
import { HEARTBEAT_FRAME } from '../../shared/protocol/peer';
import type { PushEvent, RequestEvent, RequestPayload, User } from '../../shared/protocol/socket';
import type { pushSchemas } from '../../shared/protocol/socket';
import type { EngineMethod, EngineRequest } from '../../extension/lib/messaging/protocol';
import {
  createIdentityKeys,
  publicIdentity,
  userIdOfKeys,
  type IdentityKeys,
} from '../../extension/lib/crypto/identity';
import { signRoomEntry } from '../../extension/lib/crypto/room-entries';
import type { RoomEntry } from '../../shared/protocol/rooms';
import type * as v from 'valibot';

const bytes = (length: number): string => encodeBytes(nacl.randomBytes(length));

/** Someone to address: a real identity, so that every key and signature has its real length. */
export function someone(): { readonly user: User; readonly userId: UserId } {
  const keys = createIdentityKeys();
  const userId = userIdOfKeys(keys);
  return { userId, user: { userId, name: 'Somebody', signingKey: publicIdentity(keys).signingKey } };
}

export function sealedMessage(): SealedMessage {
  const ephemeral = bytes(32);
  const identity = publicIdentity(createIdentityKeys());
  return {
    v: 1,
    session: ephemeral,
    prekey: { identity, ephemeral, signedPrekeyId: 1, oneTimePrekeyId: 2 },
    envelope: { v: 1, header: { dh: bytes(32), pn: 0, n: 3 }, ciphertext: bytes(48) },
  };
}

/** Who the examples address (`to`, `dst`, `userId`): a user the target knows, or anyone. */
export interface ExampleContext {
  readonly peer: UserId;
  readonly roomId: RoomId;
  /** A presence token the target's user presents (shared with `peer`, when the target has one). */
  readonly token: string;
  /** Who signs room entries: the signed-in user, so that the server gets as far as it can with them. */
  readonly keys: IdentityKeys;
}

export const anyContext = (): ExampleContext => ({
  peer: someone().userId,
  roomId: `r${randomId()}`,
  token: bytes(32),
  keys: createIdentityKeys(),
});

/** A room's first entry, signed by its creator. */
export const createEntry = (keys: IdentityKeys, roomId: RoomId): RoomEntry =>
  signRoomEntry(keys, roomId, { op: 'create', subject: 'Fuzz room', at: Date.now(), prev: '' });

/** Socket.IO requests, by event. */
export function socketExamples(ctx: ExampleContext): { [E in RequestEvent]: RequestPayload<E> } {
  const keys = createIdentityKeys();
  const newRoom = `r${randomId()}`;
  return {
    'session:challenge': {},
    'session:start': {
      identity: publicIdentity(keys),
      origin: 'http://127.0.0.1:3000',
      name: 'Fuzzy',
      challenge: bytes(32),
      signature: bytes(64),
    },
    'peer:ticket': {},
    'prekeys:publish': {
      signedPrekey: { id: 1, key: bytes(32), signature: bytes(64) },
      replace: false,
      oneTimePrekeys: [
        { id: 2, key: bytes(32) },
        { id: 3, key: bytes(32) },
      ],
    },
    'prekeys:claim': { userId: ctx.peer },
    'mail:send': { to: ctx.peer, id: randomId(), message: sealedMessage() },
    'mail:fetch': {},
    'mail:ack': { mailIds: [randomId(), randomId()] },
    'ice:servers': {},
    'room:create': { roomId: newRoom, entry: createEntry(ctx.keys, newRoom) },
    'room:append': {
      roomId: ctx.roomId,
      entry: signRoomEntry(ctx.keys, ctx.roomId, {
        op: 'invite',
        subject: ctx.peer,
        at: Date.now(),
        prev: bytes(32),
      }),
      name: 'Somebody',
    },
    'room:invitee': { name: 'Somebody' },
    'room:peek': { roomId: ctx.roomId, code: bytes(32) },
    'room:list': {},
    'room:listing': { roomId: ctx.roomId, listed: true, secret: '0123456789abcdef0123456789abcdef' },
    'room:browse': { query: 'Fuzz', offset: 0 },
    'room:listed-code': { roomId: ctx.roomId },
    'account:release-name': { origin: 'http://127.0.0.1:3000', challenge: bytes(32), signature: bytes(64) },
    'account:delete': { origin: 'http://127.0.0.1:3000', challenge: bytes(32), signature: bytes(64) },
    'user:lookup': { name: 'Somebody' },
    'presence:watch': { tokens: [ctx.token, bytes(32)], visible: true },
    'presence:here': { token: ctx.token },
    'block:set': { userId: ctx.peer, blocked: true },
    'profile:put': { version: 1, sealed: bytes(96) },
    'profile:get': { userId: ctx.peer },
  };
}

/** PeerJS signaling frames, by type (heartbeats, and every relayed type). */
export function peerjsExamples(ctx: ExampleContext): Record<'HEARTBEAT' | RelayedType, ClientSignalFrame> {
  const relayed = (type: RelayedType): ClientSignalFrame => ({
    type,
    dst: ctx.peer,
    payload: { sdp: { type: 'offer', sdp: 'v=0\r\n' }, connectionId: 'dc_fuzz', serialization: 'json' },
  });
  return {
    HEARTBEAT: { type: 'HEARTBEAT' },
    OFFER: relayed('OFFER'),
    ANSWER: relayed('ANSWER'),
    CANDIDATE: {
      type: 'CANDIDATE',
      dst: ctx.peer,
      payload: {
        candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
        connectionId: 'dc_fuzz',
      },
    },
    LEAVE: { type: 'LEAVE', dst: ctx.peer },
  };
}

/** Data-channel frames before decryption, by kind. */
export function peerFrameExamples(): {
  sealed: SealedFrame;
  'file-pull': FilePullFrame;
  typing: TypingFrame;
  hello: HelloFrame;
  heartbeat: typeof HEARTBEAT_FRAME;
} {
  return {
    sealed: { v: 1, kind: 'sealed', id: randomId(), message: sealedMessage() },
    'file-pull': { v: 1, kind: 'file-pull', id: randomId(), from: 0, stream: 16 },
    typing: { v: 1, kind: 'typing', typing: true },
    hello: { v: 1, kind: 'hello', identity: publicIdentity(createIdentityKeys()), signature: bytes(64) },
    heartbeat: HEARTBEAT_FRAME,
  };
}

/** What a sealed frame holds once decrypted, by kind. */
export function contentExamples(ctx: ExampleContext): Record<Content['kind'], Content> {
  return {
    chat: {
      v: 1,
      kind: 'chat',
      id: randomId(),
      text: 'hello',
      sentAt: 1_700_000_000_000,
      reply: { id: randomId(), text: 'hi' },
    },
    edit: {
      v: 1,
      kind: 'edit',
      id: randomId(),
      target: randomId(),
      text: 'hello!',
      editedAt: 1_700_000_000_000,
    },
    delete: {
      v: 1,
      kind: 'delete',
      id: randomId(),
      target: randomId(),
      deletedAt: 1_700_000_000_000,
      room: ctx.roomId,
    },
    receipt: { v: 1, kind: 'receipt', status: 'read', ids: [randomId()], room: ctx.roomId },
    reset: { v: 1, kind: 'reset', ids: [randomId(), randomId()] },
    profile: { v: 1, kind: 'profile', key: bytes(32), version: 2 },
    contact: {
      v: 1,
      kind: 'contact',
      action: 'request',
      secret: bytes(32),
      name: 'Fuzzy',
      greeting: 'hello',
    },
    file: { v: 1, kind: 'file', action: 'accept', id: randomId() },
    'file-part': { v: 1, kind: 'file-part', id: randomId(), index: 0, half: 1, data: bytes(1000) },
    call: {
      v: 1,
      kind: 'call',
      callId: randomId(),
      action: 'bind',
      local: `sha-256 ${'ab:'.repeat(31)}cd`,
      remote: `sha-256 ${'12:'.repeat(31)}34`,
      signature: bytes(64),
    },
  };
}

export function mailItem(from: UserId, message: SealedMessage = sealedMessage()): MailItem {
  return { mailId: randomId(), from, id: randomId(), message, storedAt: 1_700_000_000_000 };
}

/** Server pushes, by event (a hostile server is a boundary too). */
export function pushExamples(ctx: ExampleContext): {
  [E in PushEvent]: v.InferInput<(typeof pushSchemas)[E]>;
} {
  const { user } = someone();
  return {
    'presence:online': { token: ctx.token, reply: false },
    'presence:offline': { token: ctx.token },
    'mail:new': mailItem(userIdOf(nacl.randomBytes(32))),
    'room:updated': {
      roomId: ctx.roomId,
      members: [{ userId: userIdOfKeys(ctx.keys), name: 'Fuzzy' }],
      invited: [{ userId: user.userId, name: user.name, by: userIdOfKeys(ctx.keys) }],
      log: [createEntry(ctx.keys, ctx.roomId)],
    },
    'room:removed': { roomId: ctx.roomId },
    'prekeys:low': { remaining: 3 },
  };
}

/** Requests from a page to the engine, by method. */
export function engineExamples(ctx: ExampleContext): { [M in EngineMethod]: EngineRequest<M> } {
  const settings = { name: 'Alice', serverUrl: 'http://localhost:3000', autoLockMinutes: 0 };
  return {
    getState: {},
    setUp: { ...settings, passphrase: 'correct horse battery' },
    unlock: { passphrase: 'correct horse battery' },
    lock: {},
    // Not the passphrase: refused (a fuzzed engine that changed it would lock itself out of the cases after).
    changePassphrase: { current: 'not the passphrase', next: 'another passphrase' },
    exportBackup: { passphrase: 'another passphrase' },
    importBackup: { passphrase: 'another passphrase', backup: '{"format":"toolbar-messenger-backup"}' },
    saveSettings: { ...settings, sendReadReceipts: true },
    openConversation: { peerId: ctx.peer },
    sendText: { peerId: ctx.peer, text: 'hello', replyTo: randomId() },
    editMessage: { peerId: ctx.peer, messageId: randomId(), text: 'hello again' },
    deleteMessage: { peerId: ctx.roomId, messageId: randomId(), forEveryone: true },
    searchConversation: { peerId: ctx.peer, query: 'Hello', limit: 10 },
    setDraft: { peerId: ctx.peer, text: 'half a thought' },
    getDraft: { peerId: ctx.peer },
    getDiagnostics: {},
    getSafetyNumber: { peerId: ctx.peer },
    markRead: { peerId: ctx.roomId },
    createRoom: { name: 'Fuzz room' },
    inviteToRoom: { roomId: ctx.roomId, name: 'Bob' },
    joinRoom: { code: `room:${ctx.roomId}:${randomId()}` },
    leaveRoom: { roomId: ctx.roomId },
    makeInviteCode: { roomId: ctx.roomId },
    listRoom: { roomId: ctx.roomId, listed: true },
    browseRooms: { query: 'Fuzz', offset: 0 },
    joinListedRoom: { roomId: ctx.roomId },
    releaseName: {},
    deleteAccount: {},
    addContact: { query: 'Bob', greeting: 'hello' },
    acceptContact: { userId: ctx.peer },
    declineContact: { userId: ctx.peer },
    blockContact: { userId: ctx.peer, blocked: true },
    removeContact: { userId: ctx.peer },
    renameContact: { userId: ctx.peer, alias: 'Bobby' },
    muteContact: { userId: ctx.peer, muted: true },
    getInviteLink: {},
    getProfile: {},
    saveProfile: { displayName: 'Ana', bio: 'Climber', avatar: 'data:image/webp;base64,UklGRg==' },
    sendFiles: { peerId: ctx.peer, files: [new File(['fuzz'], 'fuzz.txt', { type: 'text/plain' })] },
    answerFile: { conversation: ctx.peer, messageId: randomId(), accept: true },
    cancelFile: { conversation: ctx.roomId, messageId: randomId(), peer: ctx.peer },
    listTransfers: {},
    sharePage: { peerId: ctx.peer, kind: 'link', url: 'https://example.org/a', text: 'A page' },
    shareMedia: { peerId: ctx.peer, srcUrl: 'https://example.org/cat.png' },
    getShareTargets: {},
    listRecent: {},
    getCallConfig: {},
    startCall: { peerId: ctx.peer, media: 'video' },
    getCall: { callId: randomId() },
    listCalls: {},
    answerCall: { callId: randomId(), accept: true },
    hangUp: { callId: randomId() },
    sendCallSignal: {
      callId: randomId(),
      signal: { kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' } },
    },
    reportCallFingerprints: {
      callId: randomId(),
      local: `sha-256 ${'ab:'.repeat(31)}cd`,
      remote: `sha-256 ${'12:'.repeat(31)}34`,
    },
  };
}
