import { describe, expect, it } from 'vitest';
import { Fakes, PASSPHRASE, onlineEngine, waitFor } from '../../support/engine';

describe('engine: plain http only to this computer', () => {
  it('refuses to connect to a plain http server elsewhere kept from before https was required, and says why', async () => {
    const fakes = new Fakes();
    const { engine, states } = await onlineEngine(fakes);
    await engine.lock({});
    // Settings as an older version stored them, with no https requirement.
    const vault = await fakes.storage.unlock(PASSPHRASE);
    await vault.settings.save({ name: 'Alice', serverUrl: 'http://signal.example.org', autoLockMinutes: 0 });
    const connectsBefore = fakes.connects.length;
    const requestsBefore = fakes.requests.length;

    await engine.unlock({ passphrase: PASSPHRASE });
    await waitFor(() => {
      if (states.at(-1)?.connection.status !== 'offline') throw new Error('not offline yet');
    });
    expect(states.at(-1)?.connection.error).toContain('must start with https://');
    expect(states.at(-1)?.settings?.serverUrl).toBe('http://signal.example.org'); // shown, to be changed
    expect(fakes.requests.length).toBe(requestsBefore); // nothing was sent to it
    expect(fakes.connects.length).toBe(connectsBefore);
    await engine.lock({});
  });
});
