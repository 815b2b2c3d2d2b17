/**
 * One file through the product, timed inside the pages (no automation in the path): the sender's page hands the
 * engine a File over the direct channel (sendFiles), the receiver's page accepts the offer as soon as its `transfer`
 * event shows it (answerFile), and each page notes when its transfer changed state, in its own wall clock (one
 * machine: the two clocks are one).
 */
import type { Page } from 'playwright-core';
import type { EngineLinkWindow } from './engine-page';
import { BLOCK_BYTES } from './source-file';

/**
 * Where the File comes from: a file on disk (its base name must be the transfer's name), picked as a user picks it,
 * or a Blob built in the page from 1 MiB parts (the browser then holds all of it in memory).
 */
export type FileSource = { readonly kind: 'disk'; readonly path: string } | { readonly kind: 'memory' };

/** Wall-clock times (ms since epoch) of what each side saw. */
export interface ProductMarks {
  /** Sender: sendFiles called, and answered (the file was hashed and offered). */
  readonly calledAt: number;
  readonly answeredAt: number;
  /** Sender: the receiver's pull began to be served; every chunk was handed to the channel. */
  readonly senderActiveAt?: number;
  readonly senderAllSentAt?: number;
  /** Receiver: the offer arrived (and was accepted at once). */
  readonly offeredAt: number;
  readonly acceptedAt: number;
  /** Receiver: chunks began to move. */
  readonly activeAt?: number;
  /** Receiver: checked against its SHA-256, saved through the downloads, and the stored copy removed. */
  readonly doneAt: number;
}

interface ReceiverMarks {
  offeredAt: number;
  acceptedAt: number;
  activeAt?: number;
  doneAt: number;
}

/** The fields of a TransferView the pages read (protocol.ts). */
interface ViewSeen {
  readonly messageId: string;
  readonly conversation: string;
  readonly direction: 'in' | 'out';
  readonly file: { readonly name: string; readonly size: number };
  readonly state: string;
  readonly bytes: number;
  readonly error?: string;
}

type ReceivingWindow = EngineLinkWindow & { receiving?: Promise<ReceiverMarks> };
type SendingWindow = EngineLinkWindow & {
  sending?: { activeAt?: number; allSentAt?: number };
  benchFile?: File;
};

/** Sends a file of `size` bytes named `name` from `sender` to `receiverId`, and resolves once `receiver` saved it. */
export async function productTransfer({
  sender,
  receiver,
  receiverId,
  name,
  size,
  source,
}: {
  readonly sender: Page;
  readonly receiver: Page;
  readonly receiverId: string;
  readonly name: string;
  readonly size: number;
  readonly source: FileSource;
}): Promise<ProductMarks> {
  await receiver.evaluate(
    ({ name }) => {
      const page = window as unknown as ReceivingWindow;
      page.receiving = new Promise<ReceiverMarks>((resolve, reject) => {
        const marks: Partial<ReceiverMarks> = {};
        page.engineLink.on('transfer', (data) => {
          const view = data as ViewSeen;
          if (view.direction !== 'in' || view.file.name !== name) return;
          const now = Date.now();
          if (view.state === 'offered' && marks.offeredAt === undefined) {
            marks.offeredAt = now;
            marks.acceptedAt = now;
            page.engineLink
              .request('answerFile', {
                conversation: view.conversation,
                messageId: view.messageId,
                accept: true,
              })
              .catch(reject);
          }
          if (view.state === 'active') marks.activeAt ??= now;
          if (view.state === 'done') {
            marks.doneAt = now;
            resolve(marks as ReceiverMarks);
          }
          if (['failed', 'declined', 'cancelled', 'paused'].includes(view.state))
            reject(new Error(`the receiver's transfer is ${view.state}: ${view.error ?? 'no reason given'}`));
        });
      });
    },
    { name },
  );
  if (source.kind === 'disk') {
    await sender.evaluate(() => {
      document.getElementById('bench-file')?.remove();
      const input = document.createElement('input');
      input.type = 'file';
      input.id = 'bench-file';
      document.body.append(input);
    });
    // The browser reads the file from disk, as it does a file the user picked; nothing passes through here.
    await sender.setInputFiles('#bench-file', source.path);
  }
  const { calledAt, answeredAt } = await sender.evaluate(
    async ({ name, size, receiverId, source, blockBytes }) => {
      const page = window as unknown as SendingWindow;
      let file: File;
      if (source === 'disk') {
        const picked = (document.getElementById('bench-file') as HTMLInputElement).files?.[0];
        if (!picked) throw new Error('productTransfer: no file was picked');
        if (picked.name !== name) throw new Error(`productTransfer: the file picked is ${picked.name}`);
        file = picked;
      } else {
        // The same blocks as source-file.ts: a fixed pattern, each block's index in its first 4 bytes.
        const block = new Uint8Array(blockBytes);
        let x = 0x9e3779b9;
        for (let i = 0; i < block.length; i += 1) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          block[i] = x & 0xff;
        }
        const view = new DataView(block.buffer);
        const parts: Blob[] = [];
        for (let index = 0, at = 0; at < size; index += 1, at += blockBytes) {
          view.setUint32(0, index);
          parts.push(new Blob([block.subarray(0, Math.min(blockBytes, size - at))])); // copies the bytes
        }
        file = new File(parts, name);
      }
      const marks: { activeAt?: number; allSentAt?: number } = {};
      page.sending = marks;
      page.engineLink.on('transfer', (data) => {
        const view = data as ViewSeen;
        if (view.direction !== 'out' || view.file.name !== name) return;
        if (view.state === 'active') marks.activeAt ??= Date.now();
        if (view.state === 'active' && view.bytes >= size) marks.allSentAt ??= Date.now();
      });
      const calledAt = Date.now();
      await page.engineLink.request('sendFiles', { peerId: receiverId, files: [file] });
      return { calledAt, answeredAt: Date.now() };
    },
    { name, size, receiverId, source: source.kind, blockBytes: BLOCK_BYTES },
  );
  const received = await receiver.evaluate(() => {
    const { receiving } = window as unknown as ReceivingWindow;
    if (!receiving) throw new Error('productTransfer: the receiver is not waiting');
    return receiving;
  });
  const sent = await sender.evaluate(() => (window as unknown as SendingWindow).sending ?? {});
  return {
    calledAt,
    answeredAt,
    ...(sent.activeAt !== undefined ? { senderActiveAt: sent.activeAt } : {}),
    ...(sent.allSentAt !== undefined ? { senderAllSentAt: sent.allSentAt } : {}),
    ...received,
  };
}
