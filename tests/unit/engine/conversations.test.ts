import { describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { createConversations } from '../../../extension/lib/engine/conversations';
import type { ChatMessage } from '../../../extension/lib/model';
import { testVaultStorage } from '../../support/vault';

const peerId = randomId();
const message = (overrides: Partial<ChatMessage> = {}): ChatMessage => ({
  id: randomId(),
  peerId,
  direction: 'in',
  text: 'hi',
  sentAt: 1,
  status: 'sent',
  ...overrides,
});

async function history() {
  const storage = testVaultStorage();
  return { storage, vault: await storage.create('correct horse') };
}

describe('conversations', () => {
  it('keeps messages per contact in arrival order, in the encrypted history', async () => {
    const { storage, vault } = await history();
    const conversations = createConversations(vault.history);
    const first = message();
    const second = message({ direction: 'out' });
    const elsewhere = message({ peerId: randomId() });
    for (const m of [first, second, elsewhere]) {
      const adding = await conversations.add(m);
      expect(adding).not.toBe(false);
      if (adding) await adding.stored;
    }
    expect(await conversations.list(peerId)).toEqual([first, second]);
    // Read back after unlocking again, from storage rather than the cache.
    const reopened = createConversations((await storage.unlock('correct horse')).history);
    expect(await reopened.list(peerId)).toEqual([first, second]);
  });

  it('gives pages of history, newest first page, each oldest first', async () => {
    const conversations = createConversations((await history()).vault.history);
    const messages = Array.from({ length: 5 }, (_, index) => message({ text: `m${index}` }));
    for (const m of messages) await conversations.add(m);
    const texts = (page: readonly ChatMessage[]): string[] => page.map(({ text }) => text);
    expect(texts(await conversations.page(peerId, undefined, 2))).toEqual(['m3', 'm4']);
    expect(texts(await conversations.page(peerId, messages[3]?.id, 2))).toEqual(['m1', 'm2']);
    expect(texts(await conversations.page(peerId, messages[1]?.id, 2))).toEqual(['m0']);
    expect(texts(await conversations.page(peerId, messages[0]?.id, 2))).toEqual([]);
    expect(texts(await conversations.page(peerId))).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    // A message it does not know: nothing, rather than a page from somewhere else.
    expect(await conversations.page(peerId, randomId(), 2)).toEqual([]);
  });

  it('drops a repeated incoming id, even with other content', async () => {
    const conversations = createConversations((await history()).vault.history);
    const original = message();
    await conversations.add(original);
    expect(await conversations.add({ ...original, text: 'replaced?' })).toBe(false);
    expect(await conversations.list(peerId)).toEqual([original]);
  });

  it('updates the status of an outgoing message in place, in memory and in storage', async () => {
    const { vault } = await history();
    const conversations = createConversations(vault.history);
    const sending = message({ direction: 'out', status: 'sending' });
    await conversations.add(sending);
    await conversations.add(message());
    const sent = await conversations.change(peerId, sending.id, 'out', (known) => ({
      ...known,
      status: 'sent',
    }));
    expect(sent?.status).toBe('sent');
    expect((await conversations.list(peerId))[0]?.status).toBe('sent');
    expect(await conversations.list(peerId)).toHaveLength(2);
    expect((await vault.history.list(peerId)).map((m) => m.status)).toEqual(['sent', 'sent']);
  });

  it('does not let an incoming frame overwrite an outgoing message with the same id', async () => {
    const conversations = createConversations((await history()).vault.history);
    const mine = message({ direction: 'out' });
    await conversations.add(mine);
    expect(await conversations.add({ ...mine, direction: 'in', text: 'spoofed' })).toBe(false);
    const spoofed = await conversations.change(peerId, mine.id, 'in', (known) => ({
      ...known,
      text: 'spoofed',
    }));
    expect(spoofed).toBeUndefined();
    expect(await conversations.list(peerId)).toEqual([mine]);
  });

  it('knows a message at once, and forgets it if it could not be stored, so a copy sent again is taken', async () => {
    const { vault } = await history();
    const conversations = createConversations({
      ...vault.history,
      put: () => new Promise((_, reject) => setTimeout(() => reject(new Error('disk full')), 10)),
    });
    const arriving = message();
    const adding = await conversations.add(arriving);
    if (!adding) throw new Error('a new message was taken for a duplicate');
    let settled = false;
    void conversations.settled(peerId).then(() => (settled = true));
    expect(await conversations.get(peerId, arriving.id)).toEqual(arriving); // before it is on disk
    expect(settled).toBe(false);
    await expect(adding.stored).rejects.toThrow('disk full');
    await vi.waitFor(() => expect(settled).toBe(true));
    expect(await conversations.get(peerId, arriving.id)).toBeUndefined();
    expect(await conversations.add(arriving)).not.toBe(false);
  });
});

describe('conversations: the changes messages took', () => {
  it('finds the message that took an edit or delete by the change id, also after it is read again', async () => {
    const { storage, vault } = await history();
    const conversations = createConversations(vault.history);
    const edited = message();
    const adding = await conversations.add(edited);
    if (adding) await adding.stored;
    const change = randomId();
    expect(await conversations.withChange(peerId, change)).toBeUndefined();
    await conversations.change(peerId, edited.id, 'in', (known) => ({
      ...known,
      text: 'hi!',
      changes: [change],
    }));
    expect(await conversations.withChange(peerId, change)).toMatchObject({ id: edited.id, text: 'hi!' });
    const reopened = createConversations((await storage.unlock('correct horse')).history);
    expect(await reopened.withChange(peerId, change)).toMatchObject({ id: edited.id });
    expect(await reopened.get(peerId, edited.id, 'out')).toBeUndefined();
  });
});
