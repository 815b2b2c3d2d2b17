import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * Runs `script` in its own Node process with the server's crash policy installed (as main.ts does) and a logger
 * writing to stdout; resolves with its exit code and what it printed.
 */
async function runWithPolicy(script: string): Promise<{ code: number | null; output: string }> {
  const prelude = `
    import { installCrashPolicy } from './signal-server/src/guard/crash-policy.ts';
    import { createLogger } from './signal-server/src/logger.ts';
    installCrashPolicy(createLogger({ logLevel: 'info' }));
    const later = (ms, f) => setTimeout(f, ms);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', prelude + script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

describe('the crash policy', () => {
  it('keeps serving after an error that belongs to one connection, and logs no message text', async () => {
    const { code, output } = await runWithPolicy(`
      later(10, () => { throw Object.assign(new Error('payload-secret'), { code: 'WS_ERR_INVALID_UTF8' }); });
      later(20, () => Promise.reject(Object.assign(new Error('payload-secret'), { code: 'ECONNRESET' })));
      later(200, () => { console.log('still alive'); process.exit(0); });
    `);
    expect(output).toContain('still alive');
    expect(output).toContain('still serving');
    expect(output).not.toContain('payload-secret');
    expect(code).toBe(0);
  });

  it('logs and exits with code 1 on anything else, so a supervisor restarts it', async () => {
    const { code, output } = await runWithPolicy(`
      later(10, () => { throw new TypeError('payload-secret'); });
      later(2000, () => { console.log('still alive'); process.exit(0); });
    `);
    expect(code).toBe(1);
    expect(output).toContain('exiting so the supervisor restarts the server');
    expect(output).toContain('TypeError');
    expect(output).not.toContain('still alive');
    expect(output).not.toContain('payload-secret');
  });

  it('exits on an unhandled rejection that is not a connection error', async () => {
    const { code, output } = await runWithPolicy(`
      later(10, () => Promise.reject(new Error('payload-secret')));
      later(2000, () => { console.log('still alive'); process.exit(0); });
    `);
    expect(code).toBe(1);
    expect(output).toContain('unhandledRejection');
    expect(output).not.toContain('payload-secret');
  });
});
