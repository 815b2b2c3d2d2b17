import { describe, expect, it } from 'vitest';
import { encodeBytes } from '../../../shared/crypto/identity';
import type { UserId } from '../../../shared/ids';
import { CALL_BINDING_TIMEOUT_MS, CALL_RING_TIMEOUT_MS, MAX_CALL_CANDIDATES } from '../../../shared/limits';
import { mediaConnectionId, type CallContent, type MediaFrame } from '../../../shared/protocol/call';
import { createIdentityKeys, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import { createCalls, mismatchWarning, type Calls } from '../../../extension/lib/engine/calls/calls';
import { createMessageLog } from '../../../extension/lib/engine/message-log';
import type { Profile } from '../../../extension/lib/engine/profile';
import type { CallView } from '../../../extension/lib/messaging/call-protocol';
import type { Content } from '../../../shared/protocol/content';
import type { ChatMessage } from '../../../extension/lib/model';
import { fakeProfile } from './module-fakes';

/** Timers run by hand, in order of when they are due. */
class ManualTimers {
  now = 1_700_000_000_000;
  private next = 1;
  private readonly due = new Map<number, { at: number; run: () => void }>();
  set = (run: () => void, ms: number) => {
    const id = this.next++;
    this.due.set(id, { at: this.now + ms, run });
    return id as unknown as ReturnType<typeof setTimeout>;
  };
  clear = (timer: ReturnType<typeof setTimeout>) => void this.due.delete(timer as unknown as number);
  advance(ms: number): void {
    this.now += ms;
    for (const [id, timer] of [...this.due].sort((a, b) => a[1].at - b[1].at))
      if (timer.at <= this.now) {
        this.due.delete(id);
        timer.run();
      }
  }
}

interface Side {
  calls: Calls;
  profile: Profile;
  views: CallView[];
  windows: string[];
  frames: { peerId: UserId; frame: MediaFrame }[];
  signals: unknown[];
  history: () => Promise<readonly ChatMessage[]>;
  /** Where what it tells goes (the other side), unless cut off (offline). */
  peer?: Side;
  offline?: boolean;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Two engines' call modules, each with its own profile, telling each other directly. */
function pair(timers = new ManualTimers()) {
  const make = (): Side => {
    const keys = createIdentityKeys();
    const fake = fakeProfile();
    // Filled in below: its profile and calls need each other.
    const side = { views: [], windows: [], frames: [], signals: [] } as unknown as Side;
    const profile: Profile = {
      ...fake.profile,
      keys,
      selfId: userIdOfKeys(keys),
      async tell(userId, content: Content) {
        if (side.offline || !side.peer) throw new Error('offline');
        const peer = side.peer;
        // Delivered after this turn, as a message would be.
        void settle().then(() => peer.calls.received(peer.profile, profile.selfId, content as CallContent));
      },
    };
    side.profile = profile;
    side.history = () => profile.conversations.list(side.peer?.profile.selfId ?? '');
    side.calls = createCalls({
      current: () => profile,
      now: () => timers.now,
      log: createMessageLog({ emit: () => undefined }),
      emit: (event, data) => {
        if (event === 'call') side.views.push(data as CallView);
        else side.signals.push(data);
      },
      sendMediaFrame: (peerId, frame) => (side.frames.push({ peerId, frame }), true),
      openWindow: (callId) => side.windows.push(callId),
      unread: () => 0,
      setUnread: () => undefined,
      timers,
    });
    return side;
  };
  const alice = make();
  const bob = make();
  alice.peer = bob;
  bob.peer = alice;
  const befriend = (self: Side, other: Side, name: string) =>
    fakeBook(self).set(other.profile.selfId, 'accepted', {
      name,
      signingKey: encodeBytes(other.profile.keys.signing.publicKey),
    });
  befriend(alice, bob, 'Bob');
  befriend(bob, alice, 'Alice');
  return { alice, bob, timers };
}

const fakeBook = (side: Side) => side.profile.book as unknown as ReturnType<typeof fakeProfile>['book'];
const last = (side: Side) => side.views.at(-1);
const FP_A = `sha-256 ${'ab:'.repeat(31)}cd`;
const FP_B = `sha-256 ${'12:'.repeat(31)}34`;
const FP_EVE = `sha-256 ${'ee:'.repeat(31)}ee`;

async function ringAndAccept({ alice, bob }: ReturnType<typeof pair>) {
  const placed = await alice.calls.start(alice.profile, bob.profile.selfId, 'video');
  await settle();
  expect(last(bob)).toMatchObject({
    callId: placed.callId,
    direction: 'in',
    state: 'ringing',
    peerName: 'Alice',
  });
  expect(bob.windows).toEqual([placed.callId]);
  await bob.calls.answer(bob.profile, placed.callId, true);
  await settle();
  expect([last(alice)?.state, last(bob)?.state]).toEqual(['connecting', 'connecting']);
  return placed.callId;
}

describe('calls', () => {
  it('ring, accept, bind, hang up: active only once both bindings verify; both histories log it with its duration', async () => {
    const sides = pair();
    const { alice, bob, timers } = sides;
    const callId = await ringAndAccept(sides);
    await alice.calls.reportFingerprints(alice.profile, callId, { local: FP_A, remote: FP_B });
    await settle();
    expect(last(alice)?.state).toBe('connecting'); // Bob's binding has not come yet: no media
    await bob.calls.reportFingerprints(bob.profile, callId, { local: FP_B, remote: FP_A });
    await settle();
    expect([last(alice)?.state, last(bob)?.state]).toEqual(['active', 'active']);

    timers.advance(65_000);
    await alice.calls.hangUp(alice.profile, callId);
    await settle();
    expect([last(alice)?.outcome, last(bob)?.outcome]).toEqual(['ended', 'ended']);
    await settle();
    const [aliceLog, bobLog] = [await alice.history(), await bob.history()];
    expect(aliceLog).toMatchObject([{ direction: 'out', call: { outcome: 'ended', durationMs: 65_000 } }]);
    expect(bobLog).toMatchObject([{ direction: 'in', call: { outcome: 'ended', durationMs: 65_000 } }]);
  });

  it('ends the call on both sides with a warning naming the contact when a fingerprint was rewritten', async () => {
    const sides = pair();
    const { alice, bob } = sides;
    const callId = await ringAndAccept(sides);
    // A relay answered each side with its own certificate: each saw Eve's fingerprint as the other's.
    await alice.calls.reportFingerprints(alice.profile, callId, { local: FP_A, remote: FP_EVE });
    await bob.calls.reportFingerprints(bob.profile, callId, { local: FP_B, remote: FP_EVE });
    await settle();
    await settle();
    expect(alice.views.some((view) => view.state === 'active')).toBe(false);
    expect(bob.views.some((view) => view.state === 'active')).toBe(false);
    expect(last(alice)).toMatchObject({ state: 'ended', outcome: 'failed', warning: mismatchWarning('Bob') });
    expect(last(bob)).toMatchObject({ state: 'ended', outcome: 'failed', warning: mismatchWarning('Alice') });
    expect(await alice.history()).toMatchObject([
      { call: { outcome: 'failed', warning: mismatchWarning('Bob') } },
    ]);
  });

  it('a declined call is declined on both sides; no second call is placed while one is going on', async () => {
    const { alice, bob } = pair();
    const placed = await alice.calls.start(alice.profile, bob.profile.selfId, 'audio');
    await settle();
    await bob.calls.answer(bob.profile, placed.callId, false);
    await settle();
    expect([last(alice)?.outcome, last(bob)?.outcome]).toEqual(['declined', 'declined']);

    // One call at a time: a second one cannot be placed while one rings.
    await bob.calls.start(bob.profile, alice.profile.selfId, 'video');
    const busy = await bob.calls
      .start(bob.profile, alice.profile.selfId, 'audio')
      .catch((error: unknown) => String(error));
    expect(busy).toMatch(/already in a call/);
  });

  it('a ring nobody answers is missed on both sides; one that arrives after the caller gave up is missed at once', async () => {
    const { alice, bob, timers } = pair();
    const placed = await alice.calls.start(alice.profile, bob.profile.selfId, 'video');
    await settle();
    timers.advance(CALL_RING_TIMEOUT_MS);
    await settle();
    await settle();
    expect([last(alice)?.outcome, last(bob)?.outcome]).toEqual(['missed', 'missed']);
    expect(await bob.history()).toMatchObject([{ direction: 'in', call: { outcome: 'missed' } }]);

    // Offline: the ring waits (in the mailbox); when it comes, it is too old to ring.
    const late = pair();
    await late.bob.calls.received(late.bob.profile, late.alice.profile.selfId, {
      v: 1,
      kind: 'call',
      callId: placed.callId,
      action: 'ring',
      media: 'video',
      sentAt: late.timers.now - CALL_RING_TIMEOUT_MS - 1,
    });
    await settle();
    expect(late.bob.windows).toEqual([]);
    expect(last(late.bob)).toMatchObject({ state: 'ended', outcome: 'missed' });
    expect(await late.bob.history()).toMatchObject([{ direction: 'in', call: { outcome: 'missed' } }]);
  });

  it('a second ring while in a call is answered busy (and logged so); the call goes on', async () => {
    const sides = pair();
    const { alice, bob } = sides;
    await ringAndAccept(sides);
    const carol = pair();
    // Carol (a contact of Bob's) rings Bob while he talks to Alice.
    fakeBook(bob).set(carol.alice.profile.selfId, 'accepted', { name: 'Carol' });
    await bob.calls.received(bob.profile, carol.alice.profile.selfId, {
      v: 1,
      kind: 'call',
      callId: '0'.repeat(32),
      action: 'ring',
      media: 'audio',
      sentAt: sides.timers.now,
    });
    expect(bob.views.findLast((view) => view.callId === '0'.repeat(32))).toMatchObject({ outcome: 'busy' });
    expect(bob.calls.list()).toHaveLength(2);
    expect(last(alice)?.state).toBe('connecting');
  });

  it('relays media frames of the call only, with the other side, and at most MAX_CALL_CANDIDATES candidates', async () => {
    const sides = pair();
    const { alice, bob } = sides;
    const callId = await ringAndAccept(sides);
    const candidate = {
      type: 'CANDIDATE',
      payload: {
        type: 'media',
        connectionId: mediaConnectionId(callId),
        candidate: { candidate: 'candidate:1' },
      },
    } as const;
    bob.calls.mediaFrame(alice.profile.selfId, candidate);
    bob.calls.mediaFrame(bob.profile.selfId, candidate); // not the call's peer
    bob.calls.mediaFrame(alice.profile.selfId, {
      ...candidate,
      payload: { ...candidate.payload, connectionId: mediaConnectionId('f'.repeat(32)) },
    });
    expect(bob.signals).toHaveLength(1);
    for (let i = 0; i < MAX_CALL_CANDIDATES + 5; i++)
      alice.calls.sendSignal(callId, { kind: 'candidate', candidate: { candidate: `candidate:${i}` } });
    expect(alice.frames).toHaveLength(MAX_CALL_CANDIDATES);
    expect(alice.frames[0]).toMatchObject({ peerId: bob.profile.selfId, frame: { type: 'CANDIDATE' } });
  });

  it('fails a call whose bindings do not come in time', async () => {
    const sides = pair();
    const { alice, bob, timers } = sides;
    await ringAndAccept(sides);
    timers.advance(CALL_BINDING_TIMEOUT_MS);
    await settle();
    await settle();
    expect(last(alice)).toMatchObject({ state: 'ended', outcome: 'failed' });
    expect(last(bob)?.state).toBe('ended');
  });
});
