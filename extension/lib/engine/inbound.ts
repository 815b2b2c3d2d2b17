import type { UserId, RoomId, ConversationId } from '../../../shared/ids';
import type { Content } from '../../../shared/protocol/content';
import type { SealedMessage } from '../../../shared/protocol/envelope';
import type { MailItem } from '../../../shared/protocol/mailbox';
import { PeerFrameSchema } from '../../../shared/protocol/peer';
import { parse } from '../../../shared/validate';
import { isUserIdOf } from '../../../shared/crypto/identity';
import type { ChatMessage, MessagePath } from '../model';
import type { SignalingConnection } from '../transport/signaling';
import { decodeContent } from './content';
import type { MessageLog } from './message-log';
import type { Profile } from './profile';
import { createKeyedQueue } from './queue';
import { tellsRead, type Receipts } from './receipts';
import type { Transfers } from './transfers/transfers';
import type { Calls } from './calls/calls';
import type { OpenedMessage } from './sessions';
import type { MessageChanges } from './message-changes';
import { resolveReply } from './quotes';
import type { Typing } from './typing';

export interface InboundDeps {
  /** The profile open now; messages that come while locked are dropped (the mailbox keeps its copies). */
  readonly current: () => Profile | undefined;
  /** The server connection signed in now, if any. */
  readonly signaling: () => SignalingConnection | undefined;
  /** Asks the server for our rooms again (a sender may have joined since we last looked). */
  readonly syncRooms: (opened: Profile, signaling: SignalingConnection) => Promise<void>;
  readonly log: MessageLog;
  readonly receipts: Pick<Receipts, 'soon' | 'take' | 'requestReset'>;
  readonly unread: (conversation: ConversationId) => number;
  readonly setUnread: (conversation: ConversationId, count: number) => void;
  /** Whether a page shows the conversation now: its new messages are read as they come. */
  readonly shown: (conversation: ConversationId) => boolean;
  readonly now: () => number;
  /** File offers, answers and pulls (transfers/transfers.ts). */
  readonly files: Pick<Transfers, 'offered' | 'control' | 'pulled' | 'part'>;
  /** Calls' rings, answers and bindings (calls/calls.ts). */
  readonly calls?: Pick<Calls, 'received'>;
  /** Edits and deletes of messages (message-changes.ts). */
  readonly changes?: Pick<MessageChanges, 'received' | 'waiting' | 'arrived'>;
  /** Contacts' typing frames (typing.ts). */
  readonly typing?: Pick<Typing, 'received'>;
}

/** Messages coming in: data-channel frames and mail, each checked, decrypted, stored once and receipted. */
export interface Inbound {
  /** A frame from a verified data channel. */
  receiveFrame(peerId: UserId, data: unknown): Promise<void>;
  /** Mail from the server: each message stored (or dropped as a duplicate or undecryptable), then acknowledged. */
  receiveMail(items: readonly MailItem[]): Promise<void>;
  /** Fetches everything the mailbox holds for us, oldest first. */
  fetchMail(signaling: SignalingConnection): Promise<void>;
}

/**
 * Whether a message from `peerId` is receipted: a room's, or a contact's (accepted, or asked by us). A request is
 * not (its sender learns nothing of us, not even that we are online) until it is accepted (then engine.ts acceptContact receipts it).
 */
function answers(opened: Profile, peerId: UserId, room: RoomId | undefined): boolean {
  return room !== undefined || opened.book.admits(peerId) === 'contact';
}

export function createInbound(deps: InboundDeps): Inbound {
  const queue = createKeyedQueue();

  /**
   * A message from `peerId` with this id that is already stored: in their conversation, or in a room of theirs.
   * Ids are random (128 bits), so a hit is a copy of the same message.
   */
  async function knownMessage(opened: Profile, peerId: UserId, id: string): Promise<ChatMessage | undefined> {
    const { conversations } = opened;
    // Or the message that took the edit or delete with this id.
    const direct = (await conversations.get(peerId, id)) ?? (await conversations.withChange(peerId, id));
    if (direct) return direct;
    for (const roomId of opened.rooms.roomsWith(peerId)) {
      const inRoom = (await conversations.get(roomId, id)) ?? (await conversations.withChange(roomId, id));
      if (inRoom?.from === peerId) return inRoom;
    }
    return undefined;
  }

  /** Whether `userId` is in the room; asks the server again once if our view may be stale (they just joined). */
  async function isMember(opened: Profile, roomId: RoomId, userId: UserId): Promise<boolean> {
    const member = (): boolean => opened.rooms.isMember(roomId, userId);
    if (member()) return true;
    const signaling = deps.signaling();
    if (signaling) await deps.syncRooms(opened, signaling);
    return member();
  }

  /** Whether `peerId` may write in the room named (a member), or to us (not a stranger); says why not. */
  async function mayWrite(opened: Profile, peerId: UserId, room: RoomId | undefined): Promise<boolean> {
    if (room && !(await isMember(opened, room, peerId))) {
      console.warn(`engine: dropped a room message from ${peerId}: not a member of that room`);
      return false;
    }
    if (!room && opened.book.admits(peerId) === 'stranger') {
      console.warn(
        `engine: dropped a message from ${peerId}: not a contact (a first word is a contact request)`,
      );
      return false;
    }
    return true;
  }

  /** What is left of taking a message once it is known: waiting for the disk, then receipts. */
  type Rest = () => Promise<void>;

  /**
   * Decrypts and records a sealed message, one at a time per contact (the ratchet is ordered). A copy of a message
   * already stored (it can come both directly and through the server) is not decrypted again, only receipted. The
   * next message from the contact waits only until this one is known (in memory), not until it is on disk.
   */
  function receiveSealed(peerId: UserId, id: string, sealed: SealedMessage, via: MessagePath): Promise<void> {
    return knowSealed(peerId, id, sealed, via).then((rest) => rest?.());
  }

  /** Takes a sealed message as far as knowing it, in turn with the contact's others; returns what is left. */
  function knowSealed(
    peerId: UserId,
    id: string,
    sealed: SealedMessage,
    via: MessagePath,
  ): Promise<Rest | undefined> {
    return queue.run(peerId, () => take(peerId, id, sealed, via));
  }

  async function take(
    peerId: UserId,
    id: string,
    sealed: SealedMessage,
    via: MessagePath,
  ): Promise<Rest | undefined> {
    const opened = deps.current();
    if (!opened) {
      console.warn(`engine: dropped a message from ${peerId}: locked`);
      return undefined;
    }
    // A blocked user's mail from before the block, or anything else that slips through: dropped unread.
    if (opened.book.admits(peerId) === 'blocked') return undefined;
    const known = await knownMessage(opened, peerId, id);
    if (known) {
      const room = known.from ? known.peerId : undefined;
      if (known.direction === 'in' && answers(opened, peerId, room))
        deps.receipts.soon(opened, peerId, id, via, room);
      return undefined;
    }
    // A copy of a change whose message has not come: receipted again, not opened again (its key is used).
    if (deps.changes?.waiting(id)) {
      deps.receipts.soon(opened, peerId, id, via);
      return undefined;
    }
    let decrypted: OpenedMessage;
    try {
      decrypted = await opened.sessions.open(peerId, sealed);
    } catch (error) {
      // No session for it, or not the state it was sealed for (a restored profile, or a replay): start over.
      console.warn(`engine: could not decrypt a message from ${peerId}: ${String(error)}`);
      // Only a contact or a room's member is asked: an answer would tell a stranger we are online.
      if (answers(opened, peerId, undefined) || opened.rooms.roomsWith(peerId).length > 0)
        deps.receipts.requestReset(opened, peerId, id, via);
      return undefined;
    }
    // Settles to whether the session state is on disk: no receipt before it (the sender sends again instead).
    const stateStored = decrypted.stored.then(
      () => true,
      (error: unknown) => {
        console.warn(`engine: the session with ${peerId} was not stored: ${String(error)}`);
        return false;
      },
    );
    let content: Content;
    try {
      content = decodeContent(decrypted.plaintext);
    } catch (error) {
      console.warn(`engine: dropped a message from ${peerId} with invalid content: ${String(error)}`);
      return undefined;
    }
    if (content.kind === 'receipt') {
      const receipt = content;
      return () => deps.receipts.take(opened, peerId, receipt);
    }
    if (content.kind === 'contact') {
      const contact = content;
      // A request starts a session, so its header proves the key; an acceptance comes on one we began.
      // The header's key only if it is theirs: a header on a session already running is not checked again, and a
      // forged one would hide that their claimed name belongs to another key.
      const fromHeader = sealed.prekey?.identity.signingKey;
      const signingKey =
        fromHeader !== undefined && isUserIdOf(peerId, fromHeader)
          ? fromHeader
          : opened.book.get(peerId)?.signingKey;
      if (signingKey === undefined) {
        console.warn(`engine: dropped a contact message from ${peerId}: no key known for them`);
        return undefined;
      }
      await opened.book.receive(peerId, signingKey, contact);
      // Fetched in the background: the sender's next message does not wait for the server.
      if (contact.profileKey) void opened.profiles.receiveKey(peerId, contact.profileKey);
      if (contact.action !== 'request' || !contact.greeting || opened.book.admits(peerId) === 'blocked')
        return undefined;
      // The greeting shows as their first message (no receipts: the sender tracks it as sent, not delivered).
      const greeting: ChatMessage = {
        id,
        peerId,
        direction: 'in',
        text: contact.greeting,
        sentAt: deps.now(),
        status: 'delivered',
        via,
      };
      const recording = await deps.log.record(opened.conversations, greeting, 'soon');
      if (recording) deps.setUnread(peerId, deps.unread(peerId) + 1);
      return recording ? () => recording.stored : undefined;
    }
    if (content.kind === 'profile') {
      // Taken from contacts only (receiveKey checks); fetched in the background, like a contact's key above.
      void opened.profiles.receiveKey(peerId, content.key, content.version);
      return undefined;
    }
    if (content.kind === 'file') {
      const control = content;
      return () => deps.files.control(opened, peerId, control);
    }
    if (content.kind === 'file-part') {
      const part = content;
      return () => deps.files.part(opened, peerId, part);
    }
    if (content.kind === 'call') {
      const call = content;
      // Not queued behind the disk: a call's control is not stored, and a ring must not wait.
      deps.calls
        ?.received(opened, peerId, call)
        .catch((error: unknown) =>
          console.warn(`engine: a call message from ${peerId} failed: ${String(error)}`),
        );
      return undefined;
    }
    if (content.kind === 'reset') {
      // The contact lost our session: everything not confirmed goes again, sealed on the one they just began.
      opened.delivery.resend(peerId);
      return undefined;
    }
    if (content.id !== id) {
      console.warn(`engine: dropped a message from ${peerId}: its id differs from the one outside`);
      return undefined;
    }
    if (content.kind === 'edit' || content.kind === 'delete') {
      const change = content;
      if (!(await mayWrite(opened, peerId, change.room))) return undefined;
      // Applied in turn with the sender's messages (an edit after the message it changes), then receipted.
      await deps.changes?.received(opened, peerId, change);
      return async () => {
        if ((await stateStored) && answers(opened, peerId, change.room))
          deps.receipts.soon(opened, peerId, id, via, change.room);
      };
    }
    if (!(await mayWrite(opened, peerId, content.room))) return undefined;
    const conversation = content.room ?? peerId;
    // Shown as it comes (a page has the conversation in sight): read at once, no unread count, a receipt that says so.
    const seen = deps.shown(conversation);
    const reply =
      content.reply && (await resolveReply(opened.conversations, conversation, content.reply, opened.selfId));
    const message: ChatMessage = {
      id: content.id,
      peerId: conversation,
      ...(content.room ? { from: peerId } : {}),
      direction: 'in',
      text: content.text,
      sentAt: content.sentAt,
      status: seen ? 'read' : 'delivered',
      via,
      ...(content.file
        ? { file: { name: content.file.name, size: content.file.size, type: content.file.type } }
        : {}),
      ...(reply ? { reply } : {}),
    };
    // Soon, not now: its receipt waits for it, and until then the sender keeps it (see Durability).
    const recording = await deps.log.record(opened.conversations, message, 'soon');
    if (!recording) return undefined;
    await deps.changes?.arrived(opened, message);
    // Unread until a page shows it (openConversation, markRead).
    if (!seen) deps.setUnread(conversation, deps.unread(conversation) + 1);
    const room = content.room;
    const file = content.file;
    // The offer's key and hash are stored before the message is receipted, like the message itself.
    const offered = file && deps.files.offered(opened, peerId, conversation, content.id, file);
    return async () => {
      await recording.stored;
      await offered;
      if ((await stateStored) && answers(opened, peerId, room)) {
        const told = seen && tellsRead(opened, conversation) ? 'read' : 'delivered';
        deps.receipts.soon(opened, peerId, id, via, room, told);
      }
    };
  }

  const inbound: Inbound = {
    receiveFrame(peerId, data) {
      const frame = parse(PeerFrameSchema, data);
      if (!frame.ok) {
        console.warn(`engine: dropped a frame from ${peerId}: ${frame.message}`);
        return Promise.resolve();
      }
      if (frame.value.kind === 'file-pull') return deps.files.pulled(peerId, frame.value);
      if (frame.value.kind === 'typing') {
        const opened = deps.current();
        if (opened) deps.typing?.received(opened, peerId, frame.value);
        return Promise.resolve();
      }
      return receiveSealed(peerId, frame.value.id, frame.value.message, 'direct');
    },
    async receiveMail(items) {
      const [opened, signaling] = [deps.current(), deps.signaling()];
      if (!opened || !signaling || items.length === 0) return;
      // Known one after another, in the mailbox's order (a room shows its messages as they reached the server);
      // then the batch's writes and receipts go together, not one write's wait per message.
      const rests: Rest[] = [];
      for (const item of items) {
        const rest = await knowSealed(item.from, item.id, item.message, 'server');
        if (rest) rests.push(rest);
      }
      await Promise.all(rests.map((rest) => rest()));
      if (deps.current() !== opened) return; // locked meanwhile: the server keeps them until the next unlock
      const acked = await signaling.request('mail:ack', { mailIds: items.map((item) => item.mailId) });
      if (!acked.ok)
        console.warn(`engine: the server did not take the mail acknowledgement: ${acked.error.message}`);
    },
    async fetchMail(signaling) {
      for (;;) {
        const batch = await signaling.request('mail:fetch', {});
        if (!batch.ok || deps.signaling() !== signaling) return;
        await inbound.receiveMail(batch.data.items);
        if (!batch.data.more || batch.data.items.length === 0) return;
      }
    },
  };
  return inbound;
}
