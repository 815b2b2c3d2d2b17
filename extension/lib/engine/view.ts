import type { UserId, ConversationId } from '../../../shared/ids';
import type { User } from '../../../shared/protocol/socket';
import type { Contact, ContactProfile, EngineEvents, EngineState, RoomView } from '../messaging/protocol';
import type { ConnectionStatus, ContactRecord, LinkStatus, VaultStatus } from '../model';

/** A contact as pages see it; the profile they chose only once accepted (a request shows no stranger's picture). */
export const contactOf = (contact: ContactRecord, online: boolean, profile?: ContactProfile): Contact => ({
  userId: contact.userId,
  name: contact.name,
  ...(contact.alias ? { alias: contact.alias } : {}),
  state: contact.state,
  online: contact.state === 'accepted' && online,
  muted: contact.muted === true,
  nameVerified: contact.nameVerified,
  nameReused: contact.nameReused === true,
  ...(profile && contact.state === 'accepted' ? { profile } : {}),
});

export type EngineListener = <E extends keyof EngineEvents>(name: E, data: EngineEvents[E]) => void;

/** One page's part of what is on screen: the conversation it shows now, in sight (see PortShowing). */
export interface PageScreen {
  show(conversation: ConversationId | undefined): void;
  /** The page's session ended: it shows nothing any more. */
  close(): void;
}

export interface ViewDeps {
  /** Shows the number of unread messages outside the popup (the toolbar badge). */
  readonly showUnread: (count: number) => void;
  readonly vault: () => VaultStatus;
  /** The profile's settings with its user id, or null (locked, or no name chosen yet). */
  readonly settings: () => EngineState['settings'];
  /** Contacts, requests and blocked users (none while locked). */
  readonly contacts: () => readonly ContactRecord[];
  /** The profile a contact chose, as opened and checked. */
  readonly profileOf?: (userId: UserId) => ContactProfile | undefined;
  /** Contacts online now. */
  readonly online: () => ReadonlyMap<UserId, User>;
  readonly links: () => ReadonlyMap<UserId, LinkStatus>;
  /** Whether a conversation's unread messages count on the badge (not a request's, not a muted contact's). */
  readonly notifies: (conversation: ConversationId) => boolean;
  /** Our own user id while unlocked. */
  readonly selfId: () => UserId | undefined;
  /** The rooms as pages show them, each member marked online or not (none while locked). */
  readonly rooms: (isOnline: (userId: UserId) => boolean) => RoomView[];
}

/**
 * What the pages see: the whole state, pushed on every change, and the messages as they change. Holds the two
 * pieces of that state no other part owns: the connection status and the unread counts (with the badge).
 */
export interface View {
  subscribe(listener: EngineListener): () => void;
  readonly emit: EngineListener;
  state(): EngineState;
  /**
   * Pushes the whole state to every page, once for all the changes made in the same task (a message that arrives
   * changes the unread counts, the page marks it read, and so on: one push each, not one per change).
   */
  publish(): void;
  connection(): EngineState['connection'];
  setConnection(status: ConnectionStatus, error?: string): void;
  /** Back to `unconfigured` without a push (a lock pushes once, at its end). */
  resetConnection(): void;
  unread(conversation: ConversationId): number;
  setUnread(conversation: ConversationId, count: number): void;
  /** A page's place in what is on screen, for as long as its session lasts. */
  screen(): PageScreen;
  /** Whether some page shows this conversation now: a message that arrives in it is read at once. */
  shown(conversation: ConversationId): boolean;
  /** Counts the badge again (a contact was muted, accepted…). */
  recountBadge(): void;
  /** Forgets a closed profile's counts (and clears the badge if it showed any); no push. */
  clearUnread(): void;
}

export function createView(deps: ViewDeps): View {
  const listeners = new Set<EngineListener>();
  const unread = new Map<ConversationId, number>();
  /** What each page session shows now, by session. */
  const showing = new Map<PageScreen, ConversationId>();
  let connection: EngineState['connection'] = { status: 'unconfigured' };

  const emit: EngineListener = (name, data) => {
    for (const listener of listeners) listener(name, data);
  };
  function contactList(): Contact[] {
    const online = deps.online();
    return deps
      .contacts()
      .map((contact) => contactOf(contact, online.has(contact.userId), deps.profileOf?.(contact.userId)))
      .sort(
        (a, b) => Number(b.online) - Number(a.online) || (a.alias ?? a.name).localeCompare(b.alias ?? b.name),
      );
  }
  function roomList(): RoomView[] {
    const selfId = deps.selfId();
    const online = deps.online();
    return deps.rooms((userId) => (userId === selfId ? connection.status === 'online' : online.has(userId)));
  }
  const state = (): EngineState => ({
    vault: deps.vault(),
    settings: deps.settings(),
    connection,
    contacts: contactList(),
    links: Object.fromEntries(deps.links()),
    unread: Object.fromEntries(unread),
    rooms: roomList(),
  });
  const showBadge = (): void => {
    let total = 0;
    for (const [conversation, count] of unread) if (deps.notifies(conversation)) total += count;
    deps.showUnread(total);
  };
  let publishing = false;
  const publish = (): void => {
    if (publishing) return;
    publishing = true;
    queueMicrotask(() => {
      publishing = false;
      emit('state', state());
    });
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit,
    state,
    publish,
    connection: () => connection,
    setConnection(status, error) {
      connection = error === undefined ? { status } : { status, error };
      publish();
    },
    resetConnection() {
      connection = { status: 'unconfigured' };
    },
    unread: (conversation) => unread.get(conversation) ?? 0,
    setUnread(conversation, count) {
      if (count === 0 && !unread.has(conversation)) return;
      if (count === 0) unread.delete(conversation);
      else unread.set(conversation, count);
      showBadge();
      publish();
    },
    screen() {
      const screen: PageScreen = {
        show(conversation) {
          if (conversation === undefined) showing.delete(screen);
          else showing.set(screen, conversation);
        },
        close: () => void showing.delete(screen),
      };
      return screen;
    },
    shown: (conversation) => [...showing.values()].includes(conversation),
    recountBadge: showBadge,
    clearUnread() {
      if (unread.size > 0) deps.showUnread(0); // the badge showed this profile's count
      unread.clear();
    },
  };
}
