import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SIGNAL_FRAMES_PER_SECOND } from '../../shared/limits';
import { randomId } from '../../shared/ids';
import { doorClients } from '../support/door-clients';
import type { PeerjsSocket } from '../support/peerjs-socket';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await server.close();
});

/** A signed-in user's PeerJS socket, with its valid ticket; OPEN already taken. */
const { signedInPeer } = doorClients(() => server.url, cleanups);
const peerjsSocket = async (name: string): Promise<PeerjsSocket> => (await signedInPeer(name)).peer;

/** The server answers an OFFER to nobody with EXPIRE: proof that a socket is still served after what came before. */
const probe = { type: 'OFFER', dst: randomId(), payload: {} };

describe('PeerJS frames per connection', () => {
  it('cuts off a connection past MAX_SIGNAL_FRAMES_PER_SECOND frames a second, and serves a well-behaved one', async () => {
    server = await startTestServer();
    const chatty = await peerjsSocket('Chatty');
    const calm = await peerjsSocket('Calm');

    // Twice the budget of tiny frames (far under the byte budget): whichever second they straddle, one second
    // sees more than MAX_SIGNAL_FRAMES_PER_SECOND.
    for (let i = 0; i < 2 * MAX_SIGNAL_FRAMES_PER_SECOND + 2; i++) chatty.send({ type: 'HEARTBEAT' });
    chatty.send(probe);
    expect(await chatty.nextFrame()).toEqual({
      type: 'ERROR',
      payload: { msg: 'Too many signaling frames' },
    });
    expect(await chatty.closed).toBe(1008);

    for (let i = 0; i < 10; i++) calm.send({ type: 'HEARTBEAT' });
    calm.send(probe);
    expect(await calm.nextFrame()).toEqual({ type: 'EXPIRE', src: probe.dst });
    expect(calm.ws.readyState).toBe(calm.ws.OPEN);
  });
});
