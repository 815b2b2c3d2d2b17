import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const FIREFOX_BUILD = resolve('.output/firefox-mv2');

interface LintReport {
  readonly count: number;
  readonly summary: { readonly errors: number; readonly notices: number; readonly warnings: number };
  readonly errors: readonly LintMessage[];
  readonly warnings: readonly LintMessage[];
  readonly notices: readonly LintMessage[];
}
interface LintMessage {
  readonly code: string;
  readonly message: string;
  readonly file?: string;
}

/** Mozilla's linter (web-ext lint, as addons.mozilla.org runs it) on the built Firefox extension. */
async function lint(): Promise<LintReport> {
  const run = promisify(execFile);
  // web-ext exits non-zero when it finds errors; its JSON report is on stdout either way.
  const output = await run(
    resolve('node_modules/.bin/web-ext'),
    ['lint', '--source-dir', FIREFOX_BUILD, '--output', 'json'],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((error: unknown) => ({
    stdout: (error as { stdout?: string }).stdout ?? '', // execFile's error carries the output
  }));
  return JSON.parse(output.stdout) as LintReport;
}

describe('the Firefox package', () => {
  it('passes Mozilla’s linter with no error, warning or notice (README: Permissions)', async () => {
    expect(existsSync(`${FIREFOX_BUILD}/manifest.json`), 'run npm run build first').toBe(true);
    const report = await lint();
    const found = [...report.errors, ...report.warnings, ...report.notices].map(
      ({ code, message, file }) => `${code} ${file ?? ''}: ${message}`,
    );
    expect(found).toEqual([]);
  });
});
