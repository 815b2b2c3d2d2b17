import { describe, expect, it } from 'vitest';
import { MAX_URL_LENGTH } from '../../../shared/limits';
import { menuAction, type MenuClick } from '../../../extension/lib/share/menu-click';
import { MENU_IDS, targetMenuId } from '../../../extension/lib/share/menu-items';
import { MAX_SHARE_TEXT } from '../../../extension/lib/share/pending-share';

const BOB = 'b'.repeat(32);
const toBob = targetMenuId(BOB);
const PAGE = 'https://example.org/article';
const click = (fields: Omit<MenuClick, 'menuItemId'>, menuItemId: string = toBob): MenuClick => ({
  menuItemId,
  pageUrl: PAGE,
  ...fields,
});

describe('a click on "Send to… → a conversation"', () => {
  it('shares an image as a file fetched by the engine, asking host access for its origin first', () => {
    const action = menuAction(
      click({ mediaType: 'image', srcUrl: 'https://cdn.example.net/cat.png', linkUrl: 'https://x.example/' }),
      { title: 'Cats' },
    );
    expect(action).toEqual({
      kind: 'send',
      to: BOB,
      share: { kind: 'media', src: 'https://cdn.example.net/cat.png', url: PAGE },
      request: {
        method: 'shareMedia',
        params: { peerId: BOB, srcUrl: 'https://cdn.example.net/cat.png', pageUrl: PAGE },
      },
      origin: 'https://cdn.example.net/*',
    });
  });

  it('shares audio and video the same way, and an inline (data:) image without asking any host access', () => {
    for (const mediaType of ['audio', 'video']) {
      const action = menuAction(click({ mediaType, srcUrl: 'http://127.0.0.1:8080/clip' }), undefined);
      expect(action.kind === 'send' && action.request.method).toBe('shareMedia');
    }
    const inline = menuAction(click({ mediaType: 'image', srcUrl: 'data:image/png;base64,AAAA' }), undefined);
    expect(inline).toMatchObject({ kind: 'send', request: { method: 'shareMedia' } });
    expect(inline.kind === 'send' && inline.origin).toBeUndefined();
  });

  it('shares a link with its text when the browser gives it (Firefox), else the link alone', () => {
    expect(
      menuAction(click({ linkUrl: 'https://example.com/a', linkText: ' Read more ' }), undefined),
    ).toMatchObject({
      kind: 'send',
      request: {
        method: 'sharePage',
        params: { peerId: BOB, kind: 'link', url: 'https://example.com/a', text: 'Read more' },
      },
    });
    const bare = menuAction(click({ linkUrl: 'https://example.com/a' }), undefined);
    expect(bare.kind === 'send' && bare.request.params).toEqual({
      peerId: BOB,
      kind: 'link',
      url: 'https://example.com/a',
    });
  });

  it('shares a selection with the page it is on, and a page with its tab’s title', () => {
    expect(menuAction(click({ selectionText: 'quoted words' }), { title: 'Article' })).toMatchObject({
      request: { method: 'sharePage', params: { kind: 'selection', url: PAGE, text: 'quoted words' } },
    });
    expect(menuAction(click({}), { title: 'Article' })).toMatchObject({
      request: { method: 'sharePage', params: { kind: 'page', url: PAGE, text: 'Article' } },
    });
  });

  it('clips a long selection to what a share may carry, on a whole character', () => {
    const long = '😀'.repeat(MAX_SHARE_TEXT);
    const action = menuAction(click({ selectionText: long }), undefined);
    const text =
      action.kind === 'send' && action.request.method === 'sharePage' ? action.request.params.text : '';
    expect(text?.length).toBeLessThanOrEqual(MAX_SHARE_TEXT);
    expect(text?.endsWith('…')).toBe(true);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate
  });

  it('refuses what is not on the web: a javascript: link, a file: page, an over-long address', () => {
    for (const fields of [
      { linkUrl: 'javascript:alert(1)' },
      { pageUrl: 'file:///home/me/notes.txt' },
      { linkUrl: `https://example.com/${'a'.repeat(MAX_URL_LENGTH)}` },
    ])
      expect(menuAction(click(fields), undefined).kind).toBe('refuse');
  });
});

describe('the other entries', () => {
  it('"Choose…" opens the share window on what was clicked; "Send a file…" on the file picker', () => {
    expect(menuAction(click({ linkUrl: 'https://example.com/a' }, MENU_IDS.choose), undefined)).toEqual({
      kind: 'window',
      share: { kind: 'link', url: 'https://example.com/a' },
    });
    expect(menuAction(click({}, MENU_IDS.sendFile), undefined)).toEqual({ kind: 'window' });
  });

  it('ignores the parent entry and anything that is not ours', () => {
    for (const id of [MENU_IDS.sendTo, MENU_IDS.separator, 'another-extension-item'])
      expect(menuAction(click({}, id), undefined)).toEqual({ kind: 'ignore' });
  });
});
