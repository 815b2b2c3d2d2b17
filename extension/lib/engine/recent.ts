/**
 * Each conversation's newest message, as the conversation list previews it: read once per opened profile from the
 * history's index (one message per conversation, never a whole history), then kept as messages come, go, are
 * edited or deleted. Pages ask for the whole list once (`listRecent`) and get each change as a `recent` event: a
 * state push stays the size it was, whatever the number of conversations.
 */
import type { UserId, ConversationId } from '../../../shared/ids';
import type { RecentList, RecentMessage } from '../messaging/conversation-protocol';
import { previewOf } from '../message-preview';
import type { ChatMessage } from '../model';
import type { Profile } from './profile';

export interface RecentDeps {
  /** The profile open now, if any. */
  readonly current: () => Profile | undefined;
  /** Tells the pages (the `recent` event). */
  readonly emit: (list: RecentList) => void;
}

export interface Recent {
  /** Every conversation's preview (none while locked); the first call of a profile reads them from its history. */
  list(): Promise<RecentList>;
  /** A message was added or changed (every change the message log makes): its conversation's preview again. */
  seen(message: ChatMessage): void;
  /** Drops the previews of the profile open so far (a lock): decrypted text stays no longer than the keys. */
  forget(): void;
}

const samePreview = (a: RecentMessage | undefined, b: RecentMessage): boolean =>
  a !== undefined &&
  a.kind === b.kind &&
  a.text === b.text &&
  a.at === b.at &&
  a.direction === b.direction &&
  a.from === b.from &&
  a.fromName === b.fromName &&
  a.edited === b.edited;

/** The name this profile shows for a user: a contact's own name for them, else the name pinned to their key. */
function nameOf(profile: Profile, userId: UserId): string | undefined {
  const contact = profile.book.get(userId);
  if (contact) return contact.alias ?? contact.name;
  return profile.pins.known().find((pin) => pin.userId === userId)?.name;
}

const previewIn = (profile: Profile, message: ChatMessage): RecentMessage =>
  previewOf(message, message.from && nameOf(profile, message.from));

/** The previews of one opened profile. */
interface Held {
  readonly profile: Profile;
  readonly previews: Map<ConversationId, RecentMessage>;
  readonly loaded: Promise<void>;
}

export function createRecent(deps: RecentDeps): Recent {
  let held: Held | undefined;

  async function load(profile: Profile, previews: Map<ConversationId, RecentMessage>): Promise<void> {
    const conversations: ConversationId[] = [
      ...profile.book.list().map((contact) => contact.userId),
      ...profile.rooms.views(() => false).map((room) => room.roomId),
    ];
    try {
      const newest = await profile.vault.history.newest(conversations);
      // A message seen meanwhile is newer than what was read (or the same): it stays.
      for (const [conversation, message] of newest)
        if (!previews.has(conversation)) previews.set(conversation, previewIn(profile, message));
    } catch (error) {
      // The list then shows what arrives from now on; nothing else depends on it.
      console.warn('engine: could not read the conversations’ newest messages', error);
    }
  }
  function hold(profile: Profile): Held {
    if (held?.profile === profile) return held;
    const previews = new Map<ConversationId, RecentMessage>();
    const next: Held = { profile, previews, loaded: load(profile, previews) };
    held = next;
    // Read anew (another profile, after a restore): a page that listed the old one's gets the new list whole.
    void next.loaded.then(() => {
      if (held === next) deps.emit({ conversations: Object.fromEntries(previews), whole: true });
    });
    return next;
  }

  return {
    async list() {
      const profile = deps.current();
      if (!profile) return { conversations: {}, whole: true };
      const state = hold(profile);
      await state.loaded;
      return { conversations: Object.fromEntries(state.previews), whole: true };
    },
    seen(message) {
      const profile = deps.current();
      if (!profile) return;
      const state = hold(profile);
      const conversation = message.peerId;
      // The log changed this conversation, so it is in memory: its newest message is at hand (edits and status
      // changes of older messages leave the preview as it is).
      profile.conversations
        .page(conversation, undefined, 1)
        .then(([newest]) => {
          if (held !== state || !newest) return;
          const preview = previewIn(profile, newest);
          if (samePreview(state.previews.get(conversation), preview)) return;
          state.previews.set(conversation, preview);
          deps.emit({ conversations: { [conversation]: preview }, whole: false });
        })
        .catch((error: unknown) => console.warn('engine: could not preview a conversation', error));
    },
    forget() {
      held = undefined;
    },
  };
}
