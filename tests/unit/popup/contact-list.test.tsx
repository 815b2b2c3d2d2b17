// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { ConversationList } from '../../../extension/components/ConversationList';
import type { EngineClient } from '../../../extension/lib/messaging/client';
import type { Contact } from '../../../extension/lib/messaging/protocol';
import { contactOf } from '../../support/popup-state';
import { alerts, byTestId, mount, recordingClient, unmountAll } from './fake-client';

afterEach(unmountAll);

const ids = {
  bob: randomId(),
  carol: randomId(),
  dave: randomId(),
  eve: randomId(),
  frank: randomId(),
  mallory: randomId(),
};
const everyone: Contact[] = [
  contactOf(ids.carol, 'carol', { online: false, alias: 'Aunt Carol' }),
  contactOf(ids.dave, 'Dave', { muted: true }),
  contactOf(ids.bob, 'Bob'),
  contactOf(ids.eve, 'Eve', { state: 'incoming', online: false, nameVerified: false, nameReused: true }),
  contactOf(ids.frank, 'Frank', { state: 'outgoing', online: false }),
  contactOf(ids.mallory, 'Mallory', { state: 'blocked', online: false }),
];

function list(client: EngineClient, contacts: readonly Contact[] = everyone) {
  const onSelect = vi.fn();
  const onAdd = vi.fn();
  const root = mount(
    <ConversationList
      client={client}
      contacts={contacts}
      rooms={[]}
      links={{ [ids.bob]: 'open', [ids.carol]: 'open' }}
      unread={{ [ids.dave]: 3, [ids.eve]: 2 }}
      summaries={new Map()}
      selected={undefined}
      onSelect={onSelect}
      onNew={onAdd}
    />,
  );
  return { root, onSelect, onAdd };
}

const texts = (root: ParentNode, selector: string): string[] =>
  [...root.querySelectorAll(selector)].map((node) => node.textContent);

/** A row's or request's name as shown (beside its avatar's initials and its marks). */
const nameIn = (element: Element | undefined): string | null | undefined =>
  element?.querySelector('.row-name')?.textContent;

describe('the conversation list, with requests, waiting and blocked', () => {
  it('puts each person in the section of where they stand: contacts online first, requests, waiting, blocked', () => {
    const { root } = list(recordingClient().client);
    const contacts = [...root.querySelectorAll<HTMLElement>('[data-testid="contact"]')];
    // No message known yet: unread first (Dave), then online (Bob), then offline; a contact the user renamed
    // shows under that name.
    expect(contacts.map(nameIn)).toEqual(['Dave', 'Bob', 'Aunt Carol']);
    expect(root.querySelector('#conversations-title')?.textContent).toBe('Conversations (2 online)');
    const [dave, bob, carol] = contacts;
    expect(bob?.textContent).toContain('direct');
    expect(carol?.textContent).toContain('offline');
    // An offline contact's lingering channel is not claimed as a direct link.
    expect(carol?.textContent).not.toContain('direct');
    expect(dave?.querySelector('[data-testid="muted"]')?.textContent).toContain('muted');
    expect(dave?.querySelector('[data-testid="unread"]')?.textContent).toBe('3 unread');
    expect(bob?.querySelector('[data-testid="muted"]')).toBeNull();

    const requests = byTestId(root, 'requests');
    expect(requests.querySelector('h2')?.textContent).toBe('Requests (1)');
    const eve = byTestId(requests, 'request');
    expect(nameIn(byTestId(eve, 'open-request'))).toBe('Eve');
    expect(byTestId(eve, 'unread').textContent).toBe('2 unread');
    expect(byTestId(eve, 'request-unverified').textContent).toBe('not verified');
    expect(byTestId(eve, 'name-reused').textContent).toBe(
      '⚠ Another key held this name before: this may not be the Eve you know. Compare safety numbers before you accept.',
    );
    expect(texts(eve, 'button').slice(1)).toEqual(['Accept', 'Decline', 'Block']);

    const outgoing = byTestId(root, 'outgoing-requests');
    expect(texts(outgoing, '[data-testid="outgoing-request"] .row-name')).toEqual(['Frank']);
    expect(texts(outgoing, '.presence')).toEqual(['asked']);
    const blocked = byTestId(root, 'blocked');
    expect(texts(blocked, '[data-testid="open-blocked"] .row-name')).toEqual(['Mallory']);
    expect(byTestId(blocked, 'unblock-contact').getAttribute('aria-label')).toBe('Unblock Mallory');
    // Nobody appears twice.
    expect(root.querySelectorAll('li')).toHaveLength(everyone.length);
  });

  it('shows only the sections that have someone in them', () => {
    const { root } = list(recordingClient().client, [contactOf(ids.bob, 'Bob')]);
    expect(root.querySelector('[data-testid="requests"]')).toBeNull();
    expect(root.querySelector('[data-testid="outgoing-requests"]')).toBeNull();
    expect(root.querySelector('[data-testid="blocked"]')).toBeNull();
    expect(root.querySelector('[data-testid="contacts-empty"]')).toBeNull();
  });

  it('says how to add someone when there is nobody, and the + button asks for the screen to do it', () => {
    const { root, onAdd } = list(recordingClient().client, []);
    expect(byTestId(root, 'contacts-empty').textContent).toContain(
      'Add someone by their exact name or their invite link, or start a room',
    );
    expect(byTestId(root, 'add-contact-open').getAttribute('aria-label')).toBe(
      'New: add a contact or a room',
    );
    byTestId(root, 'add-contact-open').click();
    expect(onAdd).toHaveBeenCalledOnce();
  });

  it('renders names as text, never as markup', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const { root } = list(recordingClient().client, [
      contactOf(ids.bob, hostile),
      contactOf(ids.eve, hostile, { state: 'incoming', nameReused: true }),
    ]);
    expect(root.querySelector('img')).toBeNull();
    expect(nameIn(byTestId(root, 'contact'))).toBe(hostile);
    expect(byTestId(root, 'name-reused').textContent).toContain(`the ${hostile} you know`);
  });

  it('accepts a request and opens the new contact; declines and blocks by the requester’s id', async () => {
    const accepted = contactOf(ids.eve, 'Eve');
    const { client, calls } = recordingClient({ acceptContact: () => Promise.resolve(accepted) });
    const { root, onSelect } = list(client);
    const eve = byTestId(root, 'request');

    // Each answer once the one before has settled (the buttons wait while one is on its way).
    const answer = async (testId: string): Promise<void> => {
      const button = byTestId(eve, testId, HTMLButtonElement);
      await vi.waitFor(() => expect(button.disabled).toBe(false));
      button.click();
    };
    await answer('accept-request');
    await vi.waitFor(() => expect(onSelect).toHaveBeenCalledWith(ids.eve));
    await answer('decline-request');
    await answer('block-request');
    await vi.waitFor(() => expect(calls).toHaveLength(3));
    expect(calls).toEqual([
      ['acceptContact', { userId: ids.eve }],
      ['declineContact', { userId: ids.eve }],
      ['blockContact', { userId: ids.eve, blocked: true }],
    ]);
    // Declined or blocked, the request leaves the list: the focus goes to the top of the list, not to the page.
    await vi.waitFor(() => expect(document.activeElement?.id).toBe('conversations-title'));
  });

  it('says beside the request that accepting failed, and keeps the request', async () => {
    const { client } = recordingClient({
      acceptContact: () =>
        Promise.reject(new Error('Not connected to the server: wait until it says Online')),
    });
    const { root, onSelect } = list(client);
    byTestId(root, 'accept-request', HTMLButtonElement).click();
    await vi.waitFor(() =>
      expect(alerts(byTestId(root, 'request'))).toEqual([
        'Not accepted: Not connected to the server: wait until it says Online',
      ]),
    );
    expect(onSelect).not.toHaveBeenCalled();
    expect(byTestId(root, 'accept-request', HTMLButtonElement).disabled).toBe(false);
  });

  it('unblocks a blocked user', async () => {
    const { client, calls } = recordingClient();
    const { root } = list(client);
    byTestId(root, 'unblock-contact', HTMLButtonElement).click();
    await vi.waitFor(() =>
      expect(calls).toEqual([['blockContact', { userId: ids.mallory, blocked: false }]]),
    );
  });

  it('opens a request’s conversation to read it', () => {
    const { root, onSelect } = list(recordingClient().client);
    byTestId(root, 'open-request').click();
    expect(onSelect).toHaveBeenCalledWith(ids.eve);
  });

  it('filters by any of a contact’s names, case and accents aside, and says when nothing matches', async () => {
    const { root } = list(recordingClient().client);
    const filter = root.querySelector<HTMLInputElement>('input[type="search"]');
    if (!filter) throw new Error('no filter');
    const rows = (): (string | null | undefined)[] =>
      [...root.querySelectorAll('[data-testid="contact"]')].map(nameIn);
    filter.value = 'CAROL';
    filter.dispatchEvent(new Event('input', { bubbles: true }));
    await vi.waitFor(() => expect(rows()).toEqual(['Aunt Carol']));
    filter.value = 'zzz';
    filter.dispatchEvent(new Event('input', { bubbles: true }));
    await vi.waitFor(() => expect(rows()).toEqual([]));
    expect(root.querySelector('[role="status"]')?.textContent).toBe('Nothing is called “zzz”.');
  });
});
