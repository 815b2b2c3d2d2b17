import { randomId } from '../../../shared/ids';
import type { TransferView } from '../../../extension/lib/messaging/protocol';

/** A transfer as the engine pushes it: by default, an incoming 1:1 offer of a 10 MB PDF. */
export function transferOf(fields: Partial<TransferView> = {}): TransferView {
  const peer = fields.peer ?? randomId();
  return {
    messageId: randomId(),
    conversation: peer,
    peer,
    direction: 'in',
    file: { name: 'report.pdf', size: 10_000_000, type: 'application/pdf' },
    state: 'offered',
    bytes: 0,
    ...fields,
  };
}

/** The transfers of one file sent to a room: one per member, each with the fields given for it, in order. */
export function roomTransfers<const M extends readonly Partial<TransferView>[]>(
  ...members: M
): { readonly [K in keyof M]: TransferView } {
  const messageId = randomId();
  const conversation = `r${randomId()}`;
  // map keeps the length and order: one transfer for each member given.
  return members.map((fields) => transferOf({ messageId, conversation, direction: 'out', ...fields })) as {
    readonly [K in keyof M]: TransferView;
  };
}
