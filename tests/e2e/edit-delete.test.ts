import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { axeViolations, describeViolations } from '../support/axe';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { ChromeUser } from '../support/chrome-extension';
import { becomeContacts } from '../support/e2e-contacts';
import { fromMenu } from '../support/message-actions';
import type { PopupPage } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))(
  'reply, edit, delete and typing between two Chrome users',
  () => {
    let server: TestServer;
    const users: ChromeUser[] = [];
    let alicePopup: PopupPage;
    let bobPopup: PopupPage;

    beforeAll(async () => {
      server = await startTestServer();
      const [alice, bob] = await Promise.all([ChromeUser.launch(), ChromeUser.launch()]);
      users.push(alice, bob);
      [alicePopup, bobPopup] = await Promise.all([alice.openPopup(), bob.openPopup()]);
      await alicePopup.chooseName('Alice', server.url);
      await bobPopup.chooseName('Bob', server.url);
      await Promise.all([alicePopup.waitOnline(), bobPopup.waitOnline()]);
      await becomeContacts({ page: alicePopup.page, name: 'Alice' }, { page: bobPopup.page, name: 'Bob' });
    });
    afterAll(async () => {
      await Promise.all(users.map((user) => user.close()));
      await server.close();
    });

    it('shows Alice typing on Bob’s side, then her reply with its quote, "edited", then "deleted" for everyone', async () => {
      await alicePopup.openChat('Bob');
      await bobPopup.openChat('Alice');
      await Promise.all([alicePopup.waitDirect('Bob'), bobPopup.waitDirect('Alice')]);
      await bobPopup.send('Dinner at eight?');
      await alicePopup.message('Dinner at eight?').waitFor();

      // Typing goes over the direct link only, and shows on Bob's side while Alice types.
      const box = alicePopup.page.getByRole('textbox', { name: /^Message to / });
      await box.pressSequentially('Yes');
      await bobPopup.page.getByTestId('typing').getByText('Alice is typing…').waitFor();

      await fromMenu(alicePopup, 'Dinner at eight?', 'message-reply');
      await alicePopup.page
        .getByTestId('composer-reply')
        .getByText(/Dinner at eight\?/)
        .waitFor();
      // The reply bar, a message's open menu and the search pass axe too (as popup-a11y checks each screen).
      await alicePopup.page.getByTestId('search-toggle').click();
      await alicePopup.page.getByRole('searchbox', { name: 'Search this conversation' }).fill('dinner');
      await alicePopup.page.getByTestId('search-result').getByText('Dinner at eight?').waitFor();
      await alicePopup.bubble('Dinner at eight?').getByTestId('message-menu').click();
      await alicePopup.page.getByTestId('message-delete-me').waitFor();
      for (const colorScheme of ['light', 'dark'] as const) {
        await alicePopup.page.emulateMedia({ colorScheme });
        const violations = await axeViolations(alicePopup.page);
        expect(violations, `${colorScheme}: ${describeViolations(violations)}`).toEqual([]);
      }
      await alicePopup.page.emulateMedia({ colorScheme: null });
      await alicePopup.page.keyboard.press('Escape'); // closes the menu, and stays in the conversation
      await alicePopup.page.getByTestId('message-delete-me').waitFor({ state: 'detached' });
      await alicePopup.page.getByTestId('search-toggle').click();
      await box.fill('Yes, see you');
      await box.press('Enter');
      const reply = bobPopup.bubble('Yes, see you');
      await reply.getByTestId('message-quote').getByText('Dinner at eight?').waitFor();
      // Sent: "stopped" went, so the line empties (before its own timeout would).
      await vi.waitFor(async () => expect(await bobPopup.page.getByTestId('typing').textContent()).toBe(''));

      await fromMenu(alicePopup, 'Yes, see you', 'message-edit');
      const editBox = alicePopup.page.getByRole('textbox', { name: 'Edit your message' });
      await editBox.fill('Yes, see you at 8');
      await editBox.press('Enter');
      await bobPopup.bubble('Yes, see you at 8').getByTestId('message-edited').waitFor();
      await alicePopup.bubble('Yes, see you at 8').getByTestId('message-edited').waitFor();

      await fromMenu(alicePopup, 'Yes, see you at 8', 'message-delete-everyone');
      await bobPopup.page.getByTestId('message-deleted').getByText('This message was deleted').waitFor();
      await alicePopup.page.getByTestId('message-deleted').getByText('You deleted this message').waitFor();
      expect(await bobPopup.messageTexts()).not.toContain('Yes, see you at 8');
      expect(await alicePopup.messageTexts()).not.toContain('Yes, see you at 8');
    });
  },
);
