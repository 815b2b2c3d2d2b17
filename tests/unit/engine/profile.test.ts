import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import { randomId } from '../../../shared/ids';
import type { MailAccepted } from '../../../shared/protocol/mailbox';
import { userIdOfKeys } from '../../../extension/lib/crypto/identity';
import { contentOf } from '../../../extension/lib/engine/content';
import { createMessageLog } from '../../../extension/lib/engine/message-log';
import { openProfile } from '../../../extension/lib/engine/profile';
import type { ChatMessage, ContactRecord } from '../../../extension/lib/model';
import { testVaultStorage } from '../../support/vault';
import { FakeSessions, contactRecord, userId } from './module-fakes';

/** A profile over a real new vault, with a transport that has a channel (or not) and a mailbox answer. */
async function opened(link: boolean, mailAnswer: Result<MailAccepted>, book: ContactRecord[] = []) {
  const vault = await testVaultStorage().create('profile passphrase');
  for (const contact of book) await vault.book.put(contact);
  const emitted: ChatMessage[] = [];
  const log = createMessageLog({ emit: (message) => emitted.push(message) });
  const sessions = new FakeSessions();
  const profile = await openProfile(vault, {
    now: Date.now,
    request: () => Promise.reject(new Error('no server in this test')),
    claimBundle: () => Promise.reject(new Error('no server in this test')),
    lookup: () => Promise.reject(new Error('no server in this test')),
    blockOnServer: () => Promise.reject(new Error('no server in this test')),
    serverOrigin: () => undefined,
    contactsChanged: () => undefined,
    selfName: () => 'Alice',
    changed: () => undefined,
    transport: {
      linkOpen: () => link,
      peerOnline: () => false,
      connect: () => undefined,
      sendDirect: async () => undefined,
      sendMail: async () => mailAnswer,
    },
    log,
    profileRequest: () => Promise.reject(new Error('no server in this test')),
    decodeImage: () => Promise.reject(new Error('no images in this test')),
  });
  // Sealing needs a session with a real contact; this test only follows the outbox's progress.
  vi.spyOn(profile.sessions, 'seal').mockImplementation(sessions.seal);
  return { vault, profile, emitted, log };
}

const message = (peerId: string): ChatMessage => ({
  id: randomId(),
  peerId,
  direction: 'out',
  text: 'hi',
  sentAt: 1,
  status: 'sending',
});

describe('profile (engine)', () => {
  it('opens a vault into its identity, no settings yet, and an empty outbox and rooms', async () => {
    const { vault, profile } = await opened(true, ok({ mailId: 'm', expiresAt: 1 }));
    expect(profile.selfId).toBe(userIdOfKeys(vault.identity));
    expect(profile.settings).toBeNull();
    expect(profile.rooms.views(() => false)).toEqual([]);
    expect(profile.pins.known()).toEqual([]);
    expect(profile.book.list()).toEqual([]);
  });

  it('opens the contact book the vault holds', async () => {
    const bob = contactRecord(userId(), 'accepted', { name: 'Bob' });
    const { profile } = await opened(true, ok({ mailId: 'm', expiresAt: 1 }), [bob]);
    expect(profile.book.list()).toEqual([bob]);
    expect(profile.book.admits(bob.userId)).toBe('contact');
  });

  it('shows the outbox’s progress on the stored message: sent with its path', async () => {
    const { profile, emitted, log } = await opened(true, ok({ mailId: 'm', expiresAt: 1 }));
    const bob = userId();
    const sent = message(bob);
    await log.record(profile.conversations, sent);
    await profile.delivery.send(bob, contentOf(sent), 1);
    await vi.waitFor(() =>
      expect(emitted.at(-1)).toMatchObject({ id: sent.id, status: 'sent', via: 'direct' }),
    );
    profile.delivery.stop();
  });

  it('marks a message the mailbox refused as failed, with the reason', async () => {
    const { profile, emitted, log } = await opened(false, fail(ErrorCode.QuotaExceeded, 'Mailbox full'));
    const bob = userId();
    const sent = message(bob);
    await log.record(profile.conversations, sent);
    await profile.delivery.send(bob, contentOf(sent), 1);
    await vi.waitFor(() =>
      expect(emitted.at(-1)).toMatchObject({ id: sent.id, status: 'failed', error: 'Mailbox full' }),
    );
    profile.delivery.stop();
  });
});
