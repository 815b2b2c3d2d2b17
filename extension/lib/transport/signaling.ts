import { io, type Socket } from 'socket.io-client';
import { ErrorCode, fail, type Result } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import {
  PresenceOfflineSchema,
  UserSchema,
  pushSchemas,
  responseSchemas,
  type ClientToServerEvents,
  type RequestEvent,
  type RequestPayload,
  type ResponseMap,
  type ServerToClientEvents,
  type User,
} from '../../../shared/protocol/socket';
import type { MailItem } from '../../../shared/protocol/mailbox';
import type { Room, RoomId } from '../../../shared/protocol/rooms';
import { parse } from '../../../shared/validate';

/** How long a request waits for the server's acknowledgement, in ms. */
const REQUEST_TIMEOUT_MS = 10_000;

export interface SignalingHandlers {
  onConnected(): void;
  onDisconnected(reason: string): void;
  onPresenceOnline(user: User): void;
  onPresenceOffline(userId: UserId): void;
  /** Mail pushed by the server while online (validated). */
  onMail(item: MailItem): void;
  onRoomUpdated(room: Room): void;
  onRoomRemoved(roomId: RoomId): void;
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
  socket.on('presence:online', (user: unknown) => {
    const parsed = parse(UserSchema, user);
    if (parsed.ok) handlers.onPresenceOnline(parsed.value);
    else console.warn(`signaling: ignored malformed presence:online (${parsed.message})`);
  });
  socket.on('presence:offline', (user: unknown) => {
    const parsed = parse(PresenceOfflineSchema, user);
    if (parsed.ok) handlers.onPresenceOffline(parsed.value.userId);
    else console.warn(`signaling: ignored malformed presence:offline (${parsed.message})`);
  });
  socket.on('mail:new', (item: unknown) => {
    const parsed = parse(pushSchemas['mail:new'], item);
    if (parsed.ok) handlers.onMail(parsed.value);
    else console.warn(`signaling: ignored malformed mail:new (${parsed.message})`);
  });
  socket.on('room:updated', (room: unknown) => {
    const parsed = parse(pushSchemas['room:updated'], room);
    if (parsed.ok) handlers.onRoomUpdated(parsed.value);
    else console.warn(`signaling: ignored malformed room:updated (${parsed.message})`);
  });
  socket.on('room:removed', (room: unknown) => {
    const parsed = parse(pushSchemas['room:removed'], room);
    if (parsed.ok) handlers.onRoomRemoved(parsed.value.roomId);
    else console.warn(`signaling: ignored malformed room:removed (${parsed.message})`);
  });
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
      return parsed.value as Result<ResponseMap[typeof event]>;
    },
    close() {
      socket.close();
    },
  };
};
