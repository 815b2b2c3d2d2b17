import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM, as an orchestrator stops a process; resolves when it exited. */
  stop(): Promise<void>;
}

/**
 * The signal server as its own OS process (`signal-server/src/main.ts` under tsx), configured through the
 * environment as in production. Resolves once it logs that it listens.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signal-server/src/main.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('startServerProcess: no "listening" line within 20 s')),
      20_000,
    );
    child.once('exit', (code) =>
      reject(new Error(`startServerProcess: the server exited (${String(code)})`)),
    );
    createInterface({ input: child.stdout }).on('line', (line) => {
      let entry: { msg?: string; url?: string } = {};
      try {
        entry = JSON.parse(line) as typeof entry; // pino writes one JSON object a line
      } catch {
        return;
      }
      if (entry.msg === 'signal server listening' && entry.url) {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
