import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ShareEngineLink } from '../../../extension/lib/host/share-menu';
import type { ChatMessage } from '../../../extension/lib/model';
import type { ShareTarget } from '../../../extension/lib/messaging/protocol';

type Click = (info: unknown, tab?: unknown) => void;
const created: { id: string }[] = [];
const clickListeners: Click[] = [];
const removeAll = vi.fn(() => {
  created.length = 0;
  return Promise.resolve();
});
const permissionsRequest = vi.fn(() => Promise.resolve(true));
const windowsCreate = vi.fn<(options: { url: string }) => Promise<object>>(() => Promise.resolve({}));
const setTitle = vi.fn(() => Promise.resolve());

// What the background's menu reads of the browser: Chrome's contextMenus, permissions, windows and the action.
vi.mock('wxt/browser', () => ({
  browser: {
    runtime: { id: 'own', getURL: (path: string) => `chrome-extension://own${path}`, lastError: undefined },
    contextMenus: {
      create: (item: { id: string }, done: () => void) => {
        created.push(item);
        done();
      },
      removeAll,
      onClicked: { addListener: (listener: Click) => void clickListeners.push(listener) },
    },
    permissions: { request: permissionsRequest },
    windows: { create: windowsCreate },
    action: { setTitle },
  },
}));
const { SHARE_MENU_GLOBAL, startShareMenu } = await import('../../../extension/lib/host/share-menu');
const { targetMenuId } = await import('../../../extension/lib/share/menu-items');
const { parseShareWindowQuery } = await import('../../../extension/lib/share/share-window');

const BOB = 'b'.repeat(32);
const bob: ShareTarget = { id: BOB, name: 'Bob', kind: 'contact' };
const sentMessage = { id: 'c'.repeat(32) } as ChatMessage; // only its id is read

function fakeLink(answer: ShareEngineLink['send'] = () => Promise.resolve(sentMessage)) {
  let listener: ((targets: readonly ShareTarget[]) => void) | undefined;
  const send = vi.fn(answer);
  const link: ShareEngineLink = { send, watchTargets: (added) => void (listener = added) };
  return { link, send, report: (targets: readonly ShareTarget[]) => listener?.(targets) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const openedWith = () => parseShareWindowQuery(new URL(windowsCreate.mock.calls[0]?.[0].url ?? '').search);

beforeEach(() => {
  created.length = 0;
  clickListeners.length = 0;
  vi.clearAllMocks();
});

describe('the background’s context menu', () => {
  it('is built at once, rebuilt from scratch when the targets change, and published for tests', async () => {
    const { link, report } = fakeLink();
    const menu = startShareMenu(link);
    await settle();
    expect(created.map((item) => item.id)).toEqual(['send-to', 'send-to:choose', 'send-file']);
    report([bob]);
    await settle();
    expect(removeAll).toHaveBeenCalledTimes(2);
    expect(created.map((item) => item.id)).toContain(targetMenuId(BOB));
    expect(menu.items()).toEqual(created);
    expect((globalThis as Record<string, unknown>)[SHARE_MENU_GLOBAL]).toBe(menu);
    expect(clickListeners).toHaveLength(1);
  });

  it('asks host access for an image’s origin in the click itself, then sends whatever the answer', async () => {
    permissionsRequest.mockResolvedValueOnce(false);
    const { link, send } = fakeLink();
    const menu = startShareMenu(link);
    const outcome = menu.click({
      menuItemId: targetMenuId(BOB),
      mediaType: 'image',
      srcUrl: 'http://127.0.0.1:8080/cat.png',
      pageUrl: 'http://127.0.0.1:8080/',
    });
    // Before anything is awaited: later, the browser no longer counts it as the user's gesture.
    expect(permissionsRequest).toHaveBeenCalledWith({ origins: ['http://127.0.0.1:8080/*'] });
    expect(await outcome).toEqual({ kind: 'sent', messageId: sentMessage.id });
    expect(send).toHaveBeenCalledWith({
      method: 'shareMedia',
      params: { peerId: BOB, srcUrl: 'http://127.0.0.1:8080/cat.png', pageUrl: 'http://127.0.0.1:8080/' },
    });
    expect(setTitle).toHaveBeenCalledWith({ title: 'Messenger: Sent an image or media' });
  });

  it('opens the share window on the same share, saying why, when the engine refuses it', async () => {
    const { link } = fakeLink(() => Promise.reject(new Error('Bob is blocked')));
    const menu = startShareMenu(link);
    const share = { kind: 'link', url: 'https://example.com/a' } as const;
    const outcome = await menu.click({
      menuItemId: targetMenuId(BOB),
      linkUrl: share.url,
      pageUrl: 'https://x.org/',
    });
    expect(outcome).toEqual({ kind: 'failed', error: 'Not sent: Bob is blocked' });
    expect(permissionsRequest).not.toHaveBeenCalled();
    expect(openedWith()).toEqual({ to: BOB, share, error: 'Not sent: Bob is blocked' });
    expect(windowsCreate.mock.calls[0]?.[0]).toMatchObject({ type: 'popup', width: 420, height: 560 });
  });

  it('hands "Choose…" to the share window, sending nothing itself', async () => {
    const { link, send } = fakeLink();
    const menu = startShareMenu(link);
    expect(
      await menu.click({ menuItemId: 'send-to:choose', selectionText: 'words', pageUrl: 'https://x.org/' }),
    ).toEqual({
      kind: 'window',
    });
    expect(openedWith()).toEqual({ share: { kind: 'selection', url: 'https://x.org/', text: 'words' } });
    expect(send).not.toHaveBeenCalled();
  });
});
