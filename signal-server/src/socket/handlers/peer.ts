import { ErrorCode, fail, ok } from '../../../../shared/errors';
import type { Handler } from '../context';

/** A fresh ticket for the session's own PeerJS id, e.g. before the PeerJS client reconnects. */
export const peerTicket: Handler<'peer:ticket'> = {
  requiresSession: true,
  async handle(_payload, { socket, tickets }) {
    const user = socket.data.user;
    if (!user) return fail(ErrorCode.Unauthenticated, 'peer:ticket: start a session first (session:start)');
    return ok(tickets.issue(user.userId));
  },
};
