import * as v from 'valibot';
import { ErrorCode, fail, type Result } from '../../../shared/errors';
import { MAX_SOCKET_EVENTS_PER_SECOND } from '../../../shared/limits';
import { isRequestEvent, requestSchemas, type RequestEvent } from '../../../shared/protocol/socket';
import { parse } from '../../../shared/validate';
import type { RequestGate } from '../guard/door';
import type { Handler, HandlerContext, HandlerRegistry } from './context';
import { createCostlyBudget } from './costly-events';
import { endSession } from './handlers/session';

/**
 * Routes every incoming event through one gate: event name a string, within the rate (its connection's and its
 * address's, in events and bytes), known event, acknowledgement present, session present when required, payload
 * valid, costly requests and name lookups (costly-events.ts) within their own budgets. Handler failures become `internal` errors
 * with the details logged, never sent.
 */
export function attachDispatcher(ctx: HandlerContext, registry: HandlerRegistry, gate: RequestGate): void {
  const { socket, logger } = ctx;
  const costly = createCostlyBudget();

  // Socket.IO's parser lets through packets with no event name or a number for one (`42`, `421`, `42[0]`): the
  // first argument is then anything at all, even the acknowledgement.
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const ack = args.at(-1);
    const verdict = gate();
    if (verdict === 'flood') {
      logger.warn({ socketId: socket.id }, 'socket flooding; disconnected');
      socket.disconnect(true);
      return;
    }
    if (verdict === 'over') {
      const error = fail(
        ErrorCode.RateLimited,
        `Too many requests: at most ${MAX_SOCKET_EVENTS_PER_SECOND} a second, and as many bytes as the server allows; slow down`,
      );
      if (typeof ack === 'function') (ack as (result: unknown) => void)(error);
      return;
    }
    if (typeof event !== 'string') {
      const message = `Event names must be strings (got ${event === null ? 'null' : typeof event}); send ["<event>", payload]`;
      socket.emit('protocol:error', { event: '', code: ErrorCode.InvalidPayload, message });
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
    const overBudget = costly.spend(event);
    if (overBudget) {
      (ack as (result: unknown) => void)(fail(ErrorCode.RateLimited, overBudget.refused));
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
