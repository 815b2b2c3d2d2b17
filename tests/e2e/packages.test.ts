import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const FIREFOX_BUILD = resolve('.output/firefox-mv2');
const CHROME_BUILD = resolve('.output/chrome-mv3');
/** Chrome Web Store: 16, 32, 48, 128; addons.mozilla.org: 48, 96. */
const ICON_SIZES = ['16', '32', '48', '96', '128'];

interface Manifest {
  readonly default_locale?: string;
  readonly icons?: Readonly<Record<string, string>>;
  readonly commands?: Readonly<Record<string, { suggested_key?: { default?: string } }>>;
  readonly options_ui?: { readonly page?: string };
  readonly permissions?: readonly string[];
  readonly browser_specific_settings?: {
    readonly gecko?: { readonly data_collection_permissions?: { readonly required?: readonly string[] } };
  };
}
const manifestOf = (build: string): Manifest =>
  JSON.parse(readFileSync(`${build}/manifest.json`, 'utf8')) as Manifest;

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

describe('the packages', () => {
  it.each([
    ['Chrome', CHROME_BUILD, '_execute_action'],
    ['Firefox', FIREFOX_BUILD, '_execute_browser_action'],
  ])(
    '%s: a shortcut opens the popup, icons at every size, English and German, the options page, storage for the theme',
    (_, build, command) => {
      const manifest = manifestOf(build);
      expect(manifest.commands?.[command]?.suggested_key?.default).toBe('Alt+Shift+M');
      expect(Object.keys(manifest.icons ?? {}).sort()).toEqual([...ICON_SIZES].sort());
      for (const path of Object.values(manifest.icons ?? {}))
        expect(existsSync(`${build}/${path}`), path).toBe(true);
      expect(manifest.default_locale).toBe('en');
      for (const locale of ['en', 'de'])
        expect(existsSync(`${build}/_locales/${locale}/messages.json`)).toBe(true);
      expect(manifest.options_ui?.page).toBe('options.html');
      // The theme is kept in browser.storage.local (lib/ui/theme.ts), which needs it.
      expect(manifest.permissions).toContain('storage');
    },
  );

  it('Firefox: declares what leaves the browser (README: Permissions)', () => {
    expect(manifestOf(FIREFOX_BUILD).browser_specific_settings?.gecko?.data_collection_permissions).toEqual({
      required: ['personalCommunications', 'personallyIdentifyingInfo'],
    });
  });

  it('passes Mozilla’s linter with no error, warning or notice (README: Permissions)', async () => {
    expect(existsSync(`${FIREFOX_BUILD}/manifest.json`), 'run npm run build first').toBe(true);
    const report = await lint();
    const found = [...report.errors, ...report.warnings, ...report.notices].map(
      ({ code, message, file }) => `${code} ${file ?? ''}: ${message}`,
    );
    expect(found).toEqual([]);
  });
});
