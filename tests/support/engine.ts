/**
 * An engine with fake transports and real storage and crypto, and contacts with real identities: what the engine
 * tests and the fuzz suite drive the engine with.
 */
import 'fake-indexeddb/auto';
import { ErrorCode, fail, ok, type Result } from '../../shared/errors';
import { randomId, type UserId } from '../../shared/ids';
import type { Content } from '../../shared/protocol/content';
import type { SealedMessage } from '../../shared/protocol/envelope';
import type { MailItem, MailSend } from '../../shared/protocol/mailbox';
import type { FilePullFrame, SealedFrame, TypingFrame } from '../../shared/protocol/peer';
import type { PrekeysClaimSchema, PrekeysPublish } from '../../shared/protocol/prekeys';
import { presenceToken } from '../../shared/crypto/contact-secret';
import { encodeBytes } from '../../shared/crypto/identity';
import type { PeerTicket, RequestEvent, ResponseMap, User } from '../../shared/protocol/socket';
import { publicIdentity, userIdOfKeys, type IdentityKeys } from '../../extension/lib/crypto/identity';
import { sha256 } from '@noble/hashes/sha2.js';
import { createEngine, type Engine } from '../../extension/lib/engine/engine';
import { createSessions, type Sessions } from '../../extension/lib/engine/sessions';
import type { PeerSessions, SessionStore } from '../../extension/lib/storage/stores';
import { NO_PREKEYS } from '../../extension/lib/crypto/prekeys';
import type { EngineState } from '../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../extension/lib/model';
import type { UnlockedVault } from '../../extension/lib/storage/vault-storage';
import type { MeshOptions, PeerMesh } from '../../extension/lib/transport/peers';
import type { SignalingHandlers } from '../../extension/lib/transport/signaling';
import { memoryStores } from './stores';
import { claimFrom, publishTo } from './prekeys';
import { FAST_KDF, testVaultStorage } from './vault';
import type * as v from 'valibot';

export const PASSPHRASE = 'correct horse battery';
export const SERVER = 'http://localhost:3000';
/** The (fake) server's prekey store, shared by the engine and its contacts. */
export const prekeyServer = memoryStores().prekeys;

export interface TestContact {
  readonly user: User;
  readonly vault: UnlockedVault;
  readonly sessions: Sessions;
}

/** A contact with a real identity and sessions, publishing prekeys to the same (fake) server as the engine. */
export async function contact(name: string): Promise<TestContact> {
  const vault = await testVaultStorage().create(PASSPHRASE);
  const keys = vault.identity;
  const userId = userIdOfKeys(keys);
  const sessions = createSessions({ keys, store: vault.sessions, claimBundle: claimFrom(prekeyServer) });
  await sessions.publishPrekeys(publishTo(prekeyServer, keys));
  return { user: { userId, name, signingKey: publicIdentity(keys).signingKey }, vault, sessions };
}

/** Sessions kept in memory only: a profile that lost what it had stored. */
export function memorySessionStore(): SessionStore {
  const sessions = new Map<UserId, PeerSessions>();
  let prekeys = NO_PREKEYS;
  return {
    load: async (peerId) => sessions.get(peerId) ?? [],
    save: async (peerId, next) => void sessions.set(peerId, next),
    loadPrekeys: async () => prekeys,
    savePrekeys: async (next) => void (prekeys = next),
  };
}

/** Fakes for the two transports, recording what the engine asked of them; real vault storage. */
export class Fakes {
  readonly storage = testVaultStorage();
  /** The engine's identity once set up: what its published prekeys are filed under. */
  identity: IdentityKeys | undefined;
  badge: number[] = [];
  readonly challenge = new Uint8Array(32).fill(7);
  handlers: SignalingHandlers | undefined;
  mesh: MeshOptions | undefined;
  requests: { event: string; payload: unknown }[] = [];
  resumed: PeerTicket[] = [];
  connects: string[] = [];
  disconnects: string[] = [];
  /** Sealed frames the engine sent (file pulls are in `pulls`). */
  sent: { peerId: string; frame: SealedFrame }[] = [];
  pulls: { peerId: string; frame: FilePullFrame }[] = [];
  /** Typing frames the engine sent. */
  typing: { peerId: string; frame: TypingFrame }[] = [];
  sendFailure: Error | undefined;
  /** Thrown by the transports' close (as PeerJS did once a hostile offer had poisoned its state). */
  closeFailure: Error | undefined;
  answers: Partial<{ [E in RequestEvent]: Result<ResponseMap[E]> }> = {};
  /** What the engine handed to the server's mailbox, and the acknowledgements it sent. */
  mail: MailSend[] = [];
  acked: string[] = [];
  /** The server's names (`user:lookup` answers from it), and the blocks the engine asked for. */
  readonly directory = new Map<string, User>();
  blocks: { userId: string; blocked: boolean }[] = [];
  readonly counters = { connectionsCreated: 0 };

  engine(): Engine {
    return createEngine({
      storage: this.storage,
      // No file moves in these tests (tests/unit/engine/transfers.test.ts moves them): offers only.
      files: {
        received: {
          open: () => Promise.reject(new Error('no received files in this fake')),
          remove: async () => undefined,
        },
        hash: async (file) => sha256(new Uint8Array(await file.arrayBuffer())),
        save: () => Promise.reject(new Error('nothing is saved in this fake')),
        safeName: (name) => name,
        thumbnail: async () => undefined,
      },
      backupKdf: FAST_KDF,
      showUnread: (count) => this.badge.push(count),
      // Read at each call, so that a test may fake the clock after the engine is made.
      now: () => Date.now(),
      connectSignaling: (_url, handlers) => {
        this.handlers = handlers;
        return {
          request: async (event, payload) => {
            this.requests.push({ event, payload });
            const answer =
              this.answers[event] ?? this.mailbox(event, payload) ?? (await this.prekeys(event, payload));
            if (!answer) throw new Error(`no fake answer for ${event}`);
            return answer as never;
          },
          close: () => {
            if (this.closeFailure) throw this.closeFailure;
          },
        };
      },
      createMesh: (options) => {
        this.mesh = options;
        const counters = this.counters;
        const mesh: PeerMesh = {
          get connectionsCreated() {
            return counters.connectionsCreated;
          },
          resume: (ticket) => this.resumed.push(ticket),
          connect: (peerId) => this.connects.push(peerId),
          disconnect: (peerId) => this.disconnects.push(peerId),
          send: async (peerId, frame) => {
            if (this.sendFailure) throw this.sendFailure;
            if (frame.kind === 'sealed') this.sent.push({ peerId, frame });
            else if (frame.kind === 'typing') this.typing.push({ peerId, frame });
            else this.pulls.push({ peerId, frame });
          },
          openFileChannel: () => Promise.reject(new Error('no file channels in this fake')),
          sendMediaFrame: () => false,
          destroy: () => {
            if (this.closeFailure) throw this.closeFailure;
          },
        };
        return mesh;
      },
    });
  }

  /** Forgets what was recorded so far (a long run would otherwise keep all of it). */
  forget(): void {
    for (const list of [
      this.badge,
      this.requests,
      this.resumed,
      this.connects,
      this.disconnects,
      this.sent,
      this.mail,
      this.acked,
      this.blocks,
    ])
      list.length = 0;
  }

  /** The mailbox and ICE requests: mail taken and recorded, none waiting, no ICE servers. */
  private mailbox(event: string, payload: unknown): Result<unknown> | undefined {
    if (event === 'mail:send') {
      this.mail.push(payload as MailSend);
      return ok({ mailId: randomId(), expiresAt: 1 });
    }
    if (event === 'mail:ack') {
      this.acked.push(...(payload as { mailIds: string[] }).mailIds);
      return ok({ deleted: 1 });
    }
    if (event === 'mail:fetch') return ok({ items: [], more: false });
    if (event === 'ice:servers') return ok({ iceServers: [], expiresAt: 1 });
    if (event === 'room:list') return ok({ rooms: [] });
    return this.contacts(event, payload);
  }

  /** The contact requests: a lookup in the directory, presence taken, blocks recorded. */
  private contacts(event: string, payload: unknown): Result<unknown> | undefined {
    if (event === 'user:lookup') {
      const user = this.directory.get((payload as { name: string }).name);
      return user ? ok({ user }) : fail(ErrorCode.NotFound, 'No user has this name');
    }
    if (event === 'presence:watch') return ok({ tokens: (payload as { tokens: string[] }).tokens.length });
    if (event === 'presence:here') return ok({});
    if (event === 'block:set') {
      this.blocks.push(payload as { userId: string; blocked: boolean });
      return ok({ blocked: this.blocks.filter((block) => block.blocked).length });
    }
    return undefined;
  }

  /** The prekey requests, answered by the server's own in-memory store. */
  private async prekeys(event: string, payload: unknown): Promise<Result<unknown> | undefined> {
    if (event === 'prekeys:publish' && this.identity)
      return publishTo(prekeyServer, this.identity)(payload as PrekeysPublish);
    if (event === 'prekeys:claim') {
      const { userId } = payload as v.InferOutput<typeof PrekeysClaimSchema>;
      return claimFrom(prekeyServer)(userId).then(ok, () => fail(ErrorCode.NotFound, 'no prekeys'));
    }
    return undefined;
  }
}

export const ticket = (peerId: string): PeerTicket => ({ peerId, ticket: '1.x', expiresAt: 1 });

// Captured before any test fakes the clock: waitFor must keep polling while a test's timers stand still.
const realSetTimeout = globalThis.setTimeout;
const realNow = Date.now;

/** Polls `check` until it stops throwing, for at most `timeoutMs` of real time (vi.waitFor, without vitest). */
export async function waitFor(check: () => void | Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = realNow() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (realNow() > deadline) throw error;
      await new Promise((resolve) => realSetTimeout(resolve, 10));
    }
  }
}

export interface OnlineEngine {
  readonly engine: Engine;
  readonly states: EngineState[];
  readonly messages: ChatMessage[];
  /** An accepted contact, online. */
  readonly bob: TestContact;
  /** The presence token Alice and Bob share. */
  readonly bobToken: string;
  readonly self: User;
  readonly vault: UnlockedVault;
}

/** Mail from `sender` to the engine, as the server pushes it. */
export async function mailFrom(sender: TestContact, to: UserId, content: Content): Promise<MailItem> {
  const frame = await sealedFrom(sender, to, content);
  return { mailId: randomId(), from: sender.user.userId, id: frame.id, message: frame.message, storedAt: 1 };
}

/**
 * Makes `who` an accepted contact the way two people do: the engine asks them by name (found in the server's
 * directory), they open the request and accept it with its secret. Returns the pair's presence token. The
 * contact messages are taken off `fakes.mail` and `fakes.acked`; `who` is not yet online.
 */
export async function befriend(fakes: Fakes, engine: Engine, self: User, who: TestContact): Promise<string> {
  fakes.directory.set(who.user.name, who.user);
  const before = fakes.mail.length;
  const asked = await engine.addContact({ query: who.user.name });
  if (asked.state !== 'outgoing') throw new Error(`befriend: ${who.user.name} is ${asked.state}, not asked`);
  const [request] = fakes.mail.splice(before);
  const content = await openedBy(who, self.userId, request?.message);
  if (content.kind !== 'contact' || content.action !== 'request')
    throw new Error(`befriend: the engine sent ${content.kind}, not a contact request`);
  const acceptance = await mailFrom(who, self.userId, { ...content, action: 'accept', name: who.user.name });
  fakes.handlers?.onMail(acceptance);
  await waitFor(async () => {
    const listed = (await engine.getState({})).contacts.find((c) => c.userId === who.user.userId);
    if (listed?.state !== 'accepted') throw new Error(`befriend: ${who.user.name} not accepted yet`);
    if (!fakes.acked.includes(acceptance.mailId)) throw new Error('befriend: the acceptance is not acked');
  });
  fakes.acked.splice(fakes.acked.indexOf(acceptance.mailId), 1);
  return presenceToken(content.secret);
}

/** An engine set up as Alice, signed in through the fakes, with Bob an accepted contact, online. */
export async function onlineEngine(fakes: Fakes): Promise<OnlineEngine> {
  const engine = fakes.engine();
  const states: EngineState[] = [];
  const messages: ChatMessage[] = [];
  engine.subscribe((name, data) => {
    if (name === 'state') states.push(data as EngineState);
    else if (name === 'message') messages.push(data as ChatMessage);
  });
  const bob = await contact('Bob');
  await engine.setUp({ name: 'Alice', serverUrl: SERVER, autoLockMinutes: 0, passphrase: PASSPHRASE });
  const vault = await fakes.storage.unlock(PASSPHRASE);
  fakes.identity = vault.identity;
  const userId = userIdOfKeys(vault.identity);
  const self = { userId, name: 'Alice', signingKey: publicIdentity(vault.identity).signingKey };
  fakes.directory.set(self.name, self);
  fakes.answers['session:challenge'] = ok({ challenge: encodeBytes(fakes.challenge) });
  fakes.answers['session:start'] = ok({ self, peer: ticket(userId) });
  fakes.handlers?.onConnected();
  await waitFor(() => {
    if (states.at(-1)?.connection.status !== 'online') throw new Error('onlineEngine: not online yet');
  });
  // Prekeys published: others can now start sessions with Alice.
  await waitFor(() => {
    if (fakes.requests.filter((r) => r.event === 'prekeys:publish').length < 2)
      throw new Error('onlineEngine: prekeys not published yet');
  });
  const bobToken = await befriend(fakes, engine, self, bob);
  fakes.handlers?.onPresenceOnline(bobToken, false);
  await waitFor(async () => {
    if (!(await engine.getState({})).contacts.some((c) => c.userId === bob.user.userId && c.online))
      throw new Error('onlineEngine: Bob is not online yet');
  });
  return { engine, states, messages, bob, bobToken, self, vault };
}

/** A second, new profile (its own fakes and storage, passphrase 'other passphrase') to restore a backup into. */
export async function otherProfile(): Promise<{ fakes: Fakes; engine: Engine }> {
  const other = new Fakes();
  const engine = other.engine();
  await engine.setUp({
    name: 'Someone',
    serverUrl: SERVER,
    autoLockMinutes: 0,
    passphrase: 'other passphrase',
  });
  return { fakes: other, engine };
}

/** What `sender`'s engine would put on the data channel to `to`. */
export async function frameFrom(
  sender: { sessions: Sessions },
  to: UserId,
  text: string,
  id = randomId(),
): Promise<SealedFrame> {
  return sealedFrom(sender, to, { v: 1, kind: 'chat', id, text, sentAt: 5 }, id);
}

export async function sealedFrom(
  sender: { sessions: Sessions },
  to: UserId,
  content: Content,
  id = randomId(),
): Promise<SealedFrame> {
  return sealedBytesFrom(sender, to, new TextEncoder().encode(JSON.stringify(content)), id);
}

/** A sealed frame holding any plaintext, e.g. content no honest engine would write. */
export async function sealedBytesFrom(
  sender: { sessions: Sessions },
  to: UserId,
  plaintext: Uint8Array,
  id = randomId(),
): Promise<SealedFrame> {
  const message = await sender.sessions.seal(to, plaintext);
  return { v: 1, kind: 'sealed', id, message };
}

/** What a contact reads in a sealed message from the engine. */
export async function openedBy(
  receiver: { sessions: Sessions },
  from: UserId,
  message: SealedMessage | undefined,
): Promise<Content> {
  if (!message) throw new Error('no message');
  const opened = await receiver.sessions.open(from, message);
  await opened.stored;
  return JSON.parse(new TextDecoder().decode(opened.plaintext)) as Content;
}
