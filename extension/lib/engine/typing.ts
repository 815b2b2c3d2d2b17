/**
 * The typing indicator: "typing" and "stopped" frames over a verified direct link only (never sealed, stored or
 * sent through the server), rate-limited, sent and shown only when the user's setting allows it (unset: on), and
 * only between accepted contacts (not in rooms).
 */
import type { UserId, ConversationId } from '../../../shared/ids';
import { TYPING_SEND_INTERVAL_MS } from '../../../shared/limits';
import { PEER_PROTOCOL_VERSION, type TypingFrame } from '../../../shared/protocol/peer';
import type { TypingView } from '../messaging/conversation-protocol';
import type { Profile } from './profile';

export interface TypingDeps {
  readonly now: () => number;
  /** A verified data channel to the contact is open now. */
  readonly linkOpen: (peerId: UserId) => boolean;
  readonly sendDirect: (peerId: UserId, frame: TypingFrame) => Promise<void>;
  /** Tells the pages (they hide it by themselves TYPING_SHOWN_MS after the last one). */
  readonly emit: (typing: TypingView) => void;
}

export interface Typing {
  /** The draft of a conversation changed: "typing" (at most every TYPING_SEND_INTERVAL_MS), or "stopped" once empty. */
  draftChanged(opened: Profile, conversation: ConversationId, text: string): void;
  /** A contact's frame: shown if they are an accepted contact and this profile shows typing at all. */
  received(opened: Profile, peerId: UserId, frame: TypingFrame): void;
  /** Forgets what was sent (at a lock). */
  forget(): void;
}

const allowed = (opened: Profile, conversation: ConversationId): boolean =>
  opened.settings?.typingIndicators !== false && opened.book.get(conversation)?.state === 'accepted';

export function createTyping(deps: TypingDeps): Typing {
  /** When "typing" last went to each contact; absent once "stopped" went (or nothing did). */
  const sentAt = new Map<UserId, number>();

  const send = (peerId: UserId, typing: boolean): void => {
    const frame: TypingFrame = { v: PEER_PROTOCOL_VERSION, kind: 'typing', typing };
    // Best effort: a lost frame is made good by the next, or by the receiver's timeout.
    deps.sendDirect(peerId, frame).catch(() => undefined);
  };

  return {
    draftChanged(opened, conversation, text) {
      const last = sentAt.get(conversation);
      if (text === '') {
        if (last === undefined) return;
        sentAt.delete(conversation);
        if (deps.linkOpen(conversation)) send(conversation, false);
        return;
      }
      if (!allowed(opened, conversation) || !deps.linkOpen(conversation)) return;
      if (last !== undefined && deps.now() - last < TYPING_SEND_INTERVAL_MS) return;
      sentAt.set(conversation, deps.now());
      send(conversation, true);
    },
    received(opened, peerId, frame) {
      if (allowed(opened, peerId)) deps.emit({ peerId, typing: frame.typing });
    },
    forget() {
      sentAt.clear();
    },
  };
}
