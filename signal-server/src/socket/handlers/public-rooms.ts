/**
 * Public rooms (README, Public rooms): a member lists a room with the secret of an invite code of their own, live
 * in its log; anyone signed in browses listed rooms (name and member count, nothing else) and takes the code of
 * one to join it exactly as with any invite code (room:peek, then a signed join). Unlisting forgets the secret
 * and withdraws the code: the server refuses joins with it from then on.
 */
import { encodeBytes } from '../../../../shared/crypto/identity';
import { roomCodeKeys } from '../../../../shared/crypto/room-code';
import { ErrorCode, fail, ok, type Result } from '../../../../shared/errors';
import {
  MAX_LISTED_ROOMS_PER_USER,
  MAX_ROOM_LISTINGS_PER_WINDOW,
  ROOM_BROWSE_PAGE,
  ROOM_LISTING_WINDOW_MS,
} from '../../../../shared/limits';
import { withdrawnCode, type StoredRoom } from '../../stores/rooms';
import type { Handler, SessionContext } from '../context';
import { announce, stateOf } from './rooms';

/** Listing opens the room to everyone here, and each listing is a code entry in its log: both are bounded. */
async function listingQuota(ctx: SessionContext): Promise<Result<never> | undefined> {
  const { userId } = ctx.session.user;
  if ((await ctx.stores.rooms.listedBy(userId)) >= MAX_LISTED_ROOMS_PER_USER)
    return fail(
      ErrorCode.QuotaExceeded,
      `room:listing: you have ${MAX_LISTED_ROOMS_PER_USER} rooms listed; unlist one first`,
    );
  const counted = await ctx.stores.rooms.countListing(userId, Date.now(), ROOM_LISTING_WINDOW_MS);
  if (counted > MAX_ROOM_LISTINGS_PER_WINDOW)
    return fail(
      ErrorCode.RateLimited,
      `room:listing: at most ${MAX_ROOM_LISTINGS_PER_WINDOW} listings an hour; try again in the next hour`,
    );
  return undefined;
}

/** The room without its listing, its code withdrawn. */
function unlisted(room: StoredRoom): StoredRoom {
  const { listing, ...rest } = room;
  return listing ? { ...rest, withdrawn: [...(room.withdrawn ?? []), listing.code] } : room;
}

/**
 * Lists a room (any member may: any member can already hand an invite code to anyone, and the listing rides on
 * one of their own, so it ends when they leave) or unlists it (any member may: closing is the safe direction).
 */
export const roomListing: Handler<'room:listing'> = {
  requiresSession: true,
  async handle(request, ctx) {
    const { userId } = ctx.session.user;
    const { roomId } = request;
    const quota = request.listed ? await listingQuota(ctx) : undefined;
    if (quota) return quota;
    // Deriving the code's key costs a scalar multiplication: done once, outside the compare-and-set loop.
    const code = request.listed ? encodeBytes(roomCodeKeys(roomId, request.secret).publicKey) : '';
    let refusal: Result<never> | undefined;
    const refuse = (message: string) => {
      refusal = fail(ErrorCode.InvalidPayload, `room:listing: ${message}`);
      return undefined;
    };
    const room = await ctx.stores.rooms.update(roomId, (current) => {
      refusal = undefined;
      const state = stateOf(current);
      if (!state?.members.includes(userId)) return refuse('only a member may list or unlist a room');
      if (!request.listed) return current.listing ? unlisted(current) : undefined;
      if (current.listing) return refuse('this room is already listed');
      if (state.codes.get(code) !== userId || withdrawnCode(current, code))
        return refuse('list the room with a new invite code of your own, published in its log');
      return { ...current, listing: { code, secret: request.secret, by: userId, at: Date.now() } };
    });
    if (refusal) return refusal;
    if (!room) return fail(ErrorCode.NotFound, 'room:listing: no such room (it may have ended)');
    announce(ctx, room);
    return ok({ roomId, listed: room.listing !== undefined });
  },
};

/** Listed rooms, newest listing first, a page at a time; only their names and member counts. */
export const roomBrowse: Handler<'room:browse'> = {
  requiresSession: true,
  async handle({ query, offset = 0 }, ctx) {
    const found = await ctx.stores.rooms.browse({
      ...(query ? { text: query } : {}),
      offset,
      limit: ROOM_BROWSE_PAGE,
    });
    return ok(found);
  },
};

/** The code of a listed room, to join it as with any invite code. */
export const roomListedCode: Handler<'room:listed-code'> = {
  requiresSession: true,
  async handle({ roomId }, ctx) {
    const listing = (await ctx.stores.rooms.get(roomId))?.listing;
    if (!listing) return fail(ErrorCode.NotFound, 'room:listed-code: this room is not listed (any more)');
    return ok({ roomId, secret: listing.secret });
  },
};
