import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import {
  DEFAULT_FAILED_SIGN_INS_PER_IP_PER_MINUTE,
  DEFAULT_IP_BYTES_PER_SECOND,
  DEFAULT_IP_EVENTS_PER_SECOND,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_IP,
  DEFAULT_MAX_QUEUED_BYTES_PER_SOCKET,
  DEFAULT_MAX_QUEUED_BYTES_TOTAL,
  DEFAULT_NEW_CONNECTIONS_PER_IP_PER_SECOND,
  DEFAULT_NEW_IDENTITIES_PER_IP_PER_HOUR,
  DEFAULT_SIGN_IN_DEADLINE_MS,
  MAILBOX_TTL_MS,
  MAX_MAILBOX_BYTES,
  MAX_MAILBOX_MESSAGES,
  MAX_MAILBOX_MESSAGES_FROM_ONE_SENDER,
  MAX_MAILBOX_TOTAL_BYTES,
  MAX_NEW_SENDER_MAIL_BYTES,
  MAX_NEW_SENDER_MAIL_MESSAGES,
  MAX_SENDER_MAIL_BYTES,
  NEW_SENDER_AGE_MS,
} from '../../shared/limits';
import { parse } from '../../shared/validate';
import { PRESENCE_TTL_MS } from './stores';
import type { RateBudget } from './rate-window';
import type { MailboxLimits } from './stores/mailbox';

export interface IceConfig {
  /** STUN and TURN URLs handed to the engines; none by default (no third party sees who talks to whom). */
  readonly urls: readonly string[];
  /** coturn's `static-auth-secret`: the server issues short-lived TURN credentials signed with it. */
  readonly turnSecret?: string;
  /** How long issued TURN credentials work, in seconds. */
  readonly turnTtlSeconds: number;
}

/** What the front door admits: connections, how long they may stay unsigned, what they may send and queue. */
export interface DoorConfig {
  /** WebSocket connections (Socket.IO and PeerJS) held at once; past it new ones are refused. */
  readonly maxConnections: number;
  /** WebSocket connections (Socket.IO and PeerJS) one IP address may hold at once. */
  readonly maxConnectionsPerIp: number;
  /** A Socket.IO connection without a session this long after connecting is closed, in ms. */
  readonly signInDeadlineMs: number;
  /** Bytes queued for one socket that does not read before it is cut off. */
  readonly maxQueuedBytesPerSocket: number;
  /** Bytes queued for all Socket.IO sockets together; past it the socket holding the most is cut off first. */
  readonly maxQueuedBytesTotal: number;
  /** What all connections of one IP address may send per second (Socket.IO events and PeerJS frames). */
  readonly perIp: RateBudget;
  /** Behind a reverse proxy: the client's address is the last one in X-Forwarded-For, not the TCP peer's. */
  readonly trustProxy: boolean;
  /** WebSocket connections (Socket.IO and PeerJS) one IP address may open per second (and at once when idle). */
  readonly newConnectionsPerIpPerSecond: number;
  /** Sessions for identity keys never seen before that one IP address may start per hour. */
  readonly newIdentitiesPerIpPerHour: number;
  /** Sign-ins failing verification one IP address may make per minute; past it its sign-ins are refused unverified. */
  readonly failedSignInsPerIpPerMinute: number;
}

/** The front door's limits when the environment does not set them. */
export const DEFAULT_DOOR_CONFIG: DoorConfig = {
  maxConnections: DEFAULT_MAX_CONNECTIONS,
  maxConnectionsPerIp: DEFAULT_MAX_CONNECTIONS_PER_IP,
  signInDeadlineMs: DEFAULT_SIGN_IN_DEADLINE_MS,
  maxQueuedBytesPerSocket: DEFAULT_MAX_QUEUED_BYTES_PER_SOCKET,
  maxQueuedBytesTotal: DEFAULT_MAX_QUEUED_BYTES_TOTAL,
  perIp: { eventsPerSecond: DEFAULT_IP_EVENTS_PER_SECOND, bytesPerSecond: DEFAULT_IP_BYTES_PER_SECOND },
  trustProxy: false,
  newConnectionsPerIpPerSecond: DEFAULT_NEW_CONNECTIONS_PER_IP_PER_SECOND,
  newIdentitiesPerIpPerHour: DEFAULT_NEW_IDENTITIES_PER_IP_PER_HOUR,
  failedSignInsPerIpPerMinute: DEFAULT_FAILED_SIGN_INS_PER_IP_PER_MINUTE,
};

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Signs peer tickets. Every process behind one address must share it. */
  readonly ticketSecret: Buffer;
  /** Where the embedded store keeps its SQLite file (`:memory:` keeps nothing). Unused with Redis. */
  readonly dataDir: string;
  /** Redis for scale-out: shared stores and the Socket.IO adapter. Unset: the embedded store. */
  readonly redisUrl?: string;
  readonly mailbox: MailboxLimits;
  readonly ice: IceConfig;
  /** With Redis: how long a process counts as alive after its last heartbeat; its users are then released. */
  readonly presenceTtlMs: number;
  /**
   * PUBLIC_URL's origin (`https://chat.example.org`): the one server a sign-in may name. Unset: a local server,
   * which accepts sign-ins for loopback addresses only (see socket/server-origin.ts).
   */
  readonly publicOrigin?: string;
  readonly door: DoorConfig;
}

const integer = (min: number, max: number) =>
  v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(min), v.maxValue(max));
const secret = v.pipe(
  v.string(),
  v.minLength(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)'),
);

const EnvSchema = v.object({
  PORT: v.optional(integer(0, 65535), '3000'),
  HOST: v.optional(v.pipe(v.string(), v.minLength(1)), '127.0.0.1'),
  LOG_LEVEL: v.optional(v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  TICKET_SECRET: v.optional(secret),
  DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), 'data'),
  REDIS_URL: v.optional(v.pipe(v.string(), v.regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'))),
  MAILBOX_TTL_DAYS: v.optional(integer(1, 365), String(MAILBOX_TTL_MS / 86_400_000)),
  MAILBOX_MAX_MESSAGES: v.optional(integer(1, 1_000_000), String(MAX_MAILBOX_MESSAGES)),
  MAILBOX_MAX_BYTES: v.optional(integer(1024, 2 ** 40), String(MAX_MAILBOX_BYTES)),
  MAILBOX_TOTAL_MAX_BYTES: v.optional(integer(1024 * 1024, 2 ** 50), String(MAX_MAILBOX_TOTAL_BYTES)),
  ICE_URLS: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^((stuns?|turns?):[^\s,]+)(,(stuns?|turns?):[^\s,]+)*$/,
        'must be comma-separated stun:/turn: URLs',
      ),
    ),
  ),
  TURN_SECRET: v.optional(secret),
  TURN_TTL_SECONDS: v.optional(integer(60, 7 * 86_400), '86400'),
  MAX_CONNECTIONS: v.optional(integer(1, 1_000_000), String(DEFAULT_MAX_CONNECTIONS)),
  MAX_CONNECTIONS_PER_IP: v.optional(integer(1, 1_000_000), String(DEFAULT_MAX_CONNECTIONS_PER_IP)),
  SIGN_IN_DEADLINE_SECONDS: v.optional(integer(1, 3600), String(DEFAULT_SIGN_IN_DEADLINE_MS / 1000)),
  MAX_QUEUED_BYTES_PER_SOCKET: v.optional(
    integer(64 * 1024, 2 ** 32),
    String(DEFAULT_MAX_QUEUED_BYTES_PER_SOCKET),
  ),
  MAX_QUEUED_BYTES_TOTAL: v.optional(integer(1024 * 1024, 2 ** 40), String(DEFAULT_MAX_QUEUED_BYTES_TOTAL)),
  IP_EVENTS_PER_SECOND: v.optional(integer(1, 10_000_000), String(DEFAULT_IP_EVENTS_PER_SECOND)),
  IP_BYTES_PER_SECOND: v.optional(integer(1024, 2 ** 40), String(DEFAULT_IP_BYTES_PER_SECOND)),
  TRUST_PROXY: v.optional(v.picklist(['true', 'false'], 'must be true or false'), 'false'),
  NEW_CONNECTIONS_PER_IP_PER_SECOND: v.optional(
    integer(1, 1_000_000),
    String(DEFAULT_NEW_CONNECTIONS_PER_IP_PER_SECOND),
  ),
  NEW_IDENTITIES_PER_IP_PER_HOUR: v.optional(
    integer(1, 1_000_000),
    String(DEFAULT_NEW_IDENTITIES_PER_IP_PER_HOUR),
  ),
  FAILED_SIGN_INS_PER_IP_PER_MINUTE: v.optional(
    integer(1, 1_000_000),
    String(DEFAULT_FAILED_SIGN_INS_PER_IP_PER_MINUTE),
  ),
  PRESENCE_TTL_SECONDS: v.optional(integer(1, 3600), String(PRESENCE_TTL_MS / 1000)),
  PUBLIC_URL: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol),
        'must be the http(s) URL users connect to, such as https://chat.example.org',
      ),
    ),
  ),
});

/** Reads the server's configuration from environment variables; throws a message naming each bad variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = parse(EnvSchema, env);
  if (!parsed.ok) throw new Error(`configFromEnv: invalid environment: ${parsed.message}`);
  const value = parsed.value;
  const maxMessages = value.MAILBOX_MAX_MESSAGES;
  return {
    port: value.PORT,
    host: value.HOST,
    logLevel: value.LOG_LEVEL,
    ticketSecret:
      value.TICKET_SECRET === undefined ? randomBytes(32) : Buffer.from(value.TICKET_SECRET, 'utf8'),
    dataDir: value.DATA_DIR,
    ...(value.REDIS_URL === undefined ? {} : { redisUrl: value.REDIS_URL }),
    mailbox: {
      ttlMs: value.MAILBOX_TTL_DAYS * 86_400_000,
      maxMessages,
      maxBytes: value.MAILBOX_MAX_BYTES,
      maxFromOneSender: Math.min(maxMessages, MAX_MAILBOX_MESSAGES_FROM_ONE_SENDER),
      maxBytesFromSender: MAX_SENDER_MAIL_BYTES,
      newSender: {
        ageMs: NEW_SENDER_AGE_MS,
        maxMessages: MAX_NEW_SENDER_MAIL_MESSAGES,
        maxBytes: MAX_NEW_SENDER_MAIL_BYTES,
      },
      maxTotalBytes: value.MAILBOX_TOTAL_MAX_BYTES,
    },
    ice: {
      urls: value.ICE_URLS?.split(',') ?? [],
      ...(value.TURN_SECRET === undefined ? {} : { turnSecret: value.TURN_SECRET }),
      turnTtlSeconds: value.TURN_TTL_SECONDS,
    },
    presenceTtlMs: value.PRESENCE_TTL_SECONDS * 1000,
    ...(value.PUBLIC_URL === undefined ? {} : { publicOrigin: new URL(value.PUBLIC_URL).origin }),
    door: {
      maxConnections: value.MAX_CONNECTIONS,
      maxConnectionsPerIp: value.MAX_CONNECTIONS_PER_IP,
      signInDeadlineMs: value.SIGN_IN_DEADLINE_SECONDS * 1000,
      maxQueuedBytesPerSocket: value.MAX_QUEUED_BYTES_PER_SOCKET,
      maxQueuedBytesTotal: value.MAX_QUEUED_BYTES_TOTAL,
      perIp: { eventsPerSecond: value.IP_EVENTS_PER_SECOND, bytesPerSecond: value.IP_BYTES_PER_SECOND },
      trustProxy: value.TRUST_PROXY === 'true',
      newConnectionsPerIpPerSecond: value.NEW_CONNECTIONS_PER_IP_PER_SECOND,
      newIdentitiesPerIpPerHour: value.NEW_IDENTITIES_PER_IP_PER_HOUR,
      failedSignInsPerIpPerMinute: value.FAILED_SIGN_INS_PER_IP_PER_MINUTE,
    },
  };
}
