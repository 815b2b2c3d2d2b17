import type { Logger } from '../logger';

/**
 * Error codes that belong to one connection: a peer that reset, a socket written after it closed, a WebSocket
 * frame that broke the protocol (`ws`'s WS_ERR_*), an HTTP request the parser refused (HPE_*). Such an error
 * means that one socket is gone or going; nothing shared was half-changed, so the process can keep serving.
 */
const PER_CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

export function isPerConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return PER_CONNECTION_CODES.has(code) || code.startsWith('WS_ERR_') || code.startsWith('HPE_');
}

/**
 * What the process does with an exception or rejection nobody handled. Every socket has its error listener and
 * every request its catch, so reaching here is a bug.
 * - An error known to belong to one connection (isPerConnectionError) is logged and the process keeps serving:
 *   exiting would hand anyone who can reset a socket a way to stop the server for everyone.
 * - Anything else is logged and the process exits (code 1): its state may be half-changed (a store write, a
 *   presence entry, a timer), and serving on from unknown state is worse than a restart. The supervisor
 *   (deploy/compose.yaml `restart:`) starts it again; with Redis, other processes keep serving meanwhile.
 * Only the error's name, code and stack are logged, never its message: messages can quote what a client sent.
 */
export function installCrashPolicy(
  logger: Logger,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const handle = (kind: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    const described = describe(error);
    if (isPerConnectionError(error)) {
      logger.warn({ kind, ...described }, 'a connection failed outside its handlers; still serving');
      return;
    }
    logger.fatal({ kind, ...described }, 'unexpected error; exiting so the supervisor restarts the server');
    exit(1);
  };
  process.on('uncaughtException', handle('uncaughtException'));
  process.on('unhandledRejection', handle('unhandledRejection'));
}

function describe(error: unknown): { name: string; code?: string; stack?: string } {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = (error as { code?: unknown }).code;
  // The stack's first line repeats the message; the frames after it say where, without what.
  const frames = error.stack?.split('\n').slice(1).join('\n');
  return {
    name: error.name,
    ...(typeof code === 'string' && { code }),
    ...(frames !== undefined && { stack: frames }),
  };
}
