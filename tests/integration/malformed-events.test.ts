import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLOOD_DISCONNECT_FACTOR, MAX_SOCKET_EVENTS_PER_SECOND } from '../../shared/limits';
import { requestSchemas } from '../../shared/protocol/socket';
import { signIn } from '../support/identity';
import { connect, next, startTestServer, type TestClient, type TestServer } from '../support/server';

let server: TestServer;
let socket: TestClient;

beforeEach(async () => {
  server = await startTestServer();
  socket = await connect(server.url);
});
afterEach(async () => {
  socket.close();
  await server.close();
});

// The typed client would not let us send these; the untyped view is the point of the test.
const raw = (s: TestClient) =>
  s as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
    emit(event: string, ...args: unknown[]): void;
  };

/** Payloads no request schema accepts: wrong types, unknown fields, prototype tricks, deep nesting. */
const HOSTILE: unknown[] = [
  null,
  'text',
  42,
  [],
  [{}],
  { unexpected: true },
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {}}}'),
  { to: { $gt: '' }, id: ['x'], message: 'x'.repeat(10_000) },
  Array.from({ length: 50 }).reduce<unknown>((inner) => ({ nested: inner }), {}),
];

describe('malformed events', () => {
  it('refuses every hostile payload on every request event with invalid-payload, and keeps serving', async () => {
    await signIn(socket, 'Fuzzer');
    for (const event of Object.keys(requestSchemas)) {
      for (const payload of HOSTILE) {
        const answer = (await raw(socket).emitWithAck(event, payload)) as {
          ok: boolean;
          error?: { code: string };
        };
        const outcome = answer.ok ? 'accepted' : answer.error?.code;
        expect({ event, payload, outcome }).toEqual({ event, payload, outcome: 'invalid-payload' });
      }
      await new Promise((resolve) => setTimeout(resolve, 60)); // stay under the rate limit
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(socket.connected).toBe(true);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('answers an invalid payload with invalid-payload naming each failing field', async () => {
    const result = await raw(socket).emitWithAck('session:start', {
      identity: { signingKey: 'nope', exchangeKey: 'AA', exchangeKeySignature: '' },
      name: '',
      challenge: 'x',
      signature: 'y',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const message = (result as { error: { message: string } }).error.message;
    expect(message).toContain('identity.signingKey: must encode exactly 32 bytes');
    expect(message).toContain('name: must not be empty');
    expect(message).toContain('challenge: must encode exactly 32 bytes');
  });

  it('refuses names with control or invisible characters', async () => {
    const result = await signIn(socket, 'Ev\u202Eil');
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('refuses a name with surrounding spaces: a signed field must be sent as it was signed', async () => {
    const result = await signIn(socket, ' Bob ');
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(result.ok || result.error.message).toContain('name: must not start or end with spaces');
  });

  it('answers requests that need a session with unauthenticated', async () => {
    expect(await raw(socket).emitWithAck('peer:ticket', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
  });

  it('answers an unknown event and a request without acknowledgement on protocol:error', async () => {
    const unknown = next(socket, 'protocol:error');
    raw(socket).emit('admin:drop-all', {});
    expect(await unknown).toMatchObject({ code: 'unknown-event', event: 'admin:drop-all' });

    const noAck = next(socket, 'protocol:error');
    raw(socket).emit('session:challenge', {});
    expect(await noAck).toMatchObject({ code: 'invalid-payload', event: 'session:challenge' });
  });

  it('survives a barrage of garbage and still serves sessions', async () => {
    const garbage: unknown[] = [
      null,
      0,
      -1,
      'x',
      [],
      [1, 2],
      { userId: null },
      { __proto__: { polluted: 1 } },
      'a'.repeat(10_000),
    ];
    for (const payload of garbage) {
      const result = await raw(socket).emitWithAck('session:start', payload);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
    const result = await signIn(socket, 'Survivor');
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never writes request payloads to its logs', async () => {
    await raw(socket).emitWithAck('session:start', {
      identity: 'secret-looking-value',
      name: 'hunter2-name',
    });
    expect((await signIn(socket, 'Visible Name')).ok).toBe(true);
    const logs = server.logs.join('');
    expect(logs).not.toContain('Visible Name');
    expect(logs).not.toContain('secret-looking-value');
    expect(logs).not.toContain('hunter2-name');
  });

  it('refuses requests past the per-connection rate, then serves again', async () => {
    const BURST = 2 * MAX_SOCKET_EVENTS_PER_SECOND + 20; // more than two windows can serve
    const answers = await Promise.all(
      Array.from(
        { length: BURST },
        () =>
          raw(socket).emitWithAck('session:challenge', {}) as Promise<{
            ok: boolean;
            error?: { code: string };
          }>,
      ),
    );
    // The burst falls within at most two one-second windows: at least one window's worth served, some refused.
    expect(answers.filter((answer) => answer.ok).length).toBeGreaterThanOrEqual(MAX_SOCKET_EVENTS_PER_SECOND);
    expect(answers.filter((answer) => answer.error?.code === 'rate-limited').length).toBeGreaterThanOrEqual(
      1,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await signIn(socket, 'Patient')).ok).toBe(true);
  });

  it('disconnects a connection that floods', async () => {
    const dropped = new Promise((resolve) => socket.once('disconnect', resolve));
    // Whichever second they straddle, one second sees at least half: the flood threshold.
    const flood = 2 * MAX_SOCKET_EVENTS_PER_SECOND * FLOOD_DISCONNECT_FACTOR;
    for (let i = 0; i < flood; i++) raw(socket).emit('session:challenge', {});
    expect(await dropped).toBe('io server disconnect');
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });
});
