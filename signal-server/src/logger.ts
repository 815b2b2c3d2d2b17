import { pino, type Logger } from 'pino';
import type { ServerConfig } from './config';

export type { Logger };

/**
 * Structured JSON logs. Call sites log ids, event names and counts only: never message content,
 * signaling payloads (SDP holds addresses and fingerprints) or tickets.
 */
export function createLogger(
  config: Pick<ServerConfig, 'logLevel'>,
  destination?: pino.DestinationStream,
): Logger {
  return pino({ level: config.logLevel, base: { service: 'signal-server' } }, destination);
}
