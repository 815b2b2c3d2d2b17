import { beforeEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';

// browser.storage.session as the popup sees it: an area in memory, here a plain object.
const session = vi.hoisted(() => {
  const items = new Map<string, unknown>();
  return {
    items,
    get: vi.fn((key: string) => Promise.resolve(items.has(key) ? { [key]: items.get(key) } : {})),
    set: vi.fn((values: Record<string, unknown>) => {
      for (const [key, value] of Object.entries(values)) items.set(key, value);
      return Promise.resolve();
    }),
    remove: vi.fn((key: string) => {
      items.delete(key);
      return Promise.resolve();
    }),
  };
});
vi.mock('wxt/browser', () => ({ browser: { storage: { session } } }));

/** The module as a newly opened popup has it: nothing read yet. */
const freshPage = async () => {
  vi.resetModules();
  return import('../../../extension/lib/ui/last-conversation');
};

beforeEach(() => {
  session.items.clear();
  vi.clearAllMocks();
});

describe('the conversation the popup showed last (browser.storage.session)', () => {
  it('is kept in the session area as the user goes there, and read by the next popup; the list removes it', async () => {
    const bob = randomId();
    const first = await freshPage();
    await first.loadLastConversation();
    expect(first.lastConversation()).toBeUndefined();
    first.rememberConversation(bob);
    expect(session.set).toHaveBeenCalledWith({ lastConversation: bob });

    const second = await freshPage();
    expect(second.lastConversationKnown()).toBe(false);
    await second.loadLastConversation();
    expect(second.lastConversationKnown()).toBe(true);
    expect(second.lastConversation()).toBe(bob);
    second.rememberConversation(undefined);
    expect(session.remove).toHaveBeenCalledWith('lastConversation');

    const third = await freshPage();
    await third.loadLastConversation();
    expect(third.lastConversation()).toBeUndefined();
  });

  it('takes nothing that is not a conversation id', async () => {
    session.items.set('lastConversation', '<img src=x>');
    const page = await freshPage();
    await page.loadLastConversation();
    expect(page.lastConversation()).toBeUndefined();
  });

  it('keeps a conversation noted while the read was under way (it is newer)', async () => {
    session.items.set('lastConversation', randomId());
    const page = await freshPage();
    const reading = page.loadLastConversation();
    const opened = randomId();
    page.rememberConversation(opened);
    await reading;
    expect(page.lastConversation()).toBe(opened);
  });
});
