import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../../signal-server/src/config';
import { checkSignInOrigin } from '../../../signal-server/src/socket/server-origin';

describe('the server origin a sign-in must name', () => {
  it('takes PUBLIC_URL as an origin (lowercase, no path, no default port), and refuses what is not http(s)', () => {
    expect(configFromEnv({}).publicOrigin).toBeUndefined();
    expect(configFromEnv({ PUBLIC_URL: 'https://Chat.Example.org:443/app/' }).publicOrigin).toBe(
      'https://chat.example.org',
    );
    expect(() => configFromEnv({ PUBLIC_URL: 'chat.example.org' })).toThrow(
      /PUBLIC_URL: must be the http\(s\) URL/,
    );
    expect(() => configFromEnv({ PUBLIC_URL: 'ftp://chat.example.org' })).toThrow(/PUBLIC_URL/);
  });

  it('with PUBLIC_URL, accepts that origin only, whatever the connection says', () => {
    const handshake = { headers: { host: 'chat.example.org' }, secure: false };
    expect(checkSignInOrigin('https://chat.example.org', 'https://chat.example.org', handshake).ok).toBe(
      true,
    );
    expect(checkSignInOrigin('http://chat.example.org', 'https://chat.example.org', handshake).ok).toBe(
      false,
    );
    expect(checkSignInOrigin('https://m.example', 'https://chat.example.org', handshake).ok).toBe(false);
  });

  it('without it, accepts a loopback origin matching Host and scheme, and nothing else', () => {
    const at = (host: string | undefined, secure = false) => ({ headers: host ? { host } : {}, secure });
    expect(checkSignInOrigin('http://localhost:3000', undefined, at('localhost:3000')).ok).toBe(true);
    expect(checkSignInOrigin('http://127.0.0.1:3000', undefined, at('127.0.0.1:3000')).ok).toBe(true);
    expect(checkSignInOrigin('http://[::1]:3000', undefined, at('[::1]:3000')).ok).toBe(true);
    expect(checkSignInOrigin('https://localhost', undefined, at('localhost', true)).ok).toBe(true);
    expect(checkSignInOrigin('http://localhost:3001', undefined, at('localhost:3000')).ok).toBe(false);
    expect(checkSignInOrigin('https://localhost:3000', undefined, at('localhost:3000')).ok).toBe(false);
    expect(checkSignInOrigin('http://m.example', undefined, at('m.example')).ok).toBe(false);
    expect(checkSignInOrigin('http://localhost:3000', undefined, at(undefined)).ok).toBe(false);
    expect(checkSignInOrigin('http://localhost:3000', undefined, at('bad host/')).ok).toBe(false);
  });
});
