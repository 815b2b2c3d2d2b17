// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { aliceWithBob } from '../../support/popup-state';
import { mount, recordingClient, unmountAll } from './fake-client';

// The popup reaches the engine through connectEngine(); here it gets a fake engine instead.
const engine = vi.hoisted((): { client: unknown } => ({ client: undefined }));
vi.mock('../../../extension/lib/messaging/client', () => ({
  connectEngine: () => Promise.resolve(engine.client),
}));
// The browser's side: only what the Settings button calls, counting its calls.
const runtime = vi.hoisted(() => {
  const state = { calls: 0, answer: (): Promise<void> => Promise.resolve() };
  return {
    state,
    openOptionsPage: (): Promise<void> => {
      state.calls += 1;
      return state.answer();
    },
  };
});
vi.mock('wxt/browser', () => ({ browser: { runtime } }));
const { App } = await import('../../../extension/entrypoints/popup/App');

beforeEach(() => {
  runtime.state.calls = 0;
  runtime.state.answer = () => Promise.resolve();
});
afterEach(unmountAll);

function popup(): HTMLElement {
  engine.client = recordingClient({
    getState: () => Promise.resolve(aliceWithBob(randomId(), randomId())),
    listCalls: () => Promise.resolve([]),
  }).client;
  return mount(<App />);
}

const settingsButton = (root: HTMLElement): Promise<HTMLButtonElement> =>
  vi.waitFor(() => {
    const found = root.querySelector<HTMLButtonElement>('button[aria-label="Settings"]');
    if (!found) throw new Error('no Settings button yet');
    return found;
  });

describe("the popup's Settings", () => {
  it('open the options page, and the popup stays on the list (it has no settings screen of its own)', async () => {
    const root = popup();
    (await settingsButton(root)).click();
    expect(runtime.state.calls).toBe(1);
    await vi.waitFor(() => expect(root.querySelector('.conversation-list')).not.toBeNull());
    expect(root.querySelector('form.settings')).toBeNull();
    expect(root.querySelector('[role="alert"]')).toBeNull();
  });

  it('say so when the browser does not open the options page', async () => {
    runtime.state.answer = () => Promise.reject(new Error('no options page'));
    const root = popup();
    (await settingsButton(root)).click();
    await vi.waitFor(() =>
      expect(root.querySelector('[role="alert"]')?.textContent).toBe(
        'Settings did not open: no options page',
      ),
    );
  });
});
