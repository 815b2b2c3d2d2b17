// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { PublicRooms } from '../../../extension/components/PublicRooms';
import { RoomPanel } from '../../../extension/components/RoomPanel';
import type { RoomView } from '../../../extension/lib/messaging/protocol';
import { mount, recordingClient, settle, type, unmountAll } from './fake-client';

afterEach(unmountAll);

const listed = (name: string, members: number) => ({ roomId: `r${randomId()}`, name, members });
const buttonNamed = (root: HTMLElement, name: string) =>
  [...root.querySelectorAll('button')].find(
    (button) => (button.getAttribute('aria-label') ?? button.textContent) === name,
  );

async function search(root: HTMLElement, query: string): Promise<void> {
  const field = root.querySelector<HTMLInputElement>('#public-room-query');
  if (!field) throw new Error('no search field');
  await type(field, query);
  field.form?.requestSubmit();
  await settle();
}

const room: RoomView = {
  roomId: `r${randomId()}`,
  name: 'Trip',
  joined: true,
  members: [{ userId: randomId(), name: 'Alice', online: true }],
  invited: [],
  timeline: [],
  warnings: [],
};

describe('public rooms (popup)', () => {
  it('searches by name and shows each room found by its name and member count only; Join joins it and opens it', async () => {
    const hikers = listed('Hikers of Oslo', 3);
    const { client, calls } = recordingClient({
      browseRooms: async () => ({ rooms: [hikers], more: false }),
      joinListedRoom: async () => ({ ...room, roomId: hikers.roomId, name: hikers.name }),
    });
    const onSelect = vi.fn();
    const root = mount(<PublicRooms client={client} rooms={[]} onSelect={onSelect} />);
    expect(root.querySelector('form')?.getAttribute('role')).toBe('search');
    expect(root.querySelector('label[for="public-room-query"]')?.textContent).toBe(
      'Search public rooms by name',
    );
    await search(root, '  oslo ');
    expect(calls).toEqual([['browseRooms', { query: 'oslo', offset: 0 }]]);
    const items = [...root.querySelectorAll('[data-testid="public-rooms"] li')].map((li) => li.textContent);
    expect(items).toEqual(['# Hikers of Oslo (3 members) Join']);

    buttonNamed(root, 'Join Hikers of Oslo')?.click();
    await vi.waitFor(() => expect(onSelect).toHaveBeenCalledWith(hikers.roomId));
    expect(calls.at(-1)).toEqual(['joinListedRoom', { roomId: hikers.roomId }]);
  });

  it('lists the newest rooms for an empty search, pages with More rooms, and says when nothing matches', async () => {
    const first = listed('Chess Club', 1);
    const second = listed('Night Owls', 2);
    const { client, calls } = recordingClient({
      browseRooms: async (params) => {
        const { offset, query } = params as { offset: number; query?: string };
        if (query) return { rooms: [], more: false };
        return offset === 0 ? { rooms: [first], more: true } : { rooms: [second], more: false };
      },
    });
    const root = mount(<PublicRooms client={client} rooms={[]} onSelect={() => undefined} />);
    await search(root, '');
    expect(calls).toEqual([['browseRooms', { offset: 0 }]]);
    buttonNamed(root, 'More rooms')?.click();
    await settle();
    expect(calls.at(-1)).toEqual(['browseRooms', { offset: 1 }]);
    expect([...root.querySelectorAll('[data-testid="public-rooms"] li')].map((li) => li.textContent)).toEqual(
      ['# Chess Club (1 member) Join', '# Night Owls (2 members) Join'],
    );
    expect(buttonNamed(root, 'More rooms')).toBeUndefined();

    await search(root, 'zebra');
    expect(root.querySelector('[data-testid="public-rooms-empty"]')?.textContent).toBe(
      'No public room is called anything like "zebra".',
    );
  });

  it('opens a listed room this profile is already in, asking the engine nothing more', async () => {
    const { client, calls } = recordingClient({
      browseRooms: async () => ({ rooms: [{ roomId: room.roomId, name: 'Trip', members: 1 }], more: false }),
    });
    const onSelect = vi.fn();
    const root = mount(<PublicRooms client={client} rooms={[room]} onSelect={onSelect} />);
    await search(root, 'trip');
    buttonNamed(root, 'Open Trip')?.click();
    expect(onSelect).toHaveBeenCalledWith(room.roomId);
    expect(calls.map(([method]) => method)).toEqual(['browseRooms']);
  });

  it('shows why a join failed', async () => {
    const hikers = listed('Hikers of Oslo', 32);
    const { client } = recordingClient({
      browseRooms: async () => ({ rooms: [hikers], more: false }),
      joinListedRoom: async () => Promise.reject(new Error('a room has at most 32 members')),
    });
    const root = mount(<PublicRooms client={client} rooms={[]} onSelect={() => undefined} />);
    await search(root, 'oslo');
    buttonNamed(root, 'Join Hikers of Oslo')?.click();
    await vi.waitFor(() =>
      expect(root.querySelector('[role="alert"]')?.textContent).toBe(
        'Not joined: a room has at most 32 members',
      ),
    );
  });
});

describe('room options: List this room publicly', () => {
  it('lists an unlisted room and unlists a listed one, through the engine', async () => {
    const { client, calls } = recordingClient();
    const root = mount(<RoomPanel client={client} room={room} />);
    const box = () => {
      const found = [...root.querySelectorAll('label')].find((label) =>
        label.textContent.includes('List this room publicly'),
      );
      return found?.querySelector<HTMLInputElement>('input[type="checkbox"]');
    };
    expect(box()?.checked).toBe(false);
    box()?.click();
    await vi.waitFor(() => expect(calls).toEqual([['listRoom', { roomId: room.roomId, listed: true }]]));

    unmountAll();
    const { client: other, calls: asked } = recordingClient();
    const again = mount(<RoomPanel client={other} room={{ ...room, listed: true }} />);
    const checkbox = [...again.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')][0];
    expect(checkbox?.checked).toBe(true);
    checkbox?.click();
    await vi.waitFor(() => expect(asked).toEqual([['listRoom', { roomId: room.roomId, listed: false }]]));
  });

  it('is not offered to someone only invited', () => {
    const { client } = recordingClient();
    const root = mount(<RoomPanel client={client} room={{ ...room, joined: false }} />);
    expect(root.querySelector('input[type="checkbox"]')).toBeNull();
  });
});
