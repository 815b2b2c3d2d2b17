import type { AccountAction } from '../../../shared/crypto/account-statement';
import { decodeBytes } from '../../../shared/crypto/identity';
import { ErrorCode } from '../../../shared/errors';
import { signAccountRequest } from '../crypto/account-requests';
import { EngineError } from '../errors';
import type { SignalingConnection } from '../transport/signaling';
import type { Profile } from './profile';

export interface AccountDeps {
  /** The connection to the server, while there is one. */
  readonly signaling: () => SignalingConnection | undefined;
  /** Whether a session with the server is running (signed in). */
  readonly online: () => boolean;
  /** Drops the server and peer connections; never throws. */
  readonly goOffline: () => void;
  /** The connection is offline, for the reason given (pushed to the pages). */
  readonly setOffline: (reason: string) => void;
}

/**
 * This profile's account on the server it signs in to: releasing its name, deleting the account. Each is a request
 * signed over a fresh challenge (shared/crypto/account-statement.ts); once the server has done it, the profile is
 * signed out (saved in its settings) until the user saves Settings again, with a new name, which signs in anew.
 */
export interface Account {
  /** Frees the name for anyone; the key keeps its contacts, rooms and mail on the server. */
  releaseName(opened: Profile): Promise<void>;
  /**
   * Leaves every room (signed, so their members see it), then has the server forget everything it holds for this
   * profile. Local history stays.
   */
  deleteAccount(opened: Profile): Promise<void>;
}

export function createAccount(deps: AccountDeps): Account {
  async function signedRequest(
    opened: Profile,
    event: 'account:release-name' | 'account:delete',
    action: AccountAction,
  ): Promise<void> {
    const signaling = deps.signaling();
    const settings = opened.settings;
    if (!signaling || !deps.online() || !settings)
      throw new EngineError(
        ErrorCode.Unauthenticated,
        'Not connected to the server: wait until it says Online, then try again',
      );
    const asked = await signaling.request('session:challenge', {});
    if (!asked.ok) throw new EngineError(asked.error.code, asked.error.message);
    const { challenge } = asked.data;
    // Signed for this server only, like a sign-in: no other server can pass the request on.
    const origin = new URL(settings.serverUrl).origin;
    const signature = signAccountRequest(opened.keys, { origin, challenge: decodeBytes(challenge), action });
    const done = await signaling.request(event, { origin, challenge, signature });
    if (!done.ok) throw new EngineError(done.error.code, done.error.message);
  }

  /** The server ended the session: stay offline, and say so, until the user chooses a name again. */
  async function signOut(opened: Profile, reason: string): Promise<void> {
    if (!opened.settings) return;
    const settings = { ...opened.settings, signedOut: true as const };
    opened.settings = settings; // at once: a reconnect must not sign in with the old name
    deps.goOffline();
    deps.setOffline(reason);
    await opened.vault.settings.save(settings);
  }

  return {
    async releaseName(opened) {
      const name = opened.settings?.name ?? '';
      await signedRequest(opened, 'account:release-name', 'release-name');
      await signOut(
        opened,
        `You released the name "${name}" on this server: anyone may take it now. ` +
          'Choose a new name in Settings (⚙) and save to sign in again',
      );
    },
    async deleteAccount(opened) {
      // Left first, with signed entries: the members' logs then show this profile gone, so they stop sealing room
      // messages for it (the server would drop it from the rooms anyway, but not from the logs they check).
      for (const { roomId } of opened.rooms.views(() => false)) {
        await opened.rooms.leave(roomId).catch((error: unknown) => {
          console.warn(`engine: could not leave room ${roomId} before deleting the account`, error);
        });
      }
      await signedRequest(opened, 'account:delete', 'delete-account');
      await signOut(
        opened,
        'Your account on this server was deleted: it holds nothing of yours now. Your history stays in this ' +
          'browser. To use this server again, choose a name in Settings (⚙) and save: that starts a new account',
      );
    },
  };
}
