import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { NotificationMode } from '../../extension/lib/settings';
import type { ChromeUser } from './chrome-extension';

/** The options page (options.html, in a tab), driven the way a user would: labels, roles and visible text. */
export class OptionsPage {
  constructor(readonly page: Page) {}

  static async open(user: ChromeUser): Promise<OptionsPage> {
    const page = await user.context.newPage();
    await page.goto(`chrome-extension://${user.extensionId}/options.html`);
    return new OptionsPage(page);
  }

  /** Resolves once the settings are shown (connected, unlocked, a name chosen). */
  async ready(): Promise<void> {
    await this.page.getByRole('heading', { name: 'Settings', exact: true }).waitFor();
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.ready();
  }

  notifications(): Locator {
    return this.page.getByRole('combobox', { name: 'Notifications for messages' });
  }

  typingIndicators(): Locator {
    return this.page.getByRole('checkbox', { name: /^Typing indicators/ });
  }

  /** Picks how messages notify, saves, and waits until the page says so. */
  async setNotifications(mode: NotificationMode): Promise<void> {
    await this.notifications().selectOption(mode);
    await this.save();
  }

  /** Saves the settings form; resolves once the page says so (it stops saying so at the next change). */
  async save(): Promise<void> {
    await this.page.getByRole('button', { name: 'Save', exact: true }).click();
    await this.page.getByRole('status').filter({ hasText: 'Settings saved' }).waitFor();
  }

  version(): Locator {
    return this.page.getByTestId('version');
  }

  about(): Locator {
    return this.page.locator('#about');
  }

  /** Change passphrase: the current one, the new one twice; resolves once the page says it changed. */
  async changePassphrase(current: string, next: string): Promise<void> {
    await this.page.getByLabel('Current passphrase', { exact: true }).fill(current);
    await this.page.getByLabel('New passphrase', { exact: true }).fill(next);
    await this.page.getByLabel('Repeat new passphrase', { exact: true }).fill(next);
    await this.page.getByRole('button', { name: 'Change passphrase' }).click();
    await this.page.getByRole('status').filter({ hasText: 'Passphrase changed' }).waitFor();
  }

  /** The lock screen the page shows while the vault is locked. */
  lockScreen(): Locator {
    return this.page.getByRole('heading', { name: 'Locked' });
  }

  async unlock(passphrase: string): Promise<void> {
    await this.page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await this.page.getByRole('button', { name: 'Unlock' }).click();
  }

  alert(): Locator {
    return this.page.getByRole('alert');
  }
}

/** The ids of the notifications the extension shows now, as its background worker lists them. */
export async function notificationIds(context: BrowserContext): Promise<string[]> {
  const worker = context.serviceWorkers().at(-1) ?? (await context.waitForEvent('serviceworker'));
  return worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as {
      chrome: { notifications: { getAll(): Promise<Record<string, boolean>> } };
    };
    return Object.keys(await chrome.notifications.getAll());
  });
}
