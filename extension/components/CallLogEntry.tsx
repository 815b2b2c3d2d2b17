import type { CallInfo, ChatMessage } from '../lib/model';
import { formatDuration } from '../lib/engine/calls/call-log';
import { Icon } from './Icon';
import { t, type MessageKey } from '../lib/i18n';

interface Props {
  /** A history entry with `call` set (see model.ts CallInfo). */
  readonly message: ChatMessage;
  /** Its row's key in the log (its element's data-key). */
  readonly rowKey?: string;
  /** The first of its group in the log: space above it. */
  readonly groupStart?: boolean;
}

type Voiced = readonly [voice: MessageKey, video: MessageKey];

/** Each outcome's words, by direction: whole phrases, since a language may not build "voice call" from parts. */
const ENTRY_WORDS: Record<CallInfo['outcome'], Record<ChatMessage['direction'], Voiced>> = {
  missed: {
    in: ['callEntryMissedInVoice', 'callEntryMissedInVideo'],
    out: ['callEntryMissedOutVoice', 'callEntryMissedOutVideo'],
  },
  declined: {
    in: ['callEntryDeclinedInVoice', 'callEntryDeclinedInVideo'],
    out: ['callEntryDeclinedOutVoice', 'callEntryDeclinedOutVideo'],
  },
  busy: {
    in: ['callEntryBusyInVoice', 'callEntryBusyInVideo'],
    out: ['callEntryBusyOutVoice', 'callEntryBusyOutVideo'],
  },
  ended: {
    in: ['callEntryEndedVoice', 'callEntryEndedVideo'],
    out: ['callEntryEndedVoice', 'callEntryEndedVideo'],
  },
  failed: {
    in: ['callEntryFailedVoice', 'callEntryFailedVideo'],
    out: ['callEntryFailedVoice', 'callEntryFailedVideo'],
  },
};

/**
 * The entry's words in the browser's language (the engine's callText, which a backup holds, is English). A failed
 * call's warning comes from the engine and stays as it was written.
 */
export function callEntryText(call: CallInfo, direction: ChatMessage['direction']): string {
  if (call.outcome === 'failed' && call.warning) return call.warning;
  const [voice, video] = ENTRY_WORDS[call.outcome][direction];
  return t(call.media === 'video' ? video : voice, [formatDuration(call.durationMs ?? 0)]);
}

/** One call in a conversation's history: voice or video, who called, how it ended, and how long it lasted. */
export function CallLogEntry({ message, rowKey, groupStart = true }: Props) {
  const call = message.call;
  if (!call) return null;
  const time = new Date(message.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const missed = call.outcome === 'missed' && message.direction === 'in';
  return (
    <div
      class={`call-entry ${call.outcome}${missed ? ' missed-in' : ''}${groupStart ? ' log-group-start' : ''}`}
      data-testid="call-entry"
      data-key={rowKey}
      data-outcome={call.outcome}
      data-direction={message.direction}
      role={call.outcome === 'failed' && call.warning ? 'alert' : undefined}
    >
      <Icon name={call.media === 'video' ? 'video' : 'phone'} size={16} />{' '}
      <span class="call-entry-text">{callEntryText(call, message.direction)}</span>{' '}
      <time dateTime={new Date(message.sentAt).toISOString()}>{time}</time>
    </div>
  );
}
