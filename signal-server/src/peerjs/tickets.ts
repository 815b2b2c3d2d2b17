import { createHmac, timingSafeEqual } from 'node:crypto';
import { PEER_TICKET_TTL_MS } from '../../../shared/limits';
import type { PeerTicket } from '../../../shared/protocol/socket';

const MAC_LENGTH = 32; // bytes, HMAC-SHA256

/**
 * Stateless tickets that let an authenticated session's PeerJS client claim its own peer id.
 * Format: `<expiresAt>.<base64url HMAC-SHA256(secret, "<peerId>.<expiresAt>")>`; URL-safe because
 * PeerJS puts the token in the query string unencoded.
 */
export interface TicketAuthority {
  issue(peerId: string, now?: number): PeerTicket;
  verify(peerId: string, ticket: string, now?: number): boolean;
}

export function createTicketAuthority(secret: Buffer): TicketAuthority {
  const mac = (peerId: string, expiresAt: number): Buffer =>
    createHmac('sha256', secret).update(`${peerId}.${expiresAt}`).digest();

  return {
    issue(peerId, now = Date.now()) {
      const expiresAt = now + PEER_TICKET_TTL_MS;
      return { peerId, expiresAt, ticket: `${expiresAt}.${mac(peerId, expiresAt).toString('base64url')}` };
    },
    verify(peerId, ticket, now = Date.now()) {
      const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
      if (!match) return false;
      const expiresAt = Number(match[1]);
      if (!(expiresAt > now)) return false;
      const given = Buffer.from(match[2] ?? '', 'base64url');
      return given.length === MAC_LENGTH && timingSafeEqual(given, mac(peerId, expiresAt));
    },
  };
}
