import type { UserId } from '../../../shared/ids';
import type { Stores } from '.';

/**
 * Whether two users may signal each other: both online presenting a common presence token (they are contacts),
 * and neither blocks the other. The block check is the server's own: a client that kept presenting the token of
 * someone it blocked still gets no signaling from them.
 */
export async function related(
  stores: Pick<Stores, 'presence' | 'blocks'>,
  a: UserId,
  b: UserId,
): Promise<boolean> {
  if (!(await stores.presence.shareToken(a, b))) return false;
  const [aBlocksB, bBlocksA] = await Promise.all([stores.blocks.blocks(a, b), stores.blocks.blocks(b, a)]);
  return !aBlocksB && !bBlocksA;
}
