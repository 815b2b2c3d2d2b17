// @vitest-environment happy-dom
import { encode } from 'uqr';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { AddContactPanel } from '../../../extension/components/AddContact';
import { contactOf } from '../../support/popup-state';
import { alerts, byTestId, mount, recordingClient, type, unmountAll, waitForTestId } from './fake-client';

afterEach(() => {
  unmountAll();
  vi.restoreAllMocks();
});

const LINK = `https://chat.example.org/invite#Alice.${'A'.repeat(43)}`;
const NOT_FOUND =
  'Nobody is called "Bobby" on chat.example.org: check the spelling, or ask for their invite link';

function panel(answers: Parameters<typeof recordingClient>[0] = {}) {
  const recording = recordingClient({ getInviteLink: () => Promise.resolve({ link: LINK }), ...answers });
  const root = mount(<AddContactPanel client={recording.client} selfName="Alice" />);
  return { root, ...recording };
}

const queryField = (root: HTMLElement) => byTestId(root, 'add-contact-input', HTMLInputElement);
const greetingField = (root: HTMLElement) => byTestId(root, 'add-contact-greeting', HTMLTextAreaElement);

async function fillAndSend(root: HTMLElement, query: string, greeting = ''): Promise<void> {
  await type(queryField(root), query);
  if (greeting) await type(greetingField(root), greeting);
  byTestId(root, 'add-contact-submit', HTMLButtonElement).click();
}

describe('adding a contact', () => {
  it('sends the name and the greeting, then empties the fields and says what happens next', async () => {
    const { root, calls } = panel({
      addContact: () => Promise.resolve(contactOf(randomId(), 'Bob', { state: 'outgoing', online: false })),
    });
    await fillAndSend(root, '  Bob ', 'Hi Bob, it is Alice from the climbing club');
    const done = await waitForTestId(root, 'add-contact-done');
    expect(done.textContent).toBe(
      'Request sent to Bob. They show under “Waiting for an answer” until they accept.',
    );
    expect(calls.filter(([method]) => method === 'addContact')).toEqual([
      ['addContact', { query: 'Bob', greeting: 'Hi Bob, it is Alice from the climbing club' }],
    ]);
    expect(queryField(root).value).toBe('');
    expect(greetingField(root).value).toBe('');
  });

  it('sends no greeting when none was written', async () => {
    const { root, calls } = panel({ addContact: () => Promise.resolve(contactOf(randomId(), 'Alice')) });
    await fillAndSend(root, LINK);
    await vi.waitFor(() =>
      expect(byTestId(root, 'add-contact-done').textContent).toBe('Alice is now your contact.'),
    );
    expect(calls.filter(([method]) => method === 'addContact')).toEqual([['addContact', { query: LINK }]]);
  });

  it('keeps what was typed and shows why when the engine refuses', async () => {
    const { root } = panel({ addContact: () => Promise.reject(new Error(NOT_FOUND)) });
    await fillAndSend(root, 'Bobby', 'Hello!');
    await vi.waitFor(() => expect(alerts(root)).toEqual([`Not added: ${NOT_FOUND}`]));
    expect(queryField(root).value).toBe('Bobby');
    expect(greetingField(root).value).toBe('Hello!');
    expect(root.querySelector('[data-testid="add-contact-done"]')).toBeNull();
    expect(byTestId(root, 'add-contact-submit', HTMLButtonElement).disabled).toBe(false);
  });

  it('asks nothing of the engine for an empty name', async () => {
    const { root, calls } = panel();
    await type(queryField(root), '   ');
    expect(byTestId(root, 'add-contact-submit', HTMLButtonElement).disabled).toBe(true);
    root.querySelector('form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    expect(calls.map(([method]) => method)).not.toContain('addContact');
  });
});

describe('your invite link', () => {
  it('is shown as text and as a QR code of exactly that text', async () => {
    const { root } = panel();
    expect((await waitForTestId(root, 'invite-link')).textContent).toBe(LINK);
    const qr = root.querySelector('svg[role="img"]');
    expect(qr?.getAttribute('aria-label')).toBe('Your invite link as a QR code');
    const { data } = encode(LINK, { border: 1 });
    expect(qr?.getAttribute('viewBox')).toBe(`0 0 ${data.length} ${data.length}`);
    // One unit square per dark module, where the encoder put it.
    const squares =
      qr
        ?.querySelector('path')
        ?.getAttribute('d')
        ?.match(/M\d+ \d+/g) ?? [];
    const dark = data.flatMap((row, y) => row.flatMap((on, x) => (on ? [`M${x} ${y}`] : [])));
    expect(squares).toEqual(dark);
    expect(dark.length).toBeGreaterThan(100);
  });

  it('is copied to the clipboard, and says so', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText } as unknown as Clipboard); // only writeText is used
    const { root } = panel();
    (await waitForTestId(root, 'copy-invite-link', HTMLButtonElement)).click();
    await vi.waitFor(() => expect(byTestId(root, 'invite-link-copied').textContent).toBe('Copied'));
    expect(writeText).toHaveBeenCalledWith(LINK);
  });

  it('says when copying failed', async () => {
    const writeText = vi.fn(() => Promise.reject(new Error('Clipboard access was denied')));
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText } as unknown as Clipboard); // only writeText is used
    const { root } = panel();
    (await waitForTestId(root, 'copy-invite-link', HTMLButtonElement)).click();
    await vi.waitFor(() => expect(alerts(root)).toEqual(['Not copied: Clipboard access was denied']));
    expect(root.querySelector('[data-testid="invite-link-copied"]')).toBeNull();
  });

  it('says when the link is not available, and asks again', async () => {
    let fail = true;
    const { root } = panel({
      getInviteLink: () =>
        fail ? Promise.reject(new Error('The vault is locked')) : Promise.resolve({ link: LINK }),
    });
    await vi.waitFor(() =>
      expect(alerts(root)).toEqual(['Your invite link is not available: The vault is locked']),
    );
    fail = false;
    [...root.querySelectorAll('button')].find((button) => button.textContent === 'Try again')?.click();
    expect((await waitForTestId(root, 'invite-link')).textContent).toBe(LINK);
  });
});
