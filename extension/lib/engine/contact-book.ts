import nacl from 'tweetnacl';
import { encodeBytes } from '../../../shared/crypto/identity';
import { pickSharedSecret, presenceToken } from '../../../shared/crypto/contact-secret';
import { ErrorCode } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import { CONTACT_SECRET_LENGTH, MAX_CONTACTS } from '../../../shared/limits';
import { nameKey } from '../../../shared/names';
import type { ContactContent } from '../../../shared/protocol/content';
import type { User } from '../../../shared/protocol/socket';
import { readInviteLink } from '../contacts/invite';
import { EngineError } from '../errors';
import type { ContactRecord } from '../model';
import type { ContactBookStore } from '../storage/stores';
import type { KeyPins } from './contacts';

export interface ContactBookDeps {
  readonly store: ContactBookStore;
  readonly pins: KeyPins;
  readonly selfId: UserId;
  /** Our name now (a request tells it). */
  readonly selfName: () => string | undefined;
  /** The origin of the server this profile uses. */
  readonly serverOrigin: () => string | undefined;
  /** The user the server binds this exact name to (`user:lookup`); throws EngineError (not-found, offline). */
  readonly lookup: (name: string) => Promise<User>;
  /**
   * Seals a contact message for the user and hands it to the server's mailbox: resolves true once the server
   * took it, false while there is no server to take it (it is sent again at the next sign-in).
   */
  readonly sendContact: (userId: UserId, content: ContactContent) => Promise<boolean>;
  /** Tells the server to refuse (or take again) this user's mail to us. */
  readonly blockOnServer: (userId: UserId, blocked: boolean) => Promise<void>;
  /** The accepted contacts changed: presence tokens to present again, and pages to tell. */
  readonly changed: () => void;
  /** Our profile key, sent with requests and acceptances (user-profiles.ts); none before a profile is saved. */
  readonly profileKey?: () => string | undefined;
  /** Someone stopped being a contact (removed or blocked), as they were before: our profile key moves on. */
  readonly left?: (contact: ContactRecord) => void;
}

/** How a message from a user is taken: from a contact or a request, or not at all. */
export type Admission = 'contact' | 'request' | 'blocked' | 'stranger';

/**
 * The contacts this profile chose, requests either way, and whom it blocked. Becoming contacts takes a request
 * and its acceptance, each a ratchet-sealed message through the server's mailbox carrying the secret the pair
 * will share; the pair's presence token derives from it, so the server relays presence and signaling between
 * the two without holding a list of who knows whom.
 */
export interface ContactBook {
  list(): readonly ContactRecord[];
  get(userId: UserId): ContactRecord | undefined;
  admits(userId: UserId): Admission;
  /** The presence tokens of accepted contacts, each with whose it is. */
  tokens(): ReadonlyMap<string, UserId>;
  /** Asks someone found by exact name or by an invite link (checked against the key it carries). */
  add(query: string, greeting?: string): Promise<ContactRecord>;
  accept(userId: UserId): Promise<ContactRecord>;
  decline(userId: UserId): Promise<void>;
  /** Resolves the blocked contact; undefined once unblocked (a stranger again, no longer listed). */
  block(userId: UserId, blocked: boolean): Promise<ContactRecord | undefined>;
  remove(userId: UserId): Promise<void>;
  rename(userId: UserId, alias: string): Promise<ContactRecord>;
  mute(userId: UserId, muted: boolean): Promise<ContactRecord>;
  /** A contact message came from `from`, whose signing key is `signingKey` (proven by the session). */
  receive(from: UserId, signingKey: string, content: ContactContent): Promise<void>;
  /** Sends what is owed (requests and acceptances the server could not take before): at each sign-in. */
  settleOwed(): Promise<void>;
}

type Optional = 'secret' | 'owed' | 'greeting' | 'alias' | 'muted';

/** The record without the optional fields named: left out, not set to undefined (the schema is strict). */
function without(contact: ContactRecord, ...fields: Optional[]): ContactRecord {
  const drop = new Set<string>(fields);
  // Only optional fields are dropped, so what is left is still a ContactRecord.
  return Object.fromEntries(Object.entries(contact).filter(([key]) => !drop.has(key))) as ContactRecord;
}

const newSecret = (): string => encodeBytes(nacl.randomBytes(CONTACT_SECRET_LENGTH));

export function createContactBook(deps: ContactBookDeps, loaded: readonly ContactRecord[]): ContactBook {
  const contacts = new Map(loaded.map((contact) => [contact.userId, contact]));
  let tokens: Map<string, UserId> | undefined;

  const save = async (contact: ContactRecord): Promise<ContactRecord> => {
    contacts.set(contact.userId, contact);
    tokens = undefined;
    await deps.store.put(contact);
    deps.changed();
    return contact;
  };
  const forget = async (userId: UserId): Promise<void> => {
    contacts.delete(userId);
    tokens = undefined;
    await deps.store.delete(userId);
    deps.changed();
  };
  const existing = (userId: UserId): ContactRecord => {
    const contact = contacts.get(userId);
    if (!contact) throw new EngineError(ErrorCode.NotFound, 'This user is not among your contacts');
    return contact;
  };

  /** Sends a contact message now if the server takes it; otherwise it stays owed, for the next sign-in. */
  async function deliver(contact: ContactRecord, action: 'request' | 'accept'): Promise<ContactRecord> {
    const name = deps.selfName();
    if (!contact.secret || !name) return contact;
    const profileKey = deps.profileKey?.();
    const content: ContactContent = {
      v: 1,
      kind: 'contact',
      action,
      secret: contact.secret,
      name,
      ...(action === 'request' && contact.greeting ? { greeting: contact.greeting } : {}),
      ...(profileKey ? { profileKey } : {}),
    };
    let sent = false;
    try {
      sent = await deps.sendContact(contact.userId, content);
    } catch (error) {
      // The server refused it (e.g. they deleted their account): sending it again would be refused too.
      console.warn(`engine: a contact ${action} was not taken: ${String(error)}`);
      sent = true;
    }
    const current = contacts.get(contact.userId);
    if (!current || current.owed !== action) return current ?? contact;
    if (!sent) return current;
    return save(without(current, 'owed', 'greeting'));
  }

  /** Whether `name` under this key is the one the server binds, and whether another key held it here before. */
  async function checkName(user: User): Promise<{ nameVerified: boolean; nameReused: boolean }> {
    let nameVerified = false;
    try {
      nameVerified = (await deps.lookup(user.name)).userId === user.userId;
    } catch {
      // Not checked (unknown name, or no server): unverified.
    }
    // Only a name the server vouches for is pinned: a claim alone must not take the name from its owner here.
    if (nameVerified) return { nameVerified, nameReused: await deps.pins.observe(user) };
    const key = nameKey(user.name);
    const pinned = deps.pins.known().find((pin) => nameKey(pin.name) === key);
    return { nameVerified, nameReused: pinned !== undefined && pinned.signingKey !== user.signingKey };
  }

  async function findUser(query: string): Promise<{ user: User; verifiedByLink: boolean }> {
    const invite = readInviteLink(query);
    if (invite && 'error' in invite) throw new EngineError(ErrorCode.InvalidPayload, invite.error);
    if (!invite) return { user: await deps.lookup(query), verifiedByLink: false };
    const server = deps.serverOrigin();
    if (server !== undefined && invite.server !== server) {
      throw new EngineError(
        ErrorCode.InvalidPayload,
        `This invite is for the server ${invite.server}; you use ${server}. Both of you must use the same server`,
      );
    }
    const user = await deps.lookup(invite.name);
    if (user.userId !== invite.userId) {
      throw new EngineError(
        ErrorCode.KeyChanged,
        `The server presents another key for ${invite.name} than the invite link carries: ask ${invite.name} ` +
          'for a new link, and compare safety numbers',
      );
    }
    return { user, verifiedByLink: true };
  }

  const book: ContactBook = {
    list: () => [...contacts.values()],
    get: (userId) => contacts.get(userId),
    admits(userId) {
      const contact = contacts.get(userId);
      if (!contact) return 'stranger';
      if (contact.state === 'blocked') return 'blocked';
      return contact.state === 'incoming' ? 'request' : 'contact';
    },
    tokens() {
      if (!tokens) {
        tokens = new Map();
        for (const contact of contacts.values())
          if (contact.state === 'accepted' && contact.secret)
            tokens.set(presenceToken(contact.secret), contact.userId);
      }
      return tokens;
    },
    async add(query, greeting) {
      const { user, verifiedByLink } = await findUser(query);
      if (user.userId === deps.selfId)
        throw new EngineError(ErrorCode.InvalidPayload, 'That is you: add someone else');
      const known = contacts.get(user.userId);
      if (known?.state === 'accepted') return known;
      if (known?.state === 'incoming') return book.accept(user.userId);
      if (!known && contacts.size >= MAX_CONTACTS)
        throw new EngineError(
          ErrorCode.QuotaExceeded,
          `You have ${MAX_CONTACTS} contacts, the most there can be`,
        );
      let nameReused = false;
      if (verifiedByLink) await deps.pins.accept(user);
      else nameReused = await deps.pins.observe(user);
      if (known?.state === 'blocked') await deps.blockOnServer(user.userId, false);
      const contact = await save({
        userId: user.userId,
        name: user.name,
        signingKey: user.signingKey,
        state: 'outgoing',
        secret: known?.secret ?? newSecret(),
        nameVerified: true,
        ...(nameReused ? { nameReused } : {}),
        ...(known?.alias ? { alias: known.alias } : {}),
        owed: 'request',
        ...(greeting ? { greeting } : {}),
      });
      return deliver(contact, 'request');
    },
    async accept(userId) {
      const contact = existing(userId);
      if (contact.state === 'accepted') return contact;
      if (contact.state !== 'incoming')
        throw new EngineError(ErrorCode.InvalidPayload, 'There is no request from this user to accept');
      const accepted = await save({
        ...contact,
        state: 'accepted',
        secret: contact.secret ?? newSecret(),
        owed: 'accept',
      });
      return deliver(accepted, 'accept');
    },
    async decline(userId) {
      if (existing(userId).state !== 'incoming')
        throw new EngineError(ErrorCode.InvalidPayload, 'There is no request from this user to decline');
      await forget(userId);
    },
    async block(userId, blocked) {
      const contact = existing(userId);
      if (!blocked) {
        if (contact.state !== 'blocked') return contact;
        await deps.blockOnServer(userId, false);
        // Unblocked, they are a stranger again: no secret is left to share.
        await forget(userId);
        return undefined;
      }
      await deps.blockOnServer(userId, true);
      const blockedNow = await save({ ...without(contact, 'secret', 'owed', 'greeting'), state: 'blocked' });
      deps.left?.(contact);
      return blockedNow;
    },
    async remove(userId) {
      const contact = existing(userId);
      await forget(userId);
      deps.left?.(contact);
    },
    async rename(userId, alias) {
      const contact = without(existing(userId), 'alias');
      return save(alias ? { ...contact, alias } : contact);
    },
    async mute(userId, muted) {
      const contact = without(existing(userId), 'muted');
      return save(muted ? { ...contact, muted } : contact);
    },
    async receive(from, signingKey, content) {
      const known = contacts.get(from);
      if (known?.state === 'blocked') return;
      if (content.action === 'accept') {
        if (!known || known.state === 'incoming') {
          console.warn(`engine: an acceptance from ${from}, who was not asked`);
          return;
        }
        // Once contacts, an acceptance changes nothing: else a contact could move the pair onto a token a third
        // user presents (and so share our presence with them).
        if (known.state === 'accepted') return;
        await save({ ...without(known, 'owed', 'greeting'), state: 'accepted', secret: content.secret });
        return;
      }
      // A request. Both asked at once: both keep the same one of the two secrets, and are contacts.
      if (known?.state === 'outgoing' && known.secret) {
        const secret = pickSharedSecret(
          { userId: deps.selfId, secret: known.secret },
          { userId: from, secret: content.secret },
        );
        await save({ ...without(known, 'owed', 'greeting'), state: 'accepted', secret });
        return;
      }
      // They lost what they had of us (a new device, a restored backup) and ask again: answered with the secret we
      // keep, which they take (they are asking); theirs is not taken, so no contact can move the pair's token.
      if (known?.state === 'accepted') {
        await deliver(await save({ ...known, owed: 'accept' }), 'accept');
        return;
      }
      if (!known && contacts.size >= MAX_CONTACTS) {
        console.warn(`engine: a request from ${from} dropped: ${MAX_CONTACTS} contacts already`);
        return;
      }
      const user = { userId: from, name: content.name, signingKey };
      // A request asked again under the same name is not checked again: each check is a lookup on our connection,
      // and a stranger repeating requests would spend them all.
      const sameName = known?.name === content.name;
      await save({
        ...(known ?? {}),
        userId: from,
        name: content.name,
        signingKey,
        state: 'incoming',
        secret: content.secret,
        nameVerified: sameName && known.nameVerified,
      });
      if (sameName) return;
      const checked = await checkName(user);
      const current = contacts.get(from);
      if (current?.state === 'incoming')
        await save({
          ...current,
          nameVerified: checked.nameVerified,
          ...(checked.nameReused ? { nameReused: true } : {}),
        });
    },
    async settleOwed() {
      for (const contact of [...contacts.values()]) if (contact.owed) await deliver(contact, contact.owed);
    },
  };
  return book;
}
