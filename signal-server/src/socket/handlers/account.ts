import { accountStatement, type AccountAction } from '../../../../shared/crypto/account-statement';
import { verifySignature } from '../../../../shared/crypto/identity';
import { ErrorCode, fail, ok, type Result } from '../../../../shared/errors';
import type { AccountRequest } from '../../../../shared/protocol/account';
import { verifyEd25519Native } from '../../crypto/ed25519';
import { forgetUser, releaseName, type RoomChanged } from '../../stores/forget';
import { peopleOf, publicRoom } from '../../stores/rooms';
import { userRoom, type Handler, type SessionContext, type TypedSocket } from '../context';
import { checkSignInOrigin } from '../server-origin';
import { endSession, takeChallenge } from './session';

/**
 * Checks a signed account request: a challenge this connection was given (unexpired, used once), an origin that
 * is this server, then (last, as the costliest) the session key's signature over the statement.
 */
function verifyRequest(
  event: string,
  action: AccountAction,
  { origin, challenge, signature }: AccountRequest,
  { socket, session, config }: SessionContext,
): Result<true> {
  const taken = takeChallenge(event, socket, challenge);
  if (!taken.ok) return taken;
  const forHere = checkSignInOrigin(origin, config.publicOrigin, socket.handshake);
  if (!forHere.ok)
    return fail(
      ErrorCode.Unauthenticated,
      `${event}: this request is for ${origin}, not for this server (${forHere.reason})`,
    );
  const { userId } = session.user;
  const statement = accountStatement({ origin, challenge: taken.data, action, userId });
  if (!verifySignature(statement, signature, session.identity.signingKey, verifyEd25519Native))
    return fail(
      ErrorCode.Unauthenticated,
      `${event}: the signature does not match this session's identity key`,
    );
  return ok(true);
}

/**
 * Closes the connection once the answer is out: the session is over. The dispatcher acknowledges (an answer, or
 * `internal` for a throw) in the promise callbacks that follow the handler's return; setImmediate runs after them
 * (as for a failed sign-in).
 */
function closeAfterAnswer(socket: TypedSocket): void {
  setImmediate(() => socket.disconnect(true));
}

/** Tells everyone a changed room concerns how it is now, and those no longer in it that it is gone for them. */
function announce({ io }: SessionContext, changed: readonly RoomChanged[]): void {
  for (const { before, after } of changed) {
    const roomId = before.roomId;
    if (after)
      for (const userId of peopleOf(after)) io.to(userRoom(userId)).emit('room:updated', publicRoom(after));
    const still = after ? peopleOf(after) : [];
    for (const userId of peopleOf(before).filter((person) => !still.includes(person)))
      io.to(userRoom(userId)).emit('room:removed', { roomId });
  }
}

/**
 * Frees the session user's name for anyone (signed); the key keeps everything else here. The session ends (its
 * name is gone), and the connection closes after the answer: the client signs in again with another name.
 */
export const accountReleaseName: Handler<'account:release-name'> = {
  requiresSession: true,
  async handle(payload, ctx) {
    const verified = verifyRequest('account:release-name', 'release-name', payload, ctx);
    if (!verified.ok) return verified;
    const { userId } = ctx.session.user;
    // The session is over even if a store fails below: the client signs in again and asks again.
    try {
      await endSession(ctx); // offline for their contacts first: no presence entry names them with it afterwards
      const released = await releaseName(ctx.stores, userId);
      ctx.logger.info({ userId, released }, 'name released by its key');
      return ok({ released });
    } finally {
      closeAfterAnswer(ctx.socket);
    }
  },
};

/**
 * Deletes the session user's account (signed): the server forgets everything it holds for them (see forgetUser),
 * the session ends and the connection closes after the answer. Signing in again later starts a new account.
 */
export const accountDelete: Handler<'account:delete'> = {
  requiresSession: true,
  async handle(payload, ctx) {
    const verified = verifyRequest('account:delete', 'delete-account', payload, ctx);
    if (!verified.ok) return verified;
    const { userId } = ctx.session.user;
    // As for a release, the session is over even if a store fails below (each step is done again when asked again).
    try {
      // Ended first: this connection's later requests find no session, and their contacts see them go offline.
      await endSession(ctx);
      const rooms = await forgetUser(ctx.stores, userId);
      announce(ctx, rooms);
      ctx.logger.info({ userId, rooms: rooms.length }, 'account deleted');
      return ok({ deleted: true });
    } finally {
      closeAfterAnswer(ctx.socket);
    }
  },
};
