// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { ConversationList } from '../../../extension/components/ConversationList';
import type { EngineClient } from '../../../extension/lib/messaging/client';
import type { RecentList } from '../../../extension/lib/messaging/conversation-protocol';
import type { Contact, RoomView } from '../../../extension/lib/messaging/protocol';
import { useSummaries, useSummaryStore } from '../../../extension/lib/ui/use-summaries';
import { contactOf } from '../../support/popup-state';
import { mount, recordingClient, settle, unmountAll } from '../popup/fake-client';

afterEach(unmountAll);

/** An engine that answers listRecent with `listed` and can tell `recent` changes. */
function recentEngine(listed: RecentList) {
  const fake = recordingClient({ listRecent: () => Promise.resolve(listed) });
  return {
    client: fake.client,
    /** The methods asked, in order. */
    asked: () => fake.calls.map(([method]) => method),
    tell: (list: RecentList) => fake.push('recent', list),
  };
}

/** Preact runs effects after the next frame, or its 100 ms fallback where no frame comes. */
const afterEffects = () => new Promise((resolve) => setTimeout(resolve, 150));

function Rows(props: {
  client: EngineClient;
  contacts: readonly Contact[];
  rooms: readonly RoomView[];
  behind?: boolean;
}) {
  const summaries = useSummaries(useSummaryStore(props.client), props.behind);
  return (
    <ConversationList
      client={props.client}
      contacts={props.contacts}
      rooms={props.rooms}
      links={{}}
      unread={{}}
      summaries={summaries}
      selected={undefined}
      onSelect={() => undefined}
      onNew={() => undefined}
    />
  );
}

const rowsOf = (root: HTMLElement) =>
  [...root.querySelectorAll<HTMLElement>('[data-conversation]')].map((row) => [
    row.querySelector('.row-name')?.textContent,
    row.querySelector('[data-testid="row-preview"]')?.textContent ??
      row.querySelector('.row-status')?.textContent,
  ]);

describe('the conversation list, from the engine’s previews', () => {
  it('orders every conversation by its newest message from the start, and moves one up as the engine tells', async () => {
    const [ana, bob, cid, mia] = [randomId(), randomId(), randomId(), randomId()];
    const room = {
      roomId: `r${randomId()}`,
      name: 'Hikers',
      joined: true,
      members: [],
      invited: [],
      timeline: [],
      warnings: [],
    } satisfies RoomView;
    const hostile = '<img src=x onerror="globalThis.pwned=1">';
    const { client, asked, tell } = recentEngine({
      whole: true,
      conversations: {
        [ana]: { kind: 'text', text: hostile, at: Date.UTC(2026, 0, 3), direction: 'in' },
        [bob]: { kind: 'file', text: 'photo.jpg', at: Date.UTC(2026, 0, 2), direction: 'out' },
        [room.roomId]: {
          kind: 'text',
          text: 'Sunday?',
          at: Date.UTC(2026, 0, 4),
          direction: 'in',
          from: mia,
          fromName: 'Mia',
        },
      },
    });
    const contacts = [contactOf(ana, 'Ana'), contactOf(bob, 'Bob'), contactOf(cid, 'Cid', { online: false })];
    const root = mount(<Rows client={client} contacts={contacts} rooms={[room]} />);
    // Preact runs effects after the frame is painted: the rows fill once the list is in.
    await vi.waitFor(() => expect(root.querySelectorAll('time')).toHaveLength(3));
    expect(asked()).toEqual(['listRecent']);
    expect(rowsOf(root)).toEqual([
      ['# Hikers', 'Mia: Sunday?'],
      ['Ana', hostile],
      ['Bob', 'You: File: photo.jpg'],
      ['Cid', 'offline'],
    ]);
    // Text, never markup: the row holds no element the message named.
    expect(root.querySelector('img')).toBeNull();

    tell({
      whole: false,
      conversations: { [cid]: { kind: 'deleted', text: '', at: Date.UTC(2026, 0, 5), direction: 'in' } },
    });
    await settle();
    expect(rowsOf(root)[0]).toEqual(['Cid', 'Message deleted']);
    tell({
      whole: false,
      conversations: {
        [bob]: { kind: 'call', text: 'Missed voice call', at: Date.UTC(2026, 0, 6), direction: 'in' },
      },
    });
    await settle();
    expect(rowsOf(root).map(([name]) => name)).toEqual(['Bob', 'Cid', '# Hikers', 'Ana']);
    expect(rowsOf(root)[0]?.[1]).toBe('Missed voice call');
  });

  it('takes no preview while behind a conversation, and shows the newest as it comes back', async () => {
    const bob = randomId();
    const { client, tell } = recentEngine({
      whole: true,
      conversations: { [bob]: { kind: 'text', text: 'first', at: Date.UTC(2026, 0, 2), direction: 'in' } },
    });
    const contacts = [contactOf(bob, 'Bob')];
    const root = mount(<Rows client={client} contacts={contacts} rooms={[]} />);
    await vi.waitFor(() => expect(rowsOf(root)).toEqual([['Bob', 'first']]));
    render(<Rows client={client} contacts={contacts} rooms={[]} behind />, root);
    await afterEffects(); // from here on the list listens no more
    const later = (text: string, day: number): RecentList => ({
      whole: false,
      conversations: { [bob]: { kind: 'text', text, at: Date.UTC(2026, 0, day), direction: 'in' } },
    });
    tell(later('second', 3));
    await settle();
    expect(rowsOf(root)).toEqual([['Bob', 'first']]);
    render(<Rows client={client} contacts={contacts} rooms={[]} />, root);
    expect(rowsOf(root)).toEqual([['Bob', 'second']]); // in the render that brings it back, not after
    await afterEffects(); // and it listens again
    tell(later('third', 4));
    await settle();
    expect(rowsOf(root)).toEqual([['Bob', 'third']]);
  });
});
