import { ErrorCode } from '../../../shared/errors';
import type { VaultStatus } from '../model';
import type { Settings } from '../settings';
import type { UnlockedVault, VaultStorage } from '../storage/vault-storage';
import { EngineError } from '../errors';
import type { Profile } from './profile';
import { tryTo } from './teardown';

export interface VaultLifecycleDeps {
  readonly storage: VaultStorage;
  /** Builds a profile's working state from its opened vault (nothing of it runs yet). */
  readonly build: (vault: UnlockedVault) => Promise<Profile>;
  /** Signs in with these settings (dropping any connection first). */
  readonly goOnline: (settings: Settings, opened: Profile) => void;
  /** Drops the server and peer connections; never throws. */
  readonly goOffline: () => void;
  /** Forgets the per-profile state other parts hold (key changes, wanted links, unread counts and badge). */
  readonly forgetState: () => void;
  /** No name chosen: the connection is `unconfigured` (pushed). */
  readonly unconfigured: () => void;
  /** Sets the connection to `unconfigured` without a push (the lock pushes once, at its end). */
  readonly resetConnection: () => void;
  readonly publish: () => void;
}

/**
 * The vault's life: new, locked, unlocked. Holds the open profile (the keys) and the auto-lock timer. A lock
 * drops the keys first, then closes everything, each close in its own try/catch: a transport that fails to close
 * (a hostile peer may have broken it) must never leave the vault open.
 */
export interface VaultLifecycle {
  /** Finds out whether a passphrase is set (once). */
  ready(): Promise<void>;
  status(): VaultStatus;
  /** The profile open now, if any (no activity counted). */
  current(): Profile | undefined;
  /** The open profile, or a clear `locked` error; any request also counts as activity for the auto-lock. */
  open(): Profile;
  /** Restarts the idle timer for these settings' auto-lock time (none if 0). */
  armAutoLock(settings: Settings | null): void;
  /** Creates the vault with a passphrase and opens it; settings saved, then online. */
  setUp(passphrase: string, settings: Settings): Promise<void>;
  unlock(passphrase: string): Promise<void>;
  lock(): void;
  /** Makes an opened vault the profile (dropping the one open so far), starts its outbox, goes online if named. */
  enter(vault: UnlockedVault): Promise<Profile>;
}

export function createVaultLifecycle(deps: VaultLifecycleDeps): VaultLifecycle {
  let vaultStatus: Exclude<VaultStatus, 'unlocked'> | undefined;
  let unlocked: Profile | undefined;
  let autoLock: ReturnType<typeof setTimeout> | undefined;
  let starting: Promise<void> | undefined;

  /**
   * Drops the connections and the per-profile state of the vault opened so far (on lock, unlock, restore).
   * Never throws: a transport that fails to close (a hostile peer may have broken it) must not stop a lock.
   */
  function forgetProfile(opened: Profile | undefined = unlocked): void {
    tryTo('stop the outbox', () => opened?.delivery.stop());
    deps.goOffline();
    deps.forgetState();
  }
  function lockNow(): void {
    clearTimeout(autoLock);
    // The keys go first: whatever fails while closing connections below, the vault is locked.
    const opened = unlocked;
    unlocked = undefined;
    vaultStatus = 'locked';
    deps.resetConnection();
    forgetProfile(opened);
    deps.publish();
  }

  const lifecycle: VaultLifecycle = {
    ready: () =>
      (starting ??= deps.storage.status().then((status) => {
        vaultStatus = status;
      })),
    status: () => (unlocked ? 'unlocked' : (vaultStatus ?? 'locked')),
    current: () => unlocked,
    open() {
      if (!unlocked)
        throw new EngineError(ErrorCode.Locked, 'The messenger is locked: enter your passphrase');
      lifecycle.armAutoLock(unlocked.settings);
      return unlocked;
    },
    armAutoLock(settings) {
      clearTimeout(autoLock);
      const minutes = settings?.autoLockMinutes ?? 0;
      if (minutes > 0) autoLock = setTimeout(lockNow, minutes * 60_000);
    },
    async setUp(passphrase, settings) {
      await lifecycle.ready();
      if (vaultStatus !== 'new' || unlocked)
        throw new EngineError(ErrorCode.InvalidPayload, 'A passphrase is already set');
      const opened = await lifecycle.enter(await deps.storage.create(passphrase));
      vaultStatus = 'locked';
      await opened.vault.settings.save(settings);
      opened.settings = settings;
      lifecycle.armAutoLock(settings);
      deps.goOnline(settings, opened);
    },
    async unlock(passphrase) {
      await lifecycle.ready();
      if (vaultStatus === 'new')
        throw new EngineError(ErrorCode.InvalidPayload, 'No passphrase is set yet: set one up first');
      if (!unlocked) await lifecycle.enter(await deps.storage.unlock(passphrase));
    },
    lock() {
      if (unlocked) lockNow();
    },
    async enter(vault) {
      const opened = await deps.build(vault);
      forgetProfile();
      unlocked = opened;
      void opened.delivery
        .load()
        .catch((error: unknown) => console.warn('engine: could not load the outbox', error));
      lifecycle.armAutoLock(opened.settings);
      if (opened.settings) deps.goOnline(opened.settings, opened);
      else deps.unconfigured();
      deps.publish();
      return opened;
    },
  };
  return lifecycle;
}
