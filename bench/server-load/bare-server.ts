/**
 * The load bench's baseline: the least a Socket.IO server must do to carry the same traffic as ours. Socket.IO
 * and node:http only: no sign-in, no stores, no validation of what its own bench clients send, no limits. Each
 * connection names its user id and its contacts' presence tokens in the handshake; the server joins it to its user
 * room and one room per token, and relays presence (online, here, offline) and mail (pushed at once, nothing kept)
 * through those rooms exactly as ours does, so the difference in the figures is the cost of everything else.
 * Run by bench/server-load.ts with PORT set; GET anything else answers "ok" (the parent waits for it).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import * as v from 'valibot';
import { MAILBOX_TTL_MS } from '../../shared/limits';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/socket';

const HandshakeSchema = v.object({ userId: v.string(), tokens: v.array(v.string()) });

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) throw new Error('bare-server: set PORT to the port to listen on');

const httpServer = createServer((_request, response) => response.end('ok'));
const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
  transports: ['websocket'],
  serveClient: false,
});

io.on('connection', (socket) => {
  const handshake = v.safeParse(HandshakeSchema, socket.handshake.auth);
  if (!handshake.success) {
    socket.disconnect(true);
    return;
  }
  const { userId, tokens } = handshake.output;
  void socket.join([`user:${userId}`, ...tokens]);
  for (const token of tokens) socket.to(token).emit('presence:online', { token, reply: false });

  socket.on('presence:here', ({ token }, ack) => {
    socket.to(token).emit('presence:online', { token, reply: true });
    ack({ ok: true, data: {} });
  });
  socket.on('mail:send', ({ to, id, message }, ack) => {
    const mailId = randomBytes(16).toString('hex');
    const storedAt = Date.now();
    io.to(`user:${to}`).emit('mail:new', { mailId, from: userId, id, message, storedAt });
    ack({ ok: true, data: { mailId, expiresAt: storedAt + MAILBOX_TTL_MS } });
  });
  socket.on('mail:ack', ({ mailIds }, ack) => ack({ ok: true, data: { deleted: mailIds.length } }));
  socket.on('disconnect', () => {
    for (const token of tokens) socket.to(token).emit('presence:offline', { token });
  });
});

httpServer.listen(port, '127.0.0.1');
