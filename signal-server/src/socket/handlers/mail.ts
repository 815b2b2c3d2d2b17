import { randomBytes } from 'node:crypto';
import { ErrorCode, fail, ok } from '../../../../shared/errors';
import { MAX_MAIL_FETCH, MAX_MAIL_FETCH_BYTES } from '../../../../shared/limits';
import type { MailItem } from '../../../../shared/protocol/mailbox';
import type { AccountStore } from '../../stores/accounts';
import type { MailboxFull, MailboxLimits } from '../../stores/mailbox';
import { whenSent } from '../../guard/outgoing';
import { userRoom, type Handler, type TypedSocket } from '../context';

const MiB = 1024 * 1024;
const inMiB = (bytes: number): string => `${Math.round((bytes / MiB) * 10) / 10} MiB`;

/** Why a message was refused, and what will let it through. */
function refusal(full: MailboxFull, limits: MailboxLimits): string {
  const { newSender } = limits;
  switch (full) {
    case 'messages':
    case 'bytes':
    case 'sender': {
      const what = {
        messages: 'holds as many messages as it may',
        bytes: 'holds as many bytes as it may',
        sender: 'holds as many of your messages as one sender may',
      }[full];
      return `The recipient's mailbox on the server ${what}; it will be delivered once they have been online`;
    }
    case 'new-sender':
      return (
        `Your key is new on this server: until it has been here ${Math.round(newSender.ageMs / 3_600_000)} h, ` +
        `at most ${newSender.maxMessages} of your messages (${inMiB(newSender.maxBytes)}) may wait in mailboxes ` +
        'at once; more go as recipients fetch them'
      );
    case 'sender-bytes':
      return `At most ${inMiB(limits.maxBytesFromSender)} of your messages may wait in mailboxes on this server at once; more go as recipients fetch them`;
    case 'total':
      return "The server's mailbox storage is full; try again later (its operator can raise MAILBOX_TOTAL_MAX_BYTES)";
  }
}

/** Whether mail from `userId` gets the new sender's quota: a key seen here for less than `ageMs`. */
async function isNewSender(accounts: AccountStore, userId: string, limits: MailboxLimits, now: number) {
  const firstSeen = await accounts.firstSeen(userId);
  return firstSeen === undefined || now - firstSeen < limits.newSender.ageMs;
}

/** Holds a sealed message for its recipient and pushes it to them at once if they are online (the relay path). */
export const mailSend: Handler<'mail:send'> = {
  requiresSession: true,
  async handle({ to, id, message }, { io, session, stores, logger, config }) {
    const from = session.user.userId;
    if (to === from) return fail(ErrorCode.InvalidPayload, 'mail:send: a message cannot be sent to oneself');
    // Mail only for someone who exists here: random ids cannot each claim a mailbox's worth of storage.
    if (!(await stores.accounts.known(to)))
      return fail(ErrorCode.NotFound, 'mail:send: nobody with this user id has used this server');
    // A blocked sender's mail is answered as if taken, and dropped: nothing of it is stored or pushed. A refusal
    // would tell them they are blocked, and their client would keep sending it again.
    if (await stores.blocks.blocks(to, from))
      return ok({ mailId: randomBytes(16).toString('hex'), expiresAt: Date.now() + config.mailbox.ttlMs });
    const item: MailItem = {
      mailId: randomBytes(16).toString('hex'),
      from,
      id,
      message,
      storedAt: Date.now(),
    };
    const limits = config.mailbox;
    const isNew = await isNewSender(stores.accounts, from, limits, item.storedAt);
    const outcome = await stores.mailbox.put(to, item, JSON.stringify(message).length, { isNew });
    if (!outcome.ok) {
      logger.info({ from, to, full: outcome.full }, 'mailbox full');
      return fail(ErrorCode.QuotaExceeded, refusal(outcome.full, limits));
    }
    // Pushed even when already held: the recipient may have missed the first push; it drops duplicates.
    io.to(userRoom(to)).emit('mail:new', { ...item, mailId: outcome.mailId });
    return ok({ mailId: outcome.mailId, expiresAt: outcome.expiresAt });
  },
};

/** Sockets with a page being read, or answered but not yet sent: they may not ask for another. */
const fetching = new WeakSet<TypedSocket>();

/**
 * The oldest messages waiting for the session's user, a page bounded in count and in bytes. One page at a time per
 * socket: until the last one has left the process (read and written out), another request would read and
 * serialise the same unacknowledged page again, so it is refused. A client awaits each page before the next.
 */
export const mailFetch: Handler<'mail:fetch'> = {
  requiresSession: true,
  async handle(_payload, { socket, session, stores }) {
    if (fetching.has(socket))
      return fail(
        ErrorCode.RateLimited,
        'mail:fetch: the previous page has not been sent yet; wait for its answer, then ask for the next',
      );
    fetching.add(socket);
    try {
      const page = { maxItems: MAX_MAIL_FETCH, maxBytes: MAX_MAIL_FETCH_BYTES };
      return ok(await stores.mailbox.fetch(session.user.userId, page, Date.now()));
    } finally {
      // The answer is queued right after this returns; the socket may ask again once it has been written out.
      whenSent(socket.conn, () => fetching.delete(socket));
    }
  },
};

/** The user has stored these messages: delete them. */
export const mailAck: Handler<'mail:ack'> = {
  requiresSession: true,
  async handle({ mailIds }, { session, stores }) {
    return ok({ deleted: await stores.mailbox.ack(session.user.userId, mailIds) });
  },
};
