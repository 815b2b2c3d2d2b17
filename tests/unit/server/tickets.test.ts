import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { PEER_TICKET_TTL_MS } from '../../../shared/limits';
import { createTicketAuthority } from '../../../signal-server/src/peerjs/tickets';

const authority = createTicketAuthority(Buffer.from('a'.repeat(32)));
const peerId = randomId();
const now = 1_700_000_000_000;

describe('peer tickets', () => {
  it('verifies a ticket for the id it was issued to, until it expires', () => {
    const { ticket, expiresAt } = authority.issue(peerId, now);
    expect(expiresAt).toBe(now + PEER_TICKET_TTL_MS);
    expect(ticket).toMatch(/^[\w.-]+$/); // PeerJS puts it in a URL unencoded
    expect(authority.verify(peerId, ticket, now + 1)).toBe(true);
    expect(authority.verify(peerId, ticket, expiresAt)).toBe(false);
  });

  it('refuses it for another id, under another secret, or altered', () => {
    const { ticket } = authority.issue(peerId, now);
    expect(authority.verify(randomId(), ticket, now)).toBe(false);
    expect(createTicketAuthority(Buffer.from('b'.repeat(32))).verify(peerId, ticket, now)).toBe(false);
    const [expiry, mac = ''] = ticket.split('.');
    expect(authority.verify(peerId, `${Number(expiry) + 1}.${mac}`, now)).toBe(false);
    const flipped = mac.startsWith('A') ? `B${mac.slice(1)}` : `A${mac.slice(1)}`;
    expect(authority.verify(peerId, `${expiry}.${flipped}`, now)).toBe(false);
  });

  it.each(['', 'x', '1.2.3', `${now + 1000}.`, `${now + 1000}.${'A'.repeat(42)}`, `-1.${'A'.repeat(43)}`])(
    'refuses malformed ticket %j',
    (ticket) => {
      expect(authority.verify(peerId, ticket, now)).toBe(false);
    },
  );
});
