import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Page as FirefoxPage } from 'puppeteer-core';
import { CHROMIUM_PATH, FIREFOX_PATH, browserAvailable } from '../support/browsers';
import { askContact, enginePage, signUp, signUpWith } from '../support/call-users';
import {
  eventually,
  openCallPage,
  receivedStats,
  ringingCallPage,
  soundKeepsArriving,
  waitCallState,
} from '../support/call-window';
import { ChromeUser } from '../support/chrome-extension';
import { waitForContact } from '../support/e2e-contacts';
import { engineCall } from '../support/engine-port';
import {
  clickTestId,
  firefoxEngineCall,
  firefoxExtensionPage,
  firefoxIncomingCall,
  firefoxReceivedStats,
  openFirefoxCallWindow,
  waitFirefoxCallState,
} from '../support/firefox-calls';
import { FirefoxUser } from '../support/firefox-extension';
import { FIREFOX_FAKE_MEDIA_PREFS } from '../support/firefox-media';
import { startTestServer, type TestServer } from '../support/server';

const browsersPresent =
  browserAvailable(CHROMIUM_PATH, 'Chromium') && browserAvailable(FIREFOX_PATH, 'Firefox');

/** Headless Firefox gives a fake microphone with two prefs (tests/support/firefox-media.ts says what was probed). */
describe.runIf(browsersPresent)('a call between a Chrome user and a Firefox user', () => {
  let server: TestServer;
  let chrome: ChromeUser;
  let firefox: FirefoxUser;
  let carl: Page;
  let fiona: FirefoxPage;
  let fionaId: string;

  beforeAll(async () => {
    server = await startTestServer();
    [chrome, firefox] = await Promise.all([
      ChromeUser.launch({ fakeMedia: true }),
      FirefoxUser.launch(FIREFOX_FAKE_MEDIA_PREFS),
    ]);
    carl = await enginePage(chrome);
    fiona = (await firefox.welcomePage()).page;
    await signUp(carl, 'Carl', server.url);
    await signUpWith((method, params) => firefoxEngineCall(fiona, method, params), 'Fiona', server.url);
    // Carl asks (until the server has Fiona's keys); Fiona accepts.
    await askContact((method, params) => engineCall(carl, method, params), 'Carl', 'Fiona');
    const request = await eventually(
      "Carl's request in Firefox",
      async () =>
        (await firefoxEngineCall(fiona, 'getState', {})).contacts.find(
          (contact) => contact.name === 'Carl' && contact.state === 'incoming',
        ),
      (contact) => contact !== undefined,
    );
    if (!request) throw new Error('no request from Carl');
    await firefoxEngineCall(fiona, 'acceptContact', { userId: request.userId });
    fionaId = (await waitForContact(carl, 'Fiona', (contact) => contact.online)).userId;
  }, 120_000);
  afterAll(async () => {
    await Promise.all([chrome.close(), firefox.close()]);
    await server.close();
  });

  it('Chrome calls Firefox by voice, Firefox accepts in the window its engine opened, sound arrives both ways, hang-up ends it for both', async () => {
    const carlWindow = await openCallPage(chrome, `?peer=${fionaId}&media=audio`);
    await waitCallState(carlWindow, 'ringing');
    const { callId } = await firefoxIncomingCall(fiona);
    const fionaWindow = await firefoxExtensionPage(firefox, `call.html?call=${callId}`);
    await waitFirefoxCallState(fionaWindow, 'ringing');
    await clickTestId(fionaWindow, 'call-accept');

    await Promise.all([waitCallState(carlWindow, 'active'), waitFirefoxCallState(fionaWindow, 'active')]);
    await soundKeepsArriving([() => receivedStats(carlWindow), () => firefoxReceivedStats(fionaWindow)]);
    expect(await fionaWindow.$('[data-testid="call-warning"]')).toBeNull();

    await clickTestId(fionaWindow, 'call-hangup');
    await Promise.all([
      waitCallState(carlWindow, 'ended', 'ended'),
      waitFirefoxCallState(fionaWindow, 'ended', 'ended'),
    ]);
    await Promise.all([carlWindow.close(), fionaWindow.close()]);
  }, 90_000);

  it('Firefox calls Chrome by voice (Firefox makes the offer), Chrome accepts, sound arrives both ways, hang-up ends it for both', async () => {
    const carlId = (await firefoxEngineCall(fiona, 'getState', {})).contacts.find(
      (contact) => contact.name === 'Carl',
    )?.userId;
    if (!carlId) throw new Error('Fiona has no contact Carl');
    const fionaWindow = await openFirefoxCallWindow(firefox, fiona, { peer: carlId, media: 'audio' });
    await waitFirefoxCallState(fionaWindow, 'ringing');
    const { page: carlWindow } = await ringingCallPage(chrome, carl);
    await carlWindow.getByTestId('call-accept').click();

    await Promise.all([waitCallState(carlWindow, 'active'), waitFirefoxCallState(fionaWindow, 'active')]);
    await soundKeepsArriving([() => receivedStats(carlWindow), () => firefoxReceivedStats(fionaWindow)]);

    await carlWindow.getByTestId('call-hangup').click();
    await Promise.all([
      waitCallState(carlWindow, 'ended', 'ended'),
      waitFirefoxCallState(fionaWindow, 'ended', 'ended'),
    ]);
    await Promise.all([carlWindow.close(), fionaWindow.close()]);
  }, 90_000);
});
