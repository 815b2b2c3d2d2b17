import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CHALLENGE_LENGTH,
  decodeBytes,
  encodeBytes,
  sessionStatement,
  userIdOf,
  verifyPublicIdentity,
  verifySignature,
} from '../../../../shared/crypto/identity';
import { ErrorCode, fail, ok, type Result } from '../../../../shared/errors';
import { CHALLENGE_TTL_MS } from '../../../../shared/limits';
import { verifyEd25519Native } from '../../crypto/ed25519';
import { userRoom, type Handler, type HandlerContext, type TypedSocket } from '../context';
import { checkSignInOrigin } from '../server-origin';
import { announceOffline, endPresence } from './presence';

/** A fresh nonce for this connection; the next `session:start` must sign it. */
export const sessionChallenge: Handler<'session:challenge'> = {
  requiresSession: false,
  async handle(_payload, { socket }) {
    const bytes = randomBytes(CHALLENGE_LENGTH);
    socket.data.challenge = { bytes, expiresAt: Date.now() + CHALLENGE_TTL_MS };
    return ok({ challenge: encodeBytes(bytes) });
  },
};

/**
 * Spends the connection's pending challenge and checks that `challenge` is it, unexpired: resolves its bytes.
 * Single use: whatever happens next, the nonce is spent, so a captured answer can never be replayed.
 */
export function takeChallenge(event: string, socket: TypedSocket, challenge: string): Result<Uint8Array> {
  const pending = socket.data.challenge;
  socket.data.challenge = undefined;
  if (!pending || pending.expiresAt <= Date.now()) {
    return fail(
      ErrorCode.Unauthenticated,
      `${event}: ask for a challenge first (session:challenge); each works once, for 60 s`,
    );
  }
  const nonce = decodeBytes(challenge);
  if (!timingSafeEqual(nonce, pending.bytes)) {
    return fail(
      ErrorCode.Unauthenticated,
      `${event}: that challenge was not issued to this connection; ask for a new one`,
    );
  }
  return ok(nonce);
}

export const sessionStart: Handler<'session:start'> = {
  requiresSession: false,
  async handle({ identity, origin, name, challenge, signature }, ctx) {
    const { io, socket, stores, tickets, logger, config, newcomers, failedSignIns } = ctx;
    if (socket.data.user) {
      return fail(
        ErrorCode.InvalidPayload,
        'session:start: a session is already running on this socket; reconnect to start another',
      );
    }
    const taken = takeChallenge('session:start', socket, challenge);
    if (!taken.ok) return taken;
    const nonce = taken.data;
    // The cheap checks above and here come before any signature is verified.
    const forHere = checkSignInOrigin(origin, config.publicOrigin, socket.handshake);
    if (!forHere.ok) {
      return fail(
        ErrorCode.Unauthenticated,
        `session:start: this sign-in is for ${origin}, not for this server (${forHere.reason})`,
      );
    }
    // Failed verifications per address, checked here so a spent address costs no verification at all. Once
    // spent, every answer from the address is refused, even a correct one from a known key: letting known keys
    // through would cost a verification again (identity keys are public, so a forger can always name a known
    // one). The price is that a forger behind the same address (one NAT) can hold its users out; the lockout is
    // short, as tokens come back every 60 / perMinute seconds.
    if (!failedSignIns.allows(socket.request)) return tooManyFailures(failedSignIns.perMinute);
    // New identities per address. The check comes before the signatures, so an address past its budget is
    // refused cheaply; the count comes after them, so answers forged with someone else's key cost nothing: only
    // the holder of a key can spend an address's budget with it. Keys the server knows are never held back, so
    // a real user is not locked out by others at the same address (behind one NAT) making identities.
    const userId = userIdOf(decodeBytes(identity.signingKey));
    const isNew = !(await stores.accounts.known(userId));
    if (isNew && !newcomers.allows(socket.request)) return tooManyNewcomers(newcomers.perHour);
    if (!verifyPublicIdentity(identity, verifyEd25519Native)) {
      failedVerification(ctx);
      return fail(
        ErrorCode.Unauthenticated,
        'session:start: the exchange key is not signed by the signing key',
      );
    }
    const statement = sessionStatement({ origin, challenge: nonce, userId, name });
    if (!verifySignature(statement, signature, identity.signingKey, verifyEd25519Native)) {
      failedVerification(ctx);
      return fail(
        ErrorCode.Unauthenticated,
        'session:start: the signature does not match this identity key and challenge',
      );
    }
    // Counted now, before anything awaits: sign-ins of the same address running at once cannot all pass.
    if (isNew && !newcomers.take(socket.request)) return tooManyNewcomers(newcomers.perHour);
    const bound = await stores.accounts.bindName(userId, name);
    if (!bound.ok) {
      if (isNew) newcomers.giveBack(socket.request); // nothing was created
      return fail(
        ErrorCode.NameTaken,
        bound.reason === 'look-alike'
          ? `The name "${name}" looks like a name that belongs to someone else's key; choose another name`
          : `The name "${name}" belongs to someone else's key; choose another name`,
      );
    }

    const user = { userId, name, signingKey: identity.signingKey };
    const claim = await stores.presence.claim(user, socket.id);
    if (!socket.connected) {
      // The socket went away while the claim was being written: undo it, nobody will release it later.
      await stores.presence.release(userId, socket.id);
      return fail(ErrorCode.Internal, 'session:start: the connection closed during the request');
    }
    if (claim.replaced) io.in(claim.replaced).disconnectSockets(true);
    // The replaced session's contacts hear it go now, before this one can say it is online (presence:watch):
    // both go out from here, in that order, so no contact is left thinking the user offline.
    announceOffline(io, claim.departed);
    socket.data.user = user;
    socket.data.identity = identity;
    // Nobody hears of this sign-in but through presence:watch, and only the user's contacts.
    await socket.join(userRoom(userId));
    logger.info({ userId, socketId: socket.id }, 'session started');
    return ok({ self: user, peer: tickets.issue(userId) });
  },
};

/**
 * A sign-in that cost verification and failed: counted against the address, and the connection closed once the
 * answer is out (one verified failure per connection: a forger pays a new connection, itself rate-limited per
 * address, for each; a real client with a wrong key or a bug loses nothing by reconnecting). The dispatcher
 * acknowledges in the promise callbacks that follow this handler's return; setImmediate runs after them, and
 * engine.io writes out what is queued (the answer) before it closes the transport.
 */
function failedVerification({ socket, failedSignIns }: HandlerContext): void {
  failedSignIns.spend(socket.request);
  setImmediate(() => socket.disconnect(true));
}

function tooManyFailures(perMinute: number): ReturnType<typeof fail> {
  return fail(
    ErrorCode.RateLimited,
    `session:start: too many sign-ins from your address failed verification (at most ${perMinute} a minute); ` +
      `wait ${Math.ceil(60 / perMinute)} seconds and try again, and check that this device signs with its own identity key`,
  );
}

function tooManyNewcomers(perHour: number): ReturnType<typeof fail> {
  return fail(
    ErrorCode.RateLimited,
    `session:start: your address has brought ${perHour} new identities within the hour, the most it may; ` +
      `sign in with an identity this server already knows, or try again in ${Math.ceil(60 / perHour)} minutes`,
  );
}

/**
 * Ends the socket's session, if any, and tells the user's contacts (those presenting a token with them) when that
 * took the user offline. A session a newer one replaced says nothing: the newer one announced it (sessionStart).
 */
export async function endSession({ socket, stores, logger }: HandlerContext): Promise<void> {
  const user = socket.data.user;
  if (!user) return;
  socket.data.user = undefined;
  socket.data.identity = undefined;
  await socket.leave(userRoom(user.userId));
  const wentOffline = await stores.presence.release(user.userId, socket.id);
  await endPresence(socket, wentOffline);
  logger.info({ userId: user.userId, socketId: socket.id, wentOffline }, 'session ended');
}
