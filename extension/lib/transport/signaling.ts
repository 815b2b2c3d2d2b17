import { io, type Socket } from 'socket.io-client';
import { ErrorCode, fail, type Result } from '../../../shared/errors';
import {
  pushSchemas,
  type PushEvent,
  type PushPayload,
  responseSchemas,
  type ClientToServerEvents,
  type RequestEvent,
  type RequestPayload,
  type ResponseMap,
  type ServerToClientEvents,
} from '../../../shared/protocol/socket';
import type { MailItem } from '../../../shared/protocol/mailbox';
import type { Room } from '../../../shared/protocol/rooms';
import { parse } from '../../../shared/validate';
import type { RoomId } from '../../../shared/ids';

/** How long a request waits for the server's acknowledgement, in ms. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface SignalingHandlers {
  onConnected(): void;
  onDisconnected(reason: string): void;
  /** Whoever shares this presence token with us is online; `reply`: they answer our own announcement. */
  onPresenceOnline(token: string, reply: boolean): void;
  onPresenceOffline(token: string): void;
  /** Mail pushed by the server while online (validated). */
  onMail(item: MailItem): void;
  onRoomUpdated(room: Room): void;
  onRoomRemoved(roomId: RoomId): void;
  /** The server holds few of this user's one-time prekeys now (claims spent them): publish more. */
  onPrekeysLow(remaining: number): void;
}

export interface SignalingConnection {
  request<E extends RequestEvent>(event: E, payload: RequestPayload<E>): Promise<Result<ResponseMap[E]>>;
  close(): void;
}

export type ConnectSignaling = (serverUrl: string, handlers: SignalingHandlers) => SignalingConnection;

/** The engine's Socket.IO connection: reconnects by itself with jittered back-off; every push is validated. */
export const connectSignaling: ConnectSignaling = (serverUrl, handlers) => {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(serverUrl, {
    transports: ['websocket'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
  });
  socket.on('connect', () => handlers.onConnected());
  socket.on('disconnect', (reason) => handlers.onDisconnected(reason));
  socket.on('connect_error', (error) => handlers.onDisconnected(error.message));
  /** Every push is validated before its handler sees it; a malformed one is logged and dropped. */
  const onPush = <E extends PushEvent>(event: E, handle: (payload: PushPayload<E>) => void): void => {
    // The socket's event map types each listener; the payload is validated here rather than trusted.
    (socket.on as (e: string, listener: (payload: unknown) => void) => void)(event, (payload) => {
      const parsed = parse(pushSchemas[event], payload);
      if (parsed.ok) handle(parsed.value);
      else console.warn(`signaling: ignored malformed ${event} (${parsed.message})`);
    });
  };
  onPush('presence:online', ({ token, reply }) => handlers.onPresenceOnline(token, reply));
  onPush('presence:offline', ({ token }) => handlers.onPresenceOffline(token));
  onPush('mail:new', (item) => handlers.onMail(item));
  onPush('room:updated', (room) => handlers.onRoomUpdated(room));
  onPush('room:removed', ({ roomId }) => handlers.onRoomRemoved(roomId));
  onPush('prekeys:low', ({ remaining }) => handlers.onPrekeysLow(remaining));
  socket.on('protocol:error', (error) => console.warn('signaling: the server refused a frame', error.code));

  return {
    async request(event, payload) {
      let answer: unknown;
      try {
        // The socket's event map types this emit; the answer is validated below, not trusted.
        answer = await (
          socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck as (e: string, p: unknown) => Promise<unknown>
        )(event, payload);
      } catch {
        return fail(
          ErrorCode.Internal,
          `The server did not answer ${event} within ${REQUEST_TIMEOUT_MS / 1000} s`,
        );
      }
      const parsed = parse(responseSchemas[event], answer);
      if (!parsed.ok)
        return fail(
          ErrorCode.InvalidPayload,
          `The server's answer to ${event} is malformed: ${parsed.message}`,
        );
      // Parsed by this event's own schema; TypeScript cannot follow a generic event into the table of schemas.
      return parsed.value as Result<ResponseMap[typeof event]>;
    },
    close() {
      socket.close();
    },
  };
};
