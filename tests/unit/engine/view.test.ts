import { describe, expect, it } from 'vitest';
import type { UserId } from '../../../shared/ids';
import type { User } from '../../../shared/protocol/socket';
import type { PinnedContact } from '../../../extension/lib/model';
import { createView, type View } from '../../../extension/lib/engine/view';
import type { EngineState, RoomView } from '../../../extension/lib/messaging/protocol';
import type { LinkStatus } from '../../../extension/lib/model';
import { userId } from './module-fakes';

/** A view over plain maps the test fills in, with every push and badge change recorded. */
function harness() {
  const world = {
    pinned: [] as PinnedContact[],
    online: new Map<UserId, User>(),
    links: new Map<UserId, LinkStatus>(),
    keyChanged: new Set<UserId>(),
    selfId: undefined as UserId | undefined,
    roomsAsked: [] as ((userId: UserId) => boolean)[],
  };
  const badge: number[] = [];
  const view: View = createView({
    showUnread: (count) => badge.push(count),
    vault: () => 'unlocked',
    settings: () => null,
    pinned: () => world.pinned,
    online: () => world.online,
    links: () => world.links,
    keyChanged: () => world.keyChanged,
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
  it('lists contacts pinned or online, online first then by name, with links and key changes', () => {
    const { world, view } = harness();
    const [bob, carol, dave] = [user('Bob'), user('Carol'), user('Dave')];
    world.pinned = [
      { userId: dave.userId, name: 'Dave', signingKey: 'k' },
      { userId: bob.userId, name: 'Bob', signingKey: 'k' },
    ];
    world.online.set(carol.userId, carol);
    world.links.set(carol.userId, 'open');
    world.keyChanged.add(carol.userId);
    const state = view.state();
    expect(state.contacts).toEqual([
      { userId: carol.userId, name: 'Carol', online: true },
      { userId: bob.userId, name: 'Bob', online: false },
      { userId: dave.userId, name: 'Dave', online: false },
    ]);
    expect(state.links).toEqual({ [carol.userId]: 'open' });
    expect(state.keyChanged).toEqual([carol.userId]);
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
