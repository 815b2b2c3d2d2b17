import { describe, expect, it } from 'vitest';
import type { Room } from '../../shared/protocol/rooms';
import { signIn } from '../support/identity';
import { next, useTestServer, type TestClient } from '../support/server';

const fixture = useTestServer();

async function user(name: string): Promise<{ socket: TestClient; userId: string }> {
  const socket = await fixture.client();
  const started = await signIn(socket, name);
  if (!started.ok) throw new Error(started.error.message);
  return { socket, userId: started.data.self.userId };
}

const data = <T>(result: { ok: true; data: T } | { ok: false; error: { message: string } }): T => {
  if (!result.ok) throw new Error(result.error.message);
  return result.data;
};

describe('rooms on the server', () => {
  it('creates a room, invites by name, and lets the invitee join; everyone concerned is told', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const room = data(await alice.socket.emitWithAck('room:create', { name: 'Hikers' }));
    expect(room).toMatchObject({
      name: 'Hikers',
      members: [{ userId: alice.userId, name: 'Alice' }],
      invited: [],
    });
    expect(room.roomId).toMatch(/^r[0-9a-f]{32}$/);
    expect(room.inviteToken).toMatch(/^[0-9a-f]{32}$/);

    const told = next(bob.socket, 'room:updated');
    data(await alice.socket.emitWithAck('room:invite', { roomId: room.roomId, name: 'bob' }));
    const seenByBob: Room = await told;
    expect(seenByBob.invited.map((person) => person.userId)).toEqual([bob.userId]);
    expect(seenByBob.inviteToken).toBeUndefined(); // only members see the token
    expect(data(await bob.socket.emitWithAck('room:list', {})).rooms.map((r) => r.roomId)).toEqual([
      room.roomId,
    ]);

    const aliceTold = next(alice.socket, 'room:updated');
    const joined = data(await bob.socket.emitWithAck('room:join', { roomId: room.roomId }));
    expect(joined.members.map((member) => member.name)).toEqual(['Alice', 'Bob']);
    expect(joined.invited).toEqual([]);
    expect((await aliceTold).members).toHaveLength(2);
  });

  it('lets anyone with the invite code join, and no one without it', async () => {
    const alice = await user('Alice');
    const carol = await user('Carol');
    const mallory = await user('Mallory');
    const room = data(await alice.socket.emitWithAck('room:create', { name: 'Book club' }));
    const wrong = await mallory.socket.emitWithAck('room:join', {
      roomId: room.roomId,
      inviteToken: '0'.repeat(32),
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(
      await mallory.socket.emitWithAck('room:invite', { roomId: room.roomId, name: 'Mallory' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const joined = await carol.socket.emitWithAck('room:join', {
      roomId: room.roomId,
      inviteToken: room.inviteToken ?? '',
    });
    expect(data(joined).members.map((member) => member.name)).toEqual(['Alice', 'Carol']);
  });

  it('lets members leave; the others are told; the last one out deletes the room', async () => {
    const alice = await user('Alice');
    const bob = await user('Bob');
    const room = data(await alice.socket.emitWithAck('room:create', { name: 'Short-lived' }));
    await bob.socket.emitWithAck('room:join', { roomId: room.roomId, inviteToken: room.inviteToken ?? '' });
    const removed = next(bob.socket, 'room:removed');
    const aliceTold = next(alice.socket, 'room:updated');
    expect(data(await bob.socket.emitWithAck('room:leave', { roomId: room.roomId }))).toEqual({
      roomId: room.roomId,
    });
    expect(await removed).toEqual({ roomId: room.roomId });
    expect((await aliceTold).members.map((member) => member.name)).toEqual(['Alice']);
    data(await alice.socket.emitWithAck('room:leave', { roomId: room.roomId }));
    expect(await fixture.server.stores.rooms.get(room.roomId)).toBeUndefined();
    expect(await alice.socket.emitWithAck('room:leave', { roomId: room.roomId })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('refuses to invite someone unknown, and malformed requests', async () => {
    const alice = await user('Alice');
    const room = data(await alice.socket.emitWithAck('room:create', { name: 'Quiet' }));
    const unknown = await alice.socket.emitWithAck('room:invite', { roomId: room.roomId, name: 'Nobody' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(unknown.ok || unknown.error.message).toContain('nobody is called "Nobody"');
    const malformed = await alice.socket.emitWithAck('room:create', { name: ' <b>padded</b> ' });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});
