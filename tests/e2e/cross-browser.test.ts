import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, FIREFOX_PATH, browserAvailable } from '../support/browsers';
import { ChromeUser } from '../support/chrome-extension';
import { FirefoxUser, type FirefoxPopupPage } from '../support/firefox-extension';
import {
  firefoxEdit,
  firefoxReply,
  fromFirefoxMenu,
  shownBubbles,
  waitForBubble,
} from '../support/firefox-messages';
import { edit, fromMenu, reply } from '../support/message-actions';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

const browsersPresent =
  browserAvailable(CHROMIUM_PATH, 'Chromium') && browserAvailable(FIREFOX_PATH, 'Firefox');

describe.runIf(browsersPresent)('a Chrome user and a Firefox user', () => {
  let server: TestServer;
  const closers: (() => Promise<void>)[] = [];
  /** Each side's popup, left in their conversation by the first test for the second. */
  let carl: PopupPage;
  let fiona: FirefoxPopupPage;

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

  it('reply, edit and delete for everyone go both ways: each side shows the quote, the new text with "edited", and the tombstone', async () => {
    const page = fiona.page;

    // Firefox → Chrome: a reply quoting Carl's message, and an edit of Fiona's own.
    await firefoxReply(page, 'Hello from Chrome', 'Firefox replies');
    await carl
      .bubble('Firefox replies')
      .getByTestId('message-quote')
      .getByText('Hello from Chrome')
      .waitFor();
    await firefoxEdit(page, 'Hello from Firefox', 'Hello from Firefox, edited');
    await carl.bubble('Hello from Firefox, edited').getByTestId('message-edited').waitFor();
    expect(await carl.messageTexts()).not.toContain('Hello from Firefox');

    // Chrome → Firefox: a reply quoting Fiona's reply, an edit, and that reply deleted for everyone.
    await reply(carl, 'Firefox replies', 'Chrome answers');
    await waitForBubble(
      page,
      'reply from Chrome quoting "Firefox replies"',
      (bubble) => bubble.text === 'Chrome answers' && bubble.quote === 'Firefox replies',
    );
    await edit(carl, 'Written while you were away', 'Written while you were out');
    await waitForBubble(
      page,
      'edited message from Chrome',
      (bubble) => bubble.text === 'Written while you were out' && bubble.edited,
    );
    await fromMenu(carl, 'Chrome answers', 'message-delete-everyone');
    await carl.page.getByTestId('message-deleted').getByText('You deleted this message').waitFor();
    await waitForBubble(
      page,
      'tombstone of "Chrome answers"',
      (bubble) => bubble.deleted === 'This message was deleted',
    );
    expect((await shownBubbles(page)).map((bubble) => bubble.text)).not.toContain('Chrome answers');

    // Firefox → Chrome: Fiona deletes her reply for everyone.
    await fromFirefoxMenu(page, 'Firefox replies', 'message-delete-everyone');
    await waitForBubble(page, 'her own tombstone', (bubble) => bubble.deleted === 'You deleted this message');
    await carl.page.getByTestId('message-deleted').getByText('This message was deleted').waitFor();
    expect(await carl.messageTexts()).not.toContain('Firefox replies');
  });
});
