import { beforeAll } from 'vitest';

// Unit tests' fake `browser` gives no strings: t() words English from the table, as a page without i18n would.
// Imported once the test file has loaded, so the i18n module it loads is the one under the file's vi.mock.
beforeAll(async () => {
  await import('../../../extension/lib/english');
});
