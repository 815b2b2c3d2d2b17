import type { Server, Socket } from 'socket.io';
import type * as v from 'valibot';
import type { PublicIdentity } from '../../../shared/crypto/identity';
import type { Result } from '../../../shared/errors';
import type {
  ClientToServerEvents,
  RequestEvent,
  ResponseMap,
  ServerToClientEvents,
  User,
  requestSchemas,
} from '../../../shared/protocol/socket';
import type { DeliveredFrame } from '../../../shared/protocol/peerjs';
import type { PresenceToken } from '../../../shared/protocol/contacts';
import type { ServerConfig } from '../config';
import type { FailedSignInBudget } from '../guard/failed-sign-ins';
import type { NewcomerBudget } from '../guard/newcomers';
import type { Logger } from '../logger';
import type { TicketAuthority } from '../peerjs/tickets';
import type { Stores } from '../stores';

export interface SocketData {
  /** The nonce handed out by `session:challenge`, until it is answered (once) or expires. */
  challenge?: { readonly bytes: Uint8Array; readonly expiresAt: number };
  /** Set once `session:start` succeeded. */
  user?: User;
  /** The identity proven by `session:start`: published with the user's prekeys. */
  identity?: PublicIdentity;
  /**
   * The presence tokens this session presents (`presence:watch`; the socket is in each one's room) and whether it
   * shows itself to them. Absent until the first watch.
   */
  presence?: { readonly tokens: ReadonlySet<PresenceToken>; readonly visible: boolean };
}

/** Between server processes (through the adapter): a signaling frame for a PeerJS socket held elsewhere. */
export interface ServerSideEvents {
  signal: (frame: DeliveredFrame, reached: (delivered: boolean) => void) => void;
}

export type TypedServer = Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type TypedSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

export interface HandlerContext {
  readonly io: TypedServer;
  readonly socket: TypedSocket;
  readonly stores: Stores;
  readonly tickets: TicketAuthority;
  readonly logger: Logger;
  readonly config: Pick<ServerConfig, 'mailbox' | 'ice' | 'publicOrigin'>;
  /** New identities per address, shared by the process's sockets. */
  readonly newcomers: NewcomerBudget;
  /** Sign-ins failing verification per address, shared by the process's sockets. */
  readonly failedSignIns: FailedSignInBudget;
}

/** The running session of the socket a request came on: who proved which identity key (`session:start`). */
export interface Session {
  readonly user: User;
  readonly identity: PublicIdentity;
}

export type SessionContext = HandlerContext & { readonly session: Session };

type Payload<E extends RequestEvent> = v.InferOutput<(typeof requestSchemas)[E]>;

/**
 * A request's handler. One that requires a session is only called with it: the dispatcher answers
 * `unauthenticated` before, so no handler checks for it again.
 */
export type Handler<E extends RequestEvent> =
  | {
      readonly requiresSession: false;
      handle(payload: Payload<E>, ctx: HandlerContext): Promise<Result<ResponseMap[E]>>;
    }
  | {
      readonly requiresSession: true;
      handle(payload: Payload<E>, ctx: SessionContext): Promise<Result<ResponseMap[E]>>;
    };

export type HandlerRegistry = { readonly [E in RequestEvent]: Handler<E> };

/**
 * Room of one presence token, on whichever process: the sockets of the (two) users who present it. Presence goes
 * only to these rooms, so a sign-in costs one room per contact, however many users the server holds.
 */
export const tokenRoom = (token: PresenceToken): string => `pt:${token}`;

/** Room of one user's session socket, on whichever process holds it: pushes for the user go to it. */
export const userRoom = (userId: string): string => `user:${userId}`;
