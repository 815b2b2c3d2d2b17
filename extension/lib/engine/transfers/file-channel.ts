/** A file's own data channel, as transfers use it: what RTCDataChannel offers (a fake in unit tests). */
export type FileChannel = Pick<
  RTCDataChannel,
  | 'send'
  | 'close'
  | 'bufferedAmount'
  | 'bufferedAmountLowThreshold'
  | 'readyState'
  | 'addEventListener'
  | 'removeEventListener'
>;

/** How long a file channel may take to open once both ends made it, in ms. */
export const FILE_CHANNEL_OPEN_MS = 10_000;

/** The channel closed (the link dropped, or the other side stopped): the transfer pauses. */
export class ChannelClosed extends Error {
  constructor() {
    super('The direct connection dropped: the transfer resumes when it is back');
    this.name = 'ChannelClosed';
  }
}

/** Waits until `event` fires on the channel; rejects with ChannelClosed if it closes first, or after `timeoutMs`. */
function waitFor(
  channel: FileChannel,
  event: 'open' | 'bufferedamountlow',
  timeoutMs?: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      channel.removeEventListener(event, onEvent);
      channel.removeEventListener('close', onClose);
      if (timer) clearTimeout(timer);
    };
    const onEvent = (): void => {
      done();
      resolve();
    };
    const onClose = (): void => {
      done();
      reject(new ChannelClosed());
    };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            done();
            channel.close();
            reject(new ChannelClosed());
          }, timeoutMs);
    channel.addEventListener(event, onEvent);
    channel.addEventListener('close', onClose);
  });
}

export async function whenOpen(channel: FileChannel): Promise<void> {
  if (channel.readyState === 'open') return;
  if (channel.readyState !== 'connecting') throw new ChannelClosed();
  await waitFor(channel, 'open', FILE_CHANNEL_OPEN_MS);
}

/** Resolves once the channel's queue fell to its bufferedAmountLowThreshold. */
export function drained(channel: FileChannel): Promise<void> {
  if (channel.readyState !== 'open') return Promise.reject(new ChannelClosed());
  return waitFor(channel, 'bufferedamountlow');
}
