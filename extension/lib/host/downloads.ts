/**
 * Saving a received file to the user's downloads folder. The downloads API is the background's on Chrome (the
 * offscreen document, where the engine runs, has only the runtime API): the engine makes a blob: URL of the file
 * and asks the background to download it. On Firefox the engine's background page downloads it itself.
 * The background words why a download failed (the popup shows it on the file); what the offscreen document says
 * itself stays English (it has no i18n API).
 */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { isOwnPage } from '../messaging/own-page';
import { extensionUrl } from '../extension-url';
import { errorMessage } from '../errors';
import { t } from '../i18n';

/** The engine's page on Chrome, the only one whose download requests the background answers. */
export const DOWNLOAD_PAGES: readonly string[] = ['/offscreen.html'];

/** Longest name a download request may carry (safeFileName gives at most 200 characters). */
const MAX_REQUEST_NAME_LENGTH = 255;

const DownloadRequestSchema = v.strictObject({
  type: v.literal('download:file'),
  /** A blob: URL of this extension's origin (checked against it when answered). */
  url: v.pipe(v.string(), v.startsWith('blob:'), v.maxLength(512)),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_REQUEST_NAME_LENGTH)),
});
type DownloadRequest = v.InferOutput<typeof DownloadRequestSchema>;

const DownloadAnswerSchema = v.variant('ok', [
  v.strictObject({ ok: v.literal(true), name: v.string() }),
  v.strictObject({ ok: v.literal(false), error: v.string() }),
]);
type DownloadAnswer = v.InferOutput<typeof DownloadAnswerSchema>;

/** Chrome's danger states that hold a download until the user accepts it: such a download is cancelled. */
const WAITING_DANGERS = new Set([
  'file',
  'url',
  'content',
  'uncommon',
  'host',
  'unwanted',
  'accountCompromise',
]);

/**
 * Downloads `url` into the downloads folder as `name` (never asking where, never opening it; a name taken gets a
 * counter) and resolves once it is complete to the name the browser gave it (the base name only). Rejects with a
 * clear Error if the browser refuses the name, the download is interrupted, or the browser holds it as dangerous.
 */
export function downloadAndWait(url: string, name: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let id: number | undefined;
    const early: Browser.downloads.DownloadDelta[] = []; // changes that came before download() told the id
    const settle = (outcome: () => void): void => {
      browser.downloads.onChanged.removeListener(listener);
      outcome();
    };
    const fail = (why: string) => settle(() => reject(new Error(t('saveFailed', [name, why]))));
    const onDelta = (delta: Browser.downloads.DownloadDelta): void => {
      if (id === undefined || delta.id !== id) return;
      const found = id;
      if (delta.state?.current === 'complete')
        settle(() => resolve(finalName(found, name).catch(() => name)));
      else if (delta.state?.current === 'interrupted')
        fail(t('downloadInterrupted', [delta.error?.current ?? t('noReasonGiven')]));
      else if (delta.danger?.current !== undefined && WAITING_DANGERS.has(delta.danger.current)) {
        void browser.downloads.cancel(found).catch(() => undefined);
        fail(t('downloadDangerous', [delta.danger.current]));
      }
    };
    const listener = (delta: Browser.downloads.DownloadDelta): void => {
      if (id === undefined) early.push(delta);
      else onDelta(delta);
    };
    browser.downloads.onChanged.addListener(listener);
    browser.downloads
      .download({ url, filename: name, conflictAction: 'uniquify', saveAs: false })
      .then(async (started) => {
        id = started;
        for (const delta of early.splice(0)) onDelta(delta);
        // A download that finished before the listener heard of it: ask once.
        const [item] = await browser.downloads.search({ id: started });
        if (item?.state === 'complete') onDelta({ id: started, state: { current: 'complete' } });
        else if (item?.state === 'interrupted')
          onDelta({ id: started, state: { current: 'interrupted' }, error: { current: item.error ?? '' } });
        else if (item) onDelta({ id: started, danger: { current: item.danger } });
      })
      .catch((error: unknown) => fail(t('downloadRefused', [errorMessage(error)])));
  });
}

/** The base name the download `id` was saved under (`fallback` if the browser does not say). */
async function finalName(id: number, fallback: string): Promise<string> {
  const [item] = await browser.downloads.search({ id });
  const path = item?.filename ?? '';
  const base = path.split(/[/\\]/).pop() ?? '';
  return base === '' ? fallback : base;
}

/** From the offscreen document (Chrome): asks the background to download `url` as `name`, and waits for the end. */
export async function requestDownload(url: string, name: string): Promise<string> {
  const answer: unknown = await browser.runtime
    .sendMessage({ type: 'download:file', url, name } satisfies DownloadRequest)
    .catch((error: unknown) => {
      throw new Error(`Saving “${name}” failed: the background did not answer (${String(error)}).`);
    });
  const parsed = v.safeParse(DownloadAnswerSchema, answer);
  if (!parsed.success) throw new Error(`Saving “${name}” failed: the background gave no answer.`);
  if (!parsed.output.ok) throw new Error(parsed.output.error);
  return parsed.output.name;
}

/** In the background (Chrome): downloads what the engine's offscreen document asks for, answering with the name. */
export function answerDownloadRequests(): void {
  browser.runtime.onMessage.addListener(
    (
      message: unknown,
      sender: Browser.runtime.MessageSender,
      sendResponse: (answer: DownloadAnswer) => void,
    ) => {
      if (!v.is(DownloadRequestSchema, message) || !isOwnPage(sender, DOWNLOAD_PAGES)) return undefined;
      if (!isOwnBlobUrl(message.url)) {
        sendResponse({ ok: false, error: 'Saving a file failed: not a file of this extension.' });
        return undefined;
      }
      downloadAndWait(message.url, message.name).then(
        (name) => sendResponse({ ok: true, name }),
        (error: unknown) => sendResponse({ ok: false, error: errorMessage(error) }),
      );
      return true; // keeps the channel open for the asynchronous answer
    },
  );
}

/** A blob: URL made by one of this extension's pages (`blob:chrome-extension://<id>/<uuid>`). */
function isOwnBlobUrl(url: string): boolean {
  const own = extensionUrl('/');
  return url.startsWith(`blob:${own}`);
}
