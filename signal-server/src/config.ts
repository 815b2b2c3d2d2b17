import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { parse } from '../../shared/validate';

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Signs peer tickets. Every process behind one address must share it. */
  readonly ticketSecret: Buffer;
}

const EnvSchema = v.object({
  PORT: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0), v.maxValue(65535)), '3000'),
  HOST: v.optional(v.pipe(v.string(), v.minLength(1)), '127.0.0.1'),
  LOG_LEVEL: v.optional(v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  TICKET_SECRET: v.optional(
    v.pipe(v.string(), v.minLength(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)')),
  ),
});

/** Reads the server's configuration from environment variables; throws a message naming each bad variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = parse(EnvSchema, env);
  if (!parsed.ok) throw new Error(`configFromEnv: invalid environment: ${parsed.message}`);
  const { PORT, HOST, LOG_LEVEL, TICKET_SECRET } = parsed.value;
  return {
    port: PORT,
    host: HOST,
    logLevel: LOG_LEVEL,
    ticketSecret: TICKET_SECRET === undefined ? randomBytes(32) : Buffer.from(TICKET_SECRET, 'utf8'),
  };
}
