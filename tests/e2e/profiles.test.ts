import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { onlineUsers, type ChromeUser } from '../support/chrome-extension';
import { waitForContact } from '../support/e2e-contacts';
import type { OptionsPage } from '../support/options-page';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

/** A picture as a camera would give one: a PNG larger than an avatar, and not square (drawn in the page). */
async function photo(page: Page): Promise<Buffer> {
  const url = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [300, 200];
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.fillStyle = '#c33';
    context.fillRect(0, 0, 300, 200);
    context.fillStyle = '#33c';
    context.fillRect(100, 50, 100, 100);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

/** The options page → Your profile: fills it in (a picture too, when given) and saves; resolves once saved. */
async function saveProfile(
  options: OptionsPage,
  profile: { displayName: string; bio: string; picture?: Buffer },
): Promise<void> {
  const { page } = options;
  await page.getByLabel('Display name').fill(profile.displayName);
  await page.getByLabel('About you').fill(profile.bio);
  if (profile.picture) {
    await page
      .locator('input[name="avatar"]')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: profile.picture });
    await page.getByRole('img', { name: 'Your picture' }).waitFor();
  }
  await page.getByRole('button', { name: 'Publish profile' }).click();
  await page.getByRole('status').filter({ hasText: 'Published (version' }).waitFor();
}

/**
 * Profiles between two contacts in Chrome: Alice sets a display name, a bio and a picture (resized in her options page);
 * Bob sees them beside her server name; she changes them, and he sees the change. The server holds ciphertext.
 */
describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('profiles between Chrome users', () => {
  let server: TestServer;
  let users: ChromeUser[] = [];
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;
  /** Alice's options page, opened from her popup's Settings button and left open between the tests. */
  let aliceOptions: OptionsPage;

  beforeAll(async () => {
    server = await startTestServer();
    const online = await onlineUsers(['Alice', 'Bob'], server.url);
    users = online.users;
    [alicePopup, bobPopup] = online.popups as [PopupPage, PopupPage];
  });
  afterAll(async () => {
    await Promise.all(users.map((user) => user.close()));
    await server.close();
  });

  it('a profile with an avatar is shown to a contact, beside the name the server vouches for', async () => {
    aliceOptions = await alicePopup.openOptions();
    await saveProfile(aliceOptions, {
      displayName: 'Ana Lima',
      bio: 'Bouldering on Sundays',
      picture: await photo(aliceOptions.page),
    });

    const alice = await waitForContact(bobPopup.page, 'Alice', (c) => c.profile?.displayName === 'Ana Lima');
    expect(alice.profile?.bio).toBe('Bouldering on Sundays');
    expect(alice.profile?.avatar).toMatch(/^data:image\/(webp|jpeg);base64,/);
    const listed = bobPopup.contact('Ana Lima');
    await listed.waitFor();
    expect(await listed.locator('.server-name').textContent()).toContain('Alice');
    // The picture is the 128×128 one her options page made, decoded by Bob's popup.
    const size = await listed
      .getByTestId('avatar')
      .evaluate((image: HTMLImageElement) =>
        image.decode().then(() => [image.naturalWidth, image.naturalHeight]),
      );
    expect(size).toEqual([128, 128]);

    await bobPopup.openChat('Ana Lima');
    await bobPopup.conversationTitle('Ana Lima').waitFor();
    expect(await bobPopup.page.getByTestId('server-name').textContent()).toBe('(Alice)');
    expect(await bobPopup.page.getByTestId('profile-bio').textContent()).toBe('Bouldering on Sundays');

    // What the server keeps is ciphertext: none of it reads as her profile.
    const aliceId = await alicePopup.selfId();
    const stored = await server.stores.profiles.get(aliceId);
    expect(stored?.version).toBe(1);
    for (const text of ['Ana Lima', 'Bouldering'])
      expect(Buffer.from(stored?.sealed ?? '', 'base64url').toString('latin1')).not.toContain(text);
  });

  it('an updated profile reaches the contact: the new name and bio, the picture removed', async () => {
    await aliceOptions.page.getByRole('button', { name: 'Remove picture' }).click();
    await saveProfile(aliceOptions, { displayName: 'Ana L.', bio: 'Now climbing on Saturdays' });

    await waitForContact(bobPopup.page, 'Alice', (c) => c.profile?.displayName === 'Ana L.');
    await bobPopup.conversationTitle('Ana L.').waitFor();
    expect(await bobPopup.page.getByTestId('profile-bio').textContent()).toBe('Now climbing on Saturdays');
    expect(await bobPopup.contact('Ana L.').getByTestId('avatar').count()).toBe(0);
    expect((await server.stores.profiles.get(await alicePopup.selfId()))?.version).toBe(2);
  });
});
