/** Raw connections to the server for what no real client sends: engine.io text frames and PeerJS frames. */
import WebSocket from 'ws';
import { PEERJS_PATH } from '../../shared/protocol/socket';

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves with `promise`, or with `fallback` after `ms`. */
export function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A Socket.IO connection spoken by hand: engine.io v4 over a WebSocket, joined to the main namespace. */
export interface RawSocketIo {
  readonly ws: WebSocket;
  readonly closed: Promise<void>;
  isOpen(): boolean;
  /** Sends `42<ackId>["session:challenge",{}]`; resolves true when answered, false when closed or silent. */
  probe(timeoutMs: number): Promise<boolean>;
}

export async function openRawSocketIo(serverUrl: string): Promise<RawSocketIo> {
  const ws = new WebSocket(`${serverUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  ws.on('error', () => undefined); // a refused or cut connection shows as `close`
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const answers = new Map<number, () => void>();
  let joined: (() => void) | undefined;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const text = (data as Buffer).toString('utf8'); // ws delivers Buffers
    if (text.startsWith('0')) ws.send('40');
    else if (text.startsWith('40')) joined?.();
    else if (text === '2') ws.send('3');
    else if (text.startsWith('43')) answers.get(Number(/^43(\d+)/.exec(text)?.[1]))?.();
  });
  const ready = await within(
    Promise.race([
      new Promise<boolean>((resolve) => (joined = () => resolve(true))),
      closed.then(() => false),
    ]),
    5_000,
    false,
  );
  if (!ready) throw new Error('openRawSocketIo: the server did not accept the namespace');
  let nextAck = 1_000_000;
  return {
    ws,
    closed,
    isOpen: () => ws.readyState === WebSocket.OPEN,
    async probe(timeoutMs) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      const id = nextAck++;
      const answered = new Promise<boolean>((resolve) => answers.set(id, () => resolve(true)));
      ws.send(`42${id}["session:challenge",{}]`);
      const result = await within(Promise.race([answered, closed.then(() => false)]), timeoutMs, false);
      answers.delete(id);
      return result;
    },
  };
}

/** A PeerJS socket that is refused (wrong key, or no valid ticket) and sends `frame` the moment it opens. */
export function sendOnRefusedPeerjs(
  serverUrl: string,
  query: string,
  frame: Buffer | string,
  binary: boolean,
): Promise<void> {
  const ws = new WebSocket(`${serverUrl.replace('http', 'ws')}${PEERJS_PATH}/peerjs?${query}`);
  ws.on('error', () => undefined);
  ws.on('open', () => ws.send(frame, { binary }));
  return within(new Promise<void>((resolve) => ws.once('close', () => resolve())), 5_000, undefined).then(
    () => ws.terminate(),
  );
}
