import { describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { searchConversation } from '../../../extension/lib/engine/conversation-search';
import { NEWEST_HELD, createConversations } from '../../../extension/lib/engine/conversations';
import { openMessengerDB } from '../../../extension/lib/storage/db';
import { CHANGES_INDEXED_KEY } from '../../../extension/lib/storage/history-store';
import type { ChatMessage } from '../../../extension/lib/model';
import { present, testVaultStorage } from '../../support/vault';

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

describe('conversations: a history longer than what is held', () => {
  /** A profile whose history holds `count` messages with the peer (by a restore: one transaction), reopened. */
  async function longHistory(count: number, overrides: (index: number) => Partial<ChatMessage> = () => ({})) {
    const { storage, vault } = await history();
    const messages = Array.from({ length: count }, (_, index) =>
      message({ text: `m${index}`, status: 'read', ...overrides(index) }),
    );
    await vault.restore({ identity: vault.identity, contacts: [], messages });
    const reopened = await storage.unlock('correct horse'); // a restarted engine: nothing cached
    const lists = vi.spyOn(reopened.history, 'list');
    return { storage, messages, history: reopened.history, lists };
  }
  const texts = (page: readonly ChatMessage[]): string[] => page.map(({ text }) => text);
  const range = (from: number, to: number): string[] =>
    Array.from({ length: to - from }, (_, index) => `m${from + index}`);
  const COUNT = NEWEST_HELD + 150;

  it('gives pages from anywhere in the history without reading it whole', async () => {
    const { messages, history: stored, lists } = await longHistory(COUNT);
    const conversations = createConversations(stored);
    const id = (index: number): string | undefined => messages[index]?.id;
    expect(texts(await conversations.page(peerId, undefined, 100))).toEqual(range(COUNT - 100, COUNT));
    // Across the start of what is held, and wholly before it.
    expect(texts(await conversations.page(peerId, id(160), 30))).toEqual(range(130, 160));
    expect(texts(await conversations.page(peerId, id(20), 30))).toEqual(range(0, 20));
    expect(await conversations.page(peerId, id(0), 30)).toEqual([]);
    expect(await conversations.page(peerId, randomId(), 30)).toEqual([]);
    expect(lists).not.toHaveBeenCalled();
    // The whole of it, when asked: the same messages, in the same order.
    expect(texts(await conversations.list(peerId))).toEqual(range(0, COUNT));
    expect(texts(await conversations.page(peerId, id(20), 30))).toEqual(range(0, 20));
  });

  it('finds, changes and refuses again a message older than those held, and sees its change in the pages', async () => {
    const {
      storage,
      messages,
      history: stored,
      lists,
    } = await longHistory(COUNT, (index) => (index === 5 ? { direction: 'out', status: 'sent' } : {}));
    const conversations = createConversations(stored);
    const old = present(messages[5], 'an old message');
    expect(await conversations.get(peerId, old.id, 'out')).toEqual(old);
    expect(await conversations.get(peerId, old.id, 'in')).toBeUndefined();
    expect(await conversations.add({ ...old, direction: 'in', text: 'spoofed' })).toBe(false);
    // Two changes at once: neither is lost.
    await Promise.all([
      conversations.change(peerId, old.id, 'out', (known) => ({ ...known, status: 'delivered' })),
      conversations.change(peerId, old.id, 'out', (known) => ({ ...known, text: `${known.text}!` })),
    ]);
    const changed = { ...old, status: 'delivered', text: 'm5!' };
    expect(await conversations.get(peerId, old.id)).toEqual(changed);
    expect((await conversations.page(peerId, messages[6]?.id, 1))[0]).toEqual(changed);
    expect(lists).not.toHaveBeenCalled();
    await conversations.settled(peerId);
    const reopened = createConversations((await storage.unlock('correct horse')).history);
    expect(await reopened.get(peerId, old.id)).toEqual(changed);
    expect((await reopened.list(peerId))[5]).toEqual(changed);
  });

  it('finds the message that took a change, however old, also in a database written before change records', async () => {
    const change = randomId();
    const {
      storage,
      messages,
      history: stored,
    } = await longHistory(COUNT, (index) => (index === 3 ? { changes: [change], text: 'edited' } : {}));
    const target = present(messages[3], 'an edited message');
    expect(await createConversations(stored).withChange(peerId, change)).toEqual(target);
    expect(await createConversations(stored).withChange(peerId, randomId())).toBeUndefined();
    // A database from before change records: none of them, and not the mark that says they are all there.
    const db = await openMessengerDB(storage.dbName);
    const keys = (await db.getAllKeys('records')).filter(
      (key) => key.startsWith('change:') || key === CHANGES_INDEXED_KEY,
    );
    expect(keys.length).toBe(2);
    for (const key of keys) await db.delete('records', key);
    db.close();
    const upgraded = (await storage.unlock('correct horse')).history;
    expect(await createConversations(upgraded).withChange(peerId, change)).toEqual(target);
    // Written once: a later engine finds them without walking the history again.
    const again = (await storage.unlock('correct horse')).history;
    const walks = vi.spyOn(IDBObjectStore.prototype, 'getAll');
    expect(await createConversations(again).withChange(peerId, change)).toEqual(target);
    expect(walks).not.toHaveBeenCalled();
  });

  it('gives the unread incoming messages back to the last one read, however many', async () => {
    const unreadFrom = 100;
    const { history: stored, lists } = await longHistory(COUNT, (index) =>
      index >= unreadFrom && index % 2 === 0
        ? { status: 'delivered' } // incoming, not read
        : index % 2 === 1
          ? { direction: 'out', status: 'sent' }
          : {},
    );
    const conversations = createConversations(stored);
    const unread = await conversations.unread(peerId);
    expect(texts(unread)).toEqual(range(unreadFrom, COUNT).filter((_, index) => index % 2 === 0));
    expect(lists).not.toHaveBeenCalled();
  });
});

describe('conversations: a search through a long history', () => {
  it('reads no further than the matches it needs, and reads the whole of it once for a search that finds nothing', async () => {
    const { storage, vault } = await history();
    const count = NEWEST_HELD + 2500;
    const messages = Array.from({ length: count }, (_, index) =>
      message({ text: index === 10 ? 'the old one' : `m${index}`, status: 'read' }),
    );
    await vault.restore({ identity: vault.identity, contacts: [], messages });
    const stored = (await storage.unlock('correct horse')).history;
    const pages = vi.spyOn(stored, 'page');
    const conversations = createConversations(stored);
    const found = await searchConversation(conversations, peerId, `M${count - 1}`.slice(0, -1), 3);
    expect(found.map(({ text }) => text)).toEqual([`m${count - 1}`, `m${count - 2}`, `m${count - 3}`]);
    expect(pages).toHaveBeenCalledTimes(1); // the newest held, and nothing before them
    expect((await searchConversation(conversations, peerId, 'OLD', 5)).map(({ text }) => text)).toEqual([
      'the old one',
    ]);
    expect(await searchConversation(conversations, peerId, 'nowhere', 5)).toEqual([]);
    pages.mockClear();
    // Held whole now: another search, and a page anywhere, read nothing from disk.
    expect(await searchConversation(conversations, peerId, 'nowhere either', 5)).toEqual([]);
    expect((await conversations.page(peerId, messages[11]?.id, 2)).map(({ text }) => text)).toEqual([
      'm9',
      'the old one',
    ]);
    expect(pages).not.toHaveBeenCalled();
  });
});
