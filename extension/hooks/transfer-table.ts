import type { MessageId, UserId } from '../../shared/ids';
import type { TransferView } from '../lib/messaging/protocol';

/**
 * Every transfer the popup knows of, by the message that offered the file and then by the other end (a file sent
 * to a room has one per member). Never changed in place: a change makes a new outer map and a new inner map for
 * its message only, so a card can tell in one comparison whether its own transfers changed.
 */
export type TransferTable = ReadonlyMap<MessageId, ReadonlyMap<UserId, TransferView>>;

export const EMPTY_TABLE: TransferTable = new Map();

/** The table with `view` in place of the transfer it updates (same message and peer), or added. */
export function applyTransfer(table: TransferTable, view: TransferView): TransferTable {
  const peers = new Map(table.get(view.messageId));
  peers.set(view.peer, view);
  return new Map(table).set(view.messageId, peers);
}

/**
 * The table with the engine's list added. Events may have arrived while the list was on its way: of a transfer
 * in both, the event's copy stays (it is as new or newer).
 */
export function mergeListed(table: TransferTable, listed: readonly TransferView[]): TransferTable {
  const merged = new Map<MessageId, Map<UserId, TransferView>>();
  for (const view of listed) {
    const peers = merged.get(view.messageId) ?? new Map<UserId, TransferView>();
    peers.set(view.peer, view);
    merged.set(view.messageId, peers);
  }
  for (const [messageId, known] of table) {
    const peers = merged.get(messageId) ?? new Map<UserId, TransferView>();
    for (const [peer, view] of known) peers.set(peer, view);
    merged.set(messageId, peers);
  }
  return merged;
}

/** The transfers of one message's file, in the order they became known. */
export function transfersOf(table: TransferTable, messageId: MessageId): readonly TransferView[] {
  return [...(table.get(messageId)?.values() ?? [])];
}

/** Every transfer whose state is in `states`. */
export function transfersIn(
  table: TransferTable,
  states: ReadonlySet<TransferView['state']>,
): TransferView[] {
  return [...table.values()].flatMap((peers) => [...peers.values()].filter((view) => states.has(view.state)));
}
