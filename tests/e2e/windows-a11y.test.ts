import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkInBothSchemes } from '../support/axe';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { chromeCallPair, type ChromeCallPair } from '../support/call-users';
import {
  eventually,
  openCallPage,
  ringingCallPage,
  waitCallState,
  waitCallStates,
} from '../support/call-window';
import { engineCall } from '../support/engine-port';
import { tabTo } from '../support/popup-screens';
import { startTestServer, type TestServer } from '../support/server';

/** Is the element the page's focused one? */
const focused = (page: Page, testId: string): Promise<boolean> =>
  page.getByTestId(testId).evaluate((element) => element === document.activeElement);

/** The focused element's outline: a keyboard user sees where the focus is (WCAG 2.4.7). */
const focusRing = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const element = document.activeElement;
    return element ? getComputedStyle(element).outlineStyle : 'none';
  });

/**
 * Issue 13: the share window and the call window, each screen checked with axe-core in light and in dark (the
 * popup's and the options page's are in popup-a11y.test.ts), and the call window's controls used by keyboard alone.
 */
/** The part of an extension page's chrome API these tests use. */
interface WithStorage {
  readonly chrome: {
    readonly storage: {
      readonly local: { set(items: object): Promise<void> };
    };
  };
}

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))(
  'the share window and the call window: accessible in light and dark, calls by keyboard',
  () => {
    let server: TestServer | undefined;
    let pair: ChromeCallPair;
    /** Screens checked, each in both schemes: the last test compares the list with what it expects. */
    const checked: string[] = [];

    /** Checks the screen shown in both schemes (see checkInBothSchemes). */
    async function check(page: Page, screen: string): Promise<void> {
      await checkInBothSchemes(page, screen);
      checked.push(screen);
    }

    beforeAll(async () => {
      const started = await startTestServer();
      server = started;
      // Alice and Bob, each other's contacts: one has someone to share with, and they can call.
      pair = await chromeCallPair(started.url);
    }, 120_000);
    afterAll(async () => {
      await pair.close();
      await server?.close();
    });

    it('the share window: its list of conversations, what a "Choose…" share sends, and what is missing', async () => {
      // A room too: the list marks rooms with a word of their own.
      await engineCall(pair.aliceEngine, 'createRoom', { name: 'Hikers' });
      const page = await pair.alice.context.newPage();
      await page.goto(`chrome-extension://${pair.alice.extensionId}/share.html`);
      await page.getByRole('radio', { name: 'Bob' }).waitFor();
      await page.getByRole('radio', { name: 'Hikers' }).waitFor();
      await check(page, 'share');
      // Send with nothing chosen says what is missing.
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'Not sent: choose whom to send to' }).waitFor();
      await check(page, 'share-missing');

      // Opened by the context menu's "Choose…" on a selection: what will be sent, in place of the file picker.
      const query = new URLSearchParams({
        kind: 'selection',
        url: 'https://example.com/cats',
        text: 'Cats sleep for most of the day.',
      });
      await page.goto(`chrome-extension://${pair.alice.extensionId}/share.html?${query.toString()}`);
      await page.getByRole('region', { name: 'What will be sent' }).waitFor();
      await page.getByRole('radio', { name: 'Bob' }).waitFor();
      await check(page, 'share-selection');

      // The theme picked on the options page reaches this window too, at once, whatever the system's.
      await page.evaluate(() =>
        (globalThis as unknown as WithStorage).chrome.storage.local.set({ theme: 'dark' }),
      );
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
      // Back to following the system, as the options page sets it (the windows below are checked in both schemes).
      await page.evaluate(() =>
        (globalThis as unknown as WithStorage).chrome.storage.local.set({ theme: 'system' }),
      );
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBeUndefined();
      await page.close();
    });

    it('a call: calling and ringing checked, answered by keyboard, its controls checked and used by keyboard, ended checked', async () => {
      const aliceWindow = await openCallPage(pair.alice, `?peer=${pair.bobId}&media=video`);
      await waitCallState(aliceWindow, 'ringing');
      const { page: bobWindow } = await ringingCallPage(pair.bob, pair.bobEngine);
      await check(aliceWindow, 'call-calling');
      await check(bobWindow, 'call-ringing');

      // Answered with the keyboard alone: Tab to Accept, Enter.
      await bobWindow.bringToFront();
      await tabTo(bobWindow, bobWindow.getByTestId('call-accept'));
      expect(await focusRing(bobWindow)).toBe('solid');
      await bobWindow.keyboard.press('Enter');
      await waitCallStates([aliceWindow, bobWindow], 'active');
      // Every control of an active video call is there: mute, camera, screen, the devices, hang up.
      for (const control of [
        'call-mute',
        'call-camera',
        'call-share',
        'call-microphone-select',
        'call-camera-select',
        'call-hangup',
      ])
        await bobWindow.getByTestId(control).waitFor();
      await check(bobWindow, 'call-active');
      // The call uses the whole window (not the popup's 400 px box its shared sheet gives the body), and hang-up
      // is in view under the video, not pushed below it.
      expect(
        await bobWindow.evaluate(
          () => document.body.getBoundingClientRect().width >= document.documentElement.clientWidth,
        ),
      ).toBe(true);
      expect(
        await bobWindow
          .getByTestId('call-hangup')
          .evaluate((element) => element.getBoundingClientRect().bottom <= window.innerHeight),
      ).toBe(true);

      // Mute by Tab and Space, unmute by Enter; the button says which it is.
      await bobWindow.bringToFront();
      const mute = bobWindow.getByTestId('call-mute');
      await tabTo(bobWindow, mute);
      expect(await focusRing(bobWindow)).toBe('solid');
      await bobWindow.keyboard.press('Space');
      await expect.poll(() => mute.getAttribute('aria-pressed')).toBe('true');
      await check(bobWindow, 'call-muted');
      await bobWindow.bringToFront();
      expect(await focused(bobWindow, 'call-mute')).toBe(true);
      await bobWindow.keyboard.press('Enter');
      await expect.poll(() => mute.getAttribute('aria-pressed')).toBe('false');

      // Hang up by Tab and Enter: the call ends for both.
      await tabTo(bobWindow, bobWindow.getByTestId('call-hangup'));
      expect(await focusRing(bobWindow)).toBe('solid');
      await bobWindow.keyboard.press('Enter');
      await waitCallStates([aliceWindow, bobWindow], 'ended', 'ended');
      await check(aliceWindow, 'call-ended');
      // The ended window can be closed by keyboard too: its button is reachable.
      await tabTo(bobWindow, bobWindow.getByTestId('call-close'));
      await Promise.all([aliceWindow.close(), bobWindow.close()]);
    });

    it('a call window for a call that is over and forgotten says so', async () => {
      const page = await openCallPage(pair.alice, `?call=${randomBytes(16).toString('hex')}`);
      await page.getByTestId('call-gone').waitFor();
      await check(page, 'call-gone');
      await page.close();
    });

    it('a call that cannot be placed, offline, ends failed and says why', async () => {
      // The server gone, Alice's engine is offline: the ring cannot be sent.
      await server?.close();
      server = undefined;
      await eventually(
        'Alice offline',
        () => engineCall(pair.aliceEngine, 'getState', {}),
        (state) => state.connection.status !== 'online',
      );
      const page = await openCallPage(pair.alice, `?peer=${pair.bobId}&media=video`);
      await waitCallState(page, 'ended', 'failed');
      await page.getByTestId('call-warning').filter({ hasText: 'you are offline' }).waitFor();
      await check(page, 'call-failed');
      await page.close();
      expect(checked).toEqual([
        'share',
        'share-missing',
        'share-selection',
        'call-calling',
        'call-ringing',
        'call-active',
        'call-muted',
        'call-ended',
        'call-gone',
        'call-failed',
      ]);
    });
  },
);
