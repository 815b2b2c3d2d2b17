import { afterEach, describe, expect, it, vi } from 'vitest';

const OWN = 'ownextension';
type Listener = (message: unknown, sender: unknown, respond: (answer: unknown) => void) => unknown;
interface Delta {
  id: number;
  state?: { current: string };
  danger?: { current: string };
  error?: { current: string };
}
const messageListeners: Listener[] = [];
const changeListeners = new Set<(delta: Delta) => void>();
/** What the fake browser does with the next download: the changes it reports, and the item search finds. */
let script: {
  refuse?: string;
  deltas: Omit<Delta, 'id'>[];
  item: { filename: string; state: string; danger: string };
};
const download = vi.fn<(options: { url: string; filename: string }) => Promise<number>>(async () => {
  if (script.refuse) throw new Error(script.refuse);
  const id = 7;
  // Changes come before download() resolves, as they may in a browser.
  for (const delta of script.deltas) for (const listener of changeListeners) listener({ id, ...delta });
  return id;
});
const cancel = vi.fn(async () => undefined);

vi.mock('wxt/browser', () => ({
  browser: {
    runtime: {
      id: OWN,
      getURL: (path: string) => `chrome-extension://${OWN}${path}`,
      onMessage: { addListener: (listener: Listener) => void messageListeners.push(listener) },
    },
    downloads: {
      download,
      cancel,
      search: async () => [script.item],
      onChanged: {
        addListener: (listener: (delta: Delta) => void) => void changeListeners.add(listener),
        removeListener: (listener: (delta: Delta) => void) => void changeListeners.delete(listener),
      },
    },
  },
}));
const { answerDownloadRequests, downloadAndWait } = await import('../../../extension/lib/host/downloads');

const OFFSCREEN = { id: OWN, url: `chrome-extension://${OWN}/offscreen.html` };
const BLOB = `blob:chrome-extension://${OWN}/0b6f3c1e-1111-2222-3333-444455556666`;
const complete = (filename: string) => ({
  deltas: [{ state: { current: 'complete' } }],
  item: { filename, state: 'complete', danger: 'safe' },
});

/** Sends a runtime message to the background's listeners; resolves to the asynchronous answer, if any. */
function ask(message: unknown, sender: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const kept = messageListeners.map((listener) => listener(message, sender, resolve));
    if (!kept.includes(true)) setTimeout(() => resolve('no answer'), 0);
  });
}

afterEach(() => {
  messageListeners.length = 0;
  changeListeners.clear();
  download.mockClear();
  cancel.mockClear();
});

describe('downloads for the engine', () => {
  it('downloads a blob of this extension for the offscreen document, answering with the name saved', async () => {
    answerDownloadRequests();
    script = complete('/home/me/Downloads/photo (1).png');
    const answer = await ask({ type: 'download:file', url: BLOB, name: 'photo.png' }, OFFSCREEN);
    expect(answer).toEqual({ ok: true, name: 'photo (1).png' });
    expect(download).toHaveBeenCalledWith({
      url: BLOB,
      filename: 'photo.png',
      conflictAction: 'uniquify',
      saveAs: false,
    });
    expect(changeListeners.size).toBe(0);
  });

  it('answers nobody but the offscreen document, and downloads no other URL', async () => {
    answerDownloadRequests();
    script = complete('C:\\Users\\me\\Downloads\\x.txt');
    const request = { type: 'download:file', url: BLOB, name: 'x.txt' };
    expect(await ask(request, { id: OWN, url: `chrome-extension://${OWN}/popup.html` })).toBe('no answer');
    expect(await ask(request, { id: 'other', url: 'chrome-extension://other/offscreen.html' })).toBe(
      'no answer',
    );
    expect(await ask({ ...request, url: 'https://evil.example/x' }, OFFSCREEN)).toBe('no answer');
    expect(await ask({ ...request, url: 'blob:https://evil.example/1' }, OFFSCREEN)).toEqual({
      ok: false,
      error: expect.stringMatching(/not a file of this extension/) as unknown,
    });
    expect(download).not.toHaveBeenCalled();
  });

  it('says why a download failed', async () => {
    script = { refuse: 'Invalid filename', deltas: [], item: { filename: '', state: '', danger: 'safe' } };
    await expect(downloadAndWait(BLOB, 'x.txt')).rejects.toThrow(
      'Saving “x.txt” failed: the browser refused it (Invalid filename).',
    );
    script = {
      deltas: [{ state: { current: 'interrupted' }, error: { current: 'FILE_NO_SPACE' } }],
      item: { filename: '', state: 'interrupted', danger: 'safe' },
    };
    await expect(downloadAndWait(BLOB, 'x.txt')).rejects.toThrow(/interrupted \(FILE_NO_SPACE\)/);
  });

  it('cancels a download the browser holds as dangerous, rather than waiting for a click', async () => {
    script = {
      deltas: [{ danger: { current: 'file' } }],
      item: { filename: '', state: 'in_progress', danger: 'file' },
    };
    await expect(downloadAndWait(BLOB, 'x.bin')).rejects.toThrow(/dangerous \(file\)/);
    expect(cancel).toHaveBeenCalledWith(7);
  });
});
