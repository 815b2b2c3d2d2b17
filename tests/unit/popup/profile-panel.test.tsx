// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { ConversationList } from '../../../extension/components/ConversationList';
import { Conversation } from '../../../extension/components/Conversation';
import { ProfilePanel } from '../../../extension/components/ProfilePanel';
import { contactOf } from '../../support/popup-state';
import { alerts, buttonNamed, mount, recordingClient, settle, type, unmountAll } from './fake-client';

afterEach(unmountAll);

const WEBP = 'data:image/webp;base64,UklGRhAAAABXRUJQVlA4IGRhdGE=';
const OTHER_WEBP = 'data:image/webp;base64,UklGRhAAAABXRUJQVlA4IG90aGVy';

/** A field (or the picture) of the panel: its value and attributes are what the tests read. */
const field = (root: ParentNode, selector: string): HTMLInputElement => {
  const found = root.querySelector<HTMLInputElement>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
};
/** Chooses a file in the picker, as a user would. */
async function pick(root: ParentNode): Promise<void> {
  const input = field(root, 'input[type="file"]');
  Object.defineProperty(input, 'files', { value: [new Blob(['picture'])], configurable: true });
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await settle();
}

describe('your profile (Settings)', () => {
  it('shows the saved profile, and saves the display name, the bio and a picture resized in the page', async () => {
    const { client, calls } = recordingClient({
      getProfile: async () => ({ displayName: 'Ana', bio: 'Climbs', avatar: WEBP, version: 2 }),
      saveProfile: async (params) => ({ ...(params as object), version: 3 }),
    });
    const resize = vi.fn(async () => OTHER_WEBP);
    const root = mount(<ProfilePanel client={client} resize={resize} />);
    await vi.waitFor(() => expect(field(root, 'input[name="displayName"]').value).toBe('Ana'));
    expect(field(root, 'textarea[name="bio"]').value).toBe('Climbs');
    expect(field(root, 'img[alt="Your picture"]').getAttribute('src')).toBe(WEBP);
    expect(root.querySelector('h2')?.textContent).toBe('Your profile');

    await type(field(root, 'input[name="displayName"]'), 'Ana Lima');
    await type(field(root, 'textarea[name="bio"]'), 'Climbs on Sundays');
    await pick(root);
    expect(resize).toHaveBeenCalledOnce();
    await vi.waitFor(() =>
      expect(field(root, 'img[alt="Your picture"]').getAttribute('src')).toBe(OTHER_WEBP),
    );
    buttonNamed(root, 'Publish profile').click();
    await vi.waitFor(() => expect(root.querySelector('[role="status"]')?.textContent).toContain('version 3'));
    expect(calls.at(-1)).toEqual([
      'saveProfile',
      { displayName: 'Ana Lima', bio: 'Climbs on Sundays', avatar: OTHER_WEBP },
    ]);
  });

  it('removes the picture; a picture that cannot be used, or a refused save, is said in an alert', async () => {
    const { client, calls } = recordingClient({
      getProfile: async () => ({ displayName: 'Ana', bio: '', avatar: WEBP, version: 1 }),
      saveProfile: async () => {
        throw new Error('Not connected to the server: try again when online');
      },
    });
    const resize = vi.fn(async () => {
      throw new Error('This file is not a picture this browser can open: choose a JPEG, PNG or WebP');
    });
    const root = mount(<ProfilePanel client={client} resize={resize} />);
    await vi.waitFor(() => buttonNamed(root, 'Remove picture'));
    buttonNamed(root, 'Remove picture').click();
    await settle();
    expect(root.querySelector('img')).toBeNull();
    expect(root.textContent).toContain('No picture');

    await pick(root);
    await vi.waitFor(() => expect(alerts(root)).toEqual([expect.stringContaining('not a picture')]));
    buttonNamed(root, 'Publish profile').click();
    await vi.waitFor(() =>
      expect(alerts(root)).toContain(
        'Your profile was not published: Not connected to the server: try again when online',
      ),
    );
    expect(calls.at(-1)).toEqual(['saveProfile', { displayName: 'Ana', bio: '' }]);
  });
});

describe('a contact with a profile', () => {
  const bob = contactOf(randomId(), 'Bob', {
    profile: { displayName: 'Bob the Builder', bio: '<b>Can we fix it?</b>', avatar: WEBP },
  });

  it('is listed under the display name, with the picture and the server name beside it', () => {
    const { client } = recordingClient();
    const root = mount(
      <ConversationList
        client={client}
        contacts={[
          bob,
          contactOf(randomId(), 'Mallory', {
            profile: { displayName: 'Eve', bio: '', avatar: 'data:image/svg+xml;base64,PHN2Zy8+' },
          }),
        ]}
        rooms={[]}
        links={{}}
        unread={{}}
        summaries={new Map()}
        selected={undefined}
        onSelect={() => undefined}
        onNew={() => undefined}
      />,
    );
    const [first, second] = root.querySelectorAll<HTMLElement>('[data-testid="contact"]');
    expect(first?.querySelector('img')?.getAttribute('src')).toBe(WEBP);
    expect(first?.querySelector('img')?.getAttribute('alt')).toBe(''); // the name beside it says who
    expect(first?.textContent).toContain('Bob the Builder');
    expect(first?.querySelector('.server-name')?.textContent).toBe(', on the server: Bob');
    // A picture that is not a checked JPEG or WebP data: URL is not shown at all.
    expect(second?.querySelector('img')).toBeNull();
    expect(second?.textContent).toContain('Mallory');
  });

  it('shows the bio in the conversation header as text, never as HTML', () => {
    const { client } = recordingClient({ openConversation: async () => [] });
    const root = mount(
      <Conversation client={client} with={{ kind: 'contact', contact: bob, direct: false }} />,
    );
    expect(root.querySelector('#conversation-title')?.textContent).toBe('Bob the Builder');
    expect(root.querySelector('[data-testid="server-name"]')?.textContent).toBe('(Bob)');
    const bio = root.querySelector('[data-testid="profile-bio"]');
    expect(bio?.textContent).toBe('<b>Can we fix it?</b>');
    expect(bio?.querySelector('b')).toBeNull();
  });
});
