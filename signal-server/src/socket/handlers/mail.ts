import { randomBytes } from 'node:crypto';
import { ErrorCode, fail, ok } from '../../../../shared/errors';
import { MAX_MAIL_FETCH } from '../../../../shared/limits';
import type { MailItem } from '../../../../shared/protocol/mailbox';
import type { MailboxFull } from '../../stores/mailbox';
import { userRoom, type Handler } from '../context';

const FULL: Record<MailboxFull, string> = {
  messages: 'holds as many messages as it may',
  bytes: 'holds as many bytes as it may',
  sender: 'holds as many of your messages as one sender may',
};

/** Holds a sealed message for its recipient and pushes it to them at once if they are online (the relay path). */
export const mailSend: Handler<'mail:send'> = {
  requiresSession: true,
  async handle({ to, id, message }, { io, session, stores, logger }) {
    const from = session.user.userId;
    if (to === from) return fail(ErrorCode.InvalidPayload, 'mail:send: a message cannot be sent to oneself');
    // Mail only for someone who exists here: random ids cannot each claim a mailbox's worth of storage.
    if (!(await stores.accounts.known(to)))
      return fail(ErrorCode.NotFound, 'mail:send: nobody with this user id has used this server');
    const item: MailItem = {
      mailId: randomBytes(16).toString('hex'),
      from,
      id,
      message,
      storedAt: Date.now(),
    };
    const outcome = await stores.mailbox.put(to, item, JSON.stringify(message).length);
    if (!outcome.ok) {
      logger.info({ from, to, full: outcome.full }, 'mailbox full');
      return fail(
        ErrorCode.QuotaExceeded,
        `The recipient's mailbox on the server ${FULL[outcome.full]}; it will be delivered once they have been online`,
      );
    }
    // Pushed even when already held: the recipient may have missed the first push; it drops duplicates.
    io.to(userRoom(to)).emit('mail:new', { ...item, mailId: outcome.mailId });
    return ok({ mailId: outcome.mailId, expiresAt: outcome.expiresAt });
  },
};

/** The oldest messages waiting for the session's user. */
export const mailFetch: Handler<'mail:fetch'> = {
  requiresSession: true,
  async handle(_payload, { session, stores }) {
    return ok(await stores.mailbox.fetch(session.user.userId, MAX_MAIL_FETCH, Date.now()));
  },
};

/** The user has stored these messages: delete them. */
export const mailAck: Handler<'mail:ack'> = {
  requiresSession: true,
  async handle({ mailIds }, { session, stores }) {
    return ok({ deleted: await stores.mailbox.ack(session.user.userId, mailIds) });
  },
};
