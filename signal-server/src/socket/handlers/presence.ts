import { ErrorCode, fail, ok } from '../../../../shared/errors';
import type { PresenceToken } from '../../../../shared/protocol/contacts';
import { tokenRoom, type Handler, type TypedServer, type TypedSocket } from '../context';

/*
 * Presence between contacts only. Each signed-in socket presents its contacts' presence tokens (presence:watch)
 * and sits in one room per token; whoever else presents a token is that contact. Coming online (visible), it says
 * so in each room (`reply: false`); a visible contact there answers once (presence:here → `reply: true`), so both
 * orders of sign-in end with each knowing of the other. Work per sign-in and per change is per token: nothing
 * here walks the server's users.
 */

/** Tells each token's room (all but `socket`, when given) that whoever presented it there went offline. */
export function announceOffline(from: TypedServer | TypedSocket, tokens: Iterable<PresenceToken>): void {
  for (const token of tokens) from.to(tokenRoom(token)).emit('presence:offline', { token });
}

function announceOnline(socket: TypedSocket, tokens: Iterable<PresenceToken>, reply: boolean): void {
  for (const token of tokens) socket.to(tokenRoom(token)).emit('presence:online', { token, reply });
}

/**
 * Ends the socket's presence (its session ended): offline in every token room if it was visible and `announce`
 * (false when a newer session of the user already announced it), and out of every room.
 */
export async function endPresence(socket: TypedSocket, announce: boolean): Promise<void> {
  const presence = socket.data.presence;
  socket.data.presence = undefined;
  if (!presence) return;
  if (announce && presence.visible) announceOffline(socket, presence.tokens);
  for (const token of presence.tokens) await socket.leave(tokenRoom(token));
}

/**
 * Replaces the tokens this session presents. The store first: a contact who hears of us must find the token
 * shared when it signals at once (peerjs/endpoint.ts). Then, by difference with what the socket presented:
 * offline in the rooms it leaves (if it was visible), online in those it joins, or in all when it turns visible;
 * offline in all when it turns hidden.
 */
export const presenceWatch: Handler<'presence:watch'> = {
  requiresSession: true,
  async handle({ tokens, visible }, { socket, session, stores }) {
    const { userId } = session.user;
    // A function, not a narrowed field: the session can end at any await.
    const ended = (): boolean => socket.data.user?.userId !== userId;
    const current = await stores.presence.present(userId, socket.id, tokens, visible);
    if (!current || ended())
      return fail(
        ErrorCode.Unauthenticated,
        'presence:watch: this session has ended (a newer one replaced it); sign in again',
      );
    const before = socket.data.presence ?? { tokens: new Set<PresenceToken>(), visible: false };
    const next = new Set(tokens);
    const dropped = [...before.tokens].filter((token) => !next.has(token));
    const added = tokens.filter((token) => !before.tokens.has(token));
    const kept = tokens.filter((token) => before.tokens.has(token));
    socket.data.presence = { tokens: next, visible };

    if (before.visible) announceOffline(socket, visible ? dropped : [...dropped, ...kept]);
    for (const token of dropped) await socket.leave(tokenRoom(token));
    // The session may have ended while an adapter left the rooms: endSession took what was set above.
    if (ended()) return ok({ tokens: next.size });
    await socket.join(added.map(tokenRoom));
    if (visible) announceOnline(socket, before.visible ? added : tokens, false);
    return ok({ tokens: next.size });
  },
};

/** "I am online too", in answer to a contact's `presence:online` (reply: false): only for a token this session
 * presents, and only while it shows itself. */
export const presenceHere: Handler<'presence:here'> = {
  requiresSession: true,
  async handle({ token }, { socket }) {
    const presence = socket.data.presence;
    if (!presence?.tokens.has(token))
      return fail(
        ErrorCode.NotFound,
        'presence:here: this session does not present that token; send it in presence:watch first',
      );
    if (!presence.visible)
      return fail(
        ErrorCode.InvalidPayload,
        'presence:here: this session appears offline (presence:watch with visible: false), so it tells nobody it is here',
      );
    announceOnline(socket, [token], true);
    return ok({});
  },
};
