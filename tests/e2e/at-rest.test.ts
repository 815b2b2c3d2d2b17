import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBytes } from '../../shared/crypto/identity';
import { decryptBackup } from '../../extension/lib/vault/backup';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { ChromeUser, onlineUsers } from '../support/chrome-extension';
import { TEST_PASSPHRASE, type PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';
import { CLAIM_LIMITS } from '../../signal-server/src/stores/prekeys';

const TEXTS = ['the vault code is 4711', 'Meet me under the clock at noon', 'ünïcødé secrets ✓'];

/** Every way a key could sit in a dump: raw bytes (hex), base64, base64url, a JSON byte array. */
function encodings(bytes: Uint8Array): string[] {
  const hex = Buffer.from(bytes).toString('hex');
  return [hex, Buffer.from(bytes).toString('base64'), encodeBytes(bytes), `[${Array.from(bytes).join(',')}]`];
}

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('what the extension stores (Chromium)', () => {
  let server: TestServer;
  let alice: ChromeUser;
  let bob: ChromeUser;
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;

  beforeAll(async () => {
    server = await startTestServer();
    const online = await onlineUsers(['Alice', 'Bob'], server.url);
    [alice, bob] = online.users as [ChromeUser, ChromeUser];
    [alicePopup, bobPopup] = online.popups as [PopupPage, PopupPage];
    await alicePopup.openChat('Bob');
    await bobPopup.openChat('Alice');
    for (const [index, text] of TEXTS.entries()) {
      const [from, to] = index % 2 === 0 ? [alicePopup, bobPopup] : [bobPopup, alicePopup];
      await from.send(text);
      await to.message(text).waitFor();
    }
  });
  afterAll(async () => {
    await Promise.all([alice.close(), bob.close()]);
    await server.close();
  });

  it('keeps neither message texts nor private keys in IndexedDB or chrome.storage, in any encoding', async () => {
    const { identity } = await decryptBackup(
      await alicePopup.exportBackup('backup passphrase'),
      'backup passphrase',
    );
    const dump = await alicePopup.dumpStorage();
    // The dump is real: it holds the stores and the (sealed) history.
    expect(dump).toContain('idb:messenger/messages');
    expect(dump).toContain('idb:messenger/records');
    for (const text of TEXTS) {
      expect(dump).not.toContain(text);
      expect(dump.toLowerCase()).not.toContain(Buffer.from(text).toString('hex'));
    }
    const secrets = [
      identity.signing.secretKey,
      identity.signing.secretKey.subarray(0, 32),
      identity.exchange.secretKey,
    ];
    for (const secret of secrets) for (const form of encodings(secret)) expect(dump).not.toContain(form);
    // Names and user ids are not in the clear either: every key in the stores is opaque.
    expect(dump).not.toMatch(/"Bob"|"Alice"/);
  });

  it('keeps no message text in the server logs or stores', async () => {
    const logs = server.logs.join('\n');
    expect(logs).toContain('signal relayed'); // the logs are there, at debug level
    // What the stores hold: presence, and each user's prekey bundle (public keys only).
    const users = await server.stores.presence.list();
    const claim = { claimer: 'at-rest-test', now: Date.now(), limits: CLAIM_LIMITS };
    const bundles = await Promise.all(users.map((user) => server.stores.prekeys.claim(user.userId, claim)));
    const stored = JSON.stringify({ users, bundles });
    expect(stored).toContain('signedPrekey');
    for (const text of TEXTS) {
      expect(logs).not.toContain(text);
      expect(stored).not.toContain(text);
    }
  });

  it('locks and unlocks from the popup: a wrong passphrase is refused, the history comes back', async () => {
    await alicePopup.lock();
    await alicePopup.unlock('not the passphrase');
    await alicePopup.alert().filter({ hasText: 'Wrong passphrase' }).waitFor();

    const start = performance.now();
    await alicePopup.unlock(TEST_PASSPHRASE);
    await alicePopup.waitOnline();
    console.info(
      `[figures] unlock (scrypt N=2^17, r=8, p=1) click to online: ${Math.round(performance.now() - start)} ms`,
    );
    await alicePopup.openChat('Bob');
    await alicePopup.message(TEXTS[0] ?? '').waitFor();
    // The engine went offline while locked and is reachable again, over a new direct link: Bob closed the old
    // one when the server said Alice left, so it could not stand in the way of the one she dials now.
    await alicePopup.waitDirect('Bob');
    await bobPopup.send('after unlock');
    await alicePopup.message('after unlock').waitFor();
  });

  it('moves a profile to another browser with a backup file: wrong passphrase refused, then identity and history restored', async () => {
    const aliceOptions = await alicePopup.openOptions();
    const file = await aliceOptions.exportBackup('backup passphrase');
    await aliceOptions.close();
    const aliceId = await alicePopup.selfId();
    await alice.close(); // one identity online at a time
    const carol = await ChromeUser.launch();
    try {
      const popup = await carol.openPopup();
      await popup.chooseName('Carol', server.url);
      await popup.waitOnline();
      const options = await popup.openOptions();
      await options.restoreBackup(file, 'not the backup passphrase');
      await options.alert().filter({ hasText: 'Wrong passphrase' }).waitFor();
      expect(await options.nameField().inputValue()).toBe('Carol');

      await options.restoreBackup(file, 'backup passphrase');
      await options.page.getByRole('status').filter({ hasText: 'Backup restored' }).waitFor();
      expect(await popup.selfId()).toBe(aliceId);
      await options.close();
      await popup.waitOnline();
      await popup.openChat('Bob');
      await popup.message(TEXTS[1] ?? '').waitFor();
    } finally {
      await carol.close();
    }
  });
});
