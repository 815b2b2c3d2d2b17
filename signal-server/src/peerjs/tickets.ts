import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PEER_TICKET_TTL_MS } from '../../../shared/limits';
import type { PeerTicket } from '../../../shared/protocol/socket';

const MAC_LENGTH = 32; // bytes, HMAC-SHA256

/**
 * Tickets that let an authenticated session's PeerJS client claim its own peer id, once.
 * Format: `<expiresAt>.<base64url HMAC-SHA256(secret, "<peerId>.<expiresAt>")>`; URL-safe because
 * PeerJS puts the token in the query string unencoded. That URL may end up in some log on the way (a
 * proxy's, a browser's), so a ticket works for one connection only and for PEER_TICKET_TTL_MS: one that was
 * used, or that is older than that, opens nothing. The engine asks a fresh one (`peer:ticket`) for each
 * reconnect.
 */
export interface TicketAuthority {
  issue(peerId: string, now?: number): PeerTicket;
  /** Whether the ticket is for `peerId`, genuine and unexpired (nothing is spent). */
  verify(peerId: string, ticket: string, now?: number): boolean;
  /** Like verify, and spends the ticket: it never opens a second connection, on any server process. */
  redeem(peerId: string, ticket: string, now?: number): Promise<boolean>;
}

/** Tickets already used, remembered until they expire (after that, the expiry refuses them anyway). */
export interface SpentTickets {
  /** Records `id` as spent until `expiresAt`; resolves false if it already was. */
  spend(id: string, expiresAt: number, now: number): Promise<boolean>;
}

export function createTicketAuthority(secret: Buffer, spent: SpentTickets): TicketAuthority {
  const mac = (peerId: string, expiresAt: number): Buffer =>
    createHmac('sha256', secret).update(`${peerId}.${expiresAt}`).digest();

  /** The ticket's expiry and MAC when it is genuine and unexpired for `peerId`. */
  function check(peerId: string, ticket: string, now: number): { expiresAt: number; id: string } | undefined {
    const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
    if (!match) return undefined;
    const expiresAt = Number(match[1]);
    if (!(expiresAt > now)) return undefined;
    const given = Buffer.from(match[2] ?? '', 'base64url');
    if (given.length !== MAC_LENGTH || !timingSafeEqual(given, mac(peerId, expiresAt))) return undefined;
    return { expiresAt, id: match[2] ?? '' };
  }

  return {
    issue(peerId, now = Date.now()) {
      const expiresAt = now + PEER_TICKET_TTL_MS;
      return { peerId, expiresAt, ticket: `${expiresAt}.${mac(peerId, expiresAt).toString('base64url')}` };
    },
    verify: (peerId, ticket, now = Date.now()) => check(peerId, ticket, now) !== undefined,
    async redeem(peerId, ticket, now = Date.now()) {
      const genuine = check(peerId, ticket, now);
      return genuine !== undefined && spent.spend(genuine.id, genuine.expiresAt, now);
    },
  };
}

/**
 * One process's memory of spent tickets. Every entry was spent within the last PEER_TICKET_TTL_MS (older ones
 * are dropped as new ones come), so it holds at most what that window's sign-ins issued.
 */
export function createMemorySpentTickets(): SpentTickets {
  const spent = new Map<string, number>(); // id -> expiresAt, in the order spent
  return {
    async spend(id, expiresAt, now) {
      for (const [old, expiry] of spent) {
        if (expiry > now) break; // spent after an entry still valid: within the window too
        spent.delete(old);
      }
      if (spent.has(id)) return false;
      spent.set(id, expiresAt);
      return true;
    },
  };
}

/** Scale-out: spent tickets in Redis, so a ticket used on one process opens nothing on another. */
export function createRedisSpentTickets(redis: Redis, prefix = 'tm:'): SpentTickets {
  return {
    async spend(id, expiresAt, now) {
      const ttlMs = Math.max(1, expiresAt - now);
      return (await redis.set(`${prefix}spent-ticket:${id}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
    },
  };
}
