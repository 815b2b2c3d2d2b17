/**
 * Sign-ins a second the signal server completes, and the server's CPU time per sign-in (from /proc, so Linux only).
 * The server runs in a child process (signal-server/src/main.ts, in-memory store);
 * WORKERS clients each connect, sign in and disconnect, again and again, for DURATION_MS. The clients sign with
 * node:crypto so that the server's verification, not the client's signing, is what the figure measures.
 * Run: npx tsx bench/sign-in-rate.ts
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createPrivateKey, sign } from 'node:crypto';
import { io } from 'socket.io-client';
import nacl from 'tweetnacl';
import { decodeBytes, encodeBytes, sessionStatement } from '../shared/crypto/identity';
import { publicIdentity, userIdOfKeys, type IdentityKeys } from '../extension/lib/crypto/identity';

const WORKERS = 8;
const DURATION_MS = 5_000;
const PORT = 3900 + Math.floor(Math.random() * 90);
const url = `http://127.0.0.1:${PORT}`;

const server = spawn(process.execPath, ['--import', 'tsx', 'signal-server/src/main.ts'], {
  env: { ...process.env, PORT: String(PORT), DATA_DIR: ':memory:', LOG_LEVEL: 'warn' },
  stdio: 'inherit',
});

/** CPU time the server process has used so far, in ms (Linux: utime + stime from /proc, in clock ticks of 10 ms). */
function serverCpuMs(): number {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function nativeSigner(keys: IdentityKeys): (message: Uint8Array) => string {
  const key = createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: Buffer.from(keys.signing.secretKey.subarray(0, 32)).toString('base64url'),
      x: Buffer.from(keys.signing.publicKey).toString('base64url'),
    },
    format: 'jwk',
  });
  return (message) => encodeBytes(sign(null, message, key));
}

async function signInOnce(
  keys: IdentityKeys,
  name: string,
  signer: (m: Uint8Array) => string,
): Promise<boolean> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  try {
    const challenge = (await socket.emitWithAck('session:challenge', {})) as {
      ok: boolean;
      data: { challenge: string };
    };
    const origin = new URL(url).origin;
    const challengeBytes = decodeBytes(challenge.data.challenge);
    const statement = sessionStatement({
      origin,
      challenge: challengeBytes,
      userId: userIdOfKeys(keys),
      name,
    });
    const started = (await socket.emitWithAck('session:start', {
      identity: publicIdentity(keys),
      origin,
      name,
      challenge: challenge.data.challenge,
      signature: signer(statement),
    })) as { ok: boolean };
    return started.ok;
  } finally {
    socket.close();
  }
}

async function waitForServer(): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const up = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server did not start');
}

try {
  await waitForServer();
  const cpuBefore = serverCpuMs();
  const deadline = Date.now() + DURATION_MS;
  const counts = await Promise.all(
    Array.from({ length: WORKERS }, async (_, worker) => {
      const keys: IdentityKeys = { signing: nacl.sign.keyPair(), exchange: nacl.box.keyPair() };
      const signer = nativeSigner(keys);
      let done = 0;
      while (Date.now() < deadline) if (await signInOnce(keys, `bench${worker}`, signer)) done += 1;
      return done;
    }),
  );
  const total = counts.reduce((a, b) => a + b, 0);
  const cpuPerSignIn = (serverCpuMs() - cpuBefore) / total;
  const rate = total / (DURATION_MS / 1000);
  console.log(
    `${total} sign-ins in ${DURATION_MS / 1000} s over ${WORKERS} clients: ${rate.toFixed(0)} a second; ` +
      `server CPU ${cpuPerSignIn.toFixed(2)} ms per sign-in (at most ${(1000 / cpuPerSignIn).toFixed(0)} a second per core)`,
  );
} finally {
  server.kill('SIGTERM');
}
