/**
 * Fakes for testing one engine module alone through its Deps: an in-memory history and outbox, a profile whose
 * sessions, outbox and rooms only record what they are asked. (The engine tests run the real ones: see
 * tests/support/engine.ts.)
 */
import { presenceToken } from '../../../shared/crypto/contact-secret';
import { randomId, type UserId, type RoomId } from '../../../shared/ids';
import type { ContactContent, OutgoingContent } from '../../../shared/protocol/content';
import type { SealedMessage } from '../../../shared/protocol/envelope';
import type { Admission, ContactBook } from '../../../extension/lib/engine/contact-book';
import { createConversations } from '../../../extension/lib/engine/conversations';
import type { Delivery } from '../../../extension/lib/engine/delivery';
import type { Profile } from '../../../extension/lib/engine/profile';
import type { RoomMembership } from '../../../extension/lib/engine/room-membership';
import type { OpenedMessage } from '../../../extension/lib/engine/sessions';
import type { UserProfiles } from '../../../extension/lib/engine/user-profiles';
import type { ChatMessage, ContactRecord, ContactState } from '../../../extension/lib/model';
import type { Settings } from '../../../extension/lib/settings';
import type { HistoryStore } from '../../../extension/lib/storage/history-store';
import type { OutboxEntry, OutboxStore } from '../../../extension/lib/storage/outbox-store';
import type { UnlockedVault } from '../../../extension/lib/storage/vault-storage';
import { contactRecord } from '../../support/contacts';

export { contactRecord, randomKey } from '../../support/contacts';

export const userId = (): UserId => randomId();
export const roomId = (): RoomId => `r${randomId()}`;

export const SETTINGS: Settings = { name: 'Alice', serverUrl: 'https://example.org', autoLockMinutes: 0 };

export function memoryHistory(): HistoryStore {
  const messages: ChatMessage[] = [];
  const same = (a: ChatMessage, b: ChatMessage) => a.peerId === b.peerId && a.id === b.id;
  return {
    list: async (peerId) => messages.filter((message) => message.peerId === peerId),
    all: async () => [...messages],
    put: async (message) => {
      const index = messages.findIndex((known) => same(known, message));
      if (index >= 0) messages[index] = message;
      else messages.push(message);
    },
    get: async (peerId, id) => messages.find((known) => known.peerId === peerId && known.id === id),
    page: async (peerId, before, limit) => {
      const conversation = messages.filter((message) => message.peerId === peerId);
      const end =
        before === undefined ? conversation.length : conversation.findIndex(({ id }) => id === before);
      return end < 0 ? [] : conversation.slice(Math.max(0, end - limit), end);
    },
    changeTarget: async (peerId, changeId) =>
      messages.find((known) => known.peerId === peerId && known.changes?.includes(changeId))?.id,
    newest: async (peerIds) =>
      new Map(
        peerIds.flatMap((peerId) => {
          const last = messages.findLast((message) => message.peerId === peerId);
          return last ? [[peerId, last] as const] : [];
        }),
      ),
  };
}

export function memoryOutbox(): OutboxStore & { readonly entries: Map<string, OutboxEntry> } {
  const entries = new Map<string, OutboxEntry>();
  return {
    entries,
    all: async () => [...entries.values()].sort((a, b) => a.seq - b.seq),
    put: async (entry) => void entries.set(`${entry.peerId}/${entry.content.id}`, entry),
    remove: async (peerId, id) => void entries.delete(`${peerId}/${id}`),
  };
}

/**
 * Sealed messages the fake sessions hand out: opaque tokens standing for a plaintext (the modules under test never
 * look inside a sealed message; only sessions do).
 */
export class FakeSessions {
  readonly sealedFor: { peerId: UserId; plaintext: Uint8Array }[] = [];
  private readonly plaintexts = new Map<SealedMessage, Uint8Array>();

  seal = async (peerId: UserId, plaintext: Uint8Array): Promise<SealedMessage> => {
    this.sealedFor.push({ peerId, plaintext });
    return this.token(plaintext);
  };
  open = async (_peerId: UserId, message: SealedMessage): Promise<OpenedMessage> => {
    const plaintext = this.plaintexts.get(message);
    if (!plaintext) throw new Error('no session for this message');
    return { plaintext, stored: Promise.resolve() };
  };
  publishPrekeys = async (): Promise<void> => undefined;

  /**
   * A sealed message that opens to this plaintext (or to this content as JSON); `outside` adds what a real one
   * shows outside the ciphertext (the X3DH header that starts a session).
   */
  token(plaintext: Uint8Array | object, outside: Partial<SealedMessage> = {}): SealedMessage {
    // Opaque on purpose: only FakeSessions.open reads it back.
    const message = { token: randomId(), ...outside } as unknown as SealedMessage;
    const bytes =
      plaintext instanceof Uint8Array ? plaintext : new TextEncoder().encode(JSON.stringify(plaintext));
    this.plaintexts.set(message, bytes);
    return message;
  }
  /** What was sealed for contacts so far, as parsed JSON. */
  contents(): { peerId: UserId; content: unknown }[] {
    return this.sealedFor.map(({ peerId, plaintext }) => ({
      peerId,
      content: JSON.parse(new TextDecoder().decode(plaintext)) as unknown,
    }));
  }
}

/** An outbox that records the calls made to it. */
export class FakeDelivery implements Delivery {
  readonly calls: { method: keyof Delivery; args: unknown[] }[] = [];
  readonly sent: { peerId: UserId; content: OutgoingContent; seq: number }[] = [];
  readonly confirmed: { peerId: UserId; ids: readonly string[] }[] = [];
  stopFailure: Error | undefined;

  load = async () => void this.calls.push({ method: 'load', args: [] });
  send = async (peerId: UserId, content: OutgoingContent, seq: number) =>
    void this.sent.push({ peerId, content, seq });
  confirm = async (peerId: UserId, ids: readonly string[]) => void this.confirmed.push({ peerId, ids });
  kick = (peerId?: UserId) => void this.calls.push({ method: 'kick', args: [peerId] });
  resend = (peerId: UserId) => void this.calls.push({ method: 'resend', args: [peerId] });
  peerReturned = (peerId: UserId) => void this.calls.push({ method: 'peerReturned', args: [peerId] });
  stop = () => {
    this.calls.push({ method: 'stop', args: [] });
    if (this.stopFailure) throw this.stopFailure;
  };
}

/** Rooms as a map from room to the members its log proves (this profile included when `joined`). */
export class FakeRooms {
  readonly members = new Map<RoomId, UserId[]>();
  readonly joinedRooms = new Set<RoomId>();
  readonly synced: unknown[] = [];

  membership(selfId: UserId): RoomMembership {
    const list = (room: string) => this.members.get(room) ?? [];
    // Only what the modules under test call; the rest fails loudly.
    const unused = (): never => {
      throw new Error('FakeRooms: not faked');
    };
    return {
      load: async () => undefined,
      take: unused,
      forget: unused,
      sync: async (rooms) => void this.synced.push(rooms),
      has: (room) => this.members.has(room),
      joined: (room) => this.joinedRooms.has(room),
      recipients: (room) => list(room).filter((member) => member !== selfId),
      isMember: (room, member) => list(room).includes(member),
      roomsWith: (member) =>
        [...this.members].filter(([, members]) => members.includes(member)).map(([id]) => id),
      views: () => [],
      create: unused,
      invite: unused,
      join: unused,
      leave: unused,
      makeCode: unused,
      newCode: unused,
    };
  }
}

/**
 * The contact book as a map the test fills in (the real one is tested in contact-book.test.ts). A request that
 * comes from someone unknown makes them a request, as the real book does; everything received is recorded.
 */
export class FakeBook implements ContactBook {
  readonly contacts = new Map<UserId, ContactRecord>();
  readonly received: { from: UserId; signingKey: string; content: ContactContent }[] = [];
  settled = 0;

  /** Adds (or replaces) a contact in this state. */
  set(userId: UserId, state: ContactState, extra: Partial<ContactRecord> = {}): ContactRecord {
    const contact = contactRecord(userId, state, extra);
    this.contacts.set(userId, contact);
    return contact;
  }
  list = () => [...this.contacts.values()];
  get = (userId: UserId) => this.contacts.get(userId);
  admits = (userId: UserId): Admission => {
    const state = this.contacts.get(userId)?.state;
    if (state === undefined) return 'stranger';
    if (state === 'blocked') return 'blocked';
    return state === 'incoming' ? 'request' : 'contact';
  };
  tokens = () => {
    const tokens = new Map<string, UserId>();
    for (const contact of this.contacts.values())
      if (contact.state === 'accepted' && contact.secret)
        tokens.set(presenceToken(contact.secret), contact.userId);
    return tokens;
  };
  receive = async (from: UserId, signingKey: string, content: ContactContent) => {
    this.received.push({ from, signingKey, content });
    if (content.action === 'request' && !this.contacts.has(from))
      this.set(from, 'incoming', { name: content.name, signingKey, secret: content.secret });
  };
  settleOwed = async () => void (this.settled += 1);
  // Only what the modules under test call; the rest fails loudly.
  add = notFaked;
  accept = notFaked;
  decline = notFaked;
  block = notFaked;
  remove = notFaked;
  rename = notFaked;
  mute = notFaked;
}

function notFaked(): never {
  throw new Error('FakeBook: not faked');
}

/** Profiles that record the keys contacts gave (the real module is tested in user-profiles.test.ts). */
export class FakeProfiles implements UserProfiles {
  readonly keys: { from: UserId; key: string; version?: number }[] = [];
  load = async () => undefined;
  own = () => null;
  ownKey = () => undefined;
  save = notFaked;
  of = () => undefined;
  receiveKey = async (from: UserId, key: string, version?: number) =>
    void this.keys.push({ from, key, ...(version === undefined ? {} : { version }) });
  announced = async () => undefined;
  readonly left: ContactRecord[] = [];
  contactLeft = (contact: ContactRecord) => void this.left.push(contact);
  rotated = async () => undefined;
}

export interface FakeProfile {
  readonly profile: Profile;
  readonly profiles: FakeProfiles;
  readonly book: FakeBook;
  readonly sessions: FakeSessions;
  readonly delivery: FakeDelivery;
  readonly rooms: FakeRooms;
  readonly history: HistoryStore;
}

export function fakeProfile(settings: Settings | null = SETTINGS): FakeProfile {
  const sessions = new FakeSessions();
  const delivery = new FakeDelivery();
  const rooms = new FakeRooms();
  const book = new FakeBook();
  const history = memoryHistory();
  const profiles = new FakeProfiles();
  const selfId = userId();
  const saved: Settings[] = [];
  const vault = {
    settings: {
      load: async () => settings ?? undefined,
      save: async (next: Settings) => void saved.push(next),
    },
  } as unknown as UnlockedVault; // only the settings are read by the modules under test
  const profile: Profile = {
    vault,
    keys: undefined as never, // no module under test signs anything
    selfId,
    pins: { observe: async () => false, accept: async () => undefined, known: () => [] },
    book,
    conversations: createConversations(history),
    sessions,
    delivery,
    rooms: rooms.membership(selfId),
    profiles,
    settings,
    tell: () => Promise.reject(new Error('no module under test tells anything')),
  };
  return { profile, profiles, book, sessions, delivery, rooms, history };
}
