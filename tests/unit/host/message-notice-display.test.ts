import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';

const OWN = 'ownextension';
type Listener = (...args: unknown[]) => unknown;
const listeners = { message: [] as Listener[], clicked: [] as Listener[], connect: [] as Listener[] };
const create = vi.fn<(id: string, options: object) => Promise<string>>(async () => 'id');
const clear = vi.fn<(id: string) => Promise<boolean>>(async () => true);
const createWindow = vi.fn<(options: object) => Promise<object>>(async () => ({}));

vi.mock('wxt/browser', () => ({
  browser: {
    runtime: {
      id: OWN,
      getURL: (path: string) => `chrome-extension://${OWN}${path}`,
      onMessage: { addListener: (listener: Listener) => void listeners.message.push(listener) },
      onConnect: { addListener: (listener: Listener) => void listeners.connect.push(listener) },
    },
    // The words a notice takes (as the browser gives them from _locales, here the key and the words).
    i18n: { getMessage: (key: string, words: string[] = []) => `${key}(${words.join(',')})` },
    notifications: {
      create,
      clear,
      onClicked: { addListener: (listener: Listener) => void listeners.clicked.push(listener) },
    },
    windows: { create: createWindow },
  },
}));
const { answerMessageNoticeRequests, openConversationsFromNotices, watchOpenPopups } =
  await import('../../../extension/lib/host/message-notice-display');

const OFFSCREEN = { id: OWN, url: `chrome-extension://${OWN}/offscreen.html` };
const bob = randomId();

afterEach(() => {
  for (const list of Object.values(listeners)) list.length = 0;
  vi.clearAllMocks();
});

describe('message notices in the background', () => {
  it('shows and clears what the offscreen engine asks, worded here, and nothing another page asks', () => {
    answerMessageNoticeRequests();
    const send = (message: unknown, sender: unknown): void => {
      for (const listener of listeners.message) listener(message, sender, () => undefined);
    };
    send({ type: 'message-notice:show', conversation: bob, count: 2 }, OFFSCREEN);
    expect(create).toHaveBeenCalledWith(`message:${bob}`, {
      type: 'basic',
      iconUrl: `chrome-extension://${OWN}/icon/128.png`,
      title: 'noticeNewMessages(2)',
      message: 'noticeOpenToRead()',
    });
    send({ type: 'message-notice:clear', conversation: bob }, OFFSCREEN);
    expect(clear).toHaveBeenCalledWith(`message:${bob}`);

    vi.clearAllMocks();
    const popup = { id: OWN, url: `chrome-extension://${OWN}/popup.html` };
    send({ type: 'message-notice:show', conversation: bob, count: 1 }, popup);
    send({ type: 'message-notice:show', conversation: bob, count: 1 }, { ...OFFSCREEN, id: 'another' });
    send({ type: 'message-notice:show', conversation: '../x', count: 1 }, OFFSCREEN);
    expect(create).not.toHaveBeenCalled();
  });

  it('opens the conversation of a clicked message notice in a popup-sized window, and only that', () => {
    openConversationsFromNotices();
    for (const listener of listeners.clicked) listener(`message:${bob}`);
    expect(createWindow).toHaveBeenCalledWith({
      url: `chrome-extension://${OWN}/popup.html?conversation=${bob}`,
      type: 'popup',
      width: 400,
      height: 600,
    });
    expect(clear).toHaveBeenCalledWith(`message:${bob}`);
    vi.clearAllMocks();
    for (const listener of listeners.clicked) listener(`transfer:m1:${bob}`);
    expect(createWindow).not.toHaveBeenCalled();
  });

  it('counts a popup open while its engine Port is, and no other page', () => {
    const popupOpen = watchOpenPopups();
    const port = (path: string, name = 'engine') => {
      const disconnect: Listener[] = [];
      const opened = {
        name,
        sender: { id: OWN, url: `chrome-extension://${OWN}${path}` },
        onDisconnect: { addListener: (listener: Listener) => void disconnect.push(listener) },
      };
      for (const listener of listeners.connect) listener(opened);
      return () => disconnect.forEach((listener) => listener());
    };
    const closeOptions = port('/options.html');
    port('/popup.html', 'other');
    expect(popupOpen()).toBe(false);
    const closeFirst = port('/popup.html');
    const closeSecond = port('/popup.html?conversation=x');
    expect(popupOpen()).toBe(true);
    closeFirst();
    expect(popupOpen()).toBe(true);
    closeSecond();
    closeOptions();
    expect(popupOpen()).toBe(false);
  });
});
