// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import type { EngineState } from '../../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import { aliceWithBob, messageFrom } from '../../support/popup-state';
import { chatAnswers, recordingClient } from './fake-client';

// The popup reaches the engine through connectEngine(); here it gets a fake engine instead.
const engine = vi.hoisted((): { client: unknown } => ({ client: undefined }));
vi.mock('../../../extension/lib/messaging/client', () => ({
  connectEngine: () => Promise.resolve(engine.client),
}));
const { App } = await import('../../../extension/entrypoints/popup/App');

/** Past the last date JavaScript can hold: what a peer put in `sentAt` to break a conversation (stored before the fix). */
const HOSTILE_SENT_AT = 8_640_000_000_000_001;
const bob = randomId();

const state: EngineState = aliceWithBob(randomId(), bob);

const message = (text: string, fields: Partial<ChatMessage> = {}): ChatMessage =>
  messageFrom(bob, text, { sentAt: Date.UTC(2026, 0, 1, 12, 30), ...fields });

/** An engine holding `history` as its conversation with Bob. */
const fakeClient = (history: readonly ChatMessage[]) => recordingClient(chatAnswers(state, history)).client;

const roots: HTMLElement[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) render(null, root);
  vi.restoreAllMocks();
});

/** Renders the popup, opens the conversation with Bob, and waits until the engine's answer is shown. */
async function openBobsConversation(history: readonly ChatMessage[]): Promise<HTMLElement> {
  engine.client = fakeClient(history);
  const root = document.createElement('div');
  document.body.append(root);
  roots.push(root);
  render(<App />, root);
  const contact = await vi.waitFor(() => {
    const button = root.querySelector<HTMLButtonElement>('[data-testid="contact"]');
    if (!button) throw new Error('no contact yet');
    return button;
  });
  contact.click();
  await vi.waitFor(() =>
    expect(root.querySelector('.conversation, [data-testid="error-boundary"]')).not.toBeNull(),
  );
  return root;
}

const texts = (root: HTMLElement): string[] =>
  [...root.querySelectorAll('[data-testid="message-text"]')].map((node) => node.textContent);

describe('the popup, given a message no code expected', () => {
  it('shows a conversation holding a message with a hostile sentAt, that message included', async () => {
    const root = await openBobsConversation([
      message('before'),
      message('from the end of time', { sentAt: HOSTILE_SENT_AT }),
      message('after'),
    ]);
    await vi.waitFor(() => expect(texts(root)).toEqual(['before', 'from the end of time', 'after']));
    expect(root.querySelector('[data-testid="error-boundary"]')).toBeNull();
    // The sane ones keep their time; the hostile one shows none rather than failing.
    expect(root.querySelectorAll('[data-testid="messages"] time')).toHaveLength(2);
  });

  it('keeps a conversation that fails to show inside its boundary: the message, a reload, the contact list', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // A fault of ours: a path this popup has no label for (say, from a newer engine).
    const root = await openBobsConversation([message('hello', { via: 'pigeon' as ChatMessage['via'] })]);
    const boundary = await vi.waitFor(() => {
      const found = root.querySelector('[data-testid="error-boundary"]');
      if (!found) throw new Error('no boundary shown');
      return found;
    });
    expect(boundary.textContent).toMatch(/^This conversation failed to show: .+/);
    expect(boundary.textContent).toContain('Your messages are safe');
    expect(boundary.querySelector('button')?.textContent).toBe('Reload');
    expect(root.querySelector('[data-testid="contact"]')?.textContent).toContain('Bob');
    expect(error).toHaveBeenCalledWith('ErrorBoundary: This conversation failed to show', expect.any(Error));
  });
});
