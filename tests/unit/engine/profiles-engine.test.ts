/**
 * Profiles through the whole engine (real vault, sessions and contact book; fake server): saving one tells each
 * accepted contact its key over the ratchet, and a contact's key fetches their profile into the contact list.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, fail, ok } from '../../../shared/errors';
import type { StoredProfile } from '../../../shared/protocol/profile';
import { newProfileKey, openProfile, sealProfile } from '../../../extension/lib/crypto/profile-seal';
import { Fakes, PASSPHRASE, contact, mailFrom, onlineEngine, openedBy, waitFor } from '../../support/engine';

describe('engine: profiles', () => {
  it('saves a profile as ciphertext on the server, and tells an accepted contact its key and version', async () => {
    const fakes = new Fakes();
    const { engine, bob, self } = await onlineEngine(fakes);
    expect(await engine.getProfile({})).toBeNull();
    fakes.answers['profile:get'] = fail(ErrorCode.NotFound, 'no profile');
    fakes.answers['profile:put'] = ok({ version: 1 });
    const before = fakes.mail.length;

    expect(await engine.saveProfile({ displayName: 'Ana Lima', bio: 'Climbs' })).toEqual({
      displayName: 'Ana Lima',
      bio: 'Climbs',
      version: 1,
    });
    const put = fakes.requests.find((request) => request.event === 'profile:put')?.payload as StoredProfile;
    expect(put.version).toBe(1);
    expect(put.sealed).not.toContain('Ana');
    await waitFor(() => expect(fakes.mail.length).toBe(before + 1));
    const told = await openedBy(bob, self.userId, fakes.mail[before]?.message);
    expect(told).toMatchObject({ kind: 'profile', version: 1 });
    if (told.kind !== 'profile') throw new Error('not a profile content');
    expect(openProfile(told.key, self.userId, 1, put.sealed)).toEqual({
      v: 1,
      displayName: 'Ana Lima',
      bio: 'Climbs',
    });
    expect(await engine.getProfile({})).toEqual({ displayName: 'Ana Lima', bio: 'Climbs', version: 1 });
  });

  it('tells those it asked too (the request may have gone before the key existed), and nobody blocked', async () => {
    const fakes = new Fakes();
    const { engine, bob } = await onlineEngine(fakes);
    const [carol, mallory] = [await contact('Carol'), await contact('Mallory')];
    for (const who of [carol, mallory]) {
      fakes.directory.set(who.user.name, who.user);
      await engine.addContact({ query: who.user.name });
    }
    await engine.blockContact({ userId: mallory.user.userId, blocked: true });
    fakes.answers['profile:get'] = fail(ErrorCode.NotFound, 'no profile');
    fakes.answers['profile:put'] = ok({ version: 1 });
    const before = fakes.mail.length;
    await engine.saveProfile({ displayName: 'Ana', bio: '' });
    await waitFor(() => expect(fakes.mail.length).toBe(before + 2));
    expect(
      fakes.mail
        .slice(before)
        .map((mail) => mail.to)
        .sort(),
    ).toEqual([bob.user.userId, carol.user.userId].sort());
  });

  it("shows a contact's profile once their key opens it, and keeps it through a lock", async () => {
    const fakes = new Fakes();
    const { engine, bob, self } = await onlineEngine(fakes);
    const key = newProfileKey();
    const card = { v: 1, displayName: 'Bob the Builder', bio: 'Can we fix it?' } as const;
    fakes.answers['profile:get'] = ok({ version: 2, sealed: sealProfile(key, bob.user.userId, 2, card) });
    fakes.handlers?.onMail(await mailFrom(bob, self.userId, { v: 1, kind: 'profile', key, version: 2 }));
    const listed = async () => (await engine.getState({})).contacts.find((c) => c.userId === bob.user.userId);
    await waitFor(async () =>
      expect((await listed())?.profile).toEqual({ displayName: 'Bob the Builder', bio: 'Can we fix it?' }),
    );
    expect((await listed())?.name).toBe('Bob'); // the server name stays beside the chosen one

    await engine.lock({});
    await engine.unlock({ passphrase: PASSPHRASE });
    expect((await listed())?.profile?.displayName).toBe('Bob the Builder');
  });
});
