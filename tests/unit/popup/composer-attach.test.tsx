// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { alerts, mount, recordingClient, settle, unmountAll } from './fake-client';

// The attach button opens a window through wxt/browser: a fake of the part it uses.
const browser = vi.hoisted(() => ({
  windows: { create: vi.fn<(options: unknown) => Promise<unknown>>(() => Promise.resolve({})) },
  runtime: { getURL: (path: string) => `chrome-extension://abc${path}` },
}));
vi.mock('wxt/browser', () => ({ browser }));
const { Composer } = await import('../../../extension/components/Composer');

afterEach(() => {
  unmountAll();
  browser.windows.create.mockReset();
});

const attach = (root: ParentNode): HTMLButtonElement => {
  const found = root.querySelector<HTMLButtonElement>('button[aria-label="Send a file"]');
  if (!found) throw new Error('no "Send a file" button');
  return found;
};

describe('the composer', () => {
  it('opens the share window for this conversation from its paperclip', async () => {
    const conversationId = `r${randomId()}`;
    const { client } = recordingClient();
    const root = mount(
      <Composer client={client} conversationId={conversationId} title="Bob" canWrite placeholder="" />,
    );
    expect(attach(root).querySelector('svg')?.getAttribute('aria-hidden')).toBe('true');
    attach(root).click();
    await settle();
    expect(browser.windows.create).toHaveBeenCalledWith({
      url: `chrome-extension://abc/share.html?to=${conversationId}`,
      type: 'popup',
      width: 420,
      height: 560,
    });
  });

  it('says so when the window does not open, and offers no file where no message may go', async () => {
    browser.windows.create.mockRejectedValueOnce(new Error('No window here'));
    const { client } = recordingClient();
    const root = mount(
      <Composer client={client} conversationId={randomId()} title="Bob" canWrite placeholder="" />,
    );
    attach(root).click();
    await vi.waitFor(() => expect(alerts(root)).toEqual(['The file window did not open: No window here']));
    const closed = mount(
      <Composer client={client} conversationId={randomId()} title="Bob" canWrite={false} placeholder="" />,
    );
    expect(attach(closed).disabled).toBe(true);
  });
});
