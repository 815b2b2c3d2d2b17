/**
 * File transfers: offers, answers, pulls and the runs that move chunks, for every file this profile sends or
 * receives. A file is offered in a sealed chat message (sending.ts, like any message: outbox, receipts, rooms);
 * the receiver answers with sealed `file` contents and, once it accepts, pulls the chunks over a channel of
 * their own on the direct link (file-pull frame), from the first chunk it does not have: a dropped link, a closed
 * popup or a restarted engine resume where the last written chunk left off. Only the receiver stores; the sender
 * reads the File it was handed (kept in memory for this engine's life only, never copied).
 */
import { decodeBytes, encodeBytes } from '../../../../shared/crypto/identity';
import { ErrorCode } from '../../../../shared/errors';
import { randomId, type UserId } from '../../../../shared/ids';
import {
  DIRECT_LINK_TIMEOUT_MS,
  FILE_CHUNK_BYTES,
  FILE_STREAM_FIRST,
  FILE_STREAM_LAST,
  MAX_FILE_NAME_LENGTH,
  MAX_AUTO_ACCEPT_IMAGE_BYTES,
  MAX_FILE_TYPE_LENGTH,
  MAX_RELAYED_FILE_BYTES,
} from '../../../../shared/limits';
import {
  CONTENT_VERSION,
  type FileContent,
  type FileOffer,
  type FilePartContent,
} from '../../../../shared/protocol/content';
import { PEER_PROTOCOL_VERSION, type FilePullFrame } from '../../../../shared/protocol/peer';
import { EngineError } from '../../errors';
import { chunkCount, chunkRange, FileChunkError, importFileKey, newFileKey } from '../../files/file-chunks';
import type { FileSink, ReceivedFiles } from '../../files/received-files';
import { PICTURE_TYPES } from '../../files/thumbnail';
import type { TransferView } from '../../messaging/protocol';
import type { ChatMessage, ConversationId, TransferRecord, TransferState } from '../../model';
import type { Profile } from '../profile';
import { ChannelClosed, type FileChannel } from './file-channel';
import { receiveFile } from './file-receiver';
import { chunkSealer, sendFile } from './file-sender';
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

const NO_LONGER_AVAILABLE = 'The file is no longer available on the sending side: it has to be sent again';

/** `text` cut to `max` characters, keeping an extension of up to 16 characters. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const dot = text.lastIndexOf('.');
  const extension = dot > 0 && text.length - dot <= 16 ? text.slice(dot) : '';
  return text.slice(0, max - extension.length) + extension;
}

export function createTransfers(deps: TransfersDeps): Transfers {
  const tables = new WeakMap<Profile, Promise<TransferTable>>();
  /** Files offered by this engine run, by message id: what pulls read. */
  const sources = new Map<string, File>();
  /** Runs moving chunks now, by transfer key. */
  const runs = new Map<string, { stop(): void }>();
  /** Stream ids in use, by peer. */
  const streams = new Map<UserId, Set<number>>();
  let streamTurn = 0;

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

  /** A stream id for a new file channel to `peer`: the smaller user id takes even ones, so two pulls never meet. */
  function takeStream(opened: Profile, peer: UserId): number {
    const used = streams.get(peer) ?? new Set<number>();
    streams.set(peer, used);
    const parity = opened.selfId < peer ? 0 : 1;
    const slots = Math.floor((FILE_STREAM_LAST - FILE_STREAM_FIRST + 1) / 2);
    for (let tries = 0; tries < slots; tries += 1) {
      streamTurn = (streamTurn + 1) % slots;
      const stream = FILE_STREAM_FIRST + streamTurn * 2 + parity;
      if (!used.has(stream)) {
        used.add(stream);
        return stream;
      }
    }
    throw new EngineError(ErrorCode.RateLimited, 'Too many files are moving at once to this contact');
  }

  const releaseStream = (peer: UserId, stream: number): void => void streams.get(peer)?.delete(stream);

  async function setState(
    table: TransferTable,
    record: TransferRecord,
    state: TransferState,
    extra: Partial<Pick<TransferRecord, 'error' | 'savedAs' | 'chunks' | 'thumbnail'>> = {},
  ): Promise<TransferRecord> {
    const current = table.get(record.messageId, record.peer) ?? record;
    if (FINAL_STATES.has(current.state)) return current;
    // A new state drops the error of the one before, unless it brings its own.
    const next: TransferRecord = { ...current, error: undefined, state, ...extra };
    if (next.error === undefined) delete (next as { error?: string }).error;
    await table.put(next);
    // A file sent is held until every receiver's transfer of it is over (an in-memory Blob would stay otherwise).
    if (
      next.direction === 'out' &&
      table.ofMessage(next.messageId).every((known) => FINAL_STATES.has(known.state))
    )
      sources.delete(next.messageId);
    return next;
  }

  function stopRun(record: TransferRecord): void {
    const key = transferKey(record.messageId, record.peer);
    runs.get(key)?.stop();
    runs.delete(key);
  }

  const storageId = (record: TransferRecord): string => `${record.messageId}-${record.peer}`;

  /** Where an incoming file is written and checked (resumed from what is stored already). */
  const openSink = (record: TransferRecord): Promise<FileSink> =>
    deps.files.received.open({
      id: storageId(record),
      size: record.offer.size,
      sha256: decodeBytes(record.offer.sha256),
      key: decodeBytes(record.offer.key),
    });

  /** The File an outgoing transfer reads; if this engine run no longer has it, the transfer fails and says so. */
  async function sourceOf(
    opened: Profile,
    table: TransferTable,
    record: TransferRecord,
  ): Promise<File | undefined> {
    const file = sources.get(record.messageId);
    if (file) return file;
    await setState(table, record, 'failed', { error: NO_LONGER_AVAILABLE });
    await tellQuietly(opened, record, 'cancel');
    return undefined;
  }

  /** Pulls an accepted incoming file over a channel of its own, from the first chunk not yet written. */
  async function pull(opened: Profile, table: TransferTable, record: TransferRecord): Promise<void> {
    const key = transferKey(record.messageId, record.peer);
    if (runs.has(key) || FINAL_STATES.has(record.state)) return;
    if (!deps.linkOpen(record.peer)) {
      deps.want(record.peer);
      return;
    }
    // Read after each wait: a cancel or a lock may stop the run meanwhile.
    const run = { stopped: false, active: undefined as { stop(): void } | undefined };
    const stopped = (): boolean => run.stopped;
    const entry = {
      stop() {
        run.stopped = true;
        run.active?.stop();
      },
    };
    runs.set(key, entry);
    const { offer } = record;
    let stream: number | undefined;
    let sink: FileSink | undefined;
    try {
      sink = await openSink(record);
      // What is already on disk counts at once (after a restart the table knew nothing of it).
      table.progress(record.messageId, record.peer, Math.min(offer.size, sink.next * FILE_CHUNK_BYTES));
      if (stopped()) throw new ChannelClosed();
      stream = takeStream(opened, record.peer);
      const channel = await deps.openChannel(record.peer, stream);
      const receiving = receiveFile({
        sink,
        size: offer.size,
        channel,
        onProgress: (bytes) => table.progress(record.messageId, record.peer, bytes),
      });
      run.active = receiving;
      if (stopped()) receiving.stop();
      await setState(table, record, 'active', { chunks: sink.next });
      await deps.sendPull(record.peer, {
        v: PEER_PROTOCOL_VERSION,
        kind: 'file-pull',
        id: record.messageId,
        from: sink.next,
        stream,
      });
      await receiving.finished;
      await finishReceived(opened, table, record, await sink.finish());
    } catch (error) {
      if (stopped()) return;
      if (error instanceof FileChunkError) {
        await sink?.discard();
        await setState(table, record, 'failed', { error: `The file was refused: ${error.message}` });
        await tellQuietly(opened, record, 'cancel');
      } else {
        await sink?.close();
        const reason = error instanceof ChannelClosed ? undefined : String(error);
        await setState(table, record, 'paused', reason ? { error: reason } : {});
      }
    } finally {
      if (runs.get(key) === entry) runs.delete(key);
      if (stream !== undefined) releaseStream(record.peer, stream);
    }
  }

  async function tellQuietly(
    opened: Profile,
    record: TransferRecord,
    action: FileContent['action'],
  ): Promise<void> {
    try {
      await opened.tell(record.peer, {
        v: CONTENT_VERSION,
        kind: 'file',
        action,
        id: record.messageId,
        ...(record.conversation !== record.peer ? { room: record.conversation } : {}),
      });
    } catch (error) {
      console.warn(`engine: could not tell ${record.peer} that a file was ${action}: ${String(error)}`);
    }
  }

  /** Serves a pull: the chunks from `frame.from` on, over the channel it named. */
  async function serve(opened: Profile, table: TransferTable, record: TransferRecord, frame: FilePullFrame) {
    const key = transferKey(record.messageId, record.peer);
    const file = await sourceOf(opened, table, record);
    if (!file) return;
    stopRun(record); // a new pull replaces the one before (the receiver resumed)
    try {
      const channel = await deps.openChannel(record.peer, frame.stream);
      const run = sendFile({
        file,
        key: await importFileKey(decodeBytes(record.offer.key)),
        from: frame.from,
        channel,
        onProgress: (bytes) => table.progress(record.messageId, record.peer, bytes),
      });
      runs.set(key, run);
      await setState(table, record, 'active', { chunks: frame.from });
      await run.finished;
      // Every chunk is on its way; the receiver's `received` (once it checked the hash) says done.
    } catch (error) {
      if (runs.get(key) === undefined) return; // stopped (cancelled)
      const current = table.get(record.messageId, record.peer);
      if (current && !FINAL_STATES.has(current.state))
        await setState(
          table,
          current,
          'paused',
          error instanceof ChannelClosed ? {} : { error: String(error) },
        );
    }
  }

  async function cancelRecord(opened: Profile, table: TransferTable, record: TransferRecord, tell: boolean) {
    if (FINAL_STATES.has(record.state)) return record;
    stopRun(record);
    const next = await setState(table, record, 'cancelled');
    if (record.direction === 'in') await deps.files.received.remove(storageId(record)).catch(() => undefined);
    if (tell) await tellQuietly(opened, record, 'cancel');
    return next;
  }

  /** Relayed files being received: their sink, the first half of the chunk under way, one part at a time. */
  const relays = new Map<string, { sink: Promise<FileSink>; first?: { index: number; data: Uint8Array } }>();
  const partQueues = new Map<string, Promise<void>>();

  /** An accepted file: pulled over the direct link, or (small, and no link opens in time) through the mailbox. */
  function deliver(opened: Profile, table: TransferTable, record: TransferRecord): void {
    if (deps.linkOpen(record.peer)) return void pull(opened, table, record);
    deps.want(record.peer); // linkOpened pulls it once a link opens
    if (record.offer.size > MAX_RELAYED_FILE_BYTES) return;
    setTimeout(() => {
      const current = table.get(record.messageId, record.peer);
      const key = transferKey(record.messageId, record.peer);
      if (current?.state !== 'accepted' || runs.has(key) || deps.linkOpen(record.peer)) return;
      void setState(table, current, 'active').then(() => tellQuietly(opened, current, 'relay'));
    }, deps.linkWaitMs ?? DIRECT_LINK_TIMEOUT_MS);
  }

  /** Sends a small file's sealed chunks through the mailbox, in halves (a message holds less than a chunk). */
  async function serveRelay(opened: Profile, table: TransferTable, record: TransferRecord): Promise<void> {
    if (record.offer.size > MAX_RELAYED_FILE_BYTES) return;
    const file = await sourceOf(opened, table, record);
    if (!file) return;
    stopRun(record);
    const key = transferKey(record.messageId, record.peer);
    const run = { stopped: false };
    runs.set(key, { stop: () => void (run.stopped = true) });
    await setState(table, record, 'active');
    try {
      const sealed = chunkSealer(file, await importFileKey(decodeBytes(record.offer.key)));
      for (let index = 0; index < chunkCount(file.size); index += 1) {
        const frame = new Uint8Array(await sealed(index));
        const middle = Math.ceil(frame.length / 2);
        for (const half of [0, 1] as const) {
          if (run.stopped) return;
          const data = encodeBytes(half === 0 ? frame.subarray(0, middle) : frame.subarray(middle));
          await opened.tell(record.peer, {
            v: CONTENT_VERSION,
            kind: 'file-part',
            id: record.messageId,
            index,
            half,
            data,
          });
        }
        table.progress(record.messageId, record.peer, chunkRange(file.size, index).end);
      }
    } catch (error) {
      if (!run.stopped) await setState(table, record, 'paused', { error: String(error) });
    }
  }

  /** Takes half a relayed chunk; a whole chunk goes to the sink, and the last one finishes the file. */
  async function takePart(opened: Profile, from: UserId, content: FilePartContent): Promise<void> {
    const table = await tableOf(opened);
    const record = table.get(content.id, from);
    if (record?.direction !== 'in' || FINAL_STATES.has(record.state) || record.state === 'offered') return;
    if (record.offer.size > MAX_RELAYED_FILE_BYTES) return;
    const key = transferKey(record.messageId, record.peer);
    let relay = relays.get(key);
    if (!relay) {
      relay = { sink: openSink(record) };
      relays.set(key, relay);
    }
    try {
      const sink = await relay.sink;
      if (content.index < sink.next) return; // a copy of a part already written
      if (content.half === 0) {
        relay.first = { index: content.index, data: decodeBytes(content.data) };
        return;
      }
      const first = relay.first;
      if (first?.index !== content.index) return; // its first half is missing: the sender sends it again
      const second = decodeBytes(content.data);
      const frame = new Uint8Array(first.data.length + second.length);
      frame.set(first.data);
      frame.set(second, first.data.length);
      delete relay.first;
      if (record.state !== 'active') await setState(table, record, 'active');
      await sink.write(frame.buffer);
      table.progress(record.messageId, record.peer, chunkRange(record.offer.size, sink.next - 1).end);
      if (sink.next < chunkCount(record.offer.size)) return;
      relays.delete(key);
      const file = await sink.finish();
      await finishReceived(opened, table, record, file);
    } catch (error) {
      relays.delete(key);
      await (await relay.sink.catch(() => undefined))?.discard();
      await setState(table, record, 'failed', { error: `The file was refused: ${String(error)}` });
      await tellQuietly(opened, record, 'cancel');
    }
  }

  /** A received file, checked: saved through the downloads, its stored copy removed, the sender told. */
  async function finishReceived(opened: Profile, table: TransferTable, record: TransferRecord, file: File) {
    const savedAs = await deps.files.save(file, deps.files.safeName(record.offer.name, record.offer.type));
    const thumbnail = await deps.files.thumbnail(file, record.offer.type).catch(() => undefined);
    await deps.files.received.remove(storageId(record));
    await setState(table, record, 'done', { savedAs, ...(thumbnail ? { thumbnail } : {}) });
    await tellQuietly(opened, record, 'received');
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
      const accepted = await setState(table, record, 'accepted');
      await tellQuietly(opened, accepted, 'accept');
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
        await setState(table, record, 'accepted');
      else if (outgoing && content.action === 'decline') await setState(table, record, 'declined');
      else if (outgoing && content.action === 'relay') void serveRelay(opened, table, record);
      else if (outgoing && content.action === 'received') {
        stopRun(record);
        await setState(table, record, 'done', { chunks: 0 });
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
      await serve(opened, table, record, frame);
    },
    part(opened, from, content) {
      // One part at a time per transfer: halves join in the order they came.
      const key = transferKey(content.id, from);
      const next = (partQueues.get(key) ?? Promise.resolve()).then(() => takePart(opened, from, content));
      partQueues.set(key, next);
      return next;
    },
    async answer(opened, conversation, messageId, accept) {
      const table = await tableOf(opened);
      const record = table
        .ofMessage(messageId)
        .find((known) => known.direction === 'in' && known.conversation === conversation);
      if (!record) throw new EngineError(ErrorCode.NotFound, 'No such file was offered here');
      if (record.state !== 'offered') return table.view(record);
      if (!accept) {
        const declined = await setState(table, record, 'declined');
        await tellQuietly(opened, record, 'decline');
        return table.view(declined);
      }
      const accepted = await setState(table, record, 'accepted');
      await tellQuietly(opened, record, 'accept');
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
          if (record.peer === peer && waitsForLink(record)) void pull(opened, table, record);
      });
    },
    stopAll() {
      for (const run of runs.values()) run.stop();
      runs.clear();
      streams.clear();
    },
  };

  return transfers;
}
