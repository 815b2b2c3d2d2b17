import { randomId, type UserId, type RoomId, type ConversationId } from '../../../shared/ids';
import { MAX_RECEIPT_IDS } from '../../../shared/limits';
import { CONTENT_VERSION, type Content, type ReceiptContent } from '../../../shared/protocol/content';
import type { SealedFrame } from '../../../shared/protocol/peer';
import type { MessagePath } from '../model';
import { encodeContent } from './content';
import { sealedFrame, type DeliveryDeps } from './delivery';
import { withStatus, type MessageLog } from './message-log';
import type { Profile } from './profile';

/** How long a receipt waits for others to the same sender, in ms (well under the sender's patience). */
export const RECEIPT_DELAY_MS = 50;

/** Least time between two requests to one contact to start a session over, in ms. */
export const RESET_INTERVAL_MS = 10_000;

export interface ReceiptsDeps {
  /** The profile open now (a batch of receipts queued before a lock is not sent after it). */
  readonly current: () => Profile | undefined;
  readonly now: () => number;
  readonly log: MessageLog;
  /** A verified data channel to the contact is open now, and the peer connections are up. */
  readonly directOpen: (peerId: UserId) => boolean;
  readonly sendDirect: (peerId: UserId, frame: SealedFrame) => Promise<void>;
  readonly sendMail: DeliveryDeps['sendMail'];
}

/**
 * Receipts both ways, and requests to start a session over. Receipts and resets are sealed like messages but
 * sent once, best effort, outside the outbox: a lost receipt is made good when the sender sends the message again
 * (a duplicate is receipted again).
 */
export interface Receipts {
  /** Sends receipts for these ids (in chunks of MAX_RECEIPT_IDS), over the channel if `via` is direct. */
  send(
    opened: Profile,
    peerId: UserId,
    status: ReceiptContent['status'],
    ids: readonly string[],
    via: MessagePath,
    room?: RoomId,
  ): Promise<void>;
  /**
   * Queues a `delivered` receipt (`read` for a message shown as it came), sent RECEIPT_DELAY_MS later with
   * whatever else arrived from that sender by the same path meanwhile: one seal and one frame for a burst (a
   * mailbox batch), and none in the way of a reply.
   */
  soon(
    opened: Profile,
    peerId: UserId,
    id: string,
    via: MessagePath,
    room?: RoomId,
    status?: ReceiptContent['status'],
  ): void;
  /** A receipt from `peerId`: their copies leave the outbox; a room message counts who has it. */
  take(opened: Profile, peerId: UserId, receipt: ReceiptContent): Promise<void>;
  /**
   * A message from `peerId` needed session state this profile no longer has (restored from a backup, say): ask
   * them, on a new session, to send again. At most once per RESET_INTERVAL_MS per contact, so replayed messages
   * cannot make us flood anyone.
   */
  requestReset(opened: Profile, peerId: UserId, id: string, via: MessagePath): void;
  /**
   * Marks what a page has shown as read, and tells the senders (unless read receipts are off) in the same batches
   * as delivered receipts: a read receipt also says the message arrived, so it replaces one still waiting.
   */
  readConversation(opened: Profile, conversation: ConversationId): Promise<void>;
}

/** Receipts on their way to one sender by one path. */
interface Batch {
  readonly opened: Profile;
  readonly peerId: UserId;
  readonly via: MessagePath;
  readonly room: RoomId | undefined;
  readonly ids: Record<ReceiptContent['status'], Set<string>>;
}

/**
 * Whether the senders in a conversation are told what was read there: not when Settings say so (read here, but not
 * told), and never a request or a blocked user, only contacts and rooms.
 */
export function tellsRead(opened: Profile, conversation: ConversationId): boolean {
  if (opened.settings?.sendReadReceipts === false) return false;
  return opened.rooms.has(conversation) || opened.book.get(conversation)?.state === 'accepted';
}

export function createReceipts(deps: ReceiptsDeps): Receipts {
  /** Receipts waiting to go, by sender, path and room (see soon). */
  const batches = new Map<string, Batch>();
  /** When each contact was last asked to start over (see requestReset). */
  const resetAt = new Map<UserId, number>();

  /** Seals and sends a receipt or reset once, best effort (nothing waits on it in the outbox). */
  async function sendControl(
    opened: Profile,
    peerId: UserId,
    content: Content,
    via: MessagePath,
  ): Promise<void> {
    const id = randomId();
    try {
      const message = await opened.sessions.seal(peerId, encodeContent(content));
      if (via === 'direct' && deps.directOpen(peerId)) {
        await deps.sendDirect(peerId, sealedFrame(id, message));
      } else {
        const sent = await deps.sendMail(peerId, id, message);
        if (sent && !sent.ok) throw new Error(sent.error.message);
      }
    } catch (error) {
      console.warn(`engine: could not send a ${content.kind} to ${peerId}: ${String(error)}`);
    }
  }

  /** The batch of receipts to `peerId` by `via` (and for `room`), started with its timer if there was none. */
  function batchFor(opened: Profile, peerId: UserId, via: MessagePath, room: RoomId | undefined): Batch {
    const key = `${peerId}/${via}/${room ?? ''}`;
    const waiting = batches.get(key);
    if (waiting) return waiting;
    const batch: Batch = { opened, peerId, via, room, ids: { delivered: new Set(), read: new Set() } };
    batches.set(key, batch);
    setTimeout(() => {
      batches.delete(key);
      if (deps.current() !== opened) return;
      for (const status of ['read', 'delivered'] as const) {
        const ids = [...batch.ids[status]];
        if (ids.length > 0) void receipts.send(opened, peerId, status, ids, via, room);
      }
    }, RECEIPT_DELAY_MS);
    return batch;
  }

  const receipts: Receipts = {
    async send(opened, peerId, status, ids, via, room) {
      for (let start = 0; start < ids.length; start += MAX_RECEIPT_IDS) {
        const chunk = ids.slice(start, start + MAX_RECEIPT_IDS);
        const content: ReceiptContent = {
          v: CONTENT_VERSION,
          kind: 'receipt',
          status,
          ids: chunk,
          ...(room ? { room } : {}),
        };
        await sendControl(opened, peerId, content, via);
      }
    },
    soon(opened, peerId, id, via, room, status = 'delivered') {
      batchFor(opened, peerId, via, room).ids[status].add(id);
    },
    async take(opened, peerId, receipt) {
      await opened.delivery.confirm(peerId, receipt.ids); // a read receipt also says the messages arrived
      // All at once: one write for the lot (see storage/writes.ts).
      await Promise.all(
        receipt.ids.map((id) =>
          deps.log.advance(opened.conversations, receipt.room ?? peerId, id, 'out', (known) => {
            if (!receipt.room) return withStatus(receipt.status)(known);
            const awaiting = known.awaiting ?? { delivered: [], read: [] };
            const next = {
              delivered: awaiting.delivered.filter((member) => member !== peerId),
              read:
                receipt.status === 'read'
                  ? awaiting.read.filter((member) => member !== peerId)
                  : awaiting.read,
            };
            const status =
              next.read.length === 0 ? 'read' : next.delivered.length === 0 ? 'delivered' : known.status;
            return { ...withStatus(status)(known), awaiting: next };
          }),
        ),
      );
    },
    requestReset(opened, peerId, id, via) {
      const last = resetAt.get(peerId) ?? -Infinity;
      if (deps.now() - last < RESET_INTERVAL_MS) return;
      resetAt.set(peerId, deps.now());
      void sendControl(opened, peerId, { v: CONTENT_VERSION, kind: 'reset', ids: [id] }, via);
    },
    async readConversation(opened, conversation) {
      // The newest messages back to the last one read, not the whole history (see Conversations.unread).
      const shown = await opened.conversations.unread(conversation);
      if (shown.length === 0) return;
      // All at once: one write for the lot (see storage/writes.ts).
      await Promise.all(
        shown.map((message) =>
          deps.log.advance(opened.conversations, conversation, message.id, 'in', withStatus('read')),
        ),
      );
      if (!tellsRead(opened, conversation)) return;
      // Only what is on disk: a receipt lets the sender drop its copy.
      await opened.conversations.settled(conversation);
      const room = opened.rooms.has(conversation) ? conversation : undefined;
      for (const message of shown) {
        if (!(await opened.conversations.get(conversation, message.id))) continue; // its write failed
        const sender = message.from ?? message.peerId;
        for (const batch of batches.values())
          if (batch.peerId === sender && batch.room === room) batch.ids.delivered.delete(message.id);
        batchFor(opened, sender, 'direct', room).ids.read.add(message.id);
      }
    },
  };
  return receipts;
}
