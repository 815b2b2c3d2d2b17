import type { Locator } from 'playwright-core';
import type { PopupPage } from './popup-page';

/** The card of the file named `name` (as shown) in the open conversation of `popup`. */
export function fileCard(popup: PopupPage, name: string): Locator {
  return popup.page
    .getByTestId('file-card')
    .filter({ has: popup.page.getByTestId('file-name').getByText(name, { exact: true }) });
}

/**
 * Presses Accept, Decline or Cancel on the card of `name` in the conversation with `contact`, as a user does
 * (the buttons are named after the action and the file).
 */
export async function pressOnFileCard(
  popup: PopupPage,
  contact: string,
  name: string,
  action: 'Accept' | 'Decline' | 'Cancel',
): Promise<void> {
  if (!(await popup.conversationTitle(contact).isVisible())) {
    await popup.openChat(contact);
    await popup.conversationTitle(contact).waitFor();
  }
  await fileCard(popup, name)
    .getByRole('button', { name: `${action} ${name}`, exact: true })
    .click();
}
