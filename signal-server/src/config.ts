import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import {
  MAILBOX_TTL_MS,
  MAX_MAILBOX_BYTES,
  MAX_MAILBOX_MESSAGES,
  MAX_MAILBOX_MESSAGES_FROM_ONE_SENDER,
} from '../../shared/limits';
import { parse } from '../../shared/validate';
import { PRESENCE_TTL_MS } from './stores';
import type { MailboxLimits } from './stores/mailbox';

export interface IceConfig {
  /** STUN and TURN URLs handed to the engines; none by default (no third party sees who talks to whom). */
  readonly urls: readonly string[];
  /** coturn's `static-auth-secret`: the server issues short-lived TURN credentials signed with it. */
  readonly turnSecret?: string;
  /** How long issued TURN credentials work, in seconds. */
  readonly turnTtlSeconds: number;
}

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
  PRESENCE_TTL_SECONDS: v.optional(integer(1, 3600), String(PRESENCE_TTL_MS / 1000)),
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
    },
    ice: {
      urls: value.ICE_URLS?.split(',') ?? [],
      ...(value.TURN_SECRET === undefined ? {} : { turnSecret: value.TURN_SECRET }),
      turnTtlSeconds: value.TURN_TTL_SECONDS,
    },
    presenceTtlMs: value.PRESENCE_TTL_SECONDS * 1000,
  };
}
