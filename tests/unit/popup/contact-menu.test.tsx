// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { ContactMenu } from '../../../extension/components/ContactMenu';
import type { Contact } from '../../../extension/lib/messaging/protocol';
import { contactOf } from '../../support/popup-state';
import { alerts, byTestId, mount, recordingClient, type, unmountAll, waitForTestId } from './fake-client';

afterEach(unmountAll);

const bob = randomId();

function menu(contact: Contact, answers: Parameters<typeof recordingClient>[0] = {}) {
  const recording = recordingClient(answers);
  const root = mount(<ContactMenu client={recording.client} contact={contact} />);
  return { root, ...recording };
}

async function open(root: HTMLElement): Promise<void> {
  byTestId(root, 'contact-menu').click();
  await waitForTestId(root, 'remove-contact');
}

const pressEscape = (): void => {
  document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
};

describe("a contact's menu", () => {
  it('opens with the focus on its first item, and Escape closes it back to its button', async () => {
    const { root } = menu(contactOf(bob, 'Bob'));
    const opener = byTestId(root, 'contact-menu');
    expect(opener.getAttribute('aria-expanded')).toBe('false');
    await open(root);
    expect(opener.getAttribute('aria-expanded')).toBe('true');
    await vi.waitFor(() => expect(document.activeElement).toBe(byTestId(root, 'rename-contact')));
    pressEscape();
    await vi.waitFor(() => expect(root.querySelector('[data-testid="rename-contact"]')).toBeNull());
    await vi.waitFor(() => expect(document.activeElement).toBe(opener));
  });

  it('renames: the field starts with the alias, and what is typed is sent', async () => {
    const { root, calls } = menu(contactOf(bob, 'Bob', { alias: 'Bobby' }));
    await open(root);
    byTestId(root, 'rename-contact').click();
    const input = await waitForTestId(root, 'rename-input', HTMLInputElement);
    expect(input.value).toBe('Bobby');
    expect(input.placeholder).toBe('Bob');
    await type(input, ' Uncle Bob ');
    byTestId(root, 'rename-submit').click();
    await vi.waitFor(() => expect(calls).toEqual([['renameContact', { userId: bob, alias: 'Uncle Bob' }]]));
    // Done: the menu closes.
    await vi.waitFor(() => expect(root.querySelector('[data-testid="rename-input"]')).toBeNull());
  });

  it('keeps the new name typed and shows why when renaming is refused', async () => {
    const { root } = menu(contactOf(bob, 'Bob'), {
      renameContact: () => Promise.reject(new Error('The vault is locked: unlock it, then try again')),
    });
    await open(root);
    byTestId(root, 'rename-contact').click();
    await type(await waitForTestId(root, 'rename-input', HTMLInputElement), 'Robert');
    byTestId(root, 'rename-submit').click();
    await vi.waitFor(() =>
      expect(alerts(root)).toEqual(['Not renamed: The vault is locked: unlock it, then try again']),
    );
    expect(byTestId(root, 'rename-input', HTMLInputElement).value).toBe('Robert');
  });

  it('mutes an unmuted contact and unmutes a muted one', async () => {
    const unmuted = menu(contactOf(bob, 'Bob'));
    await open(unmuted.root);
    expect(byTestId(unmuted.root, 'mute-contact').textContent).toBe('Mute');
    byTestId(unmuted.root, 'mute-contact').click();
    await vi.waitFor(() => expect(unmuted.calls).toEqual([['muteContact', { userId: bob, muted: true }]]));

    const muted = menu(contactOf(bob, 'Bob', { muted: true }));
    await open(muted.root);
    expect(byTestId(muted.root, 'mute-contact').textContent).toBe('Unmute');
    byTestId(muted.root, 'mute-contact').click();
    await vi.waitFor(() => expect(muted.calls).toEqual([['muteContact', { userId: bob, muted: false }]]));
  });

  it('asks before blocking, with the focus on Cancel; Cancel blocks nothing, Block does', async () => {
    const { root, calls } = menu(contactOf(bob, 'Bob'));
    await open(root);
    byTestId(root, 'block-contact').click();
    await waitForTestId(root, 'confirm-block');
    expect(root.querySelector('#block-title')?.textContent).toBe('Block Bob?');
    await vi.waitFor(() => expect(document.activeElement?.textContent).toBe('Cancel'));
    pressEscape(); // back to the menu
    await waitForTestId(root, 'block-contact');
    expect(calls).toEqual([]);
    byTestId(root, 'block-contact').click();
    (await waitForTestId(root, 'confirm-block')).click();
    await vi.waitFor(() => expect(calls).toEqual([['blockContact', { userId: bob, blocked: true }]]));
  });

  it('unblocks a blocked user at once', async () => {
    const { root, calls } = menu(contactOf(bob, 'Bob', { state: 'blocked', online: false }));
    await open(root);
    expect(byTestId(root, 'block-contact').textContent).toBe('Unblock');
    expect(root.querySelector('[data-testid="mute-contact"]')).toBeNull();
    byTestId(root, 'block-contact').click();
    await vi.waitFor(() => expect(calls).toEqual([['blockContact', { userId: bob, blocked: false }]]));
  });

  it('asks before removing, says the history stays, and shows a refusal in the confirmation', async () => {
    const { root, calls } = menu(contactOf(bob, 'Bob'), {
      removeContact: () => Promise.reject(new Error('Not connected to the server')),
    });
    await open(root);
    byTestId(root, 'remove-contact').click();
    const confirm = await waitForTestId(root, 'confirm-remove');
    expect(root.querySelector('#remove-what')?.textContent).toContain('Your history with Bob stays');
    confirm.click();
    await vi.waitFor(() => expect(alerts(root)).toEqual(['Not removed: Not connected to the server']));
    expect(calls).toEqual([['removeContact', { userId: bob }]]);
    expect(root.querySelector('[data-testid="confirm-remove"]')).not.toBeNull();
  });

  it('calls removing an unanswered request cancelling it', async () => {
    const { root } = menu(contactOf(bob, 'Bob', { state: 'outgoing', online: false }));
    await open(root);
    expect(byTestId(root, 'remove-contact').textContent).toBe('Cancel request…');
    expect(root.querySelector('[data-testid="mute-contact"]')).toBeNull();
  });
});
