import { beforeEach, describe, expect, it } from 'vitest';
import { Fakes, PASSPHRASE, onlineEngine } from '../../support/engine';

let fakes: Fakes;
beforeEach(() => {
  fakes = new Fakes();
});

describe('changing the passphrase', () => {
  it('opens the same profile with the new passphrase only, after a lock and after a restart', async () => {
    const { engine, self } = await onlineEngine(fakes);
    await engine.changePassphrase({ current: PASSPHRASE, next: 'a new passphrase here' });

    await engine.lock({});
    await expect(engine.unlock({ passphrase: PASSPHRASE })).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    expect((await engine.unlock({ passphrase: 'a new passphrase here' })).settings?.userId).toBe(self.userId);

    const restarted = fakes.engine();
    await restarted.start();
    const state = await restarted.unlock({ passphrase: 'a new passphrase here' });
    expect(state.settings).toMatchObject({ name: 'Alice', userId: self.userId });
    expect(state.contacts.map((contact) => contact.name)).toEqual(['Bob']);
  });

  it('refuses a wrong current passphrase and keeps the old one', async () => {
    const { engine } = await onlineEngine(fakes);
    await expect(
      engine.changePassphrase({ current: 'not the passphrase', next: 'a new passphrase here' }),
    ).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await engine.lock({});
    expect((await engine.unlock({ passphrase: PASSPHRASE })).vault).toBe('unlocked');
  });

  it('is refused while locked', async () => {
    const { engine } = await onlineEngine(fakes);
    await engine.lock({});
    await expect(
      engine.changePassphrase({ current: PASSPHRASE, next: 'a new passphrase here' }),
    ).rejects.toMatchObject({ code: 'locked' });
  });
});
