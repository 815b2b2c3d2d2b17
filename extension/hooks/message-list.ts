import type { ChatMessage } from '../lib/model';

/**
 * A conversation's messages, oldest first, each found by its id. An event costs the same however long the
 * conversation is, and a burst of events one copy of the list (when the next render reads it), not one each:
 * with a fresh array per event, 200 events into 10,000 messages took tens of milliseconds of the thread the
 * engine shares with the popup.
 */
export class MessageList {
  #messages: ChatMessage[] = [];
  #indexOf = new Map<string, number>();
  #snapshot: readonly ChatMessage[] | undefined;

  /** Puts `message` in place of the one with its id, or after the others. */
  upsert(message: ChatMessage): void {
    const index = this.#indexOf.get(message.id);
    if (index === undefined) {
      this.#indexOf.set(message.id, this.#messages.length);
      this.#messages.push(message);
    } else {
      this.#messages[index] = message;
    }
    this.#snapshot = undefined;
  }

  /** Puts the history before what arrived ahead of it; of a message in both, the one that arrived stays (it is newer). */
  prependHistory(history: readonly ChatMessage[]): void {
    const older = history.filter((message) => !this.#indexOf.has(message.id));
    this.#messages = [...older, ...this.#messages];
    this.#indexOf = new Map(this.#messages.map((message, index) => [message.id, index]));
    this.#snapshot = undefined;
  }

  /** The messages in order: the same array until the next change, never one that changes under its reader. */
  get all(): readonly ChatMessage[] {
    this.#snapshot ??= [...this.#messages];
    return this.#snapshot;
  }
}
