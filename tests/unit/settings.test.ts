import { describe, expect, it } from 'vitest';
import { parse } from '../../shared/validate';
import { ServerUrlSchema, SettingsSchema } from '../../extension/lib/settings';

describe('server URL setting', () => {
  it.each([
    'http://localhost:3000',
    'http://127.0.0.1:3000',
    'http://127.1.2.3',
    'http://[::1]:3000',
    'https://signal.example.org',
    ' https://example.org/path ',
    'https://192.168.1.10:8443',
  ])('accepts %j', (url) => {
    expect(parse(ServerUrlSchema, url).ok).toBe(true);
  });

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

  it.each([
    'http://signal.example.org',
    'http://192.168.1.10:3000',
    'http://10.0.0.1',
    'http://[::2]:3000',
    'http://localhost.example.org',
    'http://128.0.0.1',
  ])('refuses plain http to another computer (%j), saying why and what to use instead', (url) => {
    const result = parse(ServerUrlSchema, url);
    expect(result.ok).toBe(false);
    const message = result.ok ? '' : result.message;
    expect(message).toContain('must start with https://');
    expect(message).toContain('localhost');
    expect(message).toContain('use its https:// address');
  });

  it('still loads settings stored with a plain http URL before https was required, to be changed', () => {
    const stored = { name: 'Alice', serverUrl: 'http://signal.example.org', autoLockMinutes: 0 };
    expect(parse(SettingsSchema, stored).ok).toBe(true);
  });
});
