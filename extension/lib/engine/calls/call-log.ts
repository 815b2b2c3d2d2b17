/** A call's entry in the conversation's history: each side logs its own (nothing about it is sent as a message). */
import type { CallInfo, ChatMessage } from '../../model';
import type { CallView } from '../../messaging/call-protocol';

const mediaWord = (media: CallInfo['media']): string => (media === 'video' ? 'video' : 'voice');

/** "1:05", "12:00", "1:02:03" */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** The entry's text, as the history shows it where CallLogEntry is not used (and as a backup holds it). */
export function callText(info: CallInfo, direction: ChatMessage['direction']): string {
  const kind = mediaWord(info.media);
  switch (info.outcome) {
    case 'missed':
      return direction === 'in' ? `Missed ${kind} call` : `${capital(kind)} call not answered`;
    case 'declined':
      return direction === 'in' ? `${capital(kind)} call declined` : `${capital(kind)} call declined by them`;
    case 'busy':
      return direction === 'in' ? `${capital(kind)} call while you were busy` : `${capital(kind)} call: busy`;
    case 'ended':
      return `${capital(kind)} call, ${formatDuration(info.durationMs ?? 0)}`;
    case 'failed':
      return info.warning ?? `${capital(kind)} call failed`;
  }
}

const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** The history entry of a call that ended as `call.outcome` (a caller's own cancel logs as not answered). */
export function callEntry(call: CallView, endedAt: number): ChatMessage {
  const outcome = call.outcome === 'cancelled' || call.outcome === undefined ? 'missed' : call.outcome;
  const info: CallInfo = {
    callId: call.callId,
    media: call.media,
    outcome,
    ...(outcome === 'ended' ? { durationMs: Math.max(0, endedAt - (call.activeAt ?? endedAt)) } : {}),
    ...(call.warning ? { warning: call.warning } : {}),
  };
  return {
    id: call.callId,
    peerId: call.peerId,
    direction: call.direction,
    text: callText(info, call.direction),
    sentAt: call.startedAt,
    // Read already: an entry of our own asks for no receipt (a missed call counts as unread: calls.ts).
    status: 'read',
    call: info,
  };
}
