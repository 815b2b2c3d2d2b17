import type { ChatMessage } from '../model';
import type { HistoryStore } from '../storage/history-store';
import type { Durability } from '../storage/writes';
import type { ConversationId } from '../../../shared/ids';

/**
 * Messages per conversation, in the order this engine learned of them; a message id is stored once. Backed by the
 * encrypted history: what a page shows and what changes is read by the conversation's index (a page, one message),
 * never a whole history, unless asked for it (`list`).
 */
export interface Conversations {
  /**
   * Adds a message; resolves false when one with that id is already known (a duplicate, or a spoof of ours).
   * Otherwise the message is known at once (listed and found from here on) and `stored` resolves once it is on
   * disk; if that write fails, the message is forgotten again, so a copy sent again is taken.
   */
  add(message: ChatMessage, durability?: Durability): Promise<{ readonly stored: Promise<void> } | false>;
  /**
   * Changes a known message of this direction in place (its status, its path), at once in memory so that changes
   * never overwrite each other; resolves with the new message once stored, or undefined if there was none to
   * change (unknown, or `change` gave undefined).
   */
  change(
    peerId: ConversationId,
    id: string,
    direction: ChatMessage['direction'],
    change: (known: ChatMessage) => ChatMessage | undefined,
  ): Promise<ChatMessage | undefined>;
  /** The whole conversation: read once from disk, whole, then held in memory for this run. */
  list(peerId: ConversationId): Promise<readonly ChatMessage[]>;
  /**
   * The newest `limit` messages (all without it) before the message `before` (the newest of all without it),
   * oldest first: a page of history. None when `before` is not known.
   */
  page(peerId: ConversationId, before?: string, limit?: number): Promise<readonly ChatMessage[]>;
  /**
   * The incoming messages not read yet, oldest first: the newest messages back to the last incoming one that is
   * read. Every incoming message before that one is read too, since marking a conversation read marks all of it
   * (receipts.ts); so this reads a page or so, not the whole history.
   */
  unread(peerId: ConversationId): Promise<readonly ChatMessage[]>;
  /**
   * Visits the conversation's messages newest first (those it has now) while `visit` returns true: the newest held,
   * then pages read from disk. A walk that reaches the first message holds the whole conversation from then on,
   * as `list` does: a search typed letter by letter reads the history once, and a search that finds enough among
   * the newest reads no more.
   */
  scan(peerId: ConversationId, visit: (message: ChatMessage) => boolean): Promise<void>;
  /** The message with this id (of this direction, when given). */
  get(
    peerId: ConversationId,
    id: string,
    direction?: ChatMessage['direction'],
  ): Promise<ChatMessage | undefined>;
  /** The message that took the edit or delete `changeId` (ChatMessage.changes), if any. */
  withChange(peerId: ConversationId, changeId: string): Promise<ChatMessage | undefined>;
  /** Resolves once every message added to the conversation so far is on disk, or forgotten for failing to be. */
  settled(peerId: ConversationId): Promise<void>;
}

/** How many of its newest messages a conversation's first use reads: a page of the popup and then some. */
export const NEWEST_HELD = 200;

/** How many messages each step back through the history reads (see unread). */
const STEP_BACK = 200;

/** How many messages each step of a scan reads from disk. */
const SCAN_PAGE = 2000;

/** What is in memory of one conversation. */
interface Held {
  /**
   * Its newest messages, oldest first, as they are now: the NEWEST_HELD read first, and every one added since.
   * With `complete`, the whole conversation.
   */
  newest: ChatMessage[];
  complete: boolean;
  /** Older messages read or changed since (their version now), by id. */
  readonly older: Map<string, ChatMessage>;
  /** Reads of older messages under way, by id: changes of one message wait for the same read. */
  readonly reading: Map<string, Promise<void>>;
  /** By id of each edit or delete taken by a message held, the id of that message. */
  readonly changes: Map<string, string>;
  /** The duplicate checks of adds, one after another: messages are added in the order they came. */
  adding: Promise<unknown>;
  /** The whole conversation being read (see list). */
  whole?: Promise<void>;
}

/** A message of the conversation in memory, and how to put its next version there. */
interface Spot {
  readonly message: ChatMessage;
  readonly replace: (next: ChatMessage) => void;
}

export function createConversations(history: HistoryStore): Conversations {
  const held = new Map<ConversationId, Promise<Held>>();
  const writing = new Map<ConversationId, Set<Promise<void>>>();

  const noteChanges = (state: Held, message: ChatMessage): void => {
    for (const taken of message.changes ?? []) state.changes.set(taken, message.id);
  };

  const hold = (peerId: ConversationId): Promise<Held> => {
    let loading = held.get(peerId);
    if (!loading) {
      loading = history.page(peerId, undefined, NEWEST_HELD).then((newest) => {
        const state: Held = {
          newest,
          complete: newest.length < NEWEST_HELD,
          older: new Map(),
          reading: new Map(),
          changes: new Map(),
          adding: Promise.resolve(),
        };
        for (const message of newest) noteChanges(state, message);
        return state;
      });
      // A failed read is tried again by the next use.
      loading.catch(() => held.delete(peerId));
      held.set(peerId, loading);
    }
    return loading;
  };

  /** Where message `id` is in memory: the newest (from the end: the latest copy of an id), else the older. */
  function spot(state: Held, id: string): Spot | undefined {
    const at = state.newest.findLastIndex((message) => message.id === id);
    const inNewest = state.newest[at];
    if (inNewest) return { message: inNewest, replace: (next) => void (state.newest[at] = next) };
    const older = state.older.get(id);
    return older && { message: older, replace: (next) => void state.older.set(id, next) };
  }

  /** Message `id` from memory, else read from disk into `older` (one read for any number asking at once). */
  async function find(peerId: ConversationId, state: Held, id: string): Promise<Spot | undefined> {
    if (state.complete || spot(state, id)) return spot(state, id);
    let reading = state.reading.get(id);
    if (!reading) {
      reading = history.get(peerId, id).then((stored) => {
        // Held meanwhile (the whole conversation read, or the message added): that version is the newer one.
        if (stored && !spot(state, id) && !state.complete) {
          state.older.set(id, stored);
          noteChanges(state, stored);
        }
      });
      state.reading.set(id, reading);
      const done = (): void => void state.reading.delete(id);
      reading.then(done, done);
    }
    await reading;
    return spot(state, id); // after the await: where it is now
  }

  /** The messages before the held newest ones (all before `before` when given), newest `limit`, from disk. */
  async function olderPage(
    peerId: ConversationId,
    state: Held,
    before: string,
    limit: number,
  ): Promise<ChatMessage[]> {
    const stored = await history.page(peerId, before, limit);
    // A message changed in memory is newer than its copy on disk (its write may still be waiting).
    return stored.map((message) => state.older.get(message.id) ?? message);
  }

  /**
   * Holds `before` (every message before the first held, read from disk, oldest first) with the newest: the whole
   * conversation. A message changed meanwhile keeps its version now.
   */
  function holdWhole(state: Held, before: readonly ChatMessage[]): void {
    if (state.complete) return; // held whole meanwhile (another scan)
    // A new array, not unshift(...before): a call's arguments are limited in number.
    state.newest = before.map((message) => state.older.get(message.id) ?? message).concat(state.newest);
    for (const message of before) noteChanges(state, message);
    state.older.clear();
    state.complete = true;
  }

  /** The whole conversation, read once (the messages before the newest held) and held from then on. */
  async function whole(peerId: ConversationId): Promise<readonly ChatMessage[]> {
    const state = await hold(peerId);
    if (!state.complete) {
      state.whole ??= (async () => {
        const first = state.newest[0];
        // Not complete, so the first held message was read from disk: the rest is before it.
        holdWhole(state, first ? await olderPage(peerId, state, first.id, Infinity) : []);
      })();
      state.whole.catch(() => (state.whole = undefined)); // tried again by the next list
      await state.whole;
    }
    return [...state.newest];
  }

  return {
    async add(message, durability) {
      const state = await hold(message.peerId);
      // The duplicate checks one after another: each message is pushed right after its own, in order.
      const check = state.adding.then(() => find(message.peerId, state, message.id));
      state.adding = check.catch(() => undefined);
      await check;
      if (spot(state, message.id)) return false; // in this same task as the push below
      state.newest.push(message);
      noteChanges(state, message);
      const stored = history.put(message, durability).catch((error: unknown) => {
        const index = state.newest.lastIndexOf(message);
        if (index >= 0) state.newest.splice(index, 1);
        throw error;
      });
      const pending = writing.get(message.peerId) ?? new Set();
      writing.set(message.peerId, pending);
      pending.add(stored);
      const done = (): void => void pending.delete(stored);
      stored.then(done, done);
      return { stored };
    },
    async change(peerId, id, direction, change) {
      const state = await hold(peerId);
      await find(peerId, state, id);
      // Where it is now, in this same task as the change: nothing can change it in between.
      const found = spot(state, id);
      if (!found || found.message.direction !== direction) return undefined;
      const next = change(found.message);
      if (!next) return undefined;
      found.replace(next);
      noteChanges(state, next);
      await history.put(next, 'soon'); // a status a crash loses is made good again by the next receipt
      return next;
    },
    list: whole,
    async page(peerId, before, limit) {
      if (limit === undefined) {
        const all = await whole(peerId);
        const end = before === undefined ? all.length : all.findLastIndex(({ id }) => id === before);
        return end < 0 ? [] : all.slice(0, end);
      }
      const state = await hold(peerId);
      const { newest } = state;
      // The newest copy of an id: ids are chosen by their senders, so an incoming one may repeat an outgoing one.
      const end = before === undefined ? newest.length : newest.findLastIndex(({ id }) => id === before);
      if (end >= 0) {
        const held = newest.slice(Math.max(0, end - limit), end);
        const first = newest[0];
        if (held.length === limit || state.complete || !first) return held;
        return [...(await olderPage(peerId, state, first.id, limit - held.length)), ...held];
      }
      if (state.complete) return [];
      return olderPage(peerId, state, before ?? '', limit);
    },
    async unread(peerId) {
      const state = await hold(peerId);
      const unread: ChatMessage[] = [];
      // Newest first, until an incoming message that is read.
      const take = (messages: readonly ChatMessage[]): boolean => {
        for (let at = messages.length - 1; at >= 0; at--) {
          const message = messages[at];
          if (message?.direction !== 'in') continue;
          if (message.status === 'read') return true;
          unread.push(message);
        }
        return false;
      };
      let messages: readonly ChatMessage[] = state.newest;
      let complete = state.complete;
      while (!take(messages) && !complete) {
        const first = messages[0];
        if (!first) break;
        messages = await olderPage(peerId, state, first.id, STEP_BACK);
        complete = messages.length < STEP_BACK;
      }
      return unread.reverse();
    },
    async scan(peerId, visit) {
      const state = await hold(peerId);
      const walk = (messages: readonly ChatMessage[]): boolean => {
        for (let at = messages.length - 1; at >= 0; at--) {
          const message = messages[at];
          if (message && !visit(message)) return false;
        }
        return true;
      };
      if (!walk(state.newest) || state.complete) return;
      const first = state.newest[0];
      const pages: ChatMessage[][] = [];
      for (let oldest = first; oldest;) {
        const page = await olderPage(peerId, state, oldest.id, SCAN_PAGE);
        pages.unshift(page);
        if (!walk(page)) return;
        if (page.length < SCAN_PAGE) break;
        oldest = page[0];
      }
      // The whole of it read: held, unless it is already (a list meanwhile) or the first held is another now.
      if (!state.whole && state.newest[0] === first) holdWhole(state, pages.flat());
    },
    async get(peerId, id, direction) {
      const found = await find(peerId, await hold(peerId), id);
      return found && (direction === undefined || found.message.direction === direction)
        ? found.message
        : undefined;
    },
    async withChange(peerId, changeId) {
      const state = await hold(peerId);
      const messageId =
        state.changes.get(changeId) ??
        (state.complete ? undefined : await history.changeTarget(peerId, changeId));
      if (messageId === undefined) return undefined;
      const found = await find(peerId, state, messageId);
      return found?.message.changes?.includes(changeId) ? found.message : undefined;
    },
    async settled(peerId) {
      await Promise.allSettled([...(writing.get(peerId) ?? [])]);
    },
  };
}
