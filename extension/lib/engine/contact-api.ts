/** The engine's contact requests (add, accept, decline, block, remove, rename, mute, invite link, safety number). */
import { encodeBytes } from '../../../shared/crypto/identity';
import { safetyNumber } from '../../../shared/crypto/safety-number';
import { ErrorCode } from '../../../shared/errors';
import { randomId, type UserId } from '../../../shared/ids';
import { inviteLink } from '../contacts/invite';
import { EngineError } from '../errors';
import type { Contact, EngineParams, EngineResponses } from '../messaging/protocol';
import type { MessageLog } from './message-log';
import type { Profile } from './profile';
import type { Receipts } from './receipts';
import { contactOf } from './view';

type ContactMethod =
  | 'addContact'
  | 'acceptContact'
  | 'declineContact'
  | 'blockContact'
  | 'removeContact'
  | 'renameContact'
  | 'muteContact'
  | 'getInviteLink'
  | 'getSafetyNumber';
type ContactApi = { [M in ContactMethod]: (params: EngineParams<M>) => Promise<EngineResponses[M]> };

export interface ContactApiDeps {
  /** The open profile (a `locked` error if none), re-arming the auto-lock. */
  readonly open: () => Profile;
  readonly now: () => number;
  readonly log: MessageLog;
  readonly receipts: Pick<Receipts, 'soon'>;
  /** A listed contact as pages see it (online or not, their profile). */
  readonly contactView: (userId: UserId) => Contact;
}

export function contactApi({ open, now, log, receipts, contactView }: ContactApiDeps): ContactApi {
  return {
    async getSafetyNumber({ peerId }) {
      const { keys, selfId, book } = open();
      const contact = book.get(peerId);
      if (!contact) throw new EngineError(ErrorCode.NotFound, 'This user is not among your contacts');
      const self = { userId: selfId, signingKey: encodeBytes(keys.signing.publicKey) };
      return { digits: safetyNumber(self, contact) };
    },
    async addContact({ query, greeting }) {
      const opened = open();
      const contact = await opened.book.add(query, greeting);
      // What was said with the request, in the conversation as the first message.
      if (greeting)
        await log.record(opened.conversations, {
          id: randomId(),
          peerId: contact.userId,
          direction: 'out',
          text: greeting,
          sentAt: now(),
          status: contact.owed ? 'sending' : 'sent',
          via: 'server',
        });
      return contactView(contact.userId);
    },
    async acceptContact({ userId }) {
      const opened = open();
      const contact = await opened.book.accept(userId);
      // What they wrote while a request is receipted now: a request gets no receipt (inbound.ts `answers`).
      for (const message of await opened.conversations.list(userId))
        if (message.direction === 'in') receipts.soon(opened, userId, message.id, message.via ?? 'server');
      return contactView(contact.userId);
    },
    async declineContact({ userId }) {
      await open().book.decline(userId);
      return {};
    },
    async blockContact({ userId, blocked }) {
      const contact = await open().book.block(userId, blocked);
      return contact ? contactOf(contact, false) : null;
    },
    async removeContact({ userId }) {
      await open().book.remove(userId);
      return {};
    },
    async renameContact({ userId, alias }) {
      return contactView((await open().book.rename(userId, alias)).userId);
    },
    async muteContact({ userId, muted }) {
      return contactView((await open().book.mute(userId, muted)).userId);
    },
    async getInviteLink() {
      const { settings, keys } = open();
      if (!settings) throw new EngineError(ErrorCode.Unauthenticated, 'Choose a name first');
      return { link: inviteLink(settings.serverUrl, settings.name, encodeBytes(keys.signing.publicKey)) };
    },
  };
}
