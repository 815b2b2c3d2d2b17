// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { SettingsForm } from '../../../extension/components/SettingsForm';
import type { EngineState } from '../../../extension/lib/messaging/protocol';
import { aliceWithBob, contactOf } from '../../support/popup-state';
import { alerts, byTestId, mount, recordingClient, type, unmountAll, waitForTestId } from './fake-client';

// The popup reaches the engine through connectEngine(); here it gets a fake engine instead.
const engine = vi.hoisted((): { client: unknown } => ({ client: undefined }));
vi.mock('../../../extension/lib/messaging/client', () => ({
  connectEngine: () => Promise.resolve(engine.client),
}));
const { App } = await import('../../../extension/entrypoints/popup/App');

afterEach(unmountAll);

const alice = randomId();
const bob = randomId();
const eve = randomId();
const settings = { name: 'Alice', serverUrl: 'http://localhost:3000', autoLockMinutes: 0, userId: alice };
const LINK = `https://chat.example.org/invite#Alice.${'A'.repeat(43)}`;

/** The popup on a fake engine in `state`; returns the page and what the engine was asked. */
function popup(state: EngineState, answers: Parameters<typeof recordingClient>[0] = {}) {
  const recording = recordingClient({
    getState: () => Promise.resolve(state),
    openConversation: () => Promise.resolve([]),
    getInviteLink: () => Promise.resolve({ link: LINK }),
    ...answers,
  });
  engine.client = recording.client;
  return { root: mount(<App />), ...recording };
}

const composer = (root: HTMLElement): Promise<HTMLTextAreaElement> =>
  vi.waitFor(() => {
    const box = root.querySelector<HTMLTextAreaElement>('#composer-text');
    if (!box) throw new Error('no composer yet');
    return box;
  });

describe('the popup with contacts, requests and blocked users', () => {
  it('shows someone with nobody yet how to add people: the add form and their own invite link', async () => {
    const { root } = popup({ ...aliceWithBob(alice, bob), contacts: [] });
    await waitForTestId(root, 'add-contact-input');
    expect(byTestId(root, 'contacts-empty').textContent).toContain('No conversations yet');
    expect((await waitForTestId(root, 'invite-link')).textContent).toBe(LINK);
  });

  it('keeps the add pane, and what it says, when the first request puts someone in the list', async () => {
    const empty: EngineState = { ...aliceWithBob(alice, bob), contacts: [] };
    const asked = contactOf(bob, 'Bob', { state: 'outgoing', online: false });
    const { root, pushState } = popup(empty, { addContact: () => Promise.resolve(asked) });
    await type(await waitForTestId(root, 'add-contact-input', HTMLInputElement), 'Bob');
    byTestId(root, 'add-contact-submit').click();
    await waitForTestId(root, 'add-contact-done');
    pushState({ ...empty, contacts: [asked] });
    await waitForTestId(root, 'outgoing-request');
    expect(byTestId(root, 'add-contact-done').textContent).toContain('Request sent to Bob');
  });

  it('opens the add screen from the list, back leaves it, and a contact picked opens their conversation', async () => {
    const { root } = popup(aliceWithBob(alice, bob));
    (await waitForTestId(root, 'add-contact-open')).click();
    await waitForTestId(root, 'add-contact-input');
    // The list stays behind it, out of reach.
    expect(root.querySelector('.conversation-list')?.closest('[inert]')).not.toBeNull();
    byTestId(root, 'back').click();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="add-contact-input"]')).toBeNull());
    expect(root.querySelector('.conversation-list')?.closest('[inert]')).toBeNull();
    byTestId(root, 'contact').click();
    await composer(root);
    expect(root.querySelector('.conversation-list')?.closest('[inert]')).not.toBeNull();
  });

  it("reads a request's messages, but asks to accept before replying, and warns of a reused name", async () => {
    const state: EngineState = {
      ...aliceWithBob(alice, bob),
      contacts: [contactOf(eve, 'Bob', { state: 'incoming', online: false, nameReused: true })],
    };
    const { root, calls } = popup(state);
    (await waitForTestId(root, 'open-request')).click();
    const box = await composer(root);
    expect(box.disabled).toBe(true);
    expect(box.placeholder).toBe("Accept Bob's request to reply");
    const panel = byTestId(root, 'request-panel');
    expect(alerts(panel)).toEqual([
      '⚠ Another key held this name before: this may not be the Bob you know. Compare safety numbers before you accept.',
    ]);
    // Its answers are in the conversation too; no contact menu for a request.
    expect(root.querySelector('[data-testid="contact-menu"]')).toBeNull();
    byTestId(panel, 'accept-request').click();
    await vi.waitFor(() => expect(calls).toContainEqual(['acceptContact', { userId: eve }]));
    expect(calls).toContainEqual(['openConversation', expect.objectContaining({ peerId: eve })]);
  });

  it('keeps the box closed to a blocked user, and open to one who has not answered yet', async () => {
    const carol = randomId();
    const state: EngineState = {
      ...aliceWithBob(alice, bob),
      contacts: [
        contactOf(bob, 'Bob', { state: 'blocked', online: false }),
        contactOf(carol, 'Carol', { state: 'outgoing', online: false }),
      ],
    };
    const { root } = popup(state);
    (await waitForTestId(root, 'open-blocked')).click();
    const blockedBox = await composer(root);
    expect(blockedBox.disabled).toBe(true);
    expect(blockedBox.placeholder).toBe('You blocked Bob: unblock them to write');
    byTestId(root, 'outgoing-request').click();
    await vi.waitFor(() =>
      expect(byTestId(root, 'link-path').textContent).toBe('Has not accepted your request yet'),
    );
    expect((await composer(root)).disabled).toBe(false);
  });

  it('names a renamed contact by the name given, with their own beside it', async () => {
    const state: EngineState = {
      ...aliceWithBob(alice, bob),
      contacts: [contactOf(bob, 'Bob', { alias: 'Uncle Bob' })],
    };
    const { root } = popup(state);
    (await waitForTestId(root, 'contact')).click();
    await composer(root);
    expect(root.querySelector('#conversation-title')?.textContent).toBe('Uncle Bob');
    expect(root.querySelector('.own-name')?.textContent).toBe('(Bob)');
    expect(root.querySelector('label[for="composer-text"]')?.textContent).toBe('Message to Uncle Bob');
  });
});

describe('settings', () => {
  it('saves "Appear offline" with the rest', async () => {
    const { client, calls } = recordingClient();
    const root = mount(<SettingsForm client={client} settings={settings} />);
    const checkbox = root.querySelector<HTMLInputElement>('input[name="appearOffline"]');
    expect(checkbox?.checked).toBe(false);
    checkbox?.click();
    await vi.waitFor(() => expect(checkbox?.checked).toBe(true));
    root.querySelector('form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await vi.waitFor(() =>
      expect(calls).toEqual([
        [
          'saveSettings',
          {
            name: 'Alice',
            serverUrl: 'http://localhost:3000',
            autoLockMinutes: 0,
            sendReadReceipts: true,
            appearOffline: true,
            autoAcceptImages: false,
            notifications: 'without-content',
            typingIndicators: true,
          },
        ],
      ]),
    );
  });

  it('says in the status bar that this profile appears offline', async () => {
    const state = aliceWithBob(alice, bob);
    const { root } = popup({ ...state, settings: { ...settings, appearOffline: true } });
    expect((await waitForTestId(root, 'connection-status')).textContent).toBe('Online (you appear offline)');
  });

  it('shows "Appear offline" as saved', () => {
    const { client } = recordingClient();
    const root = mount(<SettingsForm client={client} settings={{ ...settings, appearOffline: true }} />);
    expect(root.querySelector<HTMLInputElement>('input[name="appearOffline"]')?.checked).toBe(true);
  });
});
