// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { TYPING_SHOWN_MS } from '../../../shared/limits';
import { Conversation } from '../../../extension/components/Conversation';
import { Composer } from '../../../extension/components/Composer';
import { ConversationSearch } from '../../../extension/components/ConversationSearch';
import { MessageBubble } from '../../../extension/components/MessageBubble';
import { MessageActionsContext, type MessageActions } from '../../../extension/components/message-actions';
import type { ChatMessage } from '../../../extension/lib/model';
import { contactOf } from '../../support/popup-state';
import { byTestId, mount, recordingClient, settle, type, unmountAll, waitForTestId } from './fake-client';

const bob = randomId();
const alice = randomId();

const message = (text: string, fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: randomId(),
  peerId: bob,
  direction: 'out',
  text,
  sentAt: Date.UTC(2026, 0, 1, 12, 30),
  status: 'delivered',
  ...fields,
});

function recordingActions() {
  const done: string[] = [];
  const actions: MessageActions = {
    reply: (m) => void done.push(`reply ${m.text}`),
    edit: (m) => void done.push(`edit ${m.text}`),
    remove: (m, forEveryone) => void done.push(`delete ${m.text} ${forEveryone ? 'for everyone' : 'here'}`),
    nameOf: (userId) => (userId === bob ? 'Bob' : userId === alice ? 'You' : 'Someone'),
  };
  return { done, actions };
}

/** A composer editing `own` in Bob's conversation: the calls its client got, and its box. */
function editing(own: ChatMessage, onSettled?: () => void) {
  const { client, calls } = recordingClient();
  const root = mount(
    <Composer
      client={client}
      conversationId={bob}
      title="Bob"
      canWrite
      placeholder="Message Bob"
      editing={own}
      onSettled={onSettled}
    />,
  );
  const box = root.querySelector('textarea');
  if (!box) throw new Error('no box');
  return { calls, root, box };
}

const click = async (element: Element): Promise<void> => {
  (element as HTMLElement).click();
  await settle();
};
const menuItems = (root: ParentNode): string[] =>
  [...root.querySelectorAll('[role="menuitem"]')].map((item) => item.textContent);

afterEach(() => {
  unmountAll();
  vi.useRealTimers();
});

describe('a message and its menu', () => {
  it('offers reply, copy, edit and delete for one’s own message; only reply, copy and delete here for another’s', async () => {
    const { done, actions } = recordingActions();
    const own = message('mine');
    const theirs = message('theirs', { direction: 'in' });
    const root = mount(
      <MessageActionsContext.Provider value={actions}>
        <MessageBubble message={own} />
        <MessageBubble message={theirs} />
      </MessageActionsContext.Provider>,
    );
    const [ownMenu, theirMenu] = root.querySelectorAll('[data-testid="message-menu"]');
    if (!ownMenu || !theirMenu) throw new Error('no menus');
    await click(ownMenu);
    expect(ownMenu.getAttribute('aria-expanded')).toBe('true');
    expect(menuItems(root)).toEqual(['Reply', 'Copy text', 'Edit', 'Delete for me', 'Delete for everyone']);
    await click(byTestId(root, 'message-delete-everyone'));
    expect(menuItems(root)).toEqual([]); // closed once chosen
    await click(theirMenu);
    expect(menuItems(root)).toEqual(['Reply', 'Copy text', 'Delete for me']);
    await click(byTestId(root, 'message-reply'));
    await click(ownMenu);
    await click(byTestId(root, 'message-edit'));
    expect(done).toEqual(['delete mine for everyone', 'reply theirs', 'edit mine']);
  });

  it('closes its menu with Escape, which then does not leave the conversation', async () => {
    const { actions } = recordingActions();
    const root = mount(
      <MessageActionsContext.Provider value={actions}>
        <MessageBubble message={message('mine')} />
      </MessageActionsContext.Provider>,
    );
    await click(byTestId(root, 'message-menu'));
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    byTestId(root, 'message-reply').dispatchEvent(escape);
    await settle();
    expect(escape.defaultPrevented).toBe(true);
    expect(menuItems(root)).toEqual([]);
    expect(document.activeElement).toBe(byTestId(root, 'message-menu'));
  });

  it('shows a reply’s quote, "edited", and a deleted message’s place without its text, all as text', async () => {
    const { actions } = recordingActions();
    const hostile = '<img src=x onerror=alert(1)>';
    const reply = message('sure', {
      reply: { id: randomId(), text: hostile, from: bob },
      edited: Date.UTC(2026, 0, 1, 13),
    });
    const gone = message('', { direction: 'in', deleted: { at: 1, forEveryone: true } });
    const quotingGone = message('what was it?', { reply: { id: gone.id, text: '', from: bob } });
    const root = mount(
      <MessageActionsContext.Provider value={actions}>
        <MessageBubble message={reply} />
        <MessageBubble message={gone} />
        <MessageBubble message={quotingGone} />
      </MessageActionsContext.Provider>,
    );
    const quotes = root.querySelectorAll('[data-testid="message-quote"]');
    expect(quotes[0]?.textContent).toBe(`Bob${hostile}`);
    expect(root.querySelector('img')).toBeNull();
    expect(quotes[1]?.textContent).toBe('BobDeleted message');
    expect(byTestId(root, 'message-edited').textContent).toBe('edited');
    expect(byTestId(root, 'message-deleted').textContent).toBe('This message was deleted');
    expect(root.querySelectorAll('[data-testid="message-menu"]')).toHaveLength(2); // none for what is gone
  });
});

describe('the composer', () => {
  it('restores the kept draft, keeps each change in the engine, and answers a message with its quote', async () => {
    const answered = message('Dinner at eight?', { direction: 'in' });
    const { client, calls } = recordingClient({ getDraft: () => Promise.resolve({ text: 'half a' }) });
    const settled = vi.fn();
    const root = mount(
      <Composer
        client={client}
        conversationId={bob}
        title="Bob"
        canWrite
        placeholder="Message Bob"
        replyTo={answered}
        nameOf={() => 'Bob'}
        onSettled={settled}
      />,
    );
    const box = root.querySelector('textarea');
    if (!box) throw new Error('no box');
    await vi.waitFor(() => expect(box.value).toBe('half a'));
    expect(byTestId(root, 'composer-reply').textContent).toContain('Replying to Bob: Dinner at eight?');
    await type(box, 'half a thought');
    await vi.waitFor(() =>
      expect(calls).toContainEqual(['setDraft', { peerId: bob, text: 'half a thought' }]),
    );
    await type(box, 'Yes!');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await vi.waitFor(() =>
      expect(calls).toContainEqual(['sendText', { peerId: bob, text: 'Yes!', replyTo: answered.id }]),
    );
    await vi.waitFor(() => expect(settled).toHaveBeenCalled());
    expect(box.value).toBe('');
  });

  it('hands the engine what was typed just before the conversation closes', async () => {
    const { client, calls } = recordingClient({ getDraft: () => Promise.resolve({ text: '' }) });
    const root = mount(
      <Composer client={client} conversationId={bob} title="Bob" canWrite placeholder="Message Bob" />,
    );
    const box = root.querySelector('textarea');
    if (!box) throw new Error('no box');
    await type(box, 'quick');
    expect(calls.map(([method]) => method)).not.toContain('setDraft'); // still within the pause
    unmountAll();
    // Well within the pause (DRAFT_SAVE_MS, 300 ms): only the closing conversation can have handed it over.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toContainEqual(['setDraft', { peerId: bob, text: 'quick' }]);
  });

  it('edits one’s own message in place of the draft, and Escape cancels without leaving the conversation', async () => {
    const own = message('Yes at 8');
    const settled = vi.fn();
    const { calls, root, box } = editing(own, settled);
    await vi.waitFor(() => expect(box.value).toBe('Yes at 8'));
    byTestId(root, 'composer-editing');
    await type(box, 'Yes, at 8');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await vi.waitFor(() =>
      expect(calls).toContainEqual(['editMessage', { peerId: bob, messageId: own.id, text: 'Yes, at 8' }]),
    );
    expect(calls.map(([method]) => method)).not.toContain('setDraft'); // an edit is no draft, and no "typing"
    await vi.waitFor(() => expect(settled).toHaveBeenCalledTimes(1));
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    box.dispatchEvent(escape);
    expect(escape.defaultPrevented).toBe(true);
    expect(settled).toHaveBeenCalledTimes(2);
  });

  it('edits with what was typed at once, before the page painted the edit box', async () => {
    const own = message('Yes at 8');
    const { calls, box } = editing(own);
    // In the task that showed the box: no frame, no effect after paint has run yet.
    await type(box, 'Yes, at 8');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await vi.waitFor(() =>
      expect(calls).toContainEqual(['editMessage', { peerId: bob, messageId: own.id, text: 'Yes, at 8' }]),
    );
    expect(box.value).toBe('Yes, at 8');
  });
});

describe('the conversation', () => {
  it('says the contact is typing until they stop, or until TYPING_SHOWN_MS pass without another word', async () => {
    const { client, push } = recordingClient({
      openConversation: () => Promise.resolve([]),
      getDraft: () => Promise.resolve({ text: '' }),
    });
    const root = mount(
      <Conversation
        client={client}
        with={{ kind: 'contact', contact: contactOf(bob, 'Bob'), direct: true }}
      />,
    );
    const line = await waitForTestId(root, 'typing');
    expect(line.textContent).toBe('');
    push('typing', { peerId: bob, typing: true });
    await vi.waitFor(() => expect(line.textContent).toBe('Bob is typing…'));
    push('typing', { peerId: randomId(), typing: false }); // someone else: no change
    await settle();
    expect(line.textContent).toBe('Bob is typing…');
    push('typing', { peerId: bob, typing: false });
    await vi.waitFor(() => expect(line.textContent).toBe(''));
    // A message of theirs ends it too, also one that comes read (this conversation is on screen).
    push('typing', { peerId: bob, typing: true });
    await vi.waitFor(() => expect(line.textContent).toBe('Bob is typing…'));
    push('message', message('here it is', { direction: 'in', status: 'read' }));
    await vi.waitFor(() => expect(line.textContent).toBe(''));

    vi.useFakeTimers();
    push('typing', { peerId: bob, typing: true });
    await vi.waitFor(() => expect(line.textContent).toBe('Bob is typing…'));
    vi.advanceTimersByTime(TYPING_SHOWN_MS);
    await vi.waitFor(() => expect(line.textContent).toBe(''));
  });

  it('searches its history in the engine and lists what it found, newest first', async () => {
    const found = [message('pizza again'), message('Pizza?', { direction: 'in' })];
    const { client, calls } = recordingClient({ searchConversation: () => Promise.resolve(found) });
    const root = mount(<ConversationSearch client={client} conversationId={bob} />);
    const field = root.querySelector('input');
    if (!field) throw new Error('no field');
    await vi.waitFor(() => expect(document.activeElement).toBe(field));
    await type(field, '  pizza ');
    const rows = await vi.waitFor(() => {
      const shown = [...root.querySelectorAll('[data-testid="search-result"]')].map((row) => row.textContent);
      expect(shown).toHaveLength(2);
      return shown;
    });
    expect(rows[0]?.endsWith(' pizza again')).toBe(true);
    expect(rows[1]?.endsWith(' Pizza?')).toBe(true);
    expect(calls).toEqual([['searchConversation', { peerId: bob, query: 'pizza' }]]);
  });
});
