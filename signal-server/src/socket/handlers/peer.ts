import { ok } from '../../../../shared/errors';
import type { Handler } from '../context';

/** A fresh ticket for the session's own PeerJS id, e.g. before the PeerJS client reconnects. */
export const peerTicket: Handler<'peer:ticket'> = {
  requiresSession: true,
  async handle(_payload, { session, tickets }) {
    return ok(tickets.issue(session.user.userId));
  },
};
