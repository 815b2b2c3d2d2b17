// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import type { EngineClient } from '../../../extension/lib/messaging/client';
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

const bob = randomId();
const REFUSED = 'Bob is not your contact any more: add Bob again to write';
const STOPPED = 'The messenger engine stopped; reopen the popup';

const baseState: EngineState = aliceWithBob(randomId(), bob);

const incoming = (text: string): ChatMessage =>
  messageFrom(bob, text, { sentAt: Date.UTC(2026, 0, 1, 12, 30) });

/** A fake engine in `state`: each method answers as `answers` says (by default as a healthy engine would). */
const fakeClient = (state: EngineState, answers: Parameters<typeof recordingClient>[0]) =>
  recordingClient({
    ...chatAnswers(state),
    getSafetyNumber: () => Promise.resolve({ digits: '1'.repeat(60) }),
    ...answers,
  });

/** A promise the test settles when it wants to. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const roots: HTMLElement[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) render(null, root);
});

/** Renders the popup on the fake engine and waits for the chat screen. */
async function popup(client: EngineClient, shown = '[data-testid="contact"]'): Promise<HTMLElement> {
  engine.client = client;
  const root = document.createElement('div');
  document.body.append(root);
  roots.push(root);
  render(<App />, root);
  await vi.waitFor(() => expect(root.querySelector(shown)).not.toBeNull());
  return root;
}

/** Opens the conversation with Bob and waits until its composer is there. */
async function openBob(root: HTMLElement): Promise<HTMLTextAreaElement> {
  root.querySelector<HTMLButtonElement>('[data-testid="contact"]')?.click();
  return vi.waitFor(() => {
    const box = root.querySelector<HTMLTextAreaElement>('#composer-text');
    if (!box) throw new Error('no composer yet');
    return box;
  });
}

/** Lets pending promise callbacks and Preact's re-render run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Types into the box as a user would: an input event, then the re-render that takes it in. */
async function type(box: HTMLTextAreaElement, text: string): Promise<void> {
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  await settle();
}

const pressEnter = (box: HTMLTextAreaElement): boolean =>
  box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));

const alerts = (root: ParentNode): string[] =>
  [...root.querySelectorAll('[role="alert"]')].map((node) => node.textContent);

const button = (root: HTMLElement, name: string | RegExp): HTMLButtonElement | undefined =>
  [...root.querySelectorAll('button')].find((candidate) =>
    typeof name === 'string'
      ? candidate.textContent === name || candidate.getAttribute('aria-label') === name
      : name.test(candidate.textContent),
  );

describe('the popup, when a request to the engine fails', () => {
  it('keeps the draft and shows why when sending is refused', async () => {
    const { client, calls } = fakeClient(baseState, {
      sendText: () => Promise.reject(new Error(REFUSED)),
    });
    const root = await popup(client);
    const box = await openBob(root);
    await type(box, 'the plan for tomorrow');
    pressEnter(box);
    await vi.waitFor(() => expect(alerts(root).join('\n')).toContain(REFUSED));
    expect(calls).toContainEqual(['sendText', { peerId: bob, text: 'the plan for tomorrow' }]);
    expect(alerts(root)).toEqual([`Not sent: ${REFUSED}`]);
    expect(root.querySelector<HTMLTextAreaElement>('#composer-text')?.value).toBe('the plan for tomorrow');
    // The send button is back, to try again once the cause is fixed.
    expect(button(root, 'Send')?.disabled).toBe(false);
  });

  it('clears the draft only once the engine has taken the message, and sends it once meanwhile', async () => {
    const answer = deferred<unknown>();
    const { client, calls } = fakeClient(baseState, { sendText: () => answer.promise });
    const root = await popup(client);
    const box = await openBob(root);
    await type(box, 'see you at noon');
    pressEnter(box);
    await vi.waitFor(() => expect(button(root, 'Sending…')?.disabled).toBe(true));
    expect(root.querySelector<HTMLTextAreaElement>('#composer-text')?.value).toBe('see you at noon');
    // Enter again while it is on its way: still one message.
    pressEnter(box);
    await settle();
    expect(calls.filter(([method]) => method === 'sendText')).toHaveLength(1);
    answer.resolve({ ...incoming('see you at noon'), direction: 'out', status: 'sending' });
    await vi.waitFor(() => expect(root.querySelector<HTMLTextAreaElement>('#composer-text')?.value).toBe(''));
    expect(button(root, 'Send')).toBeDefined();
    expect(alerts(root)).toEqual([]);
  });

  it('says that locking failed, next to the lock button', async () => {
    const { client, calls } = fakeClient(baseState, { lock: () => Promise.reject(new Error(STOPPED)) });
    const root = await popup(client);
    button(root, 'Lock')?.click();
    await vi.waitFor(() => expect(alerts(root)).toEqual([`Not locked: ${STOPPED}`]));
    expect(calls).toContainEqual(['lock', {}]);
    expect(root.querySelector('.status-bar [role="alert"]')).not.toBeNull();
  });

  it("says that accepting a request failed, in the request's conversation", async () => {
    const state = {
      ...baseState,
      contacts: baseState.contacts.map((contact) => ({ ...contact, state: 'incoming' as const })),
    };
    const { client } = fakeClient(state, {
      acceptContact: () => Promise.reject(new Error(STOPPED)),
    });
    const root = await popup(client, '[data-testid="open-request"]');
    root.querySelector<HTMLButtonElement>('[data-testid="open-request"]')?.click();
    const panel = await vi.waitFor(() => {
      const found = root.querySelector<HTMLElement>('[data-testid="request-panel"]');
      if (!found) throw new Error('no request panel yet');
      return found;
    });
    panel.querySelector<HTMLButtonElement>('[data-testid="accept-request"]')?.click();
    await vi.waitFor(() => expect(alerts(panel)).toEqual([`Not accepted: ${STOPPED}`]));
  });

  it('says that marking a conversation read failed', async () => {
    const { client, calls } = fakeClient(baseState, {
      openConversation: () => Promise.resolve([incoming('are you there?')]),
      markRead: () => Promise.reject(new Error(STOPPED)),
    });
    const root = await popup(client);
    await openBob(root);
    await vi.waitFor(() => expect(alerts(root).join('\n')).toContain(STOPPED));
    expect(calls).toContainEqual(['markRead', { peerId: bob }]);
    expect(alerts(root)).toEqual([`Not marked as read: ${STOPPED}`]);
  });

  it('says that the history did not load, and loads it when asked again', async () => {
    let fail = true;
    const { client } = fakeClient(baseState, {
      openConversation: () =>
        fail ? Promise.reject(new Error(STOPPED)) : Promise.resolve([incoming('the history, at last')]),
    });
    const root = await popup(client);
    await openBob(root);
    await vi.waitFor(() => expect(alerts(root)).toEqual([`The history did not load: ${STOPPED}`]));
    fail = false;
    button(root, 'Try again')?.click();
    await vi.waitFor(() =>
      expect(root.querySelector('[data-testid="message-text"]')?.textContent).toBe('the history, at last'),
    );
    expect(alerts(root)).toEqual([]);
  });
});

describe('the popup, on a conversation it shows', () => {
  it('marks the newest incoming message read though a reply came after it, and none read already', async () => {
    const reply: ChatMessage = { ...incoming('yes'), direction: 'out', status: 'sent' };
    const unread = fakeClient(baseState, {
      openConversation: () => Promise.resolve([incoming('are you there?'), reply]),
    });
    await openBob(await popup(unread.client));
    await vi.waitFor(() => expect(unread.calls).toContainEqual(['markRead', { peerId: bob }]));

    const read = fakeClient(baseState, {
      openConversation: () => Promise.resolve([{ ...incoming('seen before'), status: 'read' }, reply]),
    });
    const root = await popup(read.client);
    await openBob(root);
    await vi.waitFor(() => expect(root.textContent).toContain('seen before'));
    expect(read.calls.map(([method]) => method)).not.toContain('markRead');
  });
});
