import { ErrorCode, fail, ok } from '../../../../shared/errors';
import { ONLINE_ROOM, type Handler, type HandlerContext } from '../context';

export const sessionStart: Handler<'session:start'> = {
  requiresSession: false,
  async handle({ userId, name }, { io, socket, stores, tickets, logger }) {
    if (socket.data.user) {
      return fail(
        ErrorCode.InvalidPayload,
        'session:start: a session is already running on this socket; reconnect to start another',
      );
    }
    const user = { userId, name };
    const claim = await stores.presence.claim(user, socket.id);
    if (!claim.ok)
      return fail(ErrorCode.NameTaken, `The name "${name}" is in use by someone online; choose another name`);
    if (!socket.connected) {
      // The socket went away while the claim was being written: undo it, nobody will release it later.
      await stores.presence.release(userId, socket.id);
      return fail(ErrorCode.Internal, 'session:start: the connection closed during the request');
    }
    if (claim.replaced) io.in(claim.replaced).disconnectSockets(true);
    socket.data.user = user;
    await socket.join(ONLINE_ROOM);
    socket.to(ONLINE_ROOM).emit('presence:online', user);
    logger.info({ userId, socketId: socket.id }, 'session started');
    const online = (await stores.presence.list()).filter((other) => other.userId !== userId);
    return ok({ self: user, online, peer: tickets.issue(userId) });
  },
};

/** Ends the socket's session, if any, and tells the others when that took the user offline. */
export async function endSession({ socket, stores, logger }: HandlerContext): Promise<void> {
  const user = socket.data.user;
  if (!user) return;
  socket.data.user = undefined;
  const wentOffline = await stores.presence.release(user.userId, socket.id);
  if (wentOffline) socket.to(ONLINE_ROOM).emit('presence:offline', { userId: user.userId });
  logger.info({ userId: user.userId, socketId: socket.id, wentOffline }, 'session ended');
}
