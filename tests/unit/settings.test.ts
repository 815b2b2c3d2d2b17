import { describe, expect, it } from 'vitest';
import { parse } from '../../shared/validate';
import { ServerUrlSchema } from '../../extension/lib/settings';

describe('server URL setting', () => {
  it.each(['http://localhost:3000', 'https://signal.example.org', ' https://example.org/path '])(
    'accepts %j',
    (url) => {
      expect(parse(ServerUrlSchema, url).ok).toBe(true);
    },
  );
  it.each([
    '',
    'localhost:3000',
    'javascript:alert(1)',
    'ftp://example.org',
    'https://user:pass@example.org',
  ])('refuses %j with a hint', (url) => {
    const result = parse(ServerUrlSchema, url);
    expect(result.ok).toBe(false);
    expect(result.ok || result.message).toMatch(/URL such as|http:\/\/ or https:\/\//);
  });
});
