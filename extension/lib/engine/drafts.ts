import type { ConversationId } from '../../../shared/ids';
/**
 * What the user is writing, per conversation: in the engine's memory only, so it outlives a closed popup but not a
 * lock or a restart, and is never written to disk in the clear (the vault seals everything it stores; a draft
 * is not worth a disk write per keystroke).
 */

export interface Drafts {
  get(conversation: ConversationId): string;
  /** '' forgets the conversation's draft. */
  set(conversation: ConversationId, text: string): void;
  /** Forgets them all (at a lock). */
  clear(): void;
}

export function createDrafts(): Drafts {
  const drafts = new Map<ConversationId, string>();
  return {
    get: (conversation) => drafts.get(conversation) ?? '',
    set(conversation, text) {
      if (text === '') drafts.delete(conversation);
      else drafts.set(conversation, text);
    },
    clear: () => drafts.clear(),
  };
}
