import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, fail, ok } from '../../../shared/errors';
import { randomId, type UserId } from '../../../shared/ids';
import type { Content } from '../../../shared/protocol/content';
import type { SealedFrame } from '../../../shared/protocol/peer';
import { encodeBytes, sessionStatement, verifySignature } from '../../../shared/crypto/identity';
import { safetyNumber } from '../../../shared/crypto/safety-number';
import { presenceToken } from '../../../shared/crypto/contact-secret';
import { inviteLink, readInviteLink } from '../../../extension/lib/contacts/invite';
import type { Contact } from '../../../extension/lib/messaging/protocol';
import { randomKey } from './module-fakes';
import type { SessionStart, User } from '../../../shared/protocol/socket';
import type { IdentityKeys } from '../../../extension/lib/crypto/identity';
import { createSessions } from '../../../extension/lib/engine/sessions';
import { newCodeSecret, roomCodeKeys, signRoomEntry } from '../../../extension/lib/crypto/room-entries';
import { readRoomLog } from '../../../shared/crypto/room-log';
import type { Room, RoomEntry, RoomOp } from '../../../shared/protocol/rooms';
import {
  DELIVERY_RECEIPT_TIMEOUT_MS,
  DIRECT_LINK_TIMEOUT_MS,
  MAX_ONE_TIME_PREKEYS,
  ONE_TIME_PREKEYS_LOW_WATER,
  PREKEY_CLAIM_WINDOW_MS,
} from '../../../shared/limits';
import { CLAIM_LIMITS } from '../../../signal-server/src/stores/prekeys';
import { claimFrom, publishTo } from '../../support/prekeys';
import {
  Fakes,
  PASSPHRASE,
  SERVER,
  befriend,
  contact,
  mailFrom,
  frameFrom,
  memorySessionStore,
  onlineEngine as onlineEngineWith,
  openedBy,
  otherProfile,
  prekeyServer,
  sealedFrom,
  ticket,
} from '../../support/engine';

// The fakes, contacts and frames are shared with the fuzz suite (tests/support/engine.ts).
let fakes: Fakes;
beforeEach(() => {
  fakes = new Fakes();
});

const onlineEngine = () => onlineEngineWith(fakes);

/** How pages see an accepted contact who is online, named as on the server and verified. */
const shown = (user: User, extra: Partial<Contact> = {}): Contact => ({
  userId: user.userId,
  name: user.name,
  state: 'accepted',
  online: true,
  muted: false,
  nameVerified: true,
  nameReused: false,
  ...extra,
});

interface RoomPerson {
  readonly user: { readonly userId: UserId; readonly name: string };
  readonly keys: IdentityKeys;
}

/**
 * A room whose log its people signed: the first creates it and publishes a code, each of the others joins with
 * that code. The server's lists name the members the log proves, unless `members` says otherwise.
 */
function signedRoom(name: string, [creator, ...joiners]: RoomPerson[], members?: RoomPerson[]): Room {
  if (!creator) throw new Error('a room needs a creator');
  const roomId = `r${randomId()}`;
  const log: RoomEntry[] = [];
  const add = (by: RoomPerson, op: RoomOp, subject: string, code?: ReturnType<typeof roomCodeKeys>) => {
    const prev = readRoomLog(roomId, log).state?.hashes.at(-1) ?? '';
    log.push(signRoomEntry(by.keys, roomId, { op, subject, at: 1_000 + log.length, prev }, code));
  };
  add(creator, 'create', name);
  const code = roomCodeKeys(roomId, newCodeSecret());
  add(creator, 'code', encodeBytes(code.publicKey));
  for (const joiner of joiners) add(joiner, 'join', encodeBytes(code.publicKey), code);
  const listed = (members ?? [creator, ...joiners]).map(({ user }) => ({
    userId: user.userId,
    name: user.name,
  }));
  return { roomId, members: listed, invited: [], log };
}

describe('engine', () => {
  it('starts new: nothing is readable or sent before a passphrase is set', async () => {
    const engine = fakes.engine();
    await engine.start();
    const state = await engine.getState({});
    expect(state.vault).toBe('new');
    expect(state.connection.status).toBe('unconfigured');
    expect(fakes.handlers).toBeUndefined();
    await expect(engine.openConversation({ peerId: randomId() })).rejects.toMatchObject({ code: 'locked' });
  });

  it('sets up, proves its identity key on the challenge, publishes prekeys and opens the peer socket', async () => {
    const { engine, bob, self } = await onlineEngine();
    expect(fakes.requests.map((request) => request.event).slice(0, 2)).toEqual([
      'session:challenge',
      'session:start',
    ]);
    const start = fakes.requests[1]?.payload as SessionStart;
    expect(start.challenge).toBe(encodeBytes(fakes.challenge));
    // Signed for the server it connected to (SERVER, as an origin): no other server could pass it on.
    expect(start.origin).toBe(new URL(SERVER).origin);
    const claim = { origin: start.origin, challenge: fakes.challenge, userId: self.userId, name: 'Alice' };
    expect(verifySignature(sessionStatement(claim), start.signature, start.identity.signingKey)).toBe(true);
    const elsewhere = sessionStatement({ ...claim, origin: 'https://elsewhere.example' });
    expect(verifySignature(elsewhere, start.signature, start.identity.signingKey)).toBe(false);
    const state = await engine.getState({});
    expect(state.settings).toEqual({
      name: 'Alice',
      serverUrl: SERVER,
      autoLockMinutes: 0,
      userId: self.userId,
    });
    expect(state.vault).toBe('unlocked');
    expect(fakes.resumed).toHaveLength(1);
    // No third-party STUN/TURN servers: nobody outside the two peers and our server learns of the call.
    expect(fakes.mesh?.iceServers()).toEqual([]);
    expect(state.contacts).toEqual([shown(bob.user)]);
  });

  it('tops up its one-time prekeys when the server says they run low (prekeys:low)', async () => {
    const { self } = await onlineEngine();
    const published = () => fakes.requests.filter((request) => request.event === 'prekeys:publish').length;
    const before = published();
    // Each claim in a window of its own: the server hands out only so many of one user's prekeys per window.
    let claims = 0;
    const claim = () =>
      prekeyServer.claim(self.userId, {
        now: Date.now() + claims++ * PREKEY_CLAIM_WINDOW_MS,
        limits: CLAIM_LIMITS,
        claimer: randomId(),
      });
    let remaining = MAX_ONE_TIME_PREKEYS;
    while (remaining >= ONE_TIME_PREKEYS_LOW_WATER) remaining = (await claim())?.remaining ?? 0;
    fakes.handlers?.onPrekeysLow(remaining);
    await vi.waitFor(() => expect(published()).toBe(before + 2)); // asks how many are held, then tops up
    const after = await claim();
    expect(after?.remaining).toBe(MAX_ONE_TIME_PREKEYS - 1);
  });

  it('locks: keys dropped, offline; a wrong passphrase is refused; the right one goes back online', async () => {
    const { engine } = await onlineEngine();
    const locked = await engine.lock({});
    expect(locked).toMatchObject({ vault: 'locked', settings: null, contacts: [] });
    await expect(engine.sendText({ peerId: randomId(), text: 'x' })).rejects.toMatchObject({
      code: 'locked',
    });
    await expect(engine.unlock({ passphrase: 'wrong horse' })).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    const unlocked = await engine.unlock({ passphrase: PASSPHRASE });
    expect(unlocked.vault).toBe('unlocked');
    expect(unlocked.connection.status).toBe('connecting');
  });

  it('locks by itself after the chosen idle time', async () => {
    const { engine } = await onlineEngine();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await engine.saveSettings({ name: 'Alice', serverUrl: SERVER, autoLockMinutes: 5 });
      vi.advanceTimersByTime(4 * 60_000);
      await engine.markRead({ peerId: randomId() }); // activity restarts the clock
      vi.advanceTimersByTime(4 * 60_000);
      expect((await engine.getState({})).vault).toBe('unlocked');
      vi.advanceTimersByTime(60_000);
      expect((await engine.getState({})).vault).toBe('locked');
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops the keys on lock, auto-lock, settings change and restore even when closing a connection throws', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const { engine, bob } = await onlineEngine();
      const { backup } = await engine.exportBackup({ passphrase: 'backup passphrase' });
      // What PeerJS did after a hostile offer: `connection.close is not a function` on every destroy().
      fakes.closeFailure = new TypeError('connection.close is not a function');
      // A settings change reconnects: the old connections fail to close, the new ones still open.
      await engine.saveSettings({ name: 'Alice', serverUrl: 'http://127.0.0.1:3000', autoLockMinutes: 0 });
      expect((await engine.getState({})).connection.status).toBe('connecting');
      // Restoring a backup replaces the profile, and its connections, all the same.
      expect((await engine.importBackup({ passphrase: 'backup passphrase', backup })).vault).toBe('unlocked');

      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        await engine.saveSettings({ name: 'Alice', serverUrl: SERVER, autoLockMinutes: 1 });
        vi.advanceTimersByTime(60_000);
        expect((await engine.getState({})).vault).toBe('locked');
      } finally {
        vi.useRealTimers();
      }

      await engine.unlock({ passphrase: PASSPHRASE });
      expect(await engine.lock({})).toMatchObject({ vault: 'locked', settings: null, contacts: [] });
      await expect(engine.openConversation({ peerId: bob.user.userId })).rejects.toMatchObject({
        code: 'locked',
      });
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/could not close the peer connections/),
        expect.anything(),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('after a restart, is locked, and unlocks into the same identity, contacts and history', async () => {
    const { engine, bob, self } = await onlineEngine();
    await engine.sendText({ peerId: bob.user.userId, text: 'kept' });
    const restarted = fakes.engine();
    expect((await restarted.getState({})).vault).toBe('locked');
    const state = await restarted.unlock({ passphrase: PASSPHRASE });
    expect(state.settings?.userId).toBe(self.userId);
    expect(state.contacts.map((c) => c.name)).toEqual(['Bob']);
    expect((await restarted.openConversation({ peerId: bob.user.userId })).map((m) => m.text)).toEqual([
      'kept',
    ]);
  });

  it('shows the server refusing the session, with its reason', async () => {
    const engine = fakes.engine();
    await engine.setUp({ name: 'Alice', serverUrl: SERVER, autoLockMinutes: 0, passphrase: PASSPHRASE });
    fakes.answers['session:challenge'] = ok({ challenge: encodeBytes(fakes.challenge) });
    fakes.answers['session:start'] = fail(ErrorCode.NameTaken, 'The name "Alice" is in use');
    fakes.handlers?.onConnected();
    await vi.waitFor(async () =>
      expect((await engine.getState({})).connection).toEqual({
        status: 'offline',
        error: 'The name "Alice" is in use',
      }),
    );
  });

  it('keeps showing a refused sign-in when the server then closes the connection, and does not claim to retry', async () => {
    const engine = fakes.engine();
    await engine.setUp({ name: 'Alice', serverUrl: SERVER, autoLockMinutes: 0, passphrase: PASSPHRASE });
    fakes.answers['session:challenge'] = ok({ challenge: encodeBytes(fakes.challenge) });
    const refusal = 'session:start: the signature does not match this identity key and challenge';
    fakes.answers['session:start'] = fail(ErrorCode.Unauthenticated, refusal);
    fakes.handlers?.onConnected();
    const refused = { status: 'offline', error: refusal };
    await vi.waitFor(async () => expect((await engine.getState({})).connection).toEqual(refused));
    // The server closes a connection whose sign-in failed verification; socket.io-client does not reconnect.
    fakes.handlers?.onDisconnected('io server disconnect');
    expect((await engine.getState({})).connection).toEqual(refused);
  });

  it('says the server closed the session, rather than "retrying", when it ends a running one', async () => {
    const { engine } = await onlineEngine();
    fakes.handlers?.onDisconnected('io server disconnect'); // e.g. the same identity signed in elsewhere
    const { connection } = await engine.getState({});
    expect(connection.status).toBe('offline');
    expect(connection.error).toContain('save Settings to connect again');
  });

  it('links to a contact whose conversation is open as soon as they come online', async () => {
    const { engine, bob, bobToken } = await onlineEngine();
    fakes.handlers?.onPresenceOffline(bobToken);
    await engine.openConversation({ peerId: bob.user.userId });
    expect(fakes.connects).toEqual([]);
    fakes.handlers?.onPresenceOnline(bobToken, false);
    await vi.waitFor(() => expect(fakes.connects).toEqual([bob.user.userId]));
  });

  it('follows presence pushes, and keeps contacts it knows when they go offline', async () => {
    const { engine, bob, bobToken, self } = await onlineEngine();
    fakes.mesh?.onLinkChange(bob.user.userId, 'open');
    const carol = await contact('Carol');
    const carolToken = await befriend(fakes, engine, self, carol);
    // Both contacts' tokens are presented to the server, and nothing else of them.
    await vi.waitFor(() =>
      expect(fakes.requests.filter((request) => request.event === 'presence:watch').at(-1)?.payload).toEqual({
        tokens: [bobToken, carolToken],
        visible: true,
      }),
    );
    fakes.handlers?.onPresenceOnline(carolToken, false);
    fakes.handlers?.onPresenceOffline(bobToken);
    expect((await engine.getState({})).contacts).toEqual([
      shown(carol.user),
      shown(bob.user, { online: false }),
    ]);
    // The link to someone who left the server is closed, not left for the heartbeat to find dead.
    expect(fakes.disconnects).toEqual([bob.user.userId]);
  });

  it('sends over an open channel, sealed (X3DH, then the ratchet), and marks it delivered on the receipt', async () => {
    const { engine, messages, bob, self, vault } = await onlineEngine();
    fakes.mesh?.onLinkChange(bob.user.userId, 'open');
    const queued = await engine.sendText({ peerId: bob.user.userId, text: 'hello' });
    expect(queued).toMatchObject({ direction: 'out', text: 'hello', status: 'sending' });
    await vi.waitFor(() => expect(messages.at(-1)).toMatchObject({ status: 'sent', via: 'direct' }));
    const frame = fakes.sent[0]?.frame as SealedFrame;
    expect(frame.id).toBe(queued.id);
    expect(JSON.stringify(frame)).not.toContain('hello');
    expect(await openedBy(bob, self.userId, frame.message)).toMatchObject({ id: queued.id, text: 'hello' });
    expect(await vault.outbox.all()).toHaveLength(1);

    const receipt: Content = { v: 1, kind: 'receipt', status: 'delivered', ids: [queued.id] };
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, receipt));
    await vi.waitFor(() => expect(messages.at(-1)).toMatchObject({ id: queued.id, status: 'delivered' }));
    await vi.waitFor(async () => expect(await vault.outbox.all()).toEqual([]));
    const read: Content = { v: 1, kind: 'receipt', status: 'read', ids: [queued.id] };
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, read));
    await vi.waitFor(() => expect(messages.at(-1)).toMatchObject({ status: 'read' }));
    // A late receipt never moves a status back.
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, receipt));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await engine.openConversation({ peerId: bob.user.userId }))[0]?.status).toBe('read');
  });

  it('keeps what is typed while the server and the contact are away, across a restart, then relays it', async () => {
    const { engine, bob, bobToken, self } = await onlineEngine();
    fakes.handlers?.onPresenceOffline(bobToken);
    fakes.handlers?.onDisconnected('transport close');
    const typed = await engine.sendText({ peerId: bob.user.userId, text: 'while offline' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fakes.mail).toEqual([]);

    // The browser restarts: a new engine, unlocked, finds the message in its outbox.
    const restarted = fakes.engine();
    await restarted.unlock({ passphrase: PASSPHRASE });
    fakes.answers['session:start'] = ok({ self, peer: ticket(self.userId) });
    fakes.handlers?.onConnected();
    await vi.waitFor(() => expect(fakes.mail.map((mail) => mail.id)).toEqual([typed.id]));
    expect(fakes.mail[0]?.to).toBe(bob.user.userId);
    expect(await openedBy(bob, self.userId, fakes.mail[0]?.message)).toMatchObject({ text: 'while offline' });
    await vi.waitFor(async () =>
      expect((await restarted.openConversation({ peerId: bob.user.userId }))[0]).toMatchObject({
        status: 'sent',
        via: 'server',
      }),
    );
  });

  it('relays through the server when no channel opens in time, or a direct message gets no receipt', async () => {
    // Signed in and befriended on real timers: taking mail waits for the disk's timers.
    const { engine, bob } = await onlineEngine();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const first = await engine.sendText({ peerId: bob.user.userId, text: 'no channel' });
      await vi.waitFor(() => expect(fakes.connects).toContain(bob.user.userId));
      expect(fakes.mail).toEqual([]);
      await vi.advanceTimersByTimeAsync(DIRECT_LINK_TIMEOUT_MS);
      await vi.waitFor(() => expect(fakes.mail.map((mail) => mail.id)).toEqual([first.id]));

      // A channel opens, but the receipt for what went over it never comes.
      fakes.mesh?.onLinkChange(bob.user.userId, 'open');
      const second = await engine.sendText({ peerId: bob.user.userId, text: 'lost on the channel' });
      await vi.waitFor(() => expect(fakes.sent.map((sent) => sent.frame.id)).toEqual([second.id]));
      await vi.advanceTimersByTimeAsync(DELIVERY_RECEIPT_TIMEOUT_MS);
      await vi.waitFor(() => expect(fakes.mail.map((mail) => mail.id)).toEqual([first.id, second.id]));
      // The same ciphertext both ways: the receiver keeps whichever arrives first.
      expect(fakes.mail[1]?.message).toEqual((fakes.sent[0]?.frame as SealedFrame).message);
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes mail from the server, stores it once, acknowledges it and answers with receipts', async () => {
    const { engine, messages, bob, self } = await onlineEngine();
    const frame = await frameFrom(bob, self.userId, 'by mail');
    const item = {
      mailId: randomId(),
      from: bob.user.userId,
      id: frame.id,
      message: frame.message,
      storedAt: 1,
    };
    fakes.handlers?.onMail(item);
    await vi.waitFor(() => expect(fakes.acked).toEqual([item.mailId]));
    expect(messages).toMatchObject([
      { text: 'by mail', direction: 'in', status: 'delivered', via: 'server' },
    ]);
    // The receipt went back the way the message came, sealed (a moment later, with any others).
    await vi.waitFor(() => expect(fakes.mail).toHaveLength(1));
    const delivered = fakes.mail.at(-1);
    expect(delivered?.to).toBe(bob.user.userId);
    expect(await openedBy(bob, self.userId, delivered?.message)).toEqual({
      v: 1,
      kind: 'receipt',
      status: 'delivered',
      ids: [frame.id],
    });

    // The same message again, now over a channel: not stored twice, but receipted again.
    fakes.mesh?.onLinkChange(bob.user.userId, 'open');
    fakes.mesh?.onFrame(bob.user.userId, frame);
    await vi.waitFor(() => expect(fakes.sent).toHaveLength(1));
    expect(await openedBy(bob, self.userId, (fakes.sent[0]?.frame as SealedFrame).message)).toMatchObject({
      kind: 'receipt',
      status: 'delivered',
    });
    expect(messages).toHaveLength(1);

    // Shown: read, and Bob is told.
    await engine.openConversation({ peerId: bob.user.userId });
    await vi.waitFor(() => expect(fakes.sent).toHaveLength(2));
    expect(await openedBy(bob, self.userId, (fakes.sent[1]?.frame as SealedFrame).message)).toMatchObject({
      kind: 'receipt',
      status: 'read',
      ids: [frame.id],
    });
    expect(messages.at(-1)).toMatchObject({ status: 'read' });
  });

  it('seals a room message for each member, counts their receipts, and takes room messages only from members', async () => {
    const { engine, messages, bob, bobToken, self, vault } = await onlineEngine();
    const carol = await contact('Carol');
    const room = signedRoom('Trip', [
      { user: self, keys: vault.identity },
      { user: bob.user, keys: bob.vault.identity },
      { user: carol.user, keys: carol.vault.identity },
    ]);
    const roomId = room.roomId;
    fakes.handlers?.onRoomUpdated(room);
    await vi.waitFor(async () =>
      expect((await engine.getState({})).rooms.map((room) => room.name)).toEqual(['Trip']),
    );
    fakes.handlers?.onPresenceOffline(bobToken); // both members away: through the mailbox

    const sent = await engine.sendText({ peerId: roomId, text: 'to the room' });
    await vi.waitFor(() =>
      expect(fakes.mail.map((mail) => mail.to).sort()).toEqual([bob.user.userId, carol.user.userId].sort()),
    );
    for (const [member, mail] of [bob, carol].map(
      (m) => [m, fakes.mail.find((x) => x.to === m.user.userId)] as const,
    ))
      expect(await openedBy(member, self.userId, mail?.message)).toMatchObject({
        id: sent.id,
        text: 'to the room',
        room: roomId,
      });

    const delivered: Content = { v: 1, kind: 'receipt', status: 'delivered', ids: [sent.id], room: roomId };
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, delivered));
    await vi.waitFor(() =>
      expect(messages.at(-1)).toMatchObject({ id: sent.id, awaiting: { delivered: [carol.user.userId] } }),
    );
    expect(messages.at(-1)?.status).toBe('sent');
    fakes.mesh?.onFrame(carol.user.userId, await sealedFrom(carol, self.userId, delivered));
    await vi.waitFor(() => expect(messages.at(-1)).toMatchObject({ id: sent.id, status: 'delivered' }));

    const fromBob = { v: 1, kind: 'chat', id: randomId(), text: 'hi room', sentAt: 5, room: roomId } as const;
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, fromBob, fromBob.id));
    const mallory = await contact('Mallory');
    const fromMallory = { ...fromBob, id: randomId(), text: 'let me in' };
    fakes.mesh?.onFrame(
      mallory.user.userId,
      await sealedFrom(mallory, self.userId, fromMallory, fromMallory.id),
    );
    await vi.waitFor(() =>
      expect(messages.at(-1)).toMatchObject({ text: 'hi room', peerId: roomId, from: bob.user.userId }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messages.map((message) => message.text)).not.toContain('let me in');
  });

  it('seals room messages only for members the signed log proves: one the server adds is warned of, never sealed for', async () => {
    const { engine, messages, bob, bobToken, self, vault } = await onlineEngine();
    const mallory = await contact('Mallory');
    const alice = { user: self, keys: vault.identity };
    const bobSigned = { user: bob.user, keys: bob.vault.identity };
    const malloryAsListed = { user: mallory.user, keys: mallory.vault.identity };
    // The server lists Mallory (an identity of its own) as a member, with no join of hers in the log.
    const doctored = signedRoom('Trip', [alice, bobSigned], [alice, bobSigned, malloryAsListed]);
    const roomId = doctored.roomId;
    fakes.answers['room:list'] = ok({ rooms: [doctored] });
    fakes.handlers?.onRoomUpdated(doctored);
    await vi.waitFor(async () => expect((await engine.getState({})).rooms).toHaveLength(1));
    const [view] = (await engine.getState({})).rooms;
    expect(view?.members.map((member) => member.name)).toEqual(['Alice', 'Bob']);
    expect(view?.warnings).toEqual([
      'The server listed Mallory as a member without their signed join: messages are not sent to them',
    ]);
    expect(view?.timeline.map((line) => line.text)).toEqual([
      'Alice created the room "Trip"',
      'Bob joined with an invite code from Alice',
    ]);

    // A join entry the server made up for Mallory (it cannot sign as her, nor with the code): not believed.
    const forged: RoomEntry = {
      ...signRoomEntry(mallory.vault.identity, roomId, {
        op: 'join',
        subject: 'invite',
        at: 5,
        prev: readRoomLog(roomId, doctored.log).state?.hashes.at(-1) ?? '',
      }),
    };
    fakes.handlers?.onRoomUpdated({ ...doctored, log: [...doctored.log, forged] });
    await vi.waitFor(async () =>
      expect((await engine.getState({})).rooms[0]?.warnings).toContain(
        "An entry of this room's membership log does not verify (they were not invited): it, and what follows it, are ignored",
      ),
    );

    fakes.handlers?.onPresenceOffline(bobToken); // through the mailbox: every recipient shows there
    const sent = await engine.sendText({ peerId: roomId, text: 'members only' });
    await vi.waitFor(() => expect(fakes.mail.map((mail) => mail.to)).toEqual([bob.user.userId]));
    expect(await openedBy(bob, self.userId, fakes.mail[0]?.message)).toMatchObject({ id: sent.id });
    expect(messages.at(-1)).toMatchObject({ id: sent.id, awaiting: { delivered: [bob.user.userId] } });

    // Nor are room messages taken from her.
    const fromMallory = {
      v: 1,
      kind: 'chat',
      id: randomId(),
      text: 'let me in',
      sentAt: 5,
      room: roomId,
    } as const;
    fakes.mesh?.onFrame(
      mallory.user.userId,
      await sealedFrom(mallory, self.userId, fromMallory, fromMallory.id),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messages.map((message) => message.text)).not.toContain('let me in');

    // Once the log proves a join (Carol's, signed with the code), she gets the next message.
    const carol = await contact('Carol');
    const withCarol = signedRoom('Trip', [
      alice,
      bobSigned,
      { user: carol.user, keys: carol.vault.identity },
    ]);
    fakes.handlers?.onRoomUpdated(withCarol);
    await vi.waitFor(async () =>
      expect(
        (await engine.getState({})).rooms.find((r) => r.roomId === withCarol.roomId)?.members,
      ).toHaveLength(3),
    );
    fakes.mail.length = 0;
    await engine.sendText({ peerId: withCarol.roomId, text: 'welcome' });
    await vi.waitFor(() =>
      expect(fakes.mail.map((mail) => mail.to).sort()).toEqual([bob.user.userId, carol.user.userId].sort()),
    );
  });

  it('sends again, on a new session, what a contact could not open after losing their sessions', async () => {
    const { engine, bob, self } = await onlineEngine();
    fakes.mesh?.onLinkChange(bob.user.userId, 'open');
    await engine.sendText({ peerId: bob.user.userId, text: 'before' });
    await vi.waitFor(() => expect(fakes.sent).toHaveLength(1));
    expect(await openedBy(bob, self.userId, (fakes.sent[0]?.frame as SealedFrame).message)).toMatchObject({
      text: 'before',
    });

    // Bob restores a backup: same identity, no sessions, new prekeys.
    const reborn = createSessions({
      keys: bob.vault.identity,
      store: memorySessionStore(),
      claimBundle: claimFrom(prekeyServer),
    });
    await reborn.publishPrekeys(publishTo(prekeyServer, bob.vault.identity));
    const lost = await engine.sendText({ peerId: bob.user.userId, text: 'lost?' });
    await vi.waitFor(() => expect(fakes.sent).toHaveLength(2));
    const unreadable = (fakes.sent[1]?.frame as SealedFrame).message;
    await expect(reborn.open(self.userId, unreadable)).rejects.toThrow();

    const reset: Content = { v: 1, kind: 'reset', ids: [lost.id] };
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom({ sessions: reborn }, self.userId, reset));
    // Everything Bob has not confirmed goes again, in order, on the session he began.
    await vi.waitFor(() => expect(fakes.sent).toHaveLength(4));
    const again = fakes.sent.slice(2).map((sent) => sent.frame);
    expect(again.map((frame) => frame.id).at(-1)).toBe(lost.id);
    const texts = [];
    for (const frame of again) texts.push(await openedBy({ sessions: reborn }, self.userId, frame.message));
    expect(texts.map((content) => content.kind === 'chat' && content.text)).toEqual(['before', 'lost?']);
  });

  it('asks a contact to start over when a message needs a session this profile no longer has', async () => {
    const { engine, messages, bob, self } = await onlineEngine();
    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'first'));
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    await vi.waitFor(() => expect(fakes.mail).toHaveLength(1)); // its delivered receipt
    const { backup } = await engine.exportBackup({ passphrase: 'backup passphrase' });
    await engine.importBackup({ passphrase: 'backup passphrase', backup }); // sessions are not in a backup
    fakes.handlers?.onConnected();
    await vi.waitFor(async () => expect((await engine.getState({})).connection.status).toBe('online'));

    // Bob takes in what Alice's engine said before the restore (its delivered receipt), then writes again.
    for (const mail of fakes.mail.splice(0)) await bob.sessions.open(self.userId, mail.message);
    const second = await frameFrom(bob, self.userId, 'second');
    fakes.mesh?.onFrame(bob.user.userId, second);
    await vi.waitFor(() => expect(fakes.mail).toHaveLength(1));
    expect(fakes.mail[0]?.to).toBe(bob.user.userId);
    expect(await openedBy(bob, self.userId, fakes.mail[0]?.message)).toEqual({
      v: 1,
      kind: 'reset',
      ids: [second.id],
    });
  });

  it('keeps reading private when read receipts are off: read here, the sender only learns of delivery', async () => {
    const { engine, messages, bob, self } = await onlineEngine();
    await engine.saveSettings({
      name: 'Alice',
      serverUrl: SERVER,
      autoLockMinutes: 0,
      sendReadReceipts: false,
    });
    fakes.mesh?.onLinkChange(bob.user.userId, 'open');
    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'private'));
    await vi.waitFor(() => expect(fakes.sent).toHaveLength(1)); // the delivered receipt
    await engine.openConversation({ peerId: bob.user.userId });
    await vi.waitFor(() => expect(messages.at(-1)).toMatchObject({ text: 'private', status: 'read' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fakes.sent).toHaveLength(1);
    expect(await openedBy(bob, self.userId, (fakes.sent[0]?.frame as SealedFrame).message)).toMatchObject({
      kind: 'receipt',
      status: 'delivered',
    });
  });

  it('after restoring a backup, sends again what no recipient had confirmed, to a contact or to room members', async () => {
    const { engine, bob, self, vault } = await onlineEngine();
    const carol = await contact('Carol');
    const room = signedRoom('Trip', [
      { user: self, keys: vault.identity },
      { user: bob.user, keys: bob.vault.identity },
      { user: carol.user, keys: carol.vault.identity },
    ]);
    const roomId = room.roomId;
    fakes.handlers?.onRoomUpdated(room);
    await vi.waitFor(async () => expect((await engine.getState({})).rooms).toHaveLength(1));
    fakes.handlers?.onDisconnected('transport close'); // nothing can leave: all of it is in the outbox only
    await engine.sendText({ peerId: bob.user.userId, text: 'to Bob' });
    await engine.sendText({ peerId: roomId, text: 'to the room' });
    await engine.sendText({ peerId: bob.user.userId, text: 'and again' });
    const { backup } = await engine.exportBackup({ passphrase: 'backup passphrase' });

    const { fakes: other, engine: fresh } = await otherProfile();
    await fresh.importBackup({ passphrase: 'backup passphrase', backup });
    const outbox = await (await other.storage.unlock('other passphrase')).outbox.all();
    // In order within each conversation; conversations may come in any order.
    const queued = outbox.map(({ peerId, content }) => [
      peerId,
      'text' in content && content.text,
      content.room,
    ]);
    expect(queued.filter(([, , room]) => room === undefined)).toEqual([
      [bob.user.userId, 'to Bob', undefined],
      [bob.user.userId, 'and again', undefined],
    ]);
    expect(queued.filter(([, , room]) => room === roomId).sort()).toEqual(
      [
        [bob.user.userId, 'to the room', roomId],
        [carol.user.userId, 'to the room', roomId],
      ].sort(),
    );
    expect((await fresh.openConversation({ peerId: bob.user.userId })).map((m) => m.text)).toEqual([
      'to Bob',
      'and again',
    ]);
  });

  it('records sealed frames from peers once, and drops malformed, replayed and forged ones', async () => {
    const { engine, messages, bob, self } = await onlineEngine();
    const frame = await frameFrom(bob, self.userId, 'hi Alice');
    fakes.mesh?.onFrame(bob.user.userId, frame);
    fakes.mesh?.onFrame(bob.user.userId, frame); // replayed
    fakes.mesh?.onFrame(bob.user.userId, '<script>');
    fakes.mesh?.onFrame(bob.user.userId, {
      v: 1,
      kind: 'chat',
      id: randomId(),
      text: 'plaintext?',
      sentAt: 1,
    });
    const mallory = await contact('Mallory');
    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(mallory, self.userId, 'I am Bob'));
    const empty = await frameFrom(bob, self.userId, '');
    fakes.mesh?.onFrame(bob.user.userId, empty);
    await vi.waitFor(() => expect(messages).toHaveLength(1));
    const id = messages[0]?.id;
    expect(await engine.openConversation({ peerId: bob.user.userId })).toEqual([
      {
        id,
        peerId: bob.user.userId,
        direction: 'in',
        text: 'hi Alice',
        sentAt: 5,
        status: 'delivered',
        via: 'direct',
      },
    ]);
  });

  it('drops a message whose sentAt no date can hold, and keeps the conversation going', async () => {
    const { engine, messages, bob, self } = await onlineEngine();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const hostile = {
      v: 1,
      kind: 'chat',
      id: randomId(),
      text: 'from the end of time',
      sentAt: 8_640_000_000_000_001,
    };
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, hostile as Content));
    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'still here'));
    await vi.waitFor(() => expect(messages.map((m) => m.text)).toEqual(['still here']));
    expect((await engine.openConversation({ peerId: bob.user.userId })).map((m) => m.text)).toEqual([
      'still here',
    ]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('sentAt: must be before the year 2100'));
    warn.mockRestore();
  });

  it('exports a backup and restores it, replacing identity and history; a wrong passphrase changes nothing', async () => {
    const { engine, bob, self } = await onlineEngine();
    await engine.sendText({ peerId: bob.user.userId, text: 'in the backup' });
    const { backup, fileName } = await engine.exportBackup({ passphrase: 'backup passphrase' });
    expect(fileName).toMatch(/^messenger-backup-Alice-\d{4}-\d\d-\d\d\.json$/);

    const { fakes: other, engine: fresh } = await otherProfile();
    const before = (await fresh.getState({})).settings?.userId;
    await expect(fresh.importBackup({ passphrase: 'wrong passphrase', backup })).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    expect((await fresh.getState({})).settings?.userId).toBe(before);

    const restored = await fresh.importBackup({ passphrase: 'backup passphrase', backup });
    expect(restored.settings).toMatchObject({ name: 'Alice', userId: self.userId });
    expect((await fresh.openConversation({ peerId: bob.user.userId })).map((m) => m.text)).toEqual([
      'in the backup',
    ]);
    // Restored under this profile's own passphrase, with what was still unsent back in the outbox.
    await fresh.lock({});
    expect((await fresh.unlock({ passphrase: 'other passphrase' })).settings?.userId).toBe(self.userId);
    const outbox = await (await other.storage.unlock('other passphrase')).outbox.all();
    expect(outbox.map(({ peerId, content }) => [peerId, 'text' in content && content.text])).toEqual([
      [bob.user.userId, 'in the backup'],
    ]);
  });

  it('asks for a fresh ticket when the peer socket drops, and resumes with it', async () => {
    const { self } = await onlineEngine();
    fakes.answers['peer:ticket'] = ok({ ...ticket(self.userId), ticket: '2.fresh' });
    fakes.mesh?.onSignalingLost();
    await vi.waitFor(() => expect(fakes.resumed.at(-1)?.ticket).toBe('2.fresh'));
  });

  it('tracks links and counts peer connections for diagnostics', async () => {
    const { engine, bob } = await onlineEngine();
    fakes.mesh?.onLinkChange(bob.user.userId, 'open');
    fakes.counters.connectionsCreated = 1;
    expect((await engine.getState({})).links).toEqual({ [bob.user.userId]: 'open' });
    expect((await engine.getDiagnostics({})).peerConnectionsCreated).toBe(1);
    fakes.mesh?.onLinkChange(bob.user.userId, 'closed');
    expect((await engine.getState({})).links).toEqual({});
  });

  it('flags a request under a name another key held here before, and writes to it only once accepted', async () => {
    const { engine, bob, self } = await onlineEngine();
    // Someone else asks as "Bob": another key (so another user id) than the Bob the server binds the name to.
    const impostor = await contact('Bob');
    const secret = randomKey();
    const asking: Content = {
      v: 1,
      kind: 'contact',
      action: 'request',
      secret,
      name: 'Bob',
      greeting: 'new phone',
    };
    fakes.handlers?.onMail(await mailFrom(impostor, self.userId, asking));
    await vi.waitFor(async () =>
      expect((await engine.getState({})).contacts.find((c) => c.userId === impostor.user.userId)).toEqual(
        shown(impostor.user, { state: 'incoming', online: false, nameVerified: false, nameReused: true }),
      ),
    );
    // Their greeting waits in the request; it does not count on the badge.
    expect((await engine.openConversation({ peerId: impostor.user.userId })).map((m) => m.text)).toEqual([
      'new phone',
    ]);
    expect(fakes.badge.filter((count) => count > 0)).toEqual([]);
    await expect(engine.sendText({ peerId: impostor.user.userId, text: 'hi' })).rejects.toThrow(
      /Accept their contact request/,
    );
    expect(fakes.mail).toEqual([]);

    // Accepted (after comparing safety numbers, say): the answer carries the secret they chose.
    const accepted = await engine.acceptContact({ userId: impostor.user.userId });
    expect(accepted).toMatchObject({ state: 'accepted', nameReused: true });
    await vi.waitFor(() => expect(fakes.mail.map((mail) => mail.to)).toEqual([impostor.user.userId]));
    expect(await openedBy(impostor, self.userId, fakes.mail[0]?.message)).toEqual({
      v: 1,
      kind: 'contact',
      action: 'accept',
      secret,
      name: 'Alice',
    });
    expect((await engine.sendText({ peerId: impostor.user.userId, text: 'hi' })).status).toBe('sending');
    // The real Bob is still there, as he was.
    expect((await engine.getState({})).contacts.find((c) => c.userId === bob.user.userId)).toEqual(
      shown(bob.user),
    );
  });

  it('refuses an invite link whose key the server does not present, and takes one whose key it does', async () => {
    const { engine } = await onlineEngine();
    const carol = await contact('Carol');
    const link = inviteLink(SERVER, 'Carol', carol.user.signingKey);
    // The server binds "Carol" to another key than the one her link carries.
    const impostor = await contact('Carol');
    fakes.directory.set('Carol', impostor.user);
    await expect(engine.addContact({ query: link })).rejects.toMatchObject({ code: ErrorCode.KeyChanged });
    await expect(
      engine.addContact({ query: inviteLink('https://elsewhere.example', 'Carol', carol.user.signingKey) }),
    ).rejects.toThrow(/Both of you must use the same server/);
    expect(fakes.mail).toEqual([]);
    expect((await engine.getState({})).contacts.map((c) => c.name)).toEqual(['Bob']);

    fakes.directory.set('Carol', carol.user);
    const asked = await engine.addContact({ query: link });
    expect(asked).toEqual(shown(carol.user, { state: 'outgoing', online: false }));
    expect(fakes.mail.map((mail) => mail.to)).toEqual([carol.user.userId]);
  });

  it('accepts a request while offline, and sends the acceptance at the next sign-in', async () => {
    const { engine, self } = await onlineEngine();
    const carol = await contact('Carol');
    const secret = randomKey();
    fakes.directory.set('Carol', carol.user);
    const asking: Content = { v: 1, kind: 'contact', action: 'request', secret, name: 'Carol' };
    fakes.handlers?.onMail(await mailFrom(carol, self.userId, asking));
    await vi.waitFor(async () =>
      expect((await engine.getState({})).contacts.find((c) => c.userId === carol.user.userId)).toEqual(
        shown(carol.user, { state: 'incoming', online: false }),
      ),
    );
    fakes.handlers?.onDisconnected('transport close');
    expect(await engine.acceptContact({ userId: carol.user.userId })).toMatchObject({ state: 'accepted' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fakes.mail).toEqual([]);

    fakes.handlers?.onConnected();
    await vi.waitFor(() => expect(fakes.mail.map((mail) => mail.to)).toEqual([carol.user.userId]));
    expect(await openedBy(carol, self.userId, fakes.mail[0]?.message)).toMatchObject({
      kind: 'contact',
      action: 'accept',
      secret,
    });
    // Carol's token is presented with Bob's from this sign-in on.
    await vi.waitFor(() =>
      expect(
        fakes.requests.filter((request) => request.event === 'presence:watch').at(-1)?.payload,
      ).toMatchObject({ tokens: expect.arrayContaining([presenceToken(secret)]) as unknown }),
    );
  });

  it('drops a stranger’s message, and a blocked contact’s; blocking tells the server and ends their presence', async () => {
    const { engine, messages, bob, bobToken, self } = await onlineEngine();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const stranger = await contact('Mallory');
      fakes.mesh?.onFrame(stranger.user.userId, await frameFrom(stranger, self.userId, 'buy now'));
      await vi.waitFor(() => expect(warn).toHaveBeenCalledWith(expect.stringContaining('not a contact')));

      fakes.mesh?.onLinkChange(bob.user.userId, 'open');
      const blocked = await engine.blockContact({ userId: bob.user.userId, blocked: true });
      expect(blocked).toMatchObject({ state: 'blocked', online: false });
      expect(fakes.blocks).toEqual([{ userId: bob.user.userId, blocked: true }]);
      expect(fakes.disconnects).toContain(bob.user.userId);
      await vi.waitFor(() =>
        expect(
          fakes.requests.filter((request) => request.event === 'presence:watch').at(-1)?.payload,
        ).toEqual({ tokens: [], visible: true }),
      );
      // His presence no longer shows, and what he sends anyway is dropped.
      fakes.handlers?.onPresenceOnline(bobToken, false);
      fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'let me back'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(messages).toEqual([]);
      expect(fakes.sent).toEqual([]); // not even a receipt
      expect((await engine.getState({})).contacts).toEqual([
        shown(bob.user, { state: 'blocked', online: false }),
      ]);
      await expect(engine.sendText({ peerId: bob.user.userId, text: 'x' })).rejects.toThrow(/You blocked/);
    } finally {
      warn.mockRestore();
    }
  });

  it('renames and removes a contact (presence ends, the history stays), hands out its invite link, appears offline', async () => {
    const { engine, bob, bobToken, self } = await onlineEngine();
    const watched = () =>
      fakes.requests.filter((request) => request.event === 'presence:watch').at(-1)?.payload;
    const watches = () => fakes.requests.filter((request) => request.event === 'presence:watch').length;
    await vi.waitFor(() => expect(watched()).toEqual({ tokens: [bobToken], visible: true }));
    const before = watches();
    expect(await engine.renameContact({ userId: bob.user.userId, alias: 'Bobby' })).toEqual(
      shown(bob.user, { alias: 'Bobby' }),
    );
    await engine.muteContact({ userId: bob.user.userId, muted: true });
    // Neither changes what is presented to the server: no presence:watch (a costly request) is sent for them.
    expect(watches()).toBe(before);
    await engine.muteContact({ userId: bob.user.userId, muted: false });
    const { link } = await engine.getInviteLink({});
    expect(readInviteLink(link)).toEqual({ server: new URL(SERVER).origin, ...self });

    await engine.saveSettings({ name: 'Alice', serverUrl: SERVER, autoLockMinutes: 0, appearOffline: true });
    await vi.waitFor(() => expect(watched()).toEqual({ tokens: [bobToken], visible: false }));
    // Appearing offline, Bob's announcement is not answered (he learns nothing of us).
    const answers = () => fakes.requests.filter((request) => request.event === 'presence:here').length;
    const answered = answers();
    fakes.handlers?.onPresenceOffline(bobToken);
    fakes.handlers?.onPresenceOnline(bobToken, false);
    expect(answers()).toBe(answered);

    await engine.sendText({ peerId: bob.user.userId, text: 'kept after' });
    await engine.removeContact({ userId: bob.user.userId });
    await vi.waitFor(() => expect(watched()).toEqual({ tokens: [], visible: false }));
    const state = await engine.getState({});
    expect(state.contacts).toEqual([]);
    expect(fakes.disconnects).toContain(bob.user.userId);
    expect((await engine.openConversation({ peerId: bob.user.userId })).map((m) => m.text)).toEqual([
      'kept after',
    ]);
    await expect(engine.sendText({ peerId: bob.user.userId, text: 'x' })).rejects.toThrow(/Add them/);
  });

  it('computes the safety number with a contact, online or not', async () => {
    const { engine, bob, bobToken, self } = await onlineEngine();
    fakes.handlers?.onPresenceOffline(bobToken);
    const { digits } = await engine.getSafetyNumber({ peerId: bob.user.userId });
    expect(digits).toBe(safetyNumber(self, bob.user));
    await expect(engine.getSafetyNumber({ peerId: randomId() })).rejects.toThrow('not among your contacts');
  });

  it('counts unread messages per contact for the badge, once each, until a page shows them', async () => {
    const { engine, bob, self } = await onlineEngine();
    fakes.badge.length = 0; // each contact change counted the badge again (at 0)
    const first = await frameFrom(bob, self.userId, 'one');
    fakes.mesh?.onFrame(bob.user.userId, first);
    fakes.mesh?.onFrame(bob.user.userId, first); // a duplicate does not count
    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'two'));
    await vi.waitFor(async () =>
      expect((await engine.getState({})).unread).toEqual({ [bob.user.userId]: 2 }),
    );
    expect(fakes.badge).toEqual([1, 2]);

    await engine.openConversation({ peerId: bob.user.userId });
    expect((await engine.getState({})).unread).toEqual({});
    expect(fakes.badge.at(-1)).toBe(0);

    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'three'));
    await vi.waitFor(async () =>
      expect((await engine.getState({})).unread).toEqual({ [bob.user.userId]: 1 }),
    );
    expect(await engine.markRead({ peerId: bob.user.userId })).toEqual({});
    expect((await engine.getState({})).unread).toEqual({});
    expect(fakes.badge).toEqual([1, 2, 0, 1, 0]);

    // Muted: counted unread for the page, not on the badge; unmuted, it counts again.
    await engine.muteContact({ userId: bob.user.userId, muted: true });
    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'four'));
    await vi.waitFor(async () =>
      expect((await engine.getState({})).unread).toEqual({ [bob.user.userId]: 1 }),
    );
    expect(fakes.badge.at(-1)).toBe(0);
    await engine.muteContact({ userId: bob.user.userId, muted: false });
    expect(fakes.badge.at(-1)).toBe(1);
  });
});
