// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { AccountPanel } from '../../../extension/components/AccountPanel';
import type { EngineClient } from '../../../extension/lib/messaging/client';
import { recordingClient } from './fake-client';

const settings = {
  name: 'Alice',
  serverUrl: 'https://chat.example.org',
  autoLockMinutes: 0,
  userId: randomId(),
};

const roots: HTMLElement[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) render(null, root);
});

function panel(client: EngineClient): HTMLElement {
  const root = document.createElement('div');
  document.body.append(root);
  roots.push(root);
  render(<AccountPanel client={client} settings={settings} />, root);
  return root;
}

const button = (root: HTMLElement, label: string): HTMLButtonElement => {
  const found = [...root.querySelectorAll('button')].find((candidate) => candidate.textContent === label);
  if (!found) throw new Error(`no button "${label}"`);
  return found;
};

describe('the account panel', () => {
  it('asks before releasing the name, with the focus on Cancel; Escape goes back to where it was', async () => {
    const { client, calls } = recordingClient();
    const root = panel(client);
    button(root, 'Release my name…').click();
    await vi.waitFor(() => expect(root.querySelector('[role="group"]')).not.toBeNull());
    const group = root.querySelector('[role="group"]');
    expect(group?.textContent).toContain('Release the name "Alice"?');
    expect(group?.textContent).toContain('Anyone may take “Alice” on chat.example.org');
    await vi.waitFor(() => expect(document.activeElement?.textContent).toBe('Cancel'));

    group?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await vi.waitFor(() => expect(root.querySelector('[role="group"]')).toBeNull());
    await vi.waitFor(() => expect(document.activeElement?.textContent).toBe('Release my name…'));
    expect(calls).toEqual([]);

    button(root, 'Release my name…').click();
    await vi.waitFor(() => button(root, 'Release “Alice”').click());
    await vi.waitFor(() =>
      expect(root.querySelector('[role="status"]')?.textContent).toContain('"Alice" is released'),
    );
    expect(calls).toEqual([['releaseName', {}]]);
  });

  it('says what deleting removes and what stays; a refusal is shown and the confirmation stays', async () => {
    const { client, calls } = recordingClient({
      deleteAccount: () =>
        Promise.reject(new Error('Not connected to the server: wait until it says Online, then try again')),
    });
    const root = panel(client);
    button(root, 'Delete my account…').click();
    await vi.waitFor(() => expect(root.querySelector('[role="group"]')).not.toBeNull());
    const what = root.querySelector('#account-confirm-what')?.textContent ?? '';
    for (const said of [
      'forgets everything it holds for you',
      'your place in rooms',
      'Your contacts will see you as gone',
      'Your history and contacts stay in this browser',
    ])
      expect(what).toContain(said);

    button(root, 'Delete my account').click();
    await vi.waitFor(() =>
      expect(root.querySelector('[role="alert"]')?.textContent).toBe(
        'The account was not deleted: Not connected to the server: wait until it says Online, then try again',
      ),
    );
    expect(calls).toEqual([['deleteAccount', {}]]);
    expect(root.querySelector('[role="group"]')).not.toBeNull();
  });
});
