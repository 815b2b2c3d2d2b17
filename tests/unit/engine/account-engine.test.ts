/**
 * The engine's account methods as the pages see them: after releasing the name or deleting the account, the
 * profile stays signed out of the server, through a lock and an unlock, until the user saves Settings again.
 */
import { describe, expect, it } from 'vitest';
import { ok } from '../../../shared/errors';
import { SIGNED_OUT } from '../../../extension/lib/engine/server-link';
import { Fakes, PASSPHRASE, SERVER, onlineEngine, waitFor } from '../../support/engine';

const signIns = (fakes: Fakes) =>
  fakes.requests.filter((request) => request.event === 'session:start').length;

describe('engine: releasing the name and deleting the account', () => {
  it('deleteAccount: signed request, then offline with the reason; a lock and unlock do not sign in again', async () => {
    const fakes = new Fakes();
    const { engine } = await onlineEngine(fakes);
    fakes.answers['account:delete'] = ok({ deleted: true });
    const state = await engine.deleteAccount({});
    expect(fakes.requests.map((request) => request.event)).toContain('account:delete');
    expect(state.connection).toEqual({
      status: 'offline',
      error: expect.stringContaining('Your account on this server was deleted') as string,
    });

    const [before, connection] = [signIns(fakes), fakes.handlers];
    await engine.lock({});
    const unlocked = await engine.unlock({ passphrase: PASSPHRASE });
    expect(unlocked.connection).toEqual({ status: 'offline', error: SIGNED_OUT });
    expect(fakes.handlers).toBe(connection); // no new connection to the server was opened

    // Saving Settings (a name chosen again) signs in: a new account on that server.
    await engine.saveSettings({ name: 'Alice2', serverUrl: SERVER, autoLockMinutes: 0 });
    fakes.handlers?.onConnected();
    await waitFor(() => expect(signIns(fakes)).toBe(before + 1));
  });

  it('releaseName: a refusal is the error the page shows, and the session stays', async () => {
    const fakes = new Fakes();
    const { engine } = await onlineEngine(fakes);
    fakes.answers['account:release-name'] = {
      ok: false,
      error: { code: 'rate-limited', message: 'account:release-name: wait and try again' },
    };
    await expect(engine.releaseName({})).rejects.toThrow('account:release-name: wait and try again');
    expect((await engine.getState({})).connection.status).toBe('online');

    fakes.answers['account:release-name'] = ok({ released: true });
    const state = await engine.releaseName({});
    expect(state.connection.error).toContain('You released the name "Alice"');
  });
});
