import { describe, expect, it } from 'vitest';
import type { UserId, ConversationId } from '../../../shared/ids';
import type { User } from '../../../shared/protocol/socket';
import { createView, type View } from '../../../extension/lib/engine/view';
import type { EngineState, RoomView } from '../../../extension/lib/messaging/protocol';
import type { ContactRecord, LinkStatus } from '../../../extension/lib/model';
import { contactRecord, userId } from './module-fakes';

/** A view over plain maps the test fills in, with every push and badge change recorded. */
function harness() {
  const world = {
    contacts: [] as ContactRecord[],
    online: new Map<UserId, User>(),
    links: new Map<UserId, LinkStatus>(),
    /** Conversations whose unread messages do not count on the badge (requests, muted contacts). */
    silent: new Set<ConversationId>(),
    selfId: undefined as UserId | undefined,
    roomsAsked: [] as ((userId: UserId) => boolean)[],
  };
  const badge: number[] = [];
  const view: View = createView({
    showUnread: (count) => badge.push(count),
    vault: () => 'unlocked',
    settings: () => null,
    contacts: () => world.contacts,
    online: () => world.online,
    links: () => world.links,
    notifies: (conversation) => !world.silent.has(conversation),
    selfId: () => world.selfId,
    rooms: (isOnline): RoomView[] => {
      world.roomsAsked.push(isOnline);
      return [];
    },
  });
  const states: EngineState[] = [];
  view.subscribe((name, data) => {
    if (name === 'state') states.push(data as EngineState);
  });
  return { world, badge, view, states };
}

const user = (name: string): User => ({ userId: userId(), name, signingKey: 'k' });

describe('view (engine)', () => {
  it('lists contacts online first, then by the name shown (alias or name), with their state and links', () => {
    const { world, view } = harness();
    const [bob, carol, dave, erin] = [user('Bob'), user('Carol'), user('Dave'), user('Erin')];
    world.contacts = [
      contactRecord(dave.userId, 'accepted', { name: 'Dave' }),
      contactRecord(bob.userId, 'accepted', { name: 'Bob', alias: 'Zed', muted: true }),
      contactRecord(carol.userId, 'accepted', { name: 'Carol' }),
      contactRecord(erin.userId, 'incoming', { name: 'Erin', nameVerified: false, nameReused: true }),
    ];
    world.online.set(carol.userId, carol);
    // Only an accepted contact shows online (a request's presence is not ours to know).
    world.online.set(erin.userId, erin);
    world.links.set(carol.userId, 'open');
    const state = view.state();
    const shown = { state: 'accepted', online: false, muted: false, nameVerified: true, nameReused: false };
    expect(state.contacts).toEqual([
      { ...shown, userId: carol.userId, name: 'Carol', online: true },
      { ...shown, userId: dave.userId, name: 'Dave' },
      {
        ...shown,
        userId: erin.userId,
        name: 'Erin',
        state: 'incoming',
        nameVerified: false,
        nameReused: true,
      },
      { ...shown, userId: bob.userId, name: 'Bob', alias: 'Zed', muted: true },
    ]);
    expect(state.links).toEqual({ [carol.userId]: 'open' });
    // No secret, key or pending request leaves the engine.
    expect(JSON.stringify(state)).not.toMatch(/secret|signingKey|owed/);
  });

  it('counts unread per conversation, shows the total on the badge, and pushes the changes of a task once', async () => {
    const { view, badge, states } = harness();
    const [bob, carol] = [userId(), userId()];
    view.setUnread(bob, 2);
    view.setUnread(carol, 1);
    expect(view.unread(bob)).toBe(2);
    expect(badge).toEqual([2, 3]);
    expect(states).toEqual([]); // pushed once the task's changes are all made
    await Promise.resolve();
    expect(states.map((state) => state.unread)).toEqual([{ [bob]: 2, [carol]: 1 }]);
    view.setUnread(bob, 0);
    expect(badge).toEqual([2, 3, 1]);
    await Promise.resolve();
    expect(states).toHaveLength(2);
    // Nothing unread there already: no badge change, no push.
    view.setUnread(bob, 0);
    await Promise.resolve();
    expect(badge).toEqual([2, 3, 1]);
    expect(states).toHaveLength(2);
  });

  it('counts on the badge only what notifies (not a request’s or a muted contact’s), and counts again when asked', () => {
    const { world, view, badge } = harness();
    const [bob, erin] = [userId(), userId()];
    world.silent.add(erin);
    view.setUnread(bob, 2);
    view.setUnread(erin, 3);
    expect(badge).toEqual([2, 2]);
    expect(view.state().unread).toEqual({ [bob]: 2, [erin]: 3 }); // the page still shows each count
    world.silent.delete(erin); // accepted
    view.recountBadge();
    expect(badge.at(-1)).toBe(5);
  });

  it('clears a closed profile’s counts and its badge, and only a badge that showed something', () => {
    const { view, badge } = harness();
    view.clearUnread();
    expect(badge).toEqual([]);
    view.setUnread(userId(), 4);
    view.clearUnread();
    expect(badge).toEqual([4, 0]);
    expect(view.state().unread).toEqual({});
  });

  it('pushes connection changes with their reason; a reset waits for the next push', async () => {
    const { view, states } = harness();
    view.setConnection('offline', 'refused');
    await Promise.resolve();
    expect(states.at(-1)?.connection).toEqual({ status: 'offline', error: 'refused' });
    view.setConnection('online');
    expect(view.connection()).toEqual({ status: 'online' });
    await Promise.resolve();
    const pushes = states.length;
    view.resetConnection();
    await Promise.resolve();
    expect(states).toHaveLength(pushes);
    expect(view.connection()).toEqual({ status: 'unconfigured' });
  });

  it('marks room members online from presence, and ourselves from the connection', () => {
    const { world, view } = harness();
    const bob = user('Bob');
    world.selfId = userId();
    world.online.set(bob.userId, bob);
    view.state();
    const isOnline = world.roomsAsked.at(-1);
    expect(isOnline?.(bob.userId)).toBe(true);
    expect(isOnline?.(world.selfId)).toBe(false);
    view.setConnection('online');
    expect(world.roomsAsked.at(-1)?.(world.selfId)).toBe(true);
  });

  it('knows which conversations pages show: each page its own, until it shows another, none, or closes', () => {
    const { view } = harness();
    const [bob, carol] = [userId(), userId()];
    const popup = view.screen();
    const other = view.screen();
    popup.show(bob);
    other.show(bob);
    expect(view.shown(bob)).toBe(true);
    popup.show(carol);
    expect([view.shown(bob), view.shown(carol)]).toEqual([true, true]);
    other.close();
    expect([view.shown(bob), view.shown(carol)]).toEqual([false, true]);
    popup.show(undefined);
    expect(view.shown(carol)).toBe(false);
  });

  it('stops pushing to a page that unsubscribed', async () => {
    const { view } = harness();
    const seen: string[] = [];
    const unsubscribe = view.subscribe((name) => seen.push(name));
    view.publish();
    await Promise.resolve();
    unsubscribe();
    view.publish();
    await Promise.resolve();
    expect(seen).toEqual(['state']);
  });
});
