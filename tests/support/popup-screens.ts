import type { Locator, Page } from 'playwright-core';

/**
 * Page objects for the popup's screens, one each, for tests that look at a screen as such (accessibility, keyboard,
 * layout). PopupPage (popup-page.ts) drives the user's tasks across screens and uses the same structure.
 */

/** Presses Tab until the focused element is `target` (keyboard only: no click); fails after `limit` presses. */
export async function tabTo(page: Page, target: Locator, limit = 40): Promise<void> {
  for (let pressed = 0; pressed < limit; pressed += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`tabTo: ${String(target)} was not reached in ${limit} presses of Tab`);
}

/** First start: the form to choose a name, a server and a passphrase. */
export class OnboardingScreen {
  constructor(readonly page: Page) {}
  heading(): Locator {
    return this.page.getByRole('heading', { name: /Choose your name/ });
  }
  name(): Locator {
    return this.page.getByRole('textbox', { name: 'Your name' });
  }
  server(): Locator {
    return this.page.getByRole('textbox', { name: 'Signal server' });
  }
  passphrase(): Locator {
    return this.page.getByLabel('Passphrase', { exact: true });
  }
  repeat(): Locator {
    return this.page.getByLabel('Repeat passphrase', { exact: true });
  }

  /** Fills the form with the keyboard alone, from the field that has the focus at first, and submits with Enter. */
  async completeByKeyboard(name: string, serverUrl: string, passphrase: string): Promise<void> {
    for (const [field, text] of [
      [this.name(), name],
      [this.server(), serverUrl],
      [this.passphrase(), passphrase],
      [this.repeat(), passphrase],
    ] as const) {
      await tabTo(this.page, field);
      await this.page.keyboard.press('ControlOrMeta+A');
      await this.page.keyboard.type(text);
    }
    await this.page.keyboard.press('Enter');
  }
}

/** The lock screen: one passphrase field. */
export class LockScreen {
  constructor(readonly page: Page) {}
  heading(): Locator {
    return this.page.getByRole('heading', { name: 'Locked' });
  }
  passphrase(): Locator {
    return this.page.getByLabel('Passphrase', { exact: true });
  }
}

/** The top line: who, online or not, Transfers, Lock, Settings. */
export class StatusBarScreen {
  constructor(readonly page: Page) {}
  lock(): Locator {
    return this.page.getByRole('button', { name: 'Lock' });
  }
  settings(): Locator {
    return this.page.getByRole('button', { name: 'Settings' });
  }
}

/** The conversation list: filter, the + button, and one row per contact or room. */
export class ConversationListScreen {
  constructor(readonly page: Page) {}
  root(): Locator {
    return this.page.locator('.screen:not([inert]) .conversation-list');
  }
  filter(): Locator {
    return this.page.getByRole('searchbox', { name: 'Filter conversations' });
  }
  newButton(): Locator {
    return this.page.getByRole('button', { name: /^New: add a contact or a room/ });
  }
  /** Every row (contacts and rooms), in the order shown. */
  rows(): Locator {
    return this.root().locator('.rows > li > .row');
  }
  row(name: string): Locator {
    return this.rows().filter({ hasText: name });
  }
  /** The names the rows show, in order. */
  async names(): Promise<string[]> {
    return this.rows().locator('.row-name').allTextContents();
  }
}

/** One open conversation: header (back, title, buttons), its messages, and the box to write in. */
export class ConversationScreen {
  constructor(readonly page: Page) {}
  root(): Locator {
    return this.page.locator('.conversation');
  }
  title(): Locator {
    return this.page.locator('#conversation-title');
  }
  back(): Locator {
    return this.page.getByRole('button', { name: 'Back to conversations' });
  }
  composer(): Locator {
    return this.page.getByRole('textbox', { name: /^Message to / });
  }
  sendButton(): Locator {
    return this.root().getByRole('button', { name: 'Send', exact: true });
  }
  /** Where CallButtons go: the header's buttons. */
  headerActions(): Locator {
    return this.root().locator('.screen-header .header-actions');
  }
}

/** The screen to add a contact or a room. */
export class NewConversationScreen {
  constructor(readonly page: Page) {}
  root(): Locator {
    return this.page.locator('.new-conversation');
  }
  addContactField(): Locator {
    return this.page.getByTestId('add-contact-input');
  }
  newRoomField(): Locator {
    return this.page.getByRole('textbox', { name: 'New room name' });
  }
}
