import type { UserId } from '../../../shared/ids';
import type { User } from '../../../shared/protocol/socket';
import type { Contact, EngineEvents, EngineState, RoomView } from '../messaging/protocol';
import type { ConnectionStatus, ConversationId, LinkStatus, VaultStatus } from '../model';
import type { PinnedContact } from '../model';

export type EngineListener = <E extends keyof EngineEvents>(name: E, data: EngineEvents[E]) => void;

export interface ViewDeps {
  /** Shows the number of unread messages outside the popup (the toolbar badge). */
  readonly showUnread: (count: number) => void;
  readonly vault: () => VaultStatus;
  /** The profile's settings with its user id, or null (locked, or no name chosen yet). */
  readonly settings: () => EngineState['settings'];
  /** Contacts whose keys are pinned (none while locked). */
  readonly pinned: () => readonly PinnedContact[];
  /** Users the server lists as online now. */
  readonly online: () => ReadonlyMap<UserId, User>;
  readonly links: () => ReadonlyMap<UserId, LinkStatus>;
  /** Contacts presenting a key other than the pinned one. */
  readonly keyChanged: () => ReadonlySet<UserId>;
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
  /** Forgets a closed profile's counts (and clears the badge if it showed any); no push. */
  clearUnread(): void;
}

export function createView(deps: ViewDeps): View {
  const listeners = new Set<EngineListener>();
  const unread = new Map<ConversationId, number>();
  let connection: EngineState['connection'] = { status: 'unconfigured' };

  const emit: EngineListener = (name, data) => {
    for (const listener of listeners) listener(name, data);
  };
  function contactList(): Contact[] {
    const known = new Map<UserId, string>(deps.pinned().map((pin) => [pin.userId, pin.name]));
    const online = deps.online();
    for (const user of online.values()) known.set(user.userId, user.name);
    return [...known]
      .map(([userId, name]) => ({ userId, name, online: online.has(userId) }))
      .sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
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
    keyChanged: [...deps.keyChanged()],
    unread: Object.fromEntries(unread),
    rooms: roomList(),
  });
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
      deps.showUnread([...unread.values()].reduce((sum, n) => sum + n, 0));
      publish();
    },
    clearUnread() {
      if (unread.size > 0) deps.showUnread(0); // the badge showed this profile's count
      unread.clear();
    },
  };
}
