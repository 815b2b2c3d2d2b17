import * as v from 'valibot';
import { ErrorCode, fail, type Result } from '../../../shared/errors';
import { FLOOD_DISCONNECT_FACTOR, MAX_SOCKET_EVENTS_PER_SECOND } from '../../../shared/limits';
import { isRequestEvent, requestSchemas, type RequestEvent } from '../../../shared/protocol/socket';
import { parse } from '../../../shared/validate';
import type { Handler, HandlerContext, HandlerRegistry } from './context';
import { createRateWindow } from '../rate-window';
import { endSession } from './handlers/session';

/**
 * Routes every incoming event through one gate: known event, acknowledgement present,
 * session present when required, payload valid. Handler failures become `internal` errors
 * with the details logged, never sent.
 */
export function attachDispatcher(ctx: HandlerContext, registry: HandlerRegistry): void {
  const { socket, logger } = ctx;
  const rate = createRateWindow();

  socket.onAny((event: string, ...args: unknown[]) => {
    const ack = args.at(-1);
    const seen = rate.hit();
    if (seen > MAX_SOCKET_EVENTS_PER_SECOND) {
      if (seen === MAX_SOCKET_EVENTS_PER_SECOND * FLOOD_DISCONNECT_FACTOR) {
        logger.warn({ socketId: socket.id }, 'socket flooding; disconnected');
        socket.disconnect(true);
        return;
      }
      const error = fail(
        ErrorCode.RateLimited,
        `Too many requests: at most ${MAX_SOCKET_EVENTS_PER_SECOND} a second`,
      );
      if (typeof ack === 'function') (ack as (result: unknown) => void)(error);
      return;
    }
    if (!isRequestEvent(event)) {
      socket.emit('protocol:error', { event: event.slice(0, 64), ...unknownEvent(event).error });
      return;
    }
    if (typeof ack !== 'function') {
      const message = `${event}: requests must be sent with an acknowledgement (emitWithAck)`;
      socket.emit('protocol:error', { event, code: ErrorCode.InvalidPayload, message });
      return;
    }
    void run(event, args.length > 1 ? args[0] : undefined).then((result) => {
      (ack as (result: unknown) => void)(result);
    });
  });

  socket.on('disconnect', () => {
    endSession(ctx).catch((error: unknown) => logger.error({ err: error }, 'ending session failed'));
  });

  async function run(event: RequestEvent, payload: unknown): Promise<Result<unknown>> {
    // The registry is keyed by event, so registry[event] takes what requestSchemas[event] outputs.
    const handler = registry[event] as Handler<RequestEvent>;
    const { user, identity } = socket.data;
    const session = user && identity ? { user, identity } : undefined;
    // A handler that requires a session gets it in its context, or is not called.
    const call = handler.requiresSession
      ? session && ((input: never) => handler.handle(input, { ...ctx, session }))
      : (input: never) => handler.handle(input, ctx);
    if (!call) return fail(ErrorCode.Unauthenticated, `${event}: start a session first (session:start)`);
    const parsed = parse(requestSchemas[event] as v.GenericSchema, payload);
    if (!parsed.ok) return fail(ErrorCode.InvalidPayload, `${event}: ${parsed.message}`);
    try {
      return await call(parsed.value as never);
    } catch (error) {
      logger.error({ err: error, event, socketId: socket.id }, 'handler failed');
      return fail(ErrorCode.Internal, `${event}: the server failed; try again`);
    }
  }
}

function unknownEvent(event: unknown): { ok: false; error: { code: ErrorCode; message: string } } {
  const known = Object.keys(requestSchemas).join(', ');
  return fail(
    ErrorCode.UnknownEvent,
    `Unknown event "${String(event).slice(0, 64)}"; known events: ${known}`,
  );
}
