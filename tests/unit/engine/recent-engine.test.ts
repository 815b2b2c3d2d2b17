/**
 * Each conversation's newest message, through the whole engine over the real vault (fakes for the server and the
 * mesh: tests/support/engine.ts): told as it changes, listed whole, and read again after a restart.
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecentList } from '../../../extension/lib/messaging/conversation-protocol';
import { Fakes, PASSPHRASE, frameFrom, onlineEngine } from '../../support/engine';

let fakes: Fakes;
beforeEach(() => {
  fakes = new Fakes();
});

describe('recent conversations (engine)', () => {
  it('previews a conversation’s newest message as it comes and goes, and after a lock and a restart', async () => {
    const { engine, bob, self } = await onlineEngine(fakes);
    const told: RecentList[] = [];
    engine.subscribe((name, data) => {
      if (name === 'recent') told.push(data as RecentList);
    });
    const bobId = bob.user.userId;

    fakes.mesh?.onFrame(bobId, await frameFrom(bob, self.userId, 'Dinner\nat eight?'));
    await vi.waitFor(() =>
      expect(told.at(-1)?.conversations[bobId]).toEqual({
        kind: 'text',
        text: 'Dinner at eight?',
        at: 5,
        direction: 'in',
      }),
    );
    const answer = await engine.sendText({ peerId: bobId, text: 'Yes!' });
    await vi.waitFor(() =>
      expect(told.at(-1)?.conversations[bobId]).toMatchObject({ text: 'Yes!', direction: 'out' }),
    );
    expect((await engine.listRecent({})).conversations[bobId]).toMatchObject({ text: 'Yes!' });

    await engine.deleteMessage({ peerId: bobId, messageId: answer.id, forEveryone: false });
    await vi.waitFor(() => expect(told.at(-1)?.conversations[bobId]).toMatchObject({ kind: 'deleted' }));

    await engine.lock({});
    expect(await engine.listRecent({})).toEqual({ whole: true, conversations: {} });

    // A restarted browser: a new engine over the same storage, nothing in memory until unlocked.
    const restarted = fakes.engine();
    await restarted.start();
    expect((await restarted.listRecent({})).conversations).toEqual({});
    await restarted.unlock({ passphrase: PASSPHRASE });
    const listed = await restarted.listRecent({});
    expect(listed.whole).toBe(true);
    expect(listed.conversations[bobId]).toEqual({
      kind: 'deleted',
      text: '',
      at: answer.sentAt,
      direction: 'out',
    });
  });
});
