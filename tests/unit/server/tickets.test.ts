import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { PEER_TICKET_TTL_MS } from '../../../shared/limits';
import {
  createMemorySpentTickets,
  createTicketAuthority,
  type SpentTickets,
} from '../../../signal-server/src/peerjs/tickets';

const authority = createTicketAuthority(Buffer.from('a'.repeat(32)), createMemorySpentTickets());
const peerId = randomId();
const now = 1_700_000_000_000;

describe('peer tickets', () => {
  it('verifies a ticket for the id it was issued to, for a minute at most', () => {
    const { ticket, expiresAt } = authority.issue(peerId, now);
    expect(expiresAt).toBe(now + PEER_TICKET_TTL_MS);
    expect(PEER_TICKET_TTL_MS).toBeLessThanOrEqual(60_000); // it travels in a URL: a logged one soon opens nothing
    expect(ticket).toMatch(/^[\w.-]+$/); // PeerJS puts it in a URL unencoded
    expect(authority.verify(peerId, ticket, now + 1)).toBe(true);
    expect(authority.verify(peerId, ticket, expiresAt)).toBe(false);
  });

  it('refuses it for another id, under another secret, or altered', () => {
    const { ticket } = authority.issue(peerId, now);
    expect(authority.verify(randomId(), ticket, now)).toBe(false);
    const other = createTicketAuthority(Buffer.from('b'.repeat(32)), createMemorySpentTickets());
    expect(other.verify(peerId, ticket, now)).toBe(false);
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

  it('redeems a ticket once; a forged, expired or foreign one spends nothing', async () => {
    const { ticket, expiresAt } = authority.issue(peerId, now);
    expect(await authority.redeem(randomId(), ticket, now)).toBe(false); // not theirs: not spent either
    expect(await authority.redeem(peerId, ticket, expiresAt)).toBe(false);
    expect(await authority.redeem(peerId, ticket, now + 1)).toBe(true);
    expect(await authority.redeem(peerId, ticket, now + 2)).toBe(false);
    expect(authority.verify(peerId, ticket, now + 3)).toBe(true); // verify alone spends nothing
  });
});

describe('spent tickets in memory', () => {
  it('remembers a ticket until it expires, and no longer: it holds only the last window', async () => {
    const spent: SpentTickets = createMemorySpentTickets();
    expect(await spent.spend('a', now + 1000, now)).toBe(true);
    expect(await spent.spend('a', now + 1000, now + 999)).toBe(false);
    // Once 'a' has expired, spending another drops it: were 'a' presented again, its expiry refuses it anyway.
    expect(await spent.spend('b', now + 3000, now + 1000)).toBe(true);
    expect(await spent.spend('a', now + 1000, now + 1000)).toBe(true);
  });
});
