import { describe, expect, it } from 'vitest';
import { accountStatement, type AccountAction } from '../../../shared/crypto/account-statement';
import { decodeBytes, encodeBytes, verifySignature } from '../../../shared/crypto/identity';
import { ErrorCode, fail, ok, type Result } from '../../../shared/errors';
import type { AccountRequest } from '../../../shared/protocol/account';
import { createIdentityKeys, publicIdentity, userIdOfKeys } from '../../../extension/lib/crypto/identity';
import { createAccount } from '../../../extension/lib/engine/account';
import type { Profile } from '../../../extension/lib/engine/profile';
import type { RoomView } from '../../../extension/lib/messaging/protocol';
import type { Settings } from '../../../extension/lib/settings';
import type { UnlockedVault } from '../../../extension/lib/storage/vault-storage';
import type { SignalingConnection } from '../../../extension/lib/transport/signaling';
import { SETTINGS, fakeProfile, roomId } from './module-fakes';
import type { RoomId } from '../../../shared/ids';

const CHALLENGE = encodeBytes(new Uint8Array(32).fill(9));

/** The module with a fake server connection; `answer` decides what the account requests get. */
function setup({
  online = true,
  answer = (): Result<unknown> => ok({ deleted: true }),
  rooms = [] as RoomId[],
  leaveFails = false,
} = {}) {
  const requests: { event: string; payload: unknown }[] = [];
  const saved: Settings[] = [];
  const left: RoomId[] = [];
  const offline: string[] = [];
  let wentOffline = 0;
  const signaling: SignalingConnection = {
    request: async (event, payload) => {
      requests.push({ event, payload });
      // The fake answers by event; each answer has that event's shape.
      return (event === 'session:challenge' ? ok({ challenge: CHALLENGE }) : answer()) as never;
    },
    close: () => undefined,
  };
  const base = fakeProfile().profile;
  const keys = createIdentityKeys();
  const profile: Profile = {
    ...base,
    keys,
    vault: {
      settings: { save: async (next: Settings) => void saved.push(next) },
    } as unknown as UnlockedVault, // only save() is used
    rooms: {
      ...base.rooms,
      views: () => rooms.map((id) => ({ roomId: id }) as RoomView), // only the ids are read
      leave: async (id) => {
        if (leaveFails) throw new Error('the server did not answer');
        left.push(id);
      },
    },
    settings: { ...SETTINGS },
  };
  const account = createAccount({
    signaling: () => signaling,
    online: () => online,
    goOffline: () => void (wentOffline += 1),
    setOffline: (reason) => void offline.push(reason),
  });
  return { account, profile, keys, requests, saved, left, offline, wentOffline: () => wentOffline };
}

/** Whether `request` is signed by `keys` for `action`, over the challenge handed out and the server's origin. */
function signedFor(request: unknown, keys: ReturnType<typeof createIdentityKeys>, action: AccountAction) {
  const { origin, challenge, signature } = request as AccountRequest;
  const statement = accountStatement({
    origin,
    challenge: decodeBytes(challenge),
    action,
    userId: userIdOfKeys(keys),
  });
  return (
    origin === new URL(SETTINGS.serverUrl).origin &&
    challenge === CHALLENGE &&
    verifySignature(statement, signature, publicIdentity(keys).signingKey)
  );
}

describe('account', () => {
  it('releases the name with a signed request, then stays signed out (saved) and says why', async () => {
    const { account, profile, keys, requests, saved, offline, wentOffline } = setup({
      answer: () => ok({ released: true }),
    });
    await account.releaseName(profile);
    expect(requests.map((request) => request.event)).toEqual(['session:challenge', 'account:release-name']);
    expect(signedFor(requests[1]?.payload, keys, 'release-name')).toBe(true);
    expect(signedFor(requests[1]?.payload, keys, 'delete-account')).toBe(false); // bound to its action
    expect(profile.settings).toEqual({ ...SETTINGS, signedOut: true });
    expect(saved).toEqual([{ ...SETTINGS, signedOut: true }]);
    expect(wentOffline()).toBe(1);
    expect(offline[0]).toContain(`You released the name "${SETTINGS.name}"`);
  });

  it('deletes the account after leaving every room, even one it could not leave; then signs out', async () => {
    const rooms = [roomId(), roomId()];
    const { account, profile, keys, requests, left, saved, offline } = setup({ rooms });
    await account.deleteAccount(profile);
    expect(left).toEqual(rooms);
    expect(requests.map((request) => request.event)).toEqual(['session:challenge', 'account:delete']);
    expect(signedFor(requests[1]?.payload, keys, 'delete-account')).toBe(true);
    expect(saved).toEqual([{ ...SETTINGS, signedOut: true }]);
    expect(offline[0]).toContain('Your account on this server was deleted');

    const failing = setup({ rooms, leaveFails: true });
    await failing.account.deleteAccount(failing.profile);
    expect(failing.requests.map((request) => request.event)).toContain('account:delete');
  });

  it("shows the server's refusal and stays signed in; offline, it asks nothing", async () => {
    const refused = setup({
      answer: () => fail(ErrorCode.RateLimited, 'account:delete: wait and try again'),
    });
    await expect(refused.account.deleteAccount(refused.profile)).rejects.toMatchObject({
      code: ErrorCode.RateLimited,
      message: 'account:delete: wait and try again',
    });
    expect(refused.profile.settings).toEqual(SETTINGS);
    expect(refused.saved).toEqual([]);
    expect(refused.wentOffline()).toBe(0);

    const offline = setup({ online: false });
    await expect(offline.account.releaseName(offline.profile)).rejects.toMatchObject({
      code: ErrorCode.Unauthenticated,
    });
    expect(offline.requests).toEqual([]);
  });
});
