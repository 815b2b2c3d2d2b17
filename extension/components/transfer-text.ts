import type { TransferView } from '../lib/messaging/protocol';
import type { TransferState } from '../lib/model';
import { formatDuration, formatSpeed, percentOf, secondsLeft, shownFileName } from './file-format';
import { t, type MessageKey } from '../lib/i18n';

/** Under way or about to be: what the popup's Transfers list shows. */
export const IN_PROGRESS: ReadonlySet<TransferState> = new Set(['accepted', 'active', 'paused']);

export type TransferAction = 'accept' | 'decline' | 'cancel';

/** The buttons a transfer offers: an incoming offer is answered; anything that may still move can be cancelled. */
export function actionsFor({
  state,
  direction,
}: Pick<TransferView, 'state' | 'direction'>): TransferAction[] {
  if (state === 'offered' && direction === 'in') return ['accept', 'decline'];
  return state === 'offered' || IN_PROGRESS.has(state) ? ['cancel'] : [];
}

/** Bytes moving, of how many, how fast (one transfer, or the moving ones of a room's file summed). */
export interface Progress {
  readonly bytes: number;
  readonly size: number;
  readonly bytesPerSecond?: number | undefined;
}

/** The line beside a progress bar: "42% · 3.1 MB/s · 12 s left" (speed and time once the speed is known). */
export function progressText({ bytes, size, bytesPerSecond }: Progress): string {
  const parts = [`${percentOf(bytes, size)}%`];
  if (bytesPerSecond !== undefined) parts.push(formatSpeed(bytesPerSecond));
  const left = secondsLeft(size - bytes, bytesPerSecond);
  if (left !== undefined) parts.push(t('timeLeft', [formatDuration(left)]));
  return parts.join(' · ');
}

const withReason = (what: string, reason: string | undefined): string =>
  reason ? t('withReason', [what, reason]) : what;

/** What a file card says of one transfer, for each state and direction. */
export function transferStatus(view: TransferView): string {
  switch (view.state) {
    case 'offered':
      return view.direction === 'in' ? t('transferOfferedIn') : t('transferWaitingAnswer');
    case 'accepted':
      return t('transferWaitingConnection');
    case 'active':
      return progressText({ bytes: view.bytes, size: view.file.size, bytesPerSecond: view.bytesPerSecond });
    case 'paused':
      return t('transferPaused');
    case 'done':
      if (view.direction === 'out') return t('transferDelivered');
      return view.savedAs ? t('transferSavedAs', [shownFileName(view.savedAs)]) : t('transferSaved');
    case 'declined':
      return withReason(t('transferDeclined'), view.error);
    case 'cancelled':
      return withReason(t('transferCancelled'), view.error);
    case 'failed':
      return withReason(t('transferFailed'), view.error ?? t('noReasonGiven'));
  }
}

// The order a room summary names the states in, after "n of m received".
const SUMMARY_PARTS: readonly [TransferState, MessageKey][] = [
  ['active', 'summarySending'],
  ['paused', 'summaryPaused'],
  ['accepted', 'summaryWaiting'],
  ['offered', 'summaryNotAnswered'],
  ['declined', 'summaryDeclined'],
  ['cancelled', 'summaryCancelled'],
  ['failed', 'summaryFailed'],
];

/** One line for a file sent to a room, from its members' transfers: "1 of 3 received, 1 sending, 1 declined". */
export function roomSummary(views: readonly TransferView[]): string {
  const count = (state: TransferState): number => views.filter((view) => view.state === state).length;
  const parts = [t('summaryReceived', [String(count('done')), String(views.length)])];
  for (const [state, key] of SUMMARY_PARTS) {
    const n = count(state);
    if (n > 0) parts.push(t(key, [String(n)]));
  }
  return parts.join(', ');
}

/** The members' active transfers of a room's file taken together; undefined when none is active. */
export function roomProgress(views: readonly TransferView[]): Progress | undefined {
  const active = views.filter((view) => view.state === 'active');
  if (active.length === 0) return undefined;
  const speeds = active.flatMap((view) => (view.bytesPerSecond === undefined ? [] : [view.bytesPerSecond]));
  return {
    bytes: active.reduce((sum, view) => sum + view.bytes, 0),
    size: active.reduce((sum, view) => sum + view.file.size, 0),
    // A sum of the known speeds; none known, none shown.
    bytesPerSecond: speeds.length ? speeds.reduce((sum, speed) => sum + speed, 0) : undefined,
  };
}
