import WebSocket from 'ws';

export interface RawSocketIo {
  readonly ws: WebSocket;
  /** Resolves with the next Socket.IO event frame (`42[...]`), parsed: [event, ...args]. */
  nextEvent(): Promise<unknown[]>;
  /** Resolves when the server closes the connection (with the close code). */
  readonly closed: Promise<number>;
}

/**
 * A Socket.IO client spoken by hand over a bare WebSocket, for frames a real client never sends: the engine.io
 * open (`0{...}`) is awaited, then `40` joins the main namespace and its `40{...}` answer is awaited.
 * `localAddress` binds the client to another loopback address (127.0.0.2) to stand for another machine.
 */
export async function openRawSocketIo(serverUrl: string, localAddress?: string): Promise<RawSocketIo> {
  const url = `${serverUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const ws = new WebSocket(url, localAddress === undefined ? {} : { localAddress });
  const frames: string[] = [];
  const waiting: ((frame: string) => void)[] = [];
  ws.on('message', (data) => {
    const text = (data as Buffer).toString('utf8'); // ws delivers text frames as Buffers
    if (text === '2') return ws.send('3'); // engine.io ping: answer, so the server keeps us
    const waiter = waiting.shift();
    if (waiter) waiter(text);
    else frames.push(text);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', resolve));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const next = (): Promise<string> => {
    const frame = frames.shift();
    return frame === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(frame);
  };
  const open = await next();
  if (!open.startsWith('0')) throw new Error(`openRawSocketIo: expected an engine.io open, got ${open}`);
  ws.send('40');
  const connected = await next();
  if (!connected.startsWith('40'))
    throw new Error(`openRawSocketIo: expected a namespace connect, got ${connected}`);
  return {
    ws,
    closed,
    async nextEvent() {
      for (;;) {
        const frame = await next();
        if (frame.startsWith('42')) return JSON.parse(frame.slice(2)) as unknown[];
      }
    },
  };
}
