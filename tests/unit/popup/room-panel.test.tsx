// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { RoomPanel } from '../../../extension/components/RoomPanel';
import type { RoomView } from '../../../extension/lib/messaging/protocol';
import { recordingClient } from './fake-client';

const { client } = recordingClient();

const WARNING =
  'The server listed Mallory as a member without their signed join: messages are not sent to them';
const room: RoomView = {
  roomId: `r${randomId()}`,
  name: 'Trip',
  joined: true,
  members: [
    { userId: randomId(), name: 'Alice', online: true },
    { userId: randomId(), name: 'Bob', online: false },
  ],
  invited: [],
  timeline: [
    'Alice created the room "Trip"',
    'Alice invited Bob',
    'Alice invited Dave',
    'Dave declined the invitation',
    'Bob accepted the invitation',
    'Carol joined with an invite code from Alice',
  ].map((text, i) => ({ at: Date.UTC(2026, 0, 1, 12, i), text })),
  warnings: [WARNING],
};

const roots: HTMLElement[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) render(null, root);
});

describe('room panel', () => {
  it('shows what the server claimed without proof as an alert, and the membership changes as lines', () => {
    const root = document.createElement('div');
    roots.push(root);
    document.body.append(root);
    render(<RoomPanel client={client} room={room} />, root);
    const alerts = [...root.querySelectorAll('[role="alert"]')].map((node) => node.textContent);
    expect(alerts).toEqual([WARNING]);
    const recent = [...root.querySelectorAll('[data-testid="room-timeline"] li')].map((li) => li.textContent);
    expect(recent).toHaveLength(4); // the latest; the rest one click away
    expect(recent.join('\n')).toContain('Carol joined with an invite code from Alice');
    expect(root.querySelector('.room-history summary')?.textContent).toBe('Earlier changes (2)');
    expect(root.querySelector('.room-history')?.textContent).toContain('Alice created the room "Trip"');
  });

  it('lets a member without a code of their own ask the engine for one', async () => {
    const recording = recordingClient();
    const root = document.createElement('div');
    roots.push(root);
    document.body.append(root);
    render(<RoomPanel client={recording.client} room={room} />, root);
    expect(root.querySelector('[data-testid="invite-code"]')).toBeNull();
    const make = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Make an invite code');
    make?.click();
    await vi.waitFor(() => expect(recording.calls).toEqual([['makeInviteCode', { roomId: room.roomId }]]));
  });

  it('says so when the invite code could not be copied', async () => {
    const root = document.createElement('div');
    roots.push(root);
    document.body.append(root);
    const writeText = vi.fn(() => Promise.reject(new Error('Clipboard access was denied')));
    vi.spyOn(navigator, 'clipboard', 'get').mockReturnValue({ writeText } as unknown as Clipboard); // only writeText is used
    const code = `room:${room.roomId}:${'a'.repeat(32)}`;
    render(<RoomPanel client={client} room={{ ...room, warnings: [], inviteCode: code }} />, root);
    const copyButton = [...root.querySelectorAll('button')].find((button) => button.textContent === 'Copy');
    copyButton?.click();
    await vi.waitFor(() =>
      expect([...root.querySelectorAll('[role="alert"]')].map((node) => node.textContent)).toEqual([
        'Not copied: Clipboard access was denied',
      ]),
    );
    expect(writeText).toHaveBeenCalledWith(code);
    vi.restoreAllMocks();
  });
});
