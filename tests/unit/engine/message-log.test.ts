import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { createConversations } from '../../../extension/lib/engine/conversations';
import { decodeContent, encodeContent, contentOf } from '../../../extension/lib/engine/content';
import { createMessageLog, withStatus } from '../../../extension/lib/engine/message-log';
import type { ChatMessage } from '../../../extension/lib/model';
import { memoryHistory, roomId, userId } from './module-fakes';

const outgoing = (peerId: string): ChatMessage => ({
  id: randomId(),
  peerId,
  direction: 'out',
  text: 'hi',
  sentAt: 5,
  status: 'sending',
});

describe('message log (engine)', () => {
  it('stores a new message once and tells the pages before it is on disk; a duplicate id is neither stored nor told', async () => {
    const emitted: ChatMessage[] = [];
    const log = createMessageLog({ emit: (message) => emitted.push(message) });
    const message = outgoing(userId());
    let written = false;
    const history = memoryHistory();
    const conversations = createConversations({
      ...history,
      // The disk answers later: the pages hear of the message before it is written.
      put: (stored) =>
        new Promise((resolve) => setTimeout(resolve, 5))
          .then(() => history.put(stored))
          .then(() => void (written = true)),
    });
    const recording = await log.record(conversations, message);
    expect(recording).not.toBe(false);
    expect(emitted).toEqual([message]);
    expect(written).toBe(false);
    if (recording) await recording.stored;
    expect(written).toBe(true);
    expect(await log.record(conversations, { ...message, text: 'spoof' })).toBe(false);
    expect(emitted).toEqual([message]);
    expect(await conversations.list(message.peerId)).toEqual([message]);
  });

  it('moves a status only forward, drops the error of a failed attempt, and never touches the other direction', async () => {
    const emitted: ChatMessage[] = [];
    const log = createMessageLog({ emit: (message) => emitted.push(message) });
    const conversations = createConversations(memoryHistory());
    const message = { ...outgoing(userId()), status: 'failed' as const, error: 'Mailbox full' };
    await log.record(conversations, message);
    await log.advance(conversations, message.peerId, message.id, 'out', withStatus('read'));
    await log.advance(conversations, message.peerId, message.id, 'out', withStatus('sent'));
    await log.advance(conversations, message.peerId, message.id, 'in', withStatus('read'));
    const stored = await conversations.get(message.peerId, message.id);
    expect(stored?.status).toBe('read');
    expect(stored && 'error' in stored).toBe(false);
    expect(emitted.map((m) => m.status)).toEqual(['failed', 'read']);
  });
});

describe('content (engine)', () => {
  it('a room message names its room; content round-trips; invalid content throws with the reason', () => {
    const room = roomId();
    const message: ChatMessage = { ...outgoing(room), awaiting: { delivered: [], read: [] } };
    const content = contentOf(message);
    expect(content).toEqual({ v: 1, kind: 'chat', id: message.id, text: 'hi', sentAt: 5, room });
    expect(contentOf(outgoing(userId()))).not.toHaveProperty('room');
    expect(decodeContent(encodeContent(content))).toEqual(content);
    expect(() => decodeContent(new TextEncoder().encode('{"v":1,"kind":"chat"}'))).toThrow(/id/);
    expect(() => decodeContent(new TextEncoder().encode('not json'))).toThrow();
  });
});
