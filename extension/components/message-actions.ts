/**
 * What a message's menu can do, given by the conversation on screen (Conversation.tsx) to each bubble through a
 * context: the log between them (MessageLog) passes messages, not callbacks.
 */
import { createContext } from 'preact';
import type { UserId } from '../../shared/ids';
import type { ChatMessage } from '../lib/model';

export interface MessageActions {
  /** Answers the message: the box quotes it. */
  readonly reply: (message: ChatMessage) => void;
  /** Puts one of this profile's own messages in the box to change its text. */
  readonly edit: (message: ChatMessage) => void;
  /** Deletes a message here only, or (one's own) for everyone. */
  readonly remove: (message: ChatMessage, forEveryone: boolean) => void;
  /** Who wrote a quoted message, as this conversation names them ('You' for this profile). */
  readonly nameOf: (userId: UserId | undefined) => string;
}

export const MessageActionsContext = createContext<MessageActions | null>(null);

/** Only a message of text that is still there can be edited or deleted for everyone, and only one's own. */
export const changeable = (message: ChatMessage): boolean =>
  message.direction === 'out' && !message.file && !message.call && !message.deleted;
