// @vitest-environment happy-dom
import { options, type VNode } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import type { ChatMessage } from '../../../extension/lib/model';
import { aliceWithBob, contactOf } from '../../support/popup-state';
import { mount, recordingClient, unmountAll } from './fake-client';

// The popup reaches the engine through connectEngine(); here it gets a fake engine instead.
const engine = vi.hoisted((): { client: unknown } => ({ client: undefined }));
vi.mock('../../../extension/lib/messaging/client', () => ({
  connectEngine: () => Promise.resolve(engine.client),
}));
const { App } = await import('../../../extension/entrypoints/popup/App');

const alice = randomId();
const bob = randomId();
const history: ChatMessage[] = Array.from({ length: 20 }, (_, n) => ({
  id: randomId(),
  peerId: bob,
  direction: n % 2 ? 'in' : 'out',
  text: `message ${n}`,
  sentAt: Date.now() - (20 - n) * 1000,
  status: 'read',
}));

/** How many times a message's bubble was rendered (Preact's hook after each component's diff). */
let bubbleRenders = 0;
const previousDiffed = options.diffed?.bind(options);
beforeEach(() => {
  bubbleRenders = 0;
  options.diffed = (vnode: VNode) => {
    if (typeof vnode.type === 'function' && vnode.type.name === 'MessageBubble') bubbleRenders++;
    previousDiffed?.(vnode);
  };
});
afterEach(() => {
  options.diffed = previousDiffed;
  unmountAll();
});

async function openBob() {
  const fake = recordingClient({
    getState: () => Promise.resolve(aliceWithBob(alice, bob)),
    openConversation: () => Promise.resolve(history),
    listCalls: () => Promise.resolve([]),
  });
  engine.client = fake.client;
  const root = mount(<App />);
  const row = await vi.waitFor(() => {
    const found = root.querySelector<HTMLElement>('[data-testid="contact"]');
    if (!found) throw new Error('no contact row yet');
    return found;
  });
  row.click();
  await vi.waitFor(() => expect(root.querySelectorAll('[data-testid="message"]')).toHaveLength(20));
  return { root, pushState: fake.pushState };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('what a state push renders again in an open conversation', () => {
  it('no message, when the conversation’s contact is unchanged (the engine pushes its whole state, as new objects)', async () => {
    const { pushState } = await openBob();
    await settle();
    const before = bubbleRenders;
    for (let push = 0; push < 3; push++)
      pushState({ ...aliceWithBob(alice, bob), unread: { [randomId()]: push } });
    await settle();
    expect(bubbleRenders).toBe(before);
  });

  it('every message, when the contact changed (their new name shows in the quotes of replies)', async () => {
    const { root, pushState } = await openBob();
    await settle();
    const before = bubbleRenders;
    pushState({ ...aliceWithBob(alice, bob), contacts: [contactOf(bob, 'Robert')] });
    await vi.waitFor(() => expect(root.querySelector('#conversation-title')?.textContent).toBe('Robert'));
    await settle();
    expect(bubbleRenders - before).toBe(20);
  });
});
