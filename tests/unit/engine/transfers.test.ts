/**
 * File transfers between two engines' transfer modules, over fake data channels (in memory, ordered, like SCTP)
 * and a fake store of received files that checks chunks and the hash as the browser's does.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId, type UserId } from '../../../shared/ids';
import {
  FILE_ACK_EVERY,
  FILE_CHUNK_BYTES,
  FILE_WINDOW_CHUNKS,
  MAX_RELAYED_FILE_BYTES,
} from '../../../shared/limits';
import type { FileContent, FileOffer, FilePartContent } from '../../../shared/protocol/content';
import type { FilePullFrame } from '../../../shared/protocol/peer';
import {
  chunkCount,
  FileChunkError,
  importFileKey,
  openChunk,
} from '../../../extension/lib/files/file-chunks';
import type { FileSink, IncomingFile, ReceivedFiles } from '../../../extension/lib/files/received-files';
import type { TransferView } from '../../../extension/lib/messaging/protocol';
import type { ChatMessage, TransferRecord } from '../../../extension/lib/model';
import type { Profile } from '../../../extension/lib/engine/profile';
import type { FileChannel } from '../../../extension/lib/engine/transfers/file-channel';
import { createTransfers, type Transfers } from '../../../extension/lib/engine/transfers/transfers';

/** One end of an in-memory data channel; `pair` makes both. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  other: FakeChannel | undefined;
  /** Changes a frame on its way (a tampering relay). */
  tamper: ((frame: ArrayBuffer, index: number) => ArrayBuffer) | undefined;
  sentFrames = 0;
  /** Closes the pair after this many frames (a dropped link). */
  dropAfter: number | undefined;
  /** Takes frames and delivers none (a link that stalled). */
  stalled = false;

  send(data: ArrayBuffer): void {
    if (this.readyState !== 'open') throw new Error('not open');
    if (this.stalled) return;
    const index = this.sentFrames++;
    const frame = this.tamper ? this.tamper(data, index) : data;
    const copy = frame.slice(0);
    const to = this.other;
    setTimeout(() => {
      if (to?.readyState === 'open') to.dispatchEvent(new MessageEvent('message', { data: copy }));
    }, 0);
    if (this.dropAfter !== undefined && this.sentFrames >= this.dropAfter) setTimeout(() => this.close(), 0);
  }

  close(): void {
    for (const end of [this, this.other]) {
      if (!end || end.readyState === 'closed') continue;
      end.readyState = 'closed';
      end.dispatchEvent(new Event('close'));
    }
  }

  open(): void {
    this.readyState = 'open';
    this.dispatchEvent(new Event('open'));
  }
}

/** Received files in memory, checked like the browser's sink: each chunk in its place, then the whole hash. */
function memoryFiles(): ReceivedFiles & {
  readonly stored: Map<string, Uint8Array[]>;
  /** A slow disk: each write waits this long. */
  readonly options: { writeDelayMs: number };
} {
  const stored = new Map<string, Uint8Array[]>();
  const options = { writeDelayMs: 0 };
  return {
    stored,
    options,
    async open(file: IncomingFile): Promise<FileSink> {
      const chunks = stored.get(file.id) ?? [];
      stored.set(file.id, chunks);
      const key = await importFileKey(file.key);
      const count = chunkCount(file.size);
      let failed: Error | undefined;
      let queue = Promise.resolve();
      const sink: FileSink = {
        get next() {
          return chunks.length;
        },
        write(frame) {
          queue = queue.then(async () => {
            if (failed) throw failed;
            try {
              if (options.writeDelayMs)
                await new Promise((resolve) => setTimeout(resolve, options.writeDelayMs));
              chunks.push(await openChunk(key, chunks.length, count, frame));
            } catch (error) {
              failed = error as Error;
              throw error;
            }
          });
          return queue;
        },
        async finish() {
          const whole = new Blob(chunks.map((chunk) => new Uint8Array(chunk)));
          const digest = sha256(new Uint8Array(await whole.arrayBuffer()));
          if (Buffer.compare(Buffer.from(digest), Buffer.from(file.sha256)) !== 0) {
            stored.delete(file.id);
            throw new FileChunkError('the file does not match its SHA-256');
          }
          return new File([whole], 'received');
        },
        close: () => Promise.resolve(),
        discard: async () => void stored.delete(file.id),
      };
      return sink;
    },
    remove: async (id) => void stored.delete(id),
  };
}

interface Side {
  readonly id: UserId;
  readonly transfers: Transfers;
  readonly profile: Profile;
  readonly records: Map<string, TransferRecord>;
  readonly views: TransferView[];
  readonly saved: { name: string; bytes: Uint8Array }[];
  readonly files: ReturnType<typeof memoryFiles>;
  readonly told: FileContent[];
  readonly pulls: FilePullFrame[];
  linkUp: boolean;
  /** File parts this side sent through the (fake) mailbox. */
  relayed: number;
  /** Chunks the receiver's sink has written, and the most frames ever in flight past them. */
  written: number;
  /** Applied to the channel ends this side opens next (a tampering relay, a dropped link, a stalled one). */
  nextEnd: Partial<Pick<FakeChannel, 'tamper' | 'dropAfter' | 'stalled'>>;
}

/** Two profiles whose transfer modules reach each other: offers as delivered messages, pulls, tells, channels. */
function twoSides(): { alice: Side; bob: Side; channels: Map<number, FakeChannel[]> } {
  const channels = new Map<number, FakeChannel[]>();
  const sides: Side[] = [];
  const [aliceId, bobId] = [randomId(), randomId()].sort() as [UserId, UserId];
  const other = (self: Side): Side => sides.find((side) => side !== self) as Side;

  function side(id: UserId): Side {
    const records = new Map<string, TransferRecord>();
    const views: TransferView[] = [];
    const saved: { name: string; bytes: Uint8Array }[] = [];
    const files = memoryFiles();
    const told: FileContent[] = [];
    const pulls: FilePullFrame[] = [];
    const self = {} as Side;
    const profile = {
      selfId: id,
      settings: { autoAcceptImages: false },
      book: { admits: () => 'contact', get: () => ({ state: 'accepted' }) },
      vault: {
        transfers: {
          all: async () => [...records.values()],
          put: async (record: TransferRecord) =>
            void records.set(`${record.messageId}:${record.peer}`, record),
          delete: async (messageId: string, peer: UserId) => void records.delete(`${messageId}:${peer}`),
        },
      },
      async tell(_to: UserId, content: FileContent | FilePartContent) {
        const them = other(self);
        if (content.kind === 'file-part') {
          self.relayed += 1;
          return them.transfers.part(them.profile, id, content);
        }
        told.push(content);
        await them.transfers.control(them.profile, id, content);
      },
    } as unknown as Profile;
    const transfers = createTransfers({
      current: () => profile,
      now: () => Date.now(),
      files: {
        received: files,
        hash: async (file) => sha256(new Uint8Array(await file.arrayBuffer())),
        save: async (file, name) => {
          saved.push({ name, bytes: new Uint8Array(await file.arrayBuffer()) });
          return name;
        },
        safeName: (name) => name.replaceAll('/', '_'),
        thumbnail: async (_file, type) => (type === 'image/png' ? 'data:image/webp;base64,AAAA' : undefined),
      },
      emit: (view) => views.push(view),
      recipients: (_opened, peerId) => [peerId],
      async offer(_opened, peerId, messageId, offer: FileOffer): Promise<ChatMessage> {
        const them = other(self);
        await them.transfers.offered(them.profile, id, id, messageId, offer);
        return {
          id: messageId,
          peerId,
          direction: 'out',
          text: offer.name,
          sentAt: Date.now(),
          status: 'sent',
          file: { name: offer.name, size: offer.size, type: offer.type },
        };
      },
      async sendPull(_peer, frame) {
        pulls.push(frame);
        await other(self).transfers.pulled(id, frame);
      },
      async openChannel(_peer, stream) {
        const ends = channels.get(stream) ?? [];
        channels.set(stream, ends);
        const end = Object.assign(new FakeChannel(), self.nextEnd);
        self.nextEnd = {};
        ends.push(end);
        const [first, second] = ends;
        if (first && second) {
          first.other = second;
          second.other = first;
          setTimeout(() => {
            first.open();
            second.open();
          }, 0);
        }
        return end as unknown as FileChannel;
      },
      linkOpen: () => self.linkUp,
      want: () => undefined,
      linkWaitMs: 10,
    });
    Object.assign(self, {
      id,
      transfers,
      profile,
      records,
      views,
      saved,
      files,
      told,
      pulls,
      linkUp: true,
      relayed: 0,
      written: 0,
      nextEnd: {},
    });
    sides.push(self);
    return self;
  }
  return { alice: side(aliceId), bob: side(bobId), channels };
}

function bytes(size: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) data[i] = (i * 31 + 7) % 251;
  return data;
}

const stateOf = (side: Side, messageId: string, peer: UserId): string | undefined =>
  side.records.get(`${messageId}:${peer}`)?.state;

describe('file transfers', () => {
  afterEach(() => vi.useRealTimers());

  it('delivers a file of several chunks byte for byte once accepted, checked and saved, and both sides say done', async () => {
    const { alice, bob } = twoSides();
    const content = bytes(FILE_CHUNK_BYTES * 3 + 123);
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
      new File([content], 'notes.bin', { type: 'application/octet-stream' }),
    ]);
    const id = message?.id ?? '';
    expect(stateOf(bob, id, alice.id)).toBe('offered');
    expect(bob.pulls).toHaveLength(0); // nothing moves before the answer

    await bob.transfers.answer(bob.profile, alice.id, id, true);
    await vi.waitFor(() => expect(stateOf(alice, id, bob.id)).toBe('done'));
    expect(stateOf(bob, id, alice.id)).toBe('done');
    expect(bob.saved).toHaveLength(1);
    expect(bob.saved[0]?.name).toBe('notes.bin');
    expect(Buffer.from(bob.saved[0]?.bytes ?? []).equals(Buffer.from(content))).toBe(true);
    // The stored copy is gone once saved.
    expect(bob.files.stored.size).toBe(0);
    const last = bob.views.filter((view) => view.messageId === id).at(-1);
    expect(last).toMatchObject({ state: 'done', bytes: content.length, savedAs: 'notes.bin' });
  });

  it('moves nothing for a declined offer, and the sender sees it declined', async () => {
    const { alice, bob, channels } = twoSides();
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
      new File([bytes(10)], 'a.txt'),
    ]);
    const id = message?.id ?? '';
    await bob.transfers.answer(bob.profile, alice.id, id, false);
    expect(stateOf(alice, id, bob.id)).toBe('declined');
    expect(bob.pulls).toHaveLength(0);
    expect(channels.size).toBe(0);
    // A pull that comes anyway is not served.
    await alice.transfers.pulled(bob.id, { v: 1, kind: 'file-pull', id, from: 0, stream: 16 });
    expect(channels.size).toBe(0);
  });

  it('refuses a file whose chunk was changed on the way, saves nothing, and tells the sender to stop', async () => {
    const { alice, bob } = twoSides();
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
      new File([bytes(FILE_CHUNK_BYTES * 2)], 'b.bin'),
    ]);
    const id = message?.id ?? '';
    alice.nextEnd = {
      tamper: (frame, index) => {
        if (index !== 1) return frame;
        const changed = new Uint8Array(frame.slice(0));
        changed[100] = (changed[100] ?? 0) ^ 1;
        return changed.buffer;
      },
    };
    await bob.transfers.answer(bob.profile, alice.id, id, true);
    await vi.waitFor(() => expect(stateOf(bob, id, alice.id)).toBe('failed'));
    expect(bob.records.get(`${id}:${alice.id}`)?.error).toMatch(/refused.*chunk 1/);
    expect(bob.saved).toHaveLength(0);
    expect(bob.files.stored.size).toBe(0);
    expect(bob.told.map((told) => told.action)).toEqual(['accept', 'cancel']);
    expect(stateOf(alice, id, bob.id)).toBe('cancelled');
  });

  it('resumes a transfer cut in the middle from the first chunk the receiver does not have', async () => {
    const { alice, bob } = twoSides();
    const content = bytes(FILE_CHUNK_BYTES * 5 + 9);
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [new File([content], 'e.bin')]);
    const id = message?.id ?? '';
    alice.nextEnd = { dropAfter: 2 };
    await bob.transfers.answer(bob.profile, alice.id, id, true);
    await vi.waitFor(() => expect(stateOf(bob, id, alice.id)).toBe('paused'));
    expect(bob.saved).toHaveLength(0);

    bob.transfers.linkOpened(alice.id); // the link is back
    await vi.waitFor(() => expect(stateOf(bob, id, alice.id)).toBe('done'));
    expect(bob.pulls.map((pull) => pull.from)).toEqual([0, 2]);
    expect(Buffer.from(bob.saved[0]?.bytes ?? []).equals(Buffer.from(content))).toBe(true);
    await vi.waitFor(() => expect(stateOf(alice, id, bob.id)).toBe('done'));
  });

  it('waits for a direct link to pull an accepted file, and a cancel then stops both sides', async () => {
    const { alice, bob } = twoSides();
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
      new File([bytes(100)], 'w.txt'),
    ]);
    const id = message?.id ?? '';
    bob.linkUp = false;
    await bob.transfers.answer(bob.profile, alice.id, id, true);
    expect(stateOf(bob, id, alice.id)).toBe('accepted');
    expect(stateOf(alice, id, bob.id)).toBe('accepted');
    expect(bob.pulls).toHaveLength(0);
    await bob.transfers.cancel(bob.profile, alice.id, id);
    expect(stateOf(bob, id, alice.id)).toBe('cancelled');
    expect(stateOf(alice, id, bob.id)).toBe('cancelled');
    bob.linkUp = true;
    bob.transfers.linkOpened(alice.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(bob.pulls).toHaveLength(0);
  });

  it('stops both sides when the sender cancels while chunks move, and the receiver keeps nothing', async () => {
    const { alice, bob } = twoSides();
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
      new File([bytes(FILE_CHUNK_BYTES * 3)], 'f.bin'),
    ]);
    const id = message?.id ?? '';
    alice.nextEnd = { stalled: true };
    await bob.transfers.answer(bob.profile, alice.id, id, true);
    await vi.waitFor(() => expect(stateOf(alice, id, bob.id)).toBe('active'));
    await alice.transfers.cancel(alice.profile, bob.id, id);
    expect(stateOf(alice, id, bob.id)).toBe('cancelled');
    await vi.waitFor(() => expect(stateOf(bob, id, alice.id)).toBe('cancelled'));
    expect(bob.files.stored.size).toBe(0);
    expect(bob.saved).toHaveLength(0);
  });

  it('ignores a pull from someone the file was not offered to', async () => {
    const { alice, bob, channels } = twoSides();
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
      new File([bytes(10)], 'c.txt'),
    ]);
    const stranger = randomId();
    await alice.transfers.pulled(stranger, {
      v: 1,
      kind: 'file-pull',
      id: message?.id ?? '',
      from: 0,
      stream: 16,
    });
    expect(channels.size).toBe(0);
    expect(stateOf(alice, message?.id ?? '', bob.id)).toBe('offered');
  });
  it('never sends further than its window past the chunks the receiver has written', async () => {
    const { alice, bob, channels } = twoSides();
    const content = bytes(FILE_CHUNK_BYTES * (FILE_WINDOW_CHUNKS * 3) + 5);
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
      new File([content], 'big.bin'),
    ]);
    const id = message?.id ?? '';
    bob.files.options.writeDelayMs = 1; // the receiver's disk is slower than the link
    let ahead = 0;
    const watch = setInterval(() => {
      // The receiver makes its end first (then pulls); the sender's is the second.
      const senderEnd = [...channels.values()][0]?.[1];
      const written = bob.files.stored.values().next().value?.length;
      // Once the file is saved its stored copy is gone: only moments while it is written count.
      if (senderEnd && written !== undefined) ahead = Math.max(ahead, senderEnd.sentFrames - written);
    }, 0);
    await bob.transfers.answer(bob.profile, alice.id, id, true);
    await vi.waitFor(() => expect(stateOf(bob, id, alice.id)).toBe('done'), { timeout: 10_000 });
    clearInterval(watch);
    expect(Buffer.from(bob.saved[0]?.bytes ?? []).equals(Buffer.from(content))).toBe(true);
    expect(ahead).toBeGreaterThan(FILE_ACK_EVERY);
    expect(ahead).toBeLessThanOrEqual(FILE_WINDOW_CHUNKS);
  });

  it('sends a small file through the mailbox when no direct link opens, in halves of sealed chunks', async () => {
    const { alice, bob, channels } = twoSides();
    const content = bytes(FILE_CHUNK_BYTES + 77);
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
      new File([content], 'small.png'),
    ]);
    const id = message?.id ?? '';
    bob.linkUp = false;
    await bob.transfers.answer(bob.profile, alice.id, id, true);
    await vi.waitFor(() => expect(stateOf(bob, id, alice.id)).toBe('done'));
    expect(channels.size).toBe(0);
    expect(alice.relayed).toBe(4); // two chunks, two halves each
    expect(bob.told.map((told) => told.action)).toEqual(['accept', 'relay', 'received']);
    expect(Buffer.from(bob.saved[0]?.bytes ?? []).equals(Buffer.from(content))).toBe(true);
    await vi.waitFor(() => expect(stateOf(alice, id, bob.id)).toBe('done'));
  });

  it('keeps a file larger than the relay limit waiting for a direct link, then pulls it when one opens', async () => {
    const { alice, bob } = twoSides();
    const content = bytes(MAX_RELAYED_FILE_BYTES + 1);
    const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
      new File([content], 'large.bin'),
    ]);
    const id = message?.id ?? '';
    bob.linkUp = false;
    await bob.transfers.answer(bob.profile, alice.id, id, true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stateOf(bob, id, alice.id)).toBe('accepted');
    expect(alice.relayed).toBe(0);
    bob.linkUp = true;
    bob.transfers.linkOpened(alice.id);
    await vi.waitFor(() => expect(stateOf(bob, id, alice.id)).toBe('done'));
    expect(Buffer.from(bob.saved[0]?.bytes ?? []).equals(Buffer.from(content))).toBe(true);
  });
  it('accepts a small picture from a contact unasked only when the setting says so, and nothing else', async () => {
    const { alice, bob } = twoSides();
    const send = async (name: string, type: string): Promise<string> => {
      const [message] = await alice.transfers.sendFiles(alice.profile, bob.id, [
        new File([bytes(300)], name, { type }),
      ]);
      return message?.id ?? '';
    };
    const before = await send('before.png', 'image/png');
    (bob.profile.settings as { autoAcceptImages: boolean }).autoAcceptImages = true;
    const picture = await send('cat.png', 'image/png');
    const drawing = await send('cat.svg', 'image/svg+xml');
    const archive = await send('cat.zip', 'application/zip');
    await vi.waitFor(() => expect(stateOf(bob, picture, alice.id)).toBe('done'));
    expect(stateOf(bob, before, alice.id)).toBe('offered');
    expect(stateOf(bob, drawing, alice.id)).toBe('offered');
    // Both sides show the picture by the thumbnail their own engine drew.
    expect(bob.records.get(`${picture}:${alice.id}`)?.thumbnail).toMatch(/^data:image\/webp;base64,/);
    expect(alice.records.get(`${picture}:${bob.id}`)?.thumbnail).toMatch(/^data:image\/webp;base64,/);
    expect(bob.records.get(`${drawing}:${alice.id}`)?.thumbnail).toBeUndefined();
    expect(stateOf(bob, archive, alice.id)).toBe('offered');
  });
});
