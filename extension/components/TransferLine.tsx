import { useAction } from '../hooks/useAction';
import { errorMessage } from '../lib/errors';
import type { EngineClient } from '../lib/messaging/client';
import type { TransferView } from '../lib/messaging/protocol';
import { shownFileName } from './file-format';
import { FormError } from './FormError';
import { TransferProgress } from './TransferProgress';
import { actionsFor, transferStatus } from './transfer-text';
import { t } from '../lib/i18n';

interface Props {
  readonly view: TransferView;
  readonly client: EngineClient;
  /** Where several share a list, what tells this one apart ("for Bob", "from Bob"): it names the buttons. */
  readonly qualifier?: string | undefined;
}

/** One transfer: where it stands (a progress bar while active) and what can be done (accept, decline, cancel). */
export function TransferLine({ view, client, qualifier }: Props) {
  const acting = useAction();
  const about = qualifier ? `${shownFileName(view.file.name)} ${qualifier}` : shownFileName(view.file.name);
  const { conversation, messageId } = view;
  // The engine's reason, after what did not happen.
  const act = (failed: string, request: () => Promise<unknown>): void =>
    void acting.run(() =>
      request().then(
        () => undefined,
        (caught: unknown) => {
          throw new Error(t('withReason', [failed, errorMessage(caught)]));
        },
      ),
    );
  const answer = (accept: boolean): void =>
    act(accept ? t('notAccepted') : t('notDeclined'), () =>
      client.request('answerFile', { conversation, messageId, accept }),
    );
  // Outgoing: this receiver only (a room's file goes on to the others). Incoming: the one transfer there is.
  const cancel = (): void =>
    act(t('notCancelled'), () =>
      client.request('cancelFile', {
        conversation,
        messageId,
        ...(view.direction === 'out' ? { peer: view.peer } : {}),
      }),
    );
  const buttons = {
    accept: { label: t('accept'), named: t('acceptFile', [about]), run: () => answer(true) },
    decline: { label: t('decline'), named: t('declineFile', [about]), run: () => answer(false) },
    cancel: { label: t('cancel'), named: t('cancelFile', [about]), run: cancel },
  };

  return (
    <div class={`transfer transfer-${view.state}`} data-testid="transfer" data-state={view.state}>
      {view.state === 'active' ? (
        <TransferProgress
          progress={{ bytes: view.bytes, size: view.file.size, bytesPerSecond: view.bytesPerSecond }}
          label={t(view.direction === 'in' ? 'receivingFile' : 'sendingFile', [about])}
        />
      ) : (
        <span class="transfer-status" data-testid="transfer-status">
          {transferStatus(view)}
        </span>
      )}
      <span class="transfer-actions">
        {actionsFor(view).map((action) => (
          <button
            key={action}
            type="button"
            class={action === 'accept' ? 'small' : 'small danger'}
            disabled={acting.busy}
            aria-label={buttons[action].named}
            onClick={buttons[action].run}
          >
            {buttons[action].label}
          </button>
        ))}
      </span>
      <FormError error={acting.error} />
    </div>
  );
}
