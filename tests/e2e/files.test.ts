import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeFileName } from '../../extension/lib/files/file-names';
import { TRANSFERS_DIRECTORY } from '../../extension/lib/files/opfs-files';
import type { TransferView } from '../../extension/lib/messaging/protocol';
import { CHROMIUM_PATH, FIREFOX_PATH, browserAvailable } from '../support/browsers';
import { becomeContacts } from '../support/e2e-contacts';
import { baseName, downloadNamed, listDownloads } from '../support/downloads';
import { EngineChannel, playwrightPage, puppeteerPage, type ExtensionPage } from '../support/engine-channel';
import { pressOnFileCard } from '../support/file-cards';
import { FirefoxUser, type FirefoxPopupPage } from '../support/firefox-extension';
import { KillableChromeUser } from '../support/killable-chrome';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';
import { sha256OfFile, writePseudoRandomFile } from '../support/test-files';
import type { ConversationId } from '../../shared/ids';

const MiB = 1024 * 1024;
/** Seconds since `start`, to one decimal. */
const secondsSince = (start: number): number => Math.round((performance.now() - start) / 100) / 10;

/** The names of the files the profile keeps in its origin private file system while they arrive. */
async function filesBeingReceived(page: ExtensionPage, directory: string): Promise<string[]> {
  return page.evaluate(async (name) => {
    const root = await navigator.storage.getDirectory();
    const found: string[] = [];
    try {
      const folder = await root.getDirectoryHandle(name);
      // keys() is there in both browsers; TypeScript's DOM library does not declare it.
      const keys = (folder as unknown as { keys(): AsyncIterable<string> }).keys();
      for await (const key of keys) found.push(key);
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'NotFoundError')) throw error;
    }
    return found;
  }, directory);
}

/**
 * From the receiver's events of one transfer, for figures: seconds from its first progress to the last chunk
 * written (progress events come at most every 250 ms), and from then until saved.
 */
function phasesOf(
  events: readonly { at: number; view: TransferView }[],
  messageId: string,
  size: number,
): { moving: number; saving: number } {
  const own = events.filter(({ view }) => view.messageId === messageId);
  const first = own.find(({ view }) => view.state === 'active' && view.bytes > 0)?.at ?? NaN;
  const written = own.find(({ view }) => view.bytes === size)?.at ?? NaN;
  const saved = own.find(({ view }) => view.state === 'done')?.at ?? NaN;
  const seconds = (ms: number): number => Math.round(ms / 100) / 10;
  return { moving: seconds(written - first), saving: seconds(saved - written) };
}

/** The one outgoing transfer of a file named `name`, as the sender's engine lists it. */
async function outgoing(channel: EngineChannel, name: string): Promise<TransferView> {
  const found = (await channel.request('listTransfers', {})).filter(
    (view) => view.direction === 'out' && view.file.name === name,
  );
  if (found.length !== 1 || !found[0]) throw new Error(`outgoing: ${found.length} transfers of ${name}`);
  return found[0];
}

/** Waits until the receiver's engine lists the file of message `messageId` as offered to it. */
const offeredTo = (channel: EngineChannel, messageId: string): Promise<TransferView> =>
  channel.waitForTransfer(messageId, 'offered', { timeoutMs: 30_000 });

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('files between two Chrome users', () => {
  let server: TestServer;
  let alice: KillableChromeUser;
  let bob: KillableChromeUser;
  let alicePopup: PopupPage;
  let bobPopup: PopupPage;
  let aliceChannel: EngineChannel;
  let bobChannel: EngineChannel;
  let aliceId: ConversationId;
  let bobId: ConversationId;
  let folder: string;
  /** Undone in reverse order after the tests. */
  const closers: (() => Promise<void>)[] = [];
  /** 200 MiB and 128 MiB of pseudo-random bytes on disk, with their SHA-256. */
  const big = { path: '', sha256: '', size: 200 * MiB };
  const mid = { path: '', sha256: '', size: 128 * MiB };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'messenger-files-'));
    big.path = join(folder, 'big.bin');
    mid.path = join(folder, 'mid.bin');
    [big.sha256, mid.sha256] = await Promise.all([
      writePseudoRandomFile(big.path, 'big', big.size),
      writePseudoRandomFile(mid.path, 'mid', mid.size),
    ]);
    server = await startTestServer();
    closers.push(() => server.close());
    [alice, bob] = await Promise.all([KillableChromeUser.launch(), KillableChromeUser.launch()]);
    closers.push(
      () => alice.close(),
      () => bob.close(),
    );
    [alicePopup, bobPopup] = await Promise.all([alice.openPopup(), bob.openPopup()]);
    await alicePopup.chooseName('Alice', server.url);
    await bobPopup.chooseName('Bob', server.url);
    await Promise.all([alicePopup.waitOnline(), bobPopup.waitOnline()]);
    await becomeContacts({ page: alicePopup.page, name: 'Alice' }, { page: bobPopup.page, name: 'Bob' });
    [aliceId, bobId] = await Promise.all([alicePopup.selfId(), bobPopup.selfId()]);
    [aliceChannel, bobChannel] = await Promise.all([
      EngineChannel.open(playwrightPage(alicePopup.page)),
      EngineChannel.open(playwrightPage(bobPopup.page)),
    ]);
  }, 120_000);
  afterAll(async () => {
    // The browsers first, then the server they use.
    for (const close of closers.reverse()) await close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('delivers a 200 MiB file picked in the share window byte-identical, accepted on the file card, saved through the downloads', async () => {
    const share = await alice.context.newPage();
    await share.goto(`chrome-extension://${alice.extensionId}/share.html?to=${bobId}`);
    // A path, not a buffer: the browser reads the file from disk.
    await share
      .locator('input[type="file"]')
      .setInputFiles(big.path)
      .catch(async (error: unknown) => {
        throw new Error(
          `${String(error)}\nThe share window shows: ${await share.locator('body').innerText()}`,
        );
      });
    const sendStart = performance.now();
    await share.getByRole('button', { name: 'Send', exact: true }).click();
    // The sender hashes the whole file before offering it.
    await share.getByRole('status').filter({ hasText: 'Sent to Bob.' }).waitFor({ timeout: 120_000 });
    const hashSeconds = secondsSince(sendStart);
    const { messageId } = await outgoing(aliceChannel, 'big.bin');
    // The window closes itself once it said so; gone either way, it cannot hide the popup the tests drive next.
    if (!share.isClosed()) await share.close();
    await alicePopup.page.bringToFront();

    await offeredTo(bobChannel, messageId);
    const transferStart = performance.now();
    await pressOnFileCard(bobPopup, 'Alice', 'big.bin', 'Accept');
    const received = await bobChannel.waitForTransfer(messageId, 'done', { timeoutMs: 400_000 });
    const transferSeconds = secondsSince(transferStart);
    await aliceChannel.waitForTransfer(messageId, 'done', { timeoutMs: 30_000 });

    if (!received.savedAs) throw new Error('the receiver saved the file under no name');
    const saved = await downloadNamed(playwrightPage(bobPopup.page), received.savedAs);
    expect(saved).toMatchObject({ state: 'complete', exists: true, fileSize: big.size });
    expect(dirname(saved.filename)).toBe(bob.downloadsDir);
    expect(await sha256OfFile(saved.filename)).toBe(big.sha256);
    // Saved, nothing is left in the browser's private storage.
    expect(await filesBeingReceived(playwrightPage(bobPopup.page), TRANSFERS_DIRECTORY)).toEqual([]);
    const phases = phasesOf(await bobChannel.timedEvents(), messageId, big.size);
    console.info(
      `[figures] 200 MiB file: hashed and offered in ${hashSeconds} s; accept to saved ${transferSeconds} s; chunks moving ${
        phases.moving
      } s (${Math.round(big.size / MiB / phases.moving)} MiB/s); written to saved ${phases.saving} s`,
    );
  }, 600_000);

  it('resumes a transfer cut by killing the receiving browser from the chunks it had written, and the file arrives byte-identical', async () => {
    await aliceChannel.fileFromPath('resume', mid.path, 'resume.bin');
    const [message] = await aliceChannel.sendFiles(bobId, ['resume']);
    if (!message) throw new Error('sendFiles offered nothing');
    await offeredTo(bobChannel, message.id);
    await bobChannel.request('answerFile', { conversation: aliceId, messageId: message.id, accept: true });
    const beforeKill = await bobChannel.waitForTransfer(message.id, 'active', {
      timeoutMs: 120_000,
      check: (view) => view.state === 'active' && view.bytes > 0.3 * mid.size,
    });
    await bob.kill();
    // The sender's run stops when the link is found dead, and waits.
    await aliceChannel.waitForTransfer(message.id, 'paused', { timeoutMs: 60_000 });

    await bob.relaunch();
    bobPopup = await bob.openPopup();
    await bobPopup.page.getByRole('heading', { name: 'Locked' }).waitFor();
    // Listening before the unlock, so the first progress after the restart is seen.
    bobChannel = await EngineChannel.open(playwrightPage(bobPopup.page));
    await bobPopup.unlock();
    await bobPopup.waitOnline();
    await bobChannel.waitForTransfer(message.id, 'done', { timeoutMs: 300_000 });
    await aliceChannel.waitForTransfer(message.id, 'done', { timeoutMs: 30_000 });

    const after = (await bobChannel.events()).filter((view) => view.messageId === message.id);
    const firstMoved = after.find((view) => view.bytes > 0 && view.state !== 'done');
    // The pull after the restart started at the chunks written before the kill, not at 0.
    expect(firstMoved?.bytes).toBeGreaterThanOrEqual(beforeKill.bytes);
    expect(after.some((view) => view.state === 'offered' || view.state === 'accepted')).toBe(false);

    const done = await bobChannel.transfer(message.id);
    if (!done?.savedAs) throw new Error('the receiver saved the file under no name');
    const saved = await downloadNamed(playwrightPage(bobPopup.page), done.savedAs);
    expect(saved).toMatchObject({ state: 'complete', fileSize: mid.size });
    expect(await sha256OfFile(saved.filename)).toBe(mid.sha256);
    expect(await filesBeingReceived(playwrightPage(bobPopup.page), TRANSFERS_DIRECTORY)).toEqual([]);
    console.info(
      `[figures] resume: killed at ${Math.round((beforeKill.bytes / mid.size) * 100)}% received; first progress after the restart at ${Math.round(
        ((firstMoved?.bytes ?? 0) / mid.size) * 100,
      )}%`,
    );
  }, 600_000);

  it('stops a transfer on both sides when the sender cancels it, and when the receiver does; a declined offer sends nothing; none is saved', async () => {
    const names = ['cancelled-by-sender.bin', 'cancelled-by-receiver.bin', 'declined.bin'] as const;
    for (const name of names) await aliceChannel.fileFromPath(name, mid.path, name);
    const bobPage = playwrightPage(bobPopup.page);

    // The sender cancels while chunks move.
    const [bySender] = await aliceChannel.sendFiles(bobId, [names[0]]);
    if (!bySender) throw new Error('sendFiles offered nothing');
    await offeredTo(bobChannel, bySender.id);
    await pressOnFileCard(bobPopup, 'Alice', names[0], 'Accept');
    await bobChannel.waitForTransfer(bySender.id, 'active', {
      check: (view) => view.state === 'active' && view.bytes > 0,
    });
    await pressOnFileCard(alicePopup, 'Bob', names[0], 'Cancel');
    await aliceChannel.waitForTransfer(bySender.id, 'cancelled');
    await bobChannel.waitForTransfer(bySender.id, 'cancelled');

    // The receiver cancels while chunks move.
    const [byReceiver] = await aliceChannel.sendFiles(bobId, [names[1]]);
    if (!byReceiver) throw new Error('sendFiles offered nothing');
    await offeredTo(bobChannel, byReceiver.id);
    await pressOnFileCard(bobPopup, 'Alice', names[1], 'Accept');
    await bobChannel.waitForTransfer(byReceiver.id, 'active', {
      check: (view) => view.state === 'active' && view.bytes > 0,
    });
    await pressOnFileCard(bobPopup, 'Alice', names[1], 'Cancel');
    await bobChannel.waitForTransfer(byReceiver.id, 'cancelled');
    await aliceChannel.waitForTransfer(byReceiver.id, 'cancelled');

    // Declined: the sender learns it, and no chunk moves.
    const [declined] = await aliceChannel.sendFiles(bobId, [names[2]]);
    if (!declined) throw new Error('sendFiles offered nothing');
    await offeredTo(bobChannel, declined.id);
    await pressOnFileCard(bobPopup, 'Alice', names[2], 'Decline');
    await aliceChannel.waitForTransfer(declined.id, 'declined', { timeoutMs: 30_000 });
    expect(await bobChannel.transfer(declined.id)).toMatchObject({ state: 'declined', bytes: 0 });
    const senderSaw = (await aliceChannel.events()).filter((view) => view.messageId === declined.id);
    expect(senderSaw.map((view) => view.state)).not.toContain('active');
    expect(senderSaw.every((view) => view.bytes === 0)).toBe(true);

    // A file sent afterwards goes through: whatever the cancelled ones were to do after their cancel has had its
    // turn, and none of them was saved or left in storage.
    await aliceChannel.fileFromBytes('after', new TextEncoder().encode('after the cancels'), 'after.txt');
    const [after] = await aliceChannel.sendFiles(bobId, ['after']);
    if (!after) throw new Error('sendFiles offered nothing');
    await offeredTo(bobChannel, after.id);
    await bobChannel.request('answerFile', { conversation: aliceId, messageId: after.id, accept: true });
    await bobChannel.waitForTransfer(after.id, 'done', { timeoutMs: 30_000 });
    const savedNames = (await listDownloads(bobPage)).map((item) => baseName(item.filename));
    for (const name of names)
      expect(savedNames.filter((saved) => saved.startsWith(name.slice(0, -4)))).toEqual([]);
    expect(await filesBeingReceived(bobPage, TRANSFERS_DIRECTORY)).toEqual([]);
    for (const id of [bySender.id, byReceiver.id])
      expect((await aliceChannel.transfer(id))?.state).toBe('cancelled');
  }, 300_000);

  it('saves a file with a hostile name under a sanitised one in the downloads folder', async () => {
    const hostile = [
      { name: '../../evil\u202Etxt.exe', type: 'application/octet-stream' },
      { name: 'CON.txt', type: 'text/plain' },
      { name: 'bell\u0007tab\tnew\nline\u0000.txt', type: 'text/plain' },
      { name: 'nul', type: 'text/plain' },
      { name: '..\\..\\Startup\\run.bat', type: '' },
    ];
    const keys = hostile.map((_, index) => `hostile-${index}`);
    for (const [index, { name, type }] of hostile.entries())
      await aliceChannel.fileFromBytes(
        keys[index] ?? '',
        new TextEncoder().encode(`file ${index}`),
        name,
        type,
      );
    const messages = await aliceChannel.sendFiles(bobId, keys);
    expect(messages).toHaveLength(hostile.length);

    for (const [index, message] of messages.entries()) {
      const { name, type } = hostile[index] ?? { name: '', type: '' };
      await offeredTo(bobChannel, message.id);
      await bobChannel.request('answerFile', { conversation: aliceId, messageId: message.id, accept: true });
      const done = await bobChannel.waitForTransfer(message.id, 'done', { timeoutMs: 30_000 });
      const savedAs = done.savedAs ?? '';
      const saved = await downloadNamed(playwrightPage(bobPopup.page), savedAs);
      // In the downloads folder itself, under the name the engine made safe.
      expect(dirname(saved.filename)).toBe(bob.downloadsDir);
      expect(savedAs).toBe(safeFileName(name, type));
      expect(savedAs).not.toMatch(/[/\\\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
      expect(savedAs).not.toMatch(/^\./);
      expect(savedAs).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
      expect(savedAs).not.toMatch(/\.exe$/i);
      expect(await readFile(saved.filename, 'utf8')).toBe(`file ${index}`);
    }
  }, 120_000);
});

const browsersPresent =
  browserAvailable(CHROMIUM_PATH, 'Chromium') && browserAvailable(FIREFOX_PATH, 'Firefox');

describe.runIf(browsersPresent)('files between a Chrome user and a Firefox user', () => {
  let server: TestServer;
  let chrome: KillableChromeUser;
  let firefox: FirefoxUser;
  let carl: PopupPage;
  let fiona: FirefoxPopupPage;
  let carlChannel: EngineChannel;
  let fionaChannel: EngineChannel;
  let carlId: ConversationId;
  let fionaId: ConversationId;
  let folder: string;
  /** Undone in reverse order after the tests. */
  const closers: (() => Promise<void>)[] = [];
  const firefoxSaved: string[] = [];
  /** A little over 1 MiB: seventeen chunks, the last one short. */
  const size = MiB + 1;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'messenger-files-'));
    server = await startTestServer();
    closers.push(() => server.close());
    [chrome, firefox] = await Promise.all([KillableChromeUser.launch(), FirefoxUser.launch()]);
    closers.push(
      () => chrome.close(),
      () => firefox.close(),
    );
    fiona = await firefox.welcomePage();
    await fiona.chooseName('Fiona', server.url);
    await fiona.waitOnline();
    carl = await chrome.openPopup();
    await carl.chooseName('Carl', server.url);
    await carl.waitOnline();
    await fiona.addContact('Carl');
    await carl.request('Fiona').waitFor();
    await carl.acceptRequest('Fiona');
    await carl.waitContactOnline('Fiona');
    carlChannel = await EngineChannel.open(playwrightPage(carl.page));
    fionaChannel = await EngineChannel.open(puppeteerPage(fiona.page));
    carlId = await carl.selfId();
    const fionaState = await fionaChannel.request('getState', {});
    if (!fionaState.settings) throw new Error('Fiona has no settings after choosing a name');
    fionaId = fionaState.settings.userId;
  }, 120_000);
  afterAll(async () => {
    // The browsers first, then the server they use.
    for (const close of closers.reverse()) await close();
    rmSync(folder, { recursive: true, force: true });
    // Firefox saved into its own downloads folder, outside our temporary ones.
    await Promise.all(firefoxSaved.map((path) => rm(path, { force: true })));
  });

  it('sends a file from Chrome to Firefox: Firefox saves it byte-identical through its downloads', async () => {
    const path = join(folder, 'to-firefox.bin');
    const sha256 = await writePseudoRandomFile(path, 'to-firefox', size);
    await carlChannel.fileFromPath('to-firefox', path);
    const [message] = await carlChannel.sendFiles(fionaId, ['to-firefox']);
    if (!message) throw new Error('sendFiles offered nothing');
    await offeredTo(fionaChannel, message.id);
    await fionaChannel.request('answerFile', { conversation: carlId, messageId: message.id, accept: true });
    const done = await fionaChannel.waitForTransfer(message.id, 'done');
    await carlChannel.waitForTransfer(message.id, 'done', { timeoutMs: 30_000 });

    const saved = await downloadNamed(puppeteerPage(fiona.page), done.savedAs ?? '');
    firefoxSaved.push(saved.filename);
    // fileSize, not bytesReceived: Firefox ESR leaves a completed download's bytesReceived at its last progress
    // report (768 KiB of this file was seen), while the file on disk is whole.
    expect(saved).toMatchObject({ state: 'complete', exists: true, fileSize: size });
    expect(await sha256OfFile(saved.filename)).toBe(sha256);
  });

  it('sends a file from Firefox to Chrome: Chrome saves it byte-identical through its downloads', async () => {
    const path = join(folder, 'to-chrome.bin');
    const sha256 = await writePseudoRandomFile(path, 'to-chrome', size);
    await fionaChannel.fileFromBytes('to-chrome', await readFile(path), 'to-chrome.bin');
    const [message] = await fionaChannel.sendFiles(carlId, ['to-chrome']);
    if (!message) throw new Error('sendFiles offered nothing');
    await offeredTo(carlChannel, message.id);
    await pressOnFileCard(carl, 'Fiona', 'to-chrome.bin', 'Accept');
    const done = await carlChannel.waitForTransfer(message.id, 'done');
    await fionaChannel.waitForTransfer(message.id, 'done', { timeoutMs: 30_000 });

    const saved = await downloadNamed(playwrightPage(carl.page), done.savedAs ?? '');
    expect(saved).toMatchObject({ state: 'complete', exists: true, fileSize: size });
    expect(dirname(saved.filename)).toBe(chrome.downloadsDir);
    expect(await sha256OfFile(saved.filename)).toBe(sha256);
  });
});
