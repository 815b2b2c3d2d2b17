// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import type { EngineClient } from '../../../extension/lib/messaging/client';
import { rememberConversation } from '../../../extension/lib/ui/last-conversation';
import { HISTORY_PAGE } from '../../../extension/hooks/useConversation';
import { FIRST_RENDER_WAIT, mountPage } from '../../../extension/components/mount-page';
import { aliceWithBob, messageFrom } from '../../support/popup-state';
import { chatAnswers, mount, recordingClient, settle, unmountAll } from './fake-client';

// The popup reaches the engine through connectEngine(); here it gets a fake engine instead.
const engine = vi.hoisted((): { client: unknown } => ({ client: undefined }));
vi.mock('../../../extension/lib/messaging/client', () => ({
  connectEngine: () => Promise.resolve(engine.client),
}));
// What mountPage asks of the browser: the theme picked (none), and strings (none: English from the table).
vi.mock('wxt/browser', () => ({
  browser: {
    storage: { local: { get: () => Promise.resolve({}) }, onChanged: { addListener: () => undefined } },
    i18n: { getMessage: () => '' },
  },
}));
const { App, askOpeningPage } = await import('../../../extension/entrypoints/popup/App');
const { connectEngineEarly } = await import('../../../extension/hooks/useEngine');

afterEach(() => {
  unmountAll();
  vi.useRealTimers();
  document.body.replaceChildren();
});

const alice = randomId();
const bob = randomId();
const fromBob = messageFrom(bob, 'Lunch at noon?');

const texts = (root: ParentNode): string[] =>
  [...root.querySelectorAll('[data-testid="message-text"]')].map((node) => node.textContent);

/** What the page asked the engine for its start: its state and the conversation's newest page. */
const startAsks = (calls: readonly [string, unknown][]) =>
  calls.filter(([method]) => method === 'getState' || method === 'openConversation');

describe('the popup, started before its first render (connectEngineEarly)', () => {
  it('shows the conversation it was left on, with its messages, in its first render once the engine answered', async () => {
    const fake = recordingClient(chatAnswers(aliceWithBob(alice, bob), [fromBob]));
    engine.client = fake.client;
    rememberConversation(bob); // where the last popup was left
    await connectEngineEarly(askOpeningPage);
    expect(startAsks(fake.calls)).toEqual([
      ['getState', {}],
      ['openConversation', { peerId: bob, limit: HISTORY_PAGE }],
    ]);

    // No wait: the render that mounts the popup is the one that shows them.
    const root = mount(<App />);
    expect(root.textContent).not.toContain('Starting');
    expect(texts(root)).toEqual(['Lunch at noon?']);

    // Taken as it was: the effects that follow ask neither again.
    await settle();
    await settle();
    expect(startAsks(fake.calls)).toHaveLength(2);
    expect(texts(root)).toEqual(['Lunch at noon?']);
  });

  it('draws the list behind the conversation it opens on only after that first render, and at once when it opens on the list', async () => {
    const fake = recordingClient(chatAnswers(aliceWithBob(alice, bob), [fromBob]));
    engine.client = fake.client;
    rememberConversation(bob);
    await connectEngineEarly(askOpeningPage);
    const root = mount(<App />);
    expect(texts(root)).toEqual(['Lunch at noon?']);
    expect(root.querySelector('.conversation-list')).toBeNull();
    // Once painted, the list is there behind it (inert), for the way back.
    await vi.waitFor(() => {
      expect(
        root.querySelector('.screen[inert] .conversation-list [data-testid="contact"]')?.textContent,
      ).toContain('Bob');
    });
    unmountAll();

    rememberConversation(undefined);
    await connectEngineEarly(askOpeningPage);
    const onList = mount(<App />);
    expect(
      onList.querySelector('.screen:not([inert]) .conversation-list [data-testid="contact"]')?.textContent,
    ).toContain('Bob');
  });

  it('follows the states the engine told between its answer and the page taking the connection', async () => {
    const fake = recordingClient(chatAnswers(aliceWithBob(alice, bob), [fromBob]));
    engine.client = fake.client;
    await connectEngineEarly(askOpeningPage);
    const root = mount(<App />);
    expect(root.querySelector('[data-testid="contact"]')?.textContent).toContain('Bob');

    // Told after the first render, before the effect that takes the connection ran: not lost.
    const renamed = aliceWithBob(alice, bob);
    fake.pushState({ ...renamed, contacts: renamed.contacts.map((c) => ({ ...c, name: 'Robert' })) });
    await vi.waitFor(() => {
      expect(root.querySelector('[data-testid="contact"]')?.textContent).toContain('Robert');
    });
  });

  it('connects again if the engine went away before the page took the connection', async () => {
    let closeFirst: (() => void) | undefined;
    const first = recordingClient(chatAnswers(aliceWithBob(alice, bob)));
    const closing: EngineClient = {
      ...first.client,
      onClose: (listener) => {
        const previous = closeFirst;
        closeFirst = () => {
          previous?.();
          listener();
        };
      },
    };
    engine.client = closing;
    await connectEngineEarly(askOpeningPage);
    closeFirst?.(); // the engine's document closed
    const second = recordingClient(chatAnswers(aliceWithBob(alice, bob)));
    engine.client = second.client;

    const root = mount(<App />);
    await vi.waitFor(() => expect(startAsks(second.calls)).toEqual([['getState', {}]]), { timeout: 2_000 });
    await vi.waitFor(() => expect(root.querySelector('[data-testid="contact"]')).not.toBeNull());
  });
});

describe('mountPage', () => {
  const page = (ready?: Promise<unknown>) => {
    const app = document.createElement('div');
    app.id = 'app';
    document.body.append(app);
    mountPage({ name: 'test', title: 'popupTitle', part: 'partMessenger', app: () => <p>shown</p>, ready });
    return app;
  };

  it('renders at once what it waits for, once it is in', async () => {
    let answer!: () => void;
    const app = page(new Promise<void>((resolve) => (answer = resolve)));
    await settle();
    expect(app.textContent).toBe('');
    answer();
    await vi.waitFor(() => expect(app.textContent).toBe('shown'));
  });

  it('renders after FIRST_RENDER_WAIT if what it waits for has not come (an engine starting), or failed', async () => {
    vi.useFakeTimers();
    const app = page(new Promise(() => undefined));
    await vi.advanceTimersByTimeAsync(FIRST_RENDER_WAIT - 1);
    expect(app.textContent).toBe('');
    await vi.advanceTimersByTimeAsync(1);
    expect(app.textContent).toBe('shown');

    document.body.replaceChildren();
    const failed = page(Promise.reject(new Error('the engine is gone')));
    await vi.advanceTimersByTimeAsync(0);
    expect(failed.textContent).toBe('shown');
  });
});
