import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { MessageList } from '../../../extension/hooks/message-list';
import type { ChatMessage } from '../../../extension/lib/model';

const message = (text: string, fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: randomId(),
  peerId: randomId(),
  direction: 'out',
  text,
  sentAt: 0,
  status: 'sending',
  ...fields,
});

const texts = (list: MessageList): string[] => list.all.map((shown) => shown.text);

describe('MessageList', () => {
  it('adds a new message after the others, and puts a changed one in its place', () => {
    const list = new MessageList();
    const [a, b, c] = [message('a'), message('b'), message('c')];
    for (const added of [a, b, c]) list.upsert(added);
    list.upsert({ ...a, status: 'delivered' });
    expect(texts(list)).toEqual(['a', 'b', 'c']);
    expect(list.all.map((shown) => shown.status)).toEqual(['delivered', 'sending', 'sending']);
  });

  it('puts the history before what arrived ahead of it, and keeps what arrived of a message in both', () => {
    const list = new MessageList();
    const [old, sent] = [message('old'), message('sent')];
    list.upsert({ ...sent, status: 'read' }); // its status came before the history answer
    list.prependHistory([old, sent]);
    expect(texts(list)).toEqual(['old', 'sent']);
    expect(list.all[1]?.status).toBe('read');
    // Found by id after the history moved it: changed in place, not added twice.
    list.upsert({ ...old, status: 'sent' });
    expect(texts(list)).toEqual(['old', 'sent']);
    expect(list.all[0]?.status).toBe('sent');
  });

  it('hands out the same array until a change, and never changes one it handed out', () => {
    const list = new MessageList();
    list.upsert(message('a'));
    const before = list.all;
    expect(list.all).toBe(before);
    list.upsert(message('b'));
    expect(before.map((shown) => shown.text)).toEqual(['a']);
    expect(texts(list)).toEqual(['a', 'b']);
  });
});
