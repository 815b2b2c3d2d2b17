/**
 * The outbox and the choice of path. Every outgoing message is stored before anything else happens and stays
 * until the recipient's engine confirms it (an end-to-end encrypted `delivered` receipt). Messages to one contact
 * leave in order, each sealed once per engine run (every retry sends the same ciphertext; after a restart it is
 * sealed again, which the receiver's dedupe by message id makes harmless):
 * - over the direct data channel when one is open; if no receipt comes within DELIVERY_RECEIPT_TIMEOUT_MS, it and
 *   everything after it also go through the server;
 * - when the contact is online but no channel opens within DIRECT_LINK_TIMEOUT_MS, through the server (relay);
 * - when the contact is offline, through the server's mailbox;
 * - when the server is unreachable too, they wait, and go as soon as it is back (`kick`).
 */
import type { Result } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import { DELIVERY_RECEIPT_TIMEOUT_MS, DIRECT_LINK_TIMEOUT_MS } from '../../../shared/limits';
import type { OutgoingContent } from '../../../shared/protocol/content';
import type { SealedMessage } from '../../../shared/protocol/envelope';
import type { MailAccepted } from '../../../shared/protocol/mailbox';
import { PEER_PROTOCOL_VERSION, type SealedFrame } from '../../../shared/protocol/peer';
import type { MessagePath } from '../model';
import type { OutboxEntry, OutboxStore } from '../storage/outbox-store';
import { createKeyedQueue } from './queue';

/** First wait before retrying a refused or failed relay, in ms; doubled each time, up to RETRY_MAX_MS. */
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;

export interface DeliveryDeps {
  readonly outbox: OutboxStore;
  readonly seal: (peerId: UserId, content: OutgoingContent) => Promise<SealedMessage>;
  /** A verified data channel to the contact is open now. */
  readonly linkOpen: (peerId: UserId) => boolean;
  readonly peerOnline: (peerId: UserId) => boolean;
  /** Starts opening a data channel (the engine knows whether it may: key changes hold it back). */
  readonly connect: (peerId: UserId) => void;
  readonly sendDirect: (peerId: UserId, frame: SealedFrame) => Promise<void>;
  /** Hands a sealed message to the server's mailbox; undefined while there is no session with the server. */
  readonly sendMail: (
    peerId: UserId,
    id: string,
    message: SealedMessage,
  ) => Promise<Result<MailAccepted>> | undefined;
  /** The message left on `via` (or failed to, with the reason, and waits for a retry). */
  readonly onProgress: (
    peerId: UserId,
    content: OutgoingContent,
    progress: { via: MessagePath } | { error: string },
  ) => void;
  readonly now?: () => number;
}

export interface Delivery {
  /** Loads the stored outbox (after unlocking) and starts sending it. */
  load(): Promise<void>;
  /** Stores a new message in the outbox, then sends it. Resolves once it is stored. */
  send(peerId: UserId, content: OutgoingContent, seq: number): Promise<void>;
  /** The contact confirmed these messages: they leave the outbox. */
  confirm(peerId: UserId, ids: readonly string[]): Promise<void>;
  /** Something changed (a link opened, the server or the contact came back): try again now. */
  kick(peerId?: UserId): void;
  /** The contact lost its session with us: seal everything unconfirmed again (on the newest session) and send it. */
  resend(peerId: UserId): void;
  /** The contact came (back) online: give a direct channel its chance again. */
  peerReturned(peerId: UserId): void;
  stop(): void;
}

export const sealedFrame = (id: string, message: SealedMessage): SealedFrame => ({
  v: PEER_PROTOCOL_VERSION,
  kind: 'sealed',
  id,
  message,
});

export function createDelivery(deps: DeliveryDeps): Delivery {
  const now = deps.now ?? Date.now;
  const queue = createKeyedQueue();
  const entries = new Map<UserId, OutboxEntry[]>();
  /** When each message went over a data channel (this engine run only). */
  const sentDirectAt = new Map<string, number>();
  /** Messages whose direct copy got no receipt in time: they (and what follows them) go through the server. */
  const relayNeeded = new Set<string>();
  /** Since when a data channel to each contact has been tried without opening. */
  const linkTriedSince = new Map<UserId, number>();
  const retryAfter = new Map<UserId, number>();
  const timers = new Map<UserId, ReturnType<typeof setTimeout>>();
  let stopped = false;

  const later = (peerId: UserId, delay: number): void => {
    clearTimeout(timers.get(peerId));
    timers.set(
      peerId,
      setTimeout(() => kick(peerId), delay),
    );
  };
  const kick = (peerId: UserId): void => {
    void queue
      .run(peerId, () => flush(peerId))
      .catch((error: unknown) => {
        console.warn(`delivery: sending to ${peerId} failed; retrying later`, error);
        backOff(peerId);
      });
  };
  const backOff = (peerId: UserId): void => {
    const delay = Math.min((retryAfter.get(peerId) ?? RETRY_MIN_MS / 2) * 2, RETRY_MAX_MS);
    retryAfter.set(peerId, delay);
    later(peerId, delay * (0.5 + Math.random() / 2)); // jitter: many engines never retry in step
  };
  const append = (entry: OutboxEntry): void => {
    const list = entries.get(entry.peerId) ?? [];
    list.push(entry);
    entries.set(entry.peerId, list);
  };
  const replace = async (next: OutboxEntry): Promise<void> => {
    await deps.outbox.put(next);
    const list = entries.get(next.peerId) ?? [];
    const index = list.findIndex((entry) => entry.content.id === next.content.id);
    if (index >= 0) list[index] = next;
  };
  /** Forgets how these messages were last tried: they start over on whichever path fits now. */
  const forgetAttempts = (ids: Iterable<string>): void => {
    for (const id of ids) {
      sentDirectAt.delete(id);
      relayNeeded.delete(id);
    }
  };
  /** Sealed messages by outbox entry; kept in memory only, so sending costs no second write to storage. */
  const sealedFor = new WeakMap<OutboxEntry, Promise<SealedMessage>>();
  const sealed = (entry: OutboxEntry): Promise<SealedMessage> => {
    let sealing = sealedFor.get(entry);
    if (!sealing) {
      sealing = deps.seal(entry.peerId, entry.content);
      sealedFor.set(entry, sealing);
      // A failed seal (no server to hand out a prekey bundle, say) is tried again at the next flush.
      sealing.catch(() => sealedFor.delete(entry));
    }
    return sealing;
  };

  async function flush(peerId: UserId): Promise<void> {
    if (stopped) return;
    const pending = (entries.get(peerId) ?? []).filter((entry) => !entry.relayed);
    if (pending.length === 0) return;
    const direct = deps.linkOpen(peerId);
    if (direct) linkTriedSince.delete(peerId);
    for (const entry of pending) {
      const at = sentDirectAt.get(entry.content.id);
      if (at !== undefined && now() - at >= DELIVERY_RECEIPT_TIMEOUT_MS) relayNeeded.add(entry.content.id);
    }
    const toRelay: OutboxEntry[] = [];
    for (const entry of pending) {
      const id = entry.content.id;
      // Order holds: once one message must go through the server, the ones after it go the same way.
      if (!direct || relayNeeded.has(id) || toRelay.length > 0) {
        toRelay.push(entry);
        continue;
      }
      if (sentDirectAt.has(id)) continue;
      const message = await sealed(entry);
      try {
        await deps.sendDirect(peerId, sealedFrame(id, message));
        sentDirectAt.set(id, now());
        deps.onProgress(peerId, entry.content, { via: 'direct' });
      } catch {
        relayNeeded.add(id);
        toRelay.push(entry);
      }
    }
    if (toRelay.length === 0) {
      // Everything went over the channel: look again when the oldest receipt is due.
      const oldest = Math.min(...pending.map((entry) => sentDirectAt.get(entry.content.id) ?? now()));
      later(peerId, Math.max(0, oldest + DELIVERY_RECEIPT_TIMEOUT_MS - now()));
      return;
    }
    if (!direct && deps.peerOnline(peerId)) {
      const since = linkTriedSince.get(peerId) ?? now();
      linkTriedSince.set(peerId, since);
      const left = since + DIRECT_LINK_TIMEOUT_MS - now();
      if (left > 0) {
        deps.connect(peerId);
        later(peerId, left);
        return;
      }
    }
    for (const entry of toRelay) {
      const sending = deps.sendMail(peerId, entry.content.id, await sealed(entry));
      if (!sending) return; // no server either: kicked again when it is back
      const accepted = await sending;
      if (!accepted.ok) {
        deps.onProgress(peerId, entry.content, { error: accepted.error.message });
        backOff(peerId);
        return;
      }
      retryAfter.delete(peerId);
      await replace({ ...entry, relayed: true });
      deps.onProgress(peerId, entry.content, { via: 'server' });
    }
  }

  return {
    async load() {
      for (const entry of await deps.outbox.all()) append(entry);
      for (const peerId of entries.keys()) kick(peerId);
    },
    async send(peerId, content, seq) {
      const entry: OutboxEntry = { peerId, content, seq };
      // Sealed while it is being stored: both must be done before it leaves (flush waits for both).
      sealed(entry).catch(() => undefined);
      await deps.outbox.put(entry);
      append(entry);
      kick(peerId);
    },
    async confirm(peerId, ids) {
      const list = entries.get(peerId);
      if (!list) return;
      const confirmed = new Set(ids);
      const left = list.filter((entry) => !confirmed.has(entry.content.id));
      if (left.length === list.length) return;
      entries.set(peerId, left);
      forgetAttempts(ids);
      await Promise.all(
        list
          .filter((entry) => confirmed.has(entry.content.id))
          .map((entry) => deps.outbox.remove(peerId, entry.content.id)),
      );
      if (left.length === 0) {
        clearTimeout(timers.get(peerId));
        entries.delete(peerId);
      }
    },
    kick(peerId) {
      if (peerId) kick(peerId);
      else for (const known of entries.keys()) kick(known);
    },
    resend(peerId) {
      void queue.run(peerId, async () => {
        const list = entries.get(peerId) ?? [];
        const fresh = list.map((entry) => ({ peerId: entry.peerId, content: entry.content, seq: entry.seq }));
        forgetAttempts(list.map((entry) => entry.content.id));
        entries.set(peerId, fresh); // new objects: no cached ciphertext, not marked relayed
        await Promise.all(fresh.map((entry) => deps.outbox.put(entry)));
      });
      kick(peerId);
    },
    peerReturned(peerId) {
      linkTriedSince.delete(peerId);
      retryAfter.delete(peerId);
      kick(peerId);
    },
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
