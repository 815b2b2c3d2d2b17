import { useState } from 'preact/hooks';
import { FilePicker, filesProblem } from '../../components/share/FilePicker';
import { TargetChooser } from '../../components/share/TargetChooser';
import { FormError } from '../../components/FormError';
import { useAction } from '../../hooks/useAction';
import { useShareEngine } from '../../hooks/useShareEngine';
import type { EngineClient } from '../../lib/messaging/client';
import { shareRequest, type PendingShare } from '../../lib/share/pending-share';
import type { parseShareWindowQuery } from '../../lib/share/share-window';
import { t } from '../../lib/i18n';
import type { ConversationId } from '../../../shared/ids';

/** How long "Sent" stays before the window closes itself, in ms: long enough to be read and announced. */
export const CLOSE_AFTER_MS = 1_500;

interface Props {
  readonly params: ReturnType<typeof parseShareWindowQuery>;
}

/** The window's heading: what Send will send, worded whole (a language may not build it from "Send" and a noun). */
function headingOf(share: PendingShare | undefined): string {
  switch (share?.kind) {
    case undefined:
      return t('shareSendFiles');
    case 'link':
      return t('shareSendLink');
    case 'selection':
      return t('shareSendSelection');
    case 'page':
      return t('shareSendPage');
    case 'media':
      return t(share.src.startsWith('data:') ? 'shareSendInlineMedia' : 'shareSendMedia');
  }
}

/**
 * The share window: choose a conversation, then files (several at once) or, opened from the context menu's
 * "Choose…", what was clicked on; Send hands them to the engine and the window closes.
 */
export function ShareApp({ params }: Props) {
  const view = useShareEngine();
  const [selected, setSelected] = useState<ConversationId | undefined>(params.to);
  const [files, setFiles] = useState<readonly File[]>([]);
  const [sent, setSent] = useState<string>();
  const sending = useAction(t('notSent'));
  const { share } = params;

  const heading = headingOf(share);
  const header = (
    <>
      <h1>{heading}</h1>
      {params.problem && (
        <p class="error" role="alert">
          {params.problem}
        </p>
      )}
      {/* Why a send from the context menu failed: the same share is here to try again. */}
      <FormError error={params.error} />
    </>
  );
  if (view.phase !== 'ready') {
    return (
      <main class="share">
        {header}
        <p class="loading" role="status">
          {view.phase === 'connecting' ? (view.error ?? t('starting')) : view.reason}
        </p>
      </main>
    );
  }
  const { client, targets } = view;
  const target = targets.find((candidate) => candidate.id === selected);

  const send = (): void => {
    if (sending.busy || sent) return;
    void sending.run(async () => {
      if (!target) throw new Error(t('chooseWhom'));
      if (!share) {
        if (files.length === 0) throw new Error(t('chooseAFile'));
        const problem = filesProblem(files);
        if (problem) throw new Error(problem);
      }
      await sendTo(client, target.id, share, files);
      setSent(t('sentTo', [target.name]));
      setTimeout(() => window.close(), CLOSE_AFTER_MS);
    });
  };

  return (
    <main class="share">
      {header}
      <form
        aria-busy={sending.busy}
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <TargetChooser targets={targets} selected={target?.id} onSelect={setSelected} />
        {share ? (
          <SharePreview share={share} />
        ) : (
          <FilePicker files={files} onChange={setFiles} disabled={sending.busy || sent !== undefined} />
        )}
        <FormError error={sending.error} />
        <p class="share-status" role="status" aria-live="polite">
          {sending.busy ? t('sending') : sent}
        </p>
        <div class="actions">
          <button type="button" onClick={() => window.close()}>
            {sent ? t('close') : t('cancel')}
          </button>
          <button type="submit" disabled={sending.busy || sent !== undefined}>
            {t('send')}
          </button>
        </div>
      </form>
    </main>
  );
}

async function sendTo(
  client: EngineClient,
  peerId: ConversationId,
  share: PendingShare | undefined,
  files: readonly File[],
): Promise<void> {
  if (!share) {
    // File objects by structured clone over the direct channel (useShareEngine insists on one).
    await client.request('sendFiles', { peerId, files: [...files] });
    return;
  }
  const request = shareRequest(peerId, share);
  if (request.method === 'sharePage') await client.request('sharePage', request.params);
  else await client.request('shareMedia', request.params);
}

/** What "Choose…" will send, shown as text only (never loaded: an address is not fetched until Send). */
function SharePreview({ share }: { readonly share: PendingShare }) {
  const address = share.kind === 'media' ? share.src : share.url;
  const text = share.kind === 'media' ? undefined : share.text;
  return (
    <section class="share-preview" aria-label={t('whatWillBeSent')}>
      <p class="share-url">{address.length > 200 ? `${address.slice(0, 200)}…` : address}</p>
      {text && <blockquote>{text}</blockquote>}
      {share.kind === 'media' && share.url && <p class="hint">{t('fromPage', [share.url])}</p>}
    </section>
  );
}
