import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../shared/errors';
import type { Profile } from '../../../extension/lib/engine/profile';
import { createVaultLifecycle, type VaultLifecycle } from '../../../extension/lib/engine/vault-lifecycle';
import type { Settings } from '../../../extension/lib/settings';
import type { UnlockedVault, VaultStatus } from '../../../extension/lib/storage/vault-storage';
import { SETTINGS, fakeProfile, type FakeProfile } from './module-fakes';

/** The lifecycle with a fake storage and a fake profile per opening, recording what it asks of the others. */
class Harness {
  status: VaultStatus = 'new';
  readonly steps: string[] = [];
  readonly opened: FakeProfile[] = [];
  settings: Settings | null = SETTINGS;
  /** What the lifecycle holds when each step runs: the keys must be gone before anything closes. */
  readonly heldAt: Record<string, Profile | undefined> = {};
  readonly lifecycle: VaultLifecycle = createVaultLifecycle({
    storage: {
      status: async () => this.status,
      create: async () => this.vault(),
      unlock: async (passphrase) => {
        if (passphrase !== 'right') throw new Error('wrong passphrase');
        return this.vault();
      },
      changePassphrase: async () => undefined, // the lifecycle never calls it (the engine does)
    },
    build: async () => {
      const fake = fakeProfile(this.settings);
      this.opened.push(fake);
      return fake.profile;
    },
    goOnline: (settings) => this.step(`goOnline ${settings.name}`),
    goOffline: () => this.step('goOffline'),
    forgetState: () => this.step('forgetState'),
    unconfigured: () => this.step('unconfigured'),
    resetConnection: () => this.step('resetConnection'),
    publish: () => this.step('publish'),
  });

  private vault(): UnlockedVault {
    return {} as UnlockedVault; // opaque here: the fake build does not read it
  }
  private step(name: string): void {
    this.steps.push(name);
    this.heldAt[name] = this.lifecycle.current();
  }
}

let harness: Harness;
beforeEach(() => {
  harness = new Harness();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('vault lifecycle (engine)', () => {
  it('is new until set up; then open, online with the settings, and refuses a second setup', async () => {
    const { lifecycle } = harness;
    await lifecycle.ready();
    expect(lifecycle.status()).toBe('new');
    await expect(lifecycle.unlock('right')).rejects.toThrow(/No passphrase is set yet/);
    await lifecycle.setUp('right', SETTINGS);
    expect(lifecycle.status()).toBe('unlocked');
    expect(lifecycle.current()?.settings).toEqual(SETTINGS);
    expect(harness.steps).toContain('goOnline Alice');
    await expect(lifecycle.setUp('right', SETTINGS)).rejects.toMatchObject({
      code: ErrorCode.InvalidPayload,
    });
  });

  it('answers `locked` to any request while locked, and unlocks only with the right passphrase', async () => {
    harness.status = 'locked';
    const { lifecycle } = harness;
    await lifecycle.ready();
    expect(lifecycle.status()).toBe('locked');
    expect(() => lifecycle.open()).toThrow(expect.objectContaining({ code: ErrorCode.Locked }) as Error);
    await expect(lifecycle.unlock('wrong')).rejects.toThrow('wrong passphrase');
    expect(lifecycle.current()).toBeUndefined();
    await lifecycle.unlock('right');
    expect(lifecycle.open()).toBe(harness.opened[0]?.profile);
  });

  it('without a name chosen, opens unconfigured and does not go online', async () => {
    harness.status = 'locked';
    harness.settings = null;
    await harness.lifecycle.unlock('right');
    expect(harness.steps).toContain('unconfigured');
    expect(harness.steps.some((step) => step.startsWith('goOnline'))).toBe(false);
  });

  it('drops the keys before closing anything, and stays locked when closing throws', async () => {
    harness.status = 'locked';
    const { lifecycle } = harness;
    await lifecycle.unlock('right');
    const opened = harness.opened[0];
    if (!opened) throw new Error('not opened');
    opened.delivery.stopFailure = new Error('outbox broken');
    harness.steps.length = 0;
    lifecycle.lock();
    expect(lifecycle.status()).toBe('locked');
    expect(lifecycle.current()).toBeUndefined();
    expect(opened.delivery.calls.map((call) => call.method)).toContain('stop');
    // Every step ran with the keys already gone, and the failing outbox did not stop the rest.
    expect(harness.steps).toEqual(['resetConnection', 'goOffline', 'forgetState', 'publish']);
    for (const step of harness.steps) expect(harness.heldAt[step]).toBeUndefined();
  });

  it('locks by itself after the chosen idle time; a request counts as activity', async () => {
    vi.useFakeTimers();
    harness.status = 'locked';
    harness.settings = { ...SETTINGS, autoLockMinutes: 2 };
    const { lifecycle } = harness;
    await lifecycle.unlock('right');
    await vi.advanceTimersByTimeAsync(90_000);
    lifecycle.open(); // activity: the two minutes start again
    await vi.advanceTimersByTimeAsync(90_000);
    expect(lifecycle.status()).toBe('unlocked');
    await vi.advanceTimersByTimeAsync(31_000);
    expect(lifecycle.status()).toBe('locked');
    expect(lifecycle.current()).toBeUndefined();
  });

  it('entering another vault (a restore) forgets the profile open so far first', async () => {
    harness.status = 'locked';
    const { lifecycle } = harness;
    await lifecycle.unlock('right');
    harness.steps.length = 0;
    const restored = await lifecycle.enter({} as UnlockedVault);
    const [first, second] = harness.opened;
    expect(first?.delivery.calls.map((call) => call.method)).toContain('stop');
    expect(second?.delivery.calls.map((call) => call.method)).toEqual(['load']);
    expect(lifecycle.current()).toBe(restored);
    // The old profile's connections went before the new one came online.
    expect(harness.steps).toEqual(['goOffline', 'forgetState', 'goOnline Alice', 'publish']);
    expect(harness.heldAt.goOffline).toBe(first?.profile);
  });
});
