import { createHmac } from 'node:crypto';
import { ok } from '../../../../shared/errors';
import type { IceServer } from '../../../../shared/protocol/ice';
import type { IceConfig } from '../../config';
import type { Handler } from '../context';

/**
 * TURN credentials in coturn's shared-secret mode (`use-auth-secret`): the user name is the expiry time (Unix
 * seconds) and the user id, the password an HMAC-SHA1 of it under the shared secret. coturn checks both.
 */
export function iceServersFor(
  config: IceConfig,
  userId: string,
  now: number,
): { iceServers: IceServer[]; expiresAt: number } {
  const expiresAt = now + config.turnTtlSeconds * 1000;
  const stun = config.urls.filter((url) => /^stuns?:/.test(url));
  const turn = config.urls.filter((url) => /^turns?:/.test(url));
  const iceServers: IceServer[] = stun.length > 0 ? [{ urls: stun }] : [];
  if (turn.length > 0 && config.turnSecret !== undefined) {
    const username = `${Math.floor(expiresAt / 1000)}:${userId}`;
    const credential = createHmac('sha1', config.turnSecret).update(username).digest('base64');
    iceServers.push({ urls: turn, username, credential });
  }
  return { iceServers, expiresAt };
}

/** The STUN and TURN servers this deployment offers, with fresh TURN credentials; none by default. */
export const iceServers: Handler<'ice:servers'> = {
  requiresSession: true,
  async handle(_payload, { session, config }) {
    return ok(iceServersFor(config.ice, session.user.userId, Date.now()));
  },
};
