import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { ThemeChoice } from '../../extension/lib/ui/theme';
import type { NotificationMode } from '../../extension/lib/settings';
import type { ChromeUser } from './chrome-extension';

const THEME_LABELS: Readonly<Record<ThemeChoice, string>> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
};

/**
 * The options page (options.html, in a tab), driven the way a user would: labels, roles and visible text. The one
 * place settings are changed: the popup's Settings button opens it (PopupPage.openOptions).
 */
export class OptionsPage {
  /** `returnTo`: the page the user came from (the popup), brought back to the front when this one closes. */
  constructor(
    readonly page: Page,
    private readonly returnTo?: Page,
  ) {}

  static async open(user: ChromeUser): Promise<OptionsPage> {
    const page = await user.context.newPage();
    await page.goto(`chrome-extension://${user.extensionId}/options.html`);
    return new OptionsPage(page);
  }

  /** Closes the tab; the page it was opened from is in front again (a tab behind others gets no frames). */
  async close(): Promise<void> {
    await this.page.close();
    await this.returnTo?.bringToFront();
  }

  /** A theme's radio button in the theme picker. */
  theme(choice: ThemeChoice): Locator {
    return this.page.getByRole('radio', { name: THEME_LABELS[choice], exact: true });
  }

  /** Appear offline, saved. */
  async setAppearOffline(appearOffline: boolean): Promise<void> {
    await this.page.getByRole('checkbox', { name: /^Appear offline/ }).setChecked(appearOffline);
    await this.save();
  }

  /** The name field of the settings form. */
  nameField(): Locator {
    return this.page.getByRole('textbox', { name: 'Your name' });
  }

  /** Backup → Export: returns the path of the file the browser saved. */
  async exportBackup(passphrase: string): Promise<string> {
    await this.page.getByLabel('Backup passphrase', { exact: true }).fill(passphrase);
    await this.page.getByLabel('Repeat backup passphrase', { exact: true }).fill(passphrase);
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Export backup' }).click();
    // Saved outside the profile: Playwright deletes its own copy when the browser closes.
    const saved = await download;
    const path = join(await mkdtemp(join(tmpdir(), 'backup-')), saved.suggestedFilename());
    await saved.saveAs(path);
    await this.page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    return path;
  }

  /** Backup → Restore, from a file on disk. */
  async restoreBackup(path: string, passphrase: string): Promise<void> {
    await this.page.getByLabel('Backup file').setInputFiles(path);
    await this.page.getByLabel('Passphrase of the backup').fill(passphrase);
    await this.page.getByRole('button', { name: 'Restore backup' }).click();
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
