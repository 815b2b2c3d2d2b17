// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import {
  HISTORY_PAGE,
  useConversation,
  type ConversationView,
} from '../../../extension/hooks/useConversation';
import type { ChatMessage } from '../../../extension/lib/model';
import { mount, recordingClient, unmountAll } from './fake-client';

const bob = randomId();
const history: ChatMessage[] = Array.from({ length: 2 * HISTORY_PAGE + 50 }, (_, n) => ({
  id: `m${n}`,
  peerId: bob,
  direction: 'in',
  text: `message ${n}`,
  sentAt: n,
  status: 'delivered',
}));

/** The engine's answer to a page request: the newest `limit` before `before`. */
async function page(params: unknown): Promise<ChatMessage[]> {
  const { before, limit } = params as { before?: string; limit: number };
  const end = before === undefined ? history.length : history.findIndex(({ id }) => id === before);
  return history.slice(Math.max(0, end - limit), end);
}

afterEach(unmountAll);

describe('the history of a conversation, in pages', () => {
  it('asks for the newest page first, then one earlier page at a time, until none are left', async () => {
    const { client, calls } = recordingClient({ openConversation: page });
    let view: ConversationView | undefined;
    function Harness() {
      view = useConversation(client, bob);
      return null;
    }
    mount(<Harness />);
    await vi.waitFor(() => expect(view?.messages).toHaveLength(HISTORY_PAGE));
    expect(calls).toContainEqual(['openConversation', { peerId: bob, limit: HISTORY_PAGE }]);
    expect(view?.messages.at(-1)?.text).toBe(`message ${history.length - 1}`);
    expect(view?.earlier.more).toBe(true);

    view?.earlier.load();
    view?.earlier.load(); // while one is on its way: not asked twice
    await vi.waitFor(() => expect(view?.messages).toHaveLength(2 * HISTORY_PAGE));
    const asked = calls.filter(([method]) => method === 'openConversation');
    expect(asked).toHaveLength(2);
    expect(asked[1]).toEqual(['openConversation', { peerId: bob, before: 'm150', limit: HISTORY_PAGE }]);

    view?.earlier.load();
    await vi.waitFor(() => expect(view?.messages).toHaveLength(history.length));
    expect(view?.messages.map(({ text }) => text)).toEqual(history.map(({ text }) => text));
    expect(view?.earlier.more).toBe(false);
  });
});
