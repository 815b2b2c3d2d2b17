import type { PopupPage } from './popup-page';

/** Opens a message's menu in a Chrome popup and picks an item of it (message-reply, message-edit, …). */
export async function fromMenu(popup: PopupPage, text: string, item: string): Promise<void> {
  await popup.bubble(text).getByTestId('message-menu').click();
  await popup.page.getByTestId(item).click();
}

/** Replies to the message `quoted` with `text`; resolves once the engine took it (the reply bar is gone). */
export async function reply(popup: PopupPage, quoted: string, text: string): Promise<void> {
  await fromMenu(popup, quoted, 'message-reply');
  await popup.page.getByTestId('composer-reply').waitFor();
  const box = popup.page.getByRole('textbox', { name: /^Message to / });
  await box.fill(text);
  await box.press('Enter');
  await popup.page.getByTestId('composer-reply').waitFor({ state: 'detached' });
}

/** Changes one's own message `before` into `after`; resolves once the edit is saved (the edit bar is gone). */
export async function edit(popup: PopupPage, before: string, after: string): Promise<void> {
  await fromMenu(popup, before, 'message-edit');
  const box = popup.page.getByRole('textbox', { name: 'Edit your message' });
  await box.fill(after);
  await box.press('Enter');
  await popup.page.getByTestId('composer-editing').waitFor({ state: 'detached' });
}
