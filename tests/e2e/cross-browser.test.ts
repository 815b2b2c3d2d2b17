import { afterAll, beforeAll, describe, it } from 'vitest';
import { CHROMIUM_PATH, FIREFOX_PATH, browserAvailable } from '../support/browsers';
import { ChromeUser } from '../support/chrome-extension';
import { FirefoxUser } from '../support/firefox-extension';
import { startTestServer, type TestServer } from '../support/server';

const browsersPresent =
  browserAvailable(CHROMIUM_PATH, 'Chromium') && browserAvailable(FIREFOX_PATH, 'Firefox');

describe.runIf(browsersPresent)('a Chrome user and a Firefox user', () => {
  let server: TestServer;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
    await server.close();
  });

  it('become contacts (a request from Firefox, accepted in Chrome), chat both ways over a direct data channel, and get mail sent while away', async () => {
    const [chrome, firefox] = await Promise.all([ChromeUser.launch(), FirefoxUser.launch()]);
    closers.push(
      () => chrome.close(),
      () => firefox.close(),
    );

    const fiona = await firefox.welcomePage();
    await fiona.chooseName('Fiona', server.url);
    await fiona.waitOnline();

    const carl = await chrome.openPopup();
    await carl.chooseName('Carl', server.url);
    await carl.waitOnline();

    await fiona.addContact('Carl');
    await carl.request('Fiona').waitFor();
    await carl.acceptRequest('Fiona');
    await carl.waitContactOnline('Fiona');

    await carl.openChat('Fiona');
    await carl.waitDirect('Fiona');
    await carl.send('Hello from Chrome');
    await fiona.openChat('Carl');
    await fiona.waitForMessage('Hello from Chrome');
    await fiona.send('Hello from Firefox');
    await carl.message('Hello from Firefox').waitFor();

    // The Firefox engine (in the background page) takes mail held for it while it was locked; the Chrome
    // engine's outbox holds Fiona's message until then and learns when she has read it.
    await fiona.lock();
    await carl.contact('Fiona').getByText('offline').waitFor();
    await carl.send('Written while you were away');
    await carl.waitStatus('Written while you were away', 'sent');
    await fiona.unlock();
    await fiona.waitOnline();
    await fiona.openChat('Carl');
    await fiona.waitForMessage('Written while you were away');
    await carl.waitStatus('Written while you were away', 'read');
  });
});
