/**
 * The baseline: bytes over a bare RTCDataChannel between two plain pages (one per browser), signaled through this
 * process, no ICE servers (loopback host candidates). The sender makes its data in the page, in 64 KiB chunks,
 * and keeps the channel's queue as the product does (FILE_BUFFER_HIGH/LOW_BYTES on bufferedAmount); the receiver
 * only counts. No encryption beyond DTLS, no storage, no hashing: the channel's own speed on this machine.
 */
import type { Page } from 'playwright-core';
import { FILE_BUFFER_HIGH_BYTES, FILE_BUFFER_LOW_BYTES, FILE_CHUNK_BYTES } from '../../shared/limits';
import { defineNameHelper } from '../../tests/support/peerjs-page';

/** What the pages keep between evaluations (types only: erased before the code runs in the page). */
interface BareWindow {
  bare: {
    pc: RTCPeerConnection;
    channel?: RTCDataChannel;
    /** Receiver: resolves with Date.now() when `expected` bytes have come. */
    received?: Promise<number>;
  };
}

/** The page's local description once ICE gathering is complete (no trickle: loopback gathers at once). */
async function gatheredDescription(): Promise<RTCSessionDescriptionInit> {
  const { pc } = (window as unknown as BareWindow).bare;
  if (pc.iceGatheringState !== 'complete')
    await new Promise<void>((resolve) =>
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      }),
    );
  const description = pc.localDescription;
  if (!description) throw new Error('bare channel: no local description after gathering');
  return { type: description.type, sdp: description.sdp };
}

export interface BareChannel {
  /** Sends `size` bytes from `sender` to `receiver`; resolves to the milliseconds from first send to last byte. */
  transfer(size: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens a reliable, ordered data channel from `sender`'s page to `receiver`'s (both already on a plain page). */
export async function openBareChannel(sender: Page, receiver: Page): Promise<BareChannel> {
  await Promise.all([defineNameHelper(sender), defineNameHelper(receiver)]);
  await sender.evaluate(async () => {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const channel = pc.createDataChannel('bench', { ordered: true });
    channel.binaryType = 'arraybuffer';
    (window as unknown as BareWindow).bare = { pc, channel };
    await pc.setLocalDescription(await pc.createOffer());
  });
  const offer = await sender.evaluate(gatheredDescription);
  await receiver.evaluate(async (offer) => {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const state: BareWindow['bare'] = { pc };
    (window as unknown as BareWindow).bare = state;
    pc.addEventListener('datachannel', (event) => {
      event.channel.binaryType = 'arraybuffer';
      state.channel = event.channel;
    });
    await pc.setRemoteDescription(offer);
    await pc.setLocalDescription(await pc.createAnswer());
  }, offer);
  const answer = await receiver.evaluate(gatheredDescription);
  await sender.evaluate(async (answer) => {
    const { pc, channel } = (window as unknown as BareWindow).bare;
    await pc.setRemoteDescription(answer);
    if (!channel) throw new Error('bare channel: the sender has no channel');
    if (channel.readyState !== 'open')
      await new Promise<void>((resolve, reject) => {
        channel.addEventListener('open', () => resolve());
        channel.addEventListener('close', () => reject(new Error('bare channel: closed before it opened')));
      });
  }, answer);

  return {
    async transfer(size) {
      await receiver.evaluate(async (expected) => {
        const state = (window as unknown as BareWindow).bare;
        for (let waited = 0; !state.channel || state.channel.readyState !== 'open'; waited += 50) {
          if (waited > 10_000) throw new Error('bare channel: the receiver saw no open channel');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const channel = state.channel;
        state.received = new Promise<number>((resolve) => {
          let bytes = 0;
          const onMessage = (event: MessageEvent<ArrayBuffer>): void => {
            bytes += event.data.byteLength;
            if (bytes < expected) return;
            channel.removeEventListener('message', onMessage);
            resolve(Date.now());
          };
          channel.addEventListener('message', onMessage);
        });
      }, size);
      const arrived = receiver.evaluate(() => {
        const { received } = (window as unknown as BareWindow).bare;
        if (!received) throw new Error('bare channel: the receiver is not counting');
        return received;
      });
      const startedAt = await sender.evaluate(
        async ({ size, chunkBytes, high, low }) => {
          const { channel } = (window as unknown as BareWindow).bare;
          if (!channel) throw new Error('bare channel: the sender has no channel');
          channel.bufferedAmountLowThreshold = low;
          // Data made in the page: a pattern, and each chunk's index in its first bytes.
          const chunk = new Uint8Array(chunkBytes);
          for (let i = 0; i < chunk.length; i += 1) chunk[i] = (i * 131 + 7) & 0xff;
          const view = new DataView(chunk.buffer);
          const start = Date.now();
          for (let index = 0, sent = 0; sent < size; index += 1) {
            if (channel.bufferedAmount > high)
              await new Promise((resolve) =>
                channel.addEventListener('bufferedamountlow', resolve, { once: true }),
              );
            view.setUint32(0, index);
            const length = Math.min(chunkBytes, size - sent);
            channel.send(length === chunkBytes ? chunk : chunk.subarray(0, length));
            sent += length;
          }
          return start;
        },
        { size, chunkBytes: FILE_CHUNK_BYTES, high: FILE_BUFFER_HIGH_BYTES, low: FILE_BUFFER_LOW_BYTES },
      );
      return (await arrived) - startedAt;
    },
    async close() {
      await Promise.all(
        [sender, receiver].map((page) =>
          page.evaluate(() => (window as unknown as BareWindow).bare.pc.close()).catch(() => undefined),
        ),
      );
    },
  };
}
