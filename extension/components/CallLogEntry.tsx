import type { ChatMessage } from '../lib/model';
import { callText } from '../lib/engine/calls/call-log';
import { Icon } from './Icon';

interface Props {
  /** A history entry with `call` set (see model.ts CallInfo). */
  readonly message: ChatMessage;
}

/** One call in a conversation's history: voice or video, who called, how it ended, and how long it lasted. */
export function CallLogEntry({ message }: Props) {
  const call = message.call;
  if (!call) return null;
  const time = new Date(message.sentAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const missed = call.outcome === 'missed' && message.direction === 'in';
  return (
    <div
      class={`call-entry ${call.outcome}${missed ? ' missed-in' : ''}`}
      data-testid="call-entry"
      data-outcome={call.outcome}
      data-direction={message.direction}
      role={call.outcome === 'failed' && call.warning ? 'alert' : undefined}
    >
      <Icon name={call.media === 'video' ? 'video' : 'phone'} size={16} />{' '}
      <span class="call-entry-text">{callText(call, message.direction)}</span>{' '}
      <time dateTime={new Date(message.sentAt).toISOString()}>{time}</time>
    </div>
  );
}
