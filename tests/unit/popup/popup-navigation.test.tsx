// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { aliceWithBob, messageFrom } from '../../support/popup-state';
import { byTestId, mount, recordingClient, unmountAll } from './fake-client';
import { HISTORY_PAGE } from '../../../extension/hooks/useConversation';

// The popup reaches the engine through connectEngine(); here it gets a fake engine instead.
const engine = vi.hoisted((): { client: unknown } => ({ client: undefined }));
vi.mock('../../../extension/lib/messaging/client', () => ({
  connectEngine: () => Promise.resolve(engine.client),
}));
const { App } = await import('../../../extension/entrypoints/popup/App');

afterEach(() => {
  unmountAll();
  history.replaceState(null, '', '/popup.html');
});

const alice = randomId();
const bob = randomId();
const fromBob = messageFrom(bob, 'Lunch at noon?');

function popup() {
  const fake = recordingClient({
    getState: () => Promise.resolve(aliceWithBob(alice, bob)),
    openConversation: () => Promise.resolve([fromBob]),
    listCalls: () => Promise.resolve([]),
  });
  engine.client = fake.client;
  popupShows = fake.shows;
  return mount(<App />);
}
/** What the last popup told the engine it shows. */
let popupShows: unknown[] = [];

const shown = (root: HTMLElement, selector: string): Promise<HTMLElement> =>
  vi.waitFor(() => {
    const found = root.querySelector<HTMLElement>(selector);
    if (!found) throw new Error(`no ${selector} yet`);
    return found;
  });

/** The screen in front: the conversation, or the list (the list stays behind a conversation, inert). */
const listInFront = (root: HTMLElement): boolean =>
  !root.querySelector('.conversation-list')?.closest('[inert]');

describe('the popup, one screen at a time', () => {
  it('enters a conversation from the list, and Escape brings back the list, on the row that was open', async () => {
    const root = popup();
    (await shown(root, '[data-testid="contact"]')).click();
    await shown(root, '#composer-text');
    expect(listInFront(root)).toBe(false);
    expect(root.querySelector('#conversation-title')?.textContent).toBe('Bob');
    await shown(root, '[data-testid="message-text"]');

    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await vi.waitFor(() => expect(root.querySelector('#composer-text')).toBeNull());
    expect(listInFront(root)).toBe(true);
    const row = byTestId(root, 'contact');
    await vi.waitFor(() => expect(document.activeElement).toBe(row));
    // The row says the newest message the conversation showed, and when.
    expect(row.querySelector('.row-preview')?.textContent).toBe('Lunch at noon?');
    expect(row.querySelector('time')).not.toBeNull();
  });

  it('leaves a conversation with its back button too', async () => {
    const root = popup();
    (await shown(root, '[data-testid="contact"]')).click();
    (await shown(root, '[data-testid="back"]')).click();
    await vi.waitFor(() => expect(listInFront(root)).toBe(true));
  });

  it('tells the engine the conversation it shows while in sight (its new messages are read), and none once left or hidden', async () => {
    const root = popup();
    (await shown(root, '[data-testid="contact"]')).click();
    await vi.waitFor(() => expect(popupShows).toEqual([bob]));
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    visibility.mockReturnValue('visible');
    document.dispatchEvent(new Event('visibilitychange'));
    expect(popupShows).toEqual([bob, undefined, bob]);
    (await shown(root, '[data-testid="back"]')).click();
    await vi.waitFor(() => expect(popupShows).toEqual([bob, undefined, bob, undefined]));
    visibility.mockRestore();
  });

  it('opens on the conversation a notice named (popup.html?conversation=<id>)', async () => {
    history.replaceState(null, '', `/popup.html?conversation=${bob}`);
    const root = popup();
    await shown(root, '#composer-text');
    expect(root.querySelector('#conversation-title')?.textContent).toBe('Bob');
  });

  it('opens again where it was left: on the conversation it showed when closed, on the list once left', async () => {
    const first = popup();
    (await shown(first, '[data-testid="contact"]')).click();
    await shown(first, '#composer-text');
    render(null, first); // the popup closed on Bob's conversation

    const again = popup();
    await shown(again, '#composer-text');
    expect(again.querySelector('#conversation-title')?.textContent).toBe('Bob');
    (await shown(again, '[data-testid="back"]')).click();
    await vi.waitFor(() => expect(listInFront(again)).toBe(true));
    render(null, again); // closed on the list

    const third = popup();
    await shown(third, '[data-testid="contact"]');
    expect(listInFront(third)).toBe(true);
    expect(third.querySelector('#composer-text')).toBeNull();
  });

  it('asks for the newest page of the conversation it reopens on as it connects, once, and shows it', async () => {
    const first = popup();
    (await shown(first, '[data-testid="contact"]')).click();
    await shown(first, '#composer-text');
    render(null, first); // the popup closed on Bob's conversation

    // The engine's state is held back until the page has asked for the conversation: asked beside the state, not
    // once the conversation is on the page.
    let giveState!: () => void;
    const state = new Promise<void>((resolve) => (giveState = resolve));
    const fake = recordingClient({
      getState: () => state.then(() => aliceWithBob(alice, bob)),
      openConversation: () => Promise.resolve([fromBob]),
      listCalls: () => Promise.resolve([]),
    });
    engine.client = fake.client;
    const again = mount(<App />);
    await vi.waitFor(() =>
      expect(fake.calls).toContainEqual(['openConversation', { peerId: bob, limit: HISTORY_PAGE }]),
    );
    expect(again.querySelector('#composer-text')).toBeNull();
    giveState();
    expect((await shown(again, '[data-testid="message-text"]')).textContent).toBe(fromBob.text);
    // The conversation took that answer rather than ask again.
    expect(fake.calls.filter(([method]) => method === 'openConversation')).toHaveLength(1);
  });

  it('opens on the list when closed right after Back, before the list was drawn again', async () => {
    const first = popup();
    (await shown(first, '[data-testid="contact"]')).click();
    (await shown(first, '[data-testid="back"]')).click();
    render(null, first); // closed in the same task as the click: no render of the list came

    const again = popup();
    await shown(again, '[data-testid="contact"]');
    expect(listInFront(again)).toBe(true);
    expect(again.querySelector('#composer-text')).toBeNull();
  });

  it('shows the list when the address names no conversation it has', async () => {
    history.replaceState(null, '', `/popup.html?conversation=${randomId()}`);
    const root = popup();
    await shown(root, '[data-testid="contact"]');
    expect(listInFront(root)).toBe(true);
    expect(root.querySelector('#composer-text')).toBeNull();
  });
});
