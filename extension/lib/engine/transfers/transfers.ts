/**
 * File transfers: offers, answers, pulls and the runs that move chunks, for every file this profile sends or
 * receives. A file is offered in a sealed chat message (sending.ts, like any message: outbox, receipts, rooms);
 * the receiver answers with sealed `file` contents and, once it accepts, pulls the chunks over a channel of
 * their own on the direct link (file-pull frame), from the first chunk it does not have: a dropped link, a closed
 * popup or a restarted engine resume where the last written chunk left off. Only the receiver stores; the sender
 * reads the File it was handed (kept in memory for this engine's life only, never copied).
 */
import { encodeBytes } from '../../../../shared/crypto/identity';
import { ErrorCode } from '../../../../shared/errors';
import { randomId, type UserId, type ConversationId } from '../../../../shared/ids';
import {
  DIRECT_LINK_TIMEOUT_MS,
  MAX_AUTO_ACCEPT_IMAGE_BYTES,
  MAX_FILE_NAME_LENGTH,
  MAX_FILE_TYPE_LENGTH,
  MAX_RELAYED_FILE_BYTES,
} from '../../../../shared/limits';
import type { FileContent, FileOffer, FilePartContent } from '../../../../shared/protocol/content';
import type { FilePullFrame } from '../../../../shared/protocol/peer';
import { EngineError } from '../../errors';
import { newFileKey } from '../../files/file-chunks';
import type { ReceivedFiles } from '../../files/received-files';
import { PICTURE_TYPES } from '../../files/thumbnail';
import type { TransferView } from '../../messaging/protocol';
import type { ChatMessage, TransferRecord } from '../../model';
import type { Profile } from '../profile';
import { pull, serve } from './direct-runs';
import type { FileChannel } from './file-channel';
import { createRelayedFiles } from './relayed-files';
import { NO_LONGER_AVAILABLE, createTransferContext } from './transfer-context';
import { FINAL_STATES, createTransferTable, transferKey, type TransferTable } from './transfer-table';

/** Where files are hashed, kept while they arrive, and saved (the browser's; fakes in unit tests). */
export interface FileServices {
  readonly received: ReceivedFiles;
  readonly hash: (file: Blob) => Promise<Uint8Array>;
  /** Saves a received file through the downloads; resolves to the name it got. */
  readonly save: (file: Blob, name: string) => Promise<string>;
  readonly safeName: (name: string, type: string) => string;
  /** A picture's thumbnail as a data: URL; undefined for anything else. */
  readonly thumbnail: (file: Blob, type: string) => Promise<string | undefined>;
}

export interface TransfersDeps {
  readonly current: () => Profile | undefined;
  readonly now: () => number;
  readonly files: FileServices;
  readonly emit: (view: TransferView) => void;
  /** Offers `offer` in conversation `peerId` as message `id` (sending.ts): to the contact, or to each member. */
  readonly offer: (
    opened: Profile,
    peerId: ConversationId,
    id: string,
    offer: FileOffer,
  ) => Promise<ChatMessage>;
  /** Who a file offered in the conversation goes to (refuses strangers, rooms not joined). */
  readonly recipients: (opened: Profile, peerId: ConversationId) => UserId[];
  readonly sendPull: (peer: UserId, frame: FilePullFrame) => Promise<void>;
  readonly openChannel: (peer: UserId, stream: number) => Promise<FileChannel>;
  readonly linkOpen: (peer: UserId) => boolean;
  /** Asks for a direct link to `peer` (now if online, else when they come online). */
  readonly want: (peer: UserId) => void;
  /** How long an accepted small file waits for a direct link before it asks for the mailbox, in ms. */
  readonly linkWaitMs?: number;
}

export interface Transfers {
  sendFiles(opened: Profile, peerId: ConversationId, files: readonly File[]): Promise<ChatMessage[]>;
  /** A file offered to us in message `messageId` (inbound.ts, once the message is known): stored before its receipt. */
  offered(
    opened: Profile,
    from: UserId,
    conversation: ConversationId,
    messageId: string,
    offer: FileOffer,
  ): Promise<void>;
  /** An answer, cancel or confirmation from `from` about a file of message `content.id`. */
  control(opened: Profile, from: UserId, content: FileContent): Promise<void>;
  /** `from` pulls the chunks of a file we offered them. */
  pulled(from: UserId, frame: FilePullFrame): Promise<void>;
  /** Half a sealed chunk of a file `from` sends us through the mailbox (a relayed small file). */
  part(opened: Profile, from: UserId, content: FilePartContent): Promise<void>;
  answer(
    opened: Profile,
    conversation: ConversationId,
    messageId: string,
    accept: boolean,
  ): Promise<TransferView>;
  cancel(
    opened: Profile,
    conversation: ConversationId,
    messageId: string,
    peer?: UserId,
  ): Promise<TransferView[]>;
  list(opened: Profile): Promise<TransferView[]>;
  /** A direct link to `peer` opened: what waits for one is pulled. */
  linkOpened(peer: UserId): void;
  /** The profile locked: every run stops (incoming ones resume after the next unlock). */
  stopAll(): void;
}

/** A small picture from an accepted contact, when the user chose so (Settings); nothing else is taken unasked. */
function acceptsUnasked(opened: Profile, from: UserId, offer: FileOffer): boolean {
  return (
    opened.settings?.autoAcceptImages === true &&
    opened.book.get(from)?.state === 'accepted' &&
    PICTURE_TYPES.has(offer.type) &&
    offer.size <= MAX_AUTO_ACCEPT_IMAGE_BYTES
  );
}

/** An incoming transfer accepted, or paused, that a direct link would move on. */
const waitsForLink = (record: TransferRecord): boolean =>
  record.direction === 'in' && (record.state === 'accepted' || record.state === 'paused');

/** `text` cut to `max` characters, keeping an extension of up to 16 characters. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const dot = text.lastIndexOf('.');
  const extension = dot > 0 && text.length - dot <= 16 ? text.slice(dot) : '';
  return text.slice(0, max - extension.length) + extension;
}

export function createTransfers(deps: TransfersDeps): Transfers {
  const tables = new WeakMap<Profile, Promise<TransferTable>>();
  const context = createTransferContext(deps);
  const { sources, runs } = context;
  const relayed = createRelayedFiles(context);

  function tableOf(opened: Profile): Promise<TransferTable> {
    let table = tables.get(opened);
    if (!table) {
      table = loadTable(opened);
      tables.set(opened, table);
    }
    return table;
  }

  async function loadTable(opened: Profile): Promise<TransferTable> {
    const table = createTransferTable({ store: opened.vault.transfers, now: deps.now, emit: deps.emit });
    for (const record of await table.load()) {
      if (FINAL_STATES.has(record.state)) continue;
      if (record.direction === 'out' && !sources.has(record.messageId))
        await table.put({ ...record, state: 'failed', error: NO_LONGER_AVAILABLE });
      else if (record.direction === 'in' && record.state === 'active')
        await table.put({ ...record, state: 'paused' });
    }
    // What waits for a link is pulled once there is one.
    for (const record of table.all()) if (waitsForLink(record)) deps.want(record.peer);
    return table;
  }

  async function cancelRecord(opened: Profile, table: TransferTable, record: TransferRecord, tell: boolean) {
    if (FINAL_STATES.has(record.state)) return record;
    context.stopRun(record);
    const next = await context.setState(table, record, 'cancelled');
    if (record.direction === 'in') await context.removeStored(record).catch(() => undefined);
    if (tell) await context.tell(opened, record, 'cancel');
    return next;
  }

  /** An accepted file: pulled over the direct link, or (small, and no link opens in time) through the mailbox. */
  function deliver(opened: Profile, table: TransferTable, record: TransferRecord): void {
    if (deps.linkOpen(record.peer)) return void pull(context, opened, table, record);
    deps.want(record.peer); // linkOpened pulls it once a link opens
    if (record.offer.size > MAX_RELAYED_FILE_BYTES) return;
    setTimeout(() => {
      const current = table.get(record.messageId, record.peer);
      const key = transferKey(record.messageId, record.peer);
      if (current?.state !== 'accepted' || runs.has(key) || deps.linkOpen(record.peer)) return;
      void context.setState(table, current, 'active').then(() => context.tell(opened, current, 'relay'));
    }, deps.linkWaitMs ?? DIRECT_LINK_TIMEOUT_MS);
  }

  const transfers: Transfers = {
    async sendFiles(opened, peerId, files) {
      const to = deps.recipients(opened, peerId);
      const table = await tableOf(opened);
      const messages: ChatMessage[] = [];
      for (const file of files) {
        const offer: FileOffer = {
          name: clip(file.name || 'file', MAX_FILE_NAME_LENGTH),
          size: file.size,
          type: file.type.length <= MAX_FILE_TYPE_LENGTH ? file.type : '',
          sha256: encodeBytes(await deps.files.hash(file)),
          key: encodeBytes(newFileKey()),
        };
        const id = randomId();
        sources.set(id, file);
        const thumbnail = await deps.files.thumbnail(file, offer.type).catch(() => undefined);
        // Before the offer leaves: a receiver may pull at once.
        for (const peer of to)
          await table.put({
            messageId: id,
            conversation: peerId,
            peer,
            direction: 'out',
            offer,
            offeredAt: deps.now(),
            state: 'offered',
            chunks: 0,
            ...(thumbnail ? { thumbnail } : {}),
          });
        messages.push(await deps.offer(opened, peerId, id, offer));
      }
      return messages;
    },
    async offered(opened, from, conversation, messageId, offer) {
      const table = await tableOf(opened);
      if (table.get(messageId, from)) return;
      const record: TransferRecord = {
        messageId,
        conversation,
        peer: from,
        direction: 'in',
        offer,
        offeredAt: deps.now(),
        state: 'offered',
        chunks: 0,
      };
      await table.put(record);
      if (!acceptsUnasked(opened, from, offer)) return;
      const accepted = await context.setState(table, record, 'accepted');
      await context.tell(opened, accepted, 'accept');
      deliver(opened, table, accepted);
    },
    async control(opened, from, content) {
      const table = await tableOf(opened);
      const record = table.get(content.id, from);
      // Only the other end of a transfer speaks of it.
      if (!record) return;
      const outgoing = record.direction === 'out';
      if (content.action === 'cancel') await cancelRecord(opened, table, record, false);
      else if (outgoing && content.action === 'accept' && record.state === 'offered')
        await context.setState(table, record, 'accepted');
      else if (outgoing && content.action === 'decline') await context.setState(table, record, 'declined');
      else if (outgoing && content.action === 'relay') void relayed.serve(opened, table, record);
      else if (outgoing && content.action === 'received') {
        context.stopRun(record);
        await context.setState(table, record, 'done', { chunks: 0 });
      }
    },
    async pulled(from, frame) {
      const opened = deps.current();
      if (!opened) return;
      const table = await tableOf(opened);
      const record = table.get(frame.id, from);
      if (record?.direction !== 'out' || FINAL_STATES.has(record.state)) {
        console.warn(`engine: ${from} pulled a file that is not theirs to pull`);
        return;
      }
      await serve(context, opened, table, record, frame);
    },
    async part(opened, from, content) {
      await relayed.part(opened, await tableOf(opened), from, content);
    },
    async answer(opened, conversation, messageId, accept) {
      const table = await tableOf(opened);
      const record = table
        .ofMessage(messageId)
        .find((known) => known.direction === 'in' && known.conversation === conversation);
      if (!record) throw new EngineError(ErrorCode.NotFound, 'No such file was offered here');
      if (record.state !== 'offered') return table.view(record);
      if (!accept) {
        const declined = await context.setState(table, record, 'declined');
        await context.tell(opened, record, 'decline');
        return table.view(declined);
      }
      const accepted = await context.setState(table, record, 'accepted');
      await context.tell(opened, record, 'accept');
      deliver(opened, table, accepted);
      return table.view(accepted);
    },
    async cancel(opened, conversation, messageId, peer) {
      const table = await tableOf(opened);
      const records = table
        .ofMessage(messageId)
        .filter(
          (known) => known.conversation === conversation && (peer === undefined || known.peer === peer),
        );
      if (records.length === 0) throw new EngineError(ErrorCode.NotFound, 'No such file transfer here');
      const cancelled: TransferView[] = [];
      for (const record of records)
        cancelled.push(table.view(await cancelRecord(opened, table, record, true)));
      return cancelled;
    },
    async list(opened) {
      return (await tableOf(opened)).views();
    },
    linkOpened(peer) {
      const opened = deps.current();
      if (!opened) return;
      void tableOf(opened).then((table) => {
        for (const record of table.all())
          if (record.peer === peer && waitsForLink(record)) void pull(context, opened, table, record);
      });
    },
    stopAll() {
      context.stopAll();
    },
  };

  return transfers;
}
