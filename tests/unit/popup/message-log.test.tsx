// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { Conversation } from '../../../extension/components/Conversation';
import { MESSAGE_WINDOW } from '../../../extension/components/MessageLog';
import type { EngineClient } from '../../../extension/lib/messaging/client';
import type { EngineMethod } from '../../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import { aliceWithBob, contactOf } from '../../support/popup-state';

const bob = randomId();

const message = (n: number, fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: randomId(),
  peerId: bob,
  direction: 'out',
  text: `message ${n}`,
  sentAt: Date.UTC(2026, 0, 1, 12, 30),
  status: 'sent',
  ...fields,
});

/** A fake engine holding `history`, whose `message` events the test sends; requests are recorded. */
function fakeEngine(history: readonly ChatMessage[]) {
  const listeners = new Set<(message: ChatMessage) => void>();
  const calls: EngineMethod[] = [];
  const answers: Partial<Record<EngineMethod, unknown>> = {
    openConversation: history,
    markRead: aliceWithBob(randomId(), bob),
  };
  const client: EngineClient = {
    request: (method) => {
      calls.push(method);
      return Promise.resolve(answers[method]) as never;
    },
    on: (name, listener) => {
      if (name !== 'message') return () => undefined;
      const onMessage = listener as (message: ChatMessage) => void;
      listeners.add(onMessage);
      return () => listeners.delete(onMessage);
    },
    onClose: () => undefined,
    close: () => undefined,
  };
  const emit = (changed: ChatMessage): void => {
    for (const listener of listeners) listener(changed);
  };
  return { client, calls, emit };
}

const roots: HTMLElement[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) render(null, root);
  vi.restoreAllMocks();
});

const texts = (root: HTMLElement): string[] =>
  [...root.querySelectorAll('[data-testid="message-text"]')].map((node) => node.textContent);

/** `message from` … `message to - 1`, as shown. */
const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `message ${from + i}`);

const showEarlier = (root: HTMLElement): HTMLButtonElement | undefined =>
  [...root.querySelectorAll('button')].find((button) => button.textContent === 'Show earlier messages');

/** The conversation with Bob on a fake engine, once its history is shown. */
async function openConversation(history: readonly ChatMessage[]) {
  const engine = fakeEngine(history);
  const root = document.createElement('div');
  document.body.append(root);
  roots.push(root);
  render(
    <Conversation
      client={engine.client}
      with={{
        kind: 'contact',
        contact: contactOf(bob, 'Bob'),
        direct: true,
      }}
    />,
    root,
  );
  await vi.waitFor(() => expect(texts(root).at(-1)).toBe(history.at(-1)?.text));
  return { root, ...engine };
}

describe('the message log of a long conversation', () => {
  const total = 2 * MESSAGE_WINDOW + 50;
  const history = Array.from({ length: total }, (_, n) => message(n));

  it('shows the newest messages, and the earlier ones a window at a time at the button, all of them in the end', async () => {
    const { root } = await openConversation(history);
    expect(texts(root)).toEqual(range(total - MESSAGE_WINDOW, total));

    showEarlier(root)?.click();
    await vi.waitFor(() => expect(texts(root)).toEqual(range(total - 2 * MESSAGE_WINDOW, total)));
    const button = showEarlier(root);
    expect(button?.type).toBe('button'); // a real button: Tab reaches it, Enter and Space press it

    button?.click();
    await vi.waitFor(() => expect(texts(root)).toEqual(range(0, total)));
    expect(showEarlier(root)).toBeUndefined();
    // The button went away under the keyboard: focus stays in the conversation, on its messages.
    expect(document.activeElement).toBe(root.querySelector('[role="log"]'));
  });

  it('keeps showing the newest window as messages arrive (the oldest shown give way)', async () => {
    const { root, emit } = await openConversation(history);
    for (let n = total; n < total + 5; n++) emit(message(n));
    await vi.waitFor(() => expect(texts(root)).toEqual(range(total + 5 - MESSAGE_WINDOW, total + 5)));
    expect(showEarlier(root)).toBeDefined();
  });

  it('never scrolls by script: neither for a status change of an old message nor for a new one', async () => {
    const scrolls = [
      vi.spyOn(Element.prototype, 'scrollIntoView'),
      vi.spyOn(Element.prototype, 'scrollTo'),
      vi.spyOn(Element.prototype, 'scrollBy'),
      vi.spyOn(Element.prototype, 'scrollTop', 'set'),
    ];
    const { root, emit, calls } = await openConversation(history);
    const old = history[total - MESSAGE_WINDOW + 1];
    if (!old) throw new Error('the history is shorter than the test needs');
    emit({ ...old, status: 'read' });
    await vi.waitFor(() =>
      expect(
        root.querySelector('[data-status="read"]')?.closest('[data-testid="message"]')?.textContent,
      ).toContain(old.text),
    );
    emit(message(total, { direction: 'in', text: 'new from Bob' }));
    await vi.waitFor(() => expect(texts(root).at(-1)).toBe('new from Bob'));
    await vi.waitFor(() => expect(calls).toContain('markRead')); // a new incoming message shown has been seen
    for (const scroll of scrolls) expect(scroll).not.toHaveBeenCalled();
  });

  it('shows a status change in place: same order, one message changed', async () => {
    const { root, emit } = await openConversation(history);
    const newest = history.at(-1);
    if (!newest) throw new Error('no history');
    emit({ ...newest, status: 'delivered' });
    await vi.waitFor(() =>
      expect(root.querySelectorAll('[data-testid="message-status"][data-status="delivered"]')).toHaveLength(
        1,
      ),
    );
    expect(texts(root)).toEqual(range(total - MESSAGE_WINDOW, total));
  });
});
