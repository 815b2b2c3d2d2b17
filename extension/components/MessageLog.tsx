import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { EarlierHistory } from '../hooks/useConversation';
import type { ChatMessage } from '../lib/model';
import { CallLogEntry } from './CallLogEntry';
import { DateDivider } from './DateDivider';
import { MessageBubble } from './MessageBubble';
import { RELATIVE_UNTIL, logRows } from './log-rows';
import { t } from '../lib/i18n';
import {
  AT_BOTTOM,
  STEP_ROWS,
  earlier,
  held,
  later,
  shifted,
  windowRange,
  type LogWindow,
} from './log-window';
import './message-log.css';

interface Props {
  /** The conversation as far as it is loaded, oldest first. */
  readonly messages: readonly ChatMessage[];
  /** In a room: who wrote a message; undefined elsewhere. */
  readonly senderOf: (message: ChatMessage) => string | undefined;
  /** The history not loaded yet; absent: `messages` is all of it. */
  readonly earlier?: EarlierHistory | undefined;
}

/** How close to an end of what is in the DOM the reader may scroll before more is put there. */
const NEAR = 200; // px
/** How often relative times ("5 min ago") and day names ("Today") are said again. */
const CLOCK_TICK = 60_000; // ms

/**
 * A row's key and the DOM's (its element's data-key): the id, and the side (ids are chosen by their senders; one
 * may copy another's).
 */
const keyOf = (message: ChatMessage): string => `${message.direction}:${message.id}`;

/** The row element of `message` among the log's rows, if it is in the DOM. */
function rowOf(log: HTMLElement | null, message: ChatMessage | undefined): HTMLElement | undefined {
  if (!log || !message) return undefined;
  const key = keyOf(message);
  for (const row of log.children) if (row instanceof HTMLElement && row.dataset.key === key) return row;
  return undefined;
}

/** Now, said again every CLOCK_TICK. */
function useClock(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), CLOCK_TICK);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * A conversation's messages, virtualised: only a window of rows around what is in view is in the DOM (see
 * log-window.ts), so a conversation of any length opens and scrolls at the cost of a few dozen rows. It opens at
 * the newest message. The scroller runs bottom-up (message-log.css): at the bottom a new message stays in view,
 * scrolled up nothing moves, without a script measuring anything. Scrolling near the top shows earlier rows, then
 * asks the engine for an earlier page; when rows come and go, the one the reader sees is put back where it was.
 */
export function MessageLog({ messages, senderOf, earlier: history }: Props) {
  const now = useClock();
  const scroller = useRef<HTMLDivElement>(null);
  const log = useRef<HTMLDivElement>(null);
  const [stored, setStored] = useState<LogWindow>(AT_BOTTOM);
  const first = messages[0]?.id;
  const view = shifted(stored, { first, index: (id) => messages.findIndex((message) => message.id === id) });
  const { start, end } = windowRange(view, messages.length);
  /** What the handlers read: this render's window and inputs. */
  const current = useRef({ view, messages, history });
  current.current = { view, messages, history };
  /** A row the reader sees, and where it was on screen before the window moved. */
  const anchor = useRef<{ readonly message: ChatMessage; readonly top: number } | undefined>(undefined);
  /** An earlier page was asked for from the top: show its last rows once it is here. */
  const revealing = useRef(false);
  const toBottom = useRef(false);

  /** Moves the window, keeping the row `keep` (one in both windows) where it is on screen. */
  const move = (next: LogWindow, keep: ChatMessage | undefined): void => {
    const row = rowOf(log.current, keep);
    if (row && keep) anchor.current = { message: keep, top: row.getBoundingClientRect().top };
    setStored(next);
  };

  const showEarlier = (): boolean => {
    const { view: shown, messages: all, history: more } = current.current;
    const range = windowRange(shown, all.length);
    if (range.start > 0) {
      move(earlier(shown, all.length, all[0]?.id), all[range.start]);
      return true;
    }
    if (!more?.more || more.loading) return false;
    revealing.current = true;
    more.load();
    return true;
  };

  useLayoutEffect(() => {
    // The indices moved under an earlier page: keep them so, rather than looking the first one up each render.
    if (view !== stored) setStored(view);
    const kept = anchor.current;
    anchor.current = undefined;
    const row = rowOf(log.current, kept?.message);
    if (kept && row && scroller.current)
      scroller.current.scrollTop += row.getBoundingClientRect().top - kept.top;
    if (toBottom.current && scroller.current) {
      toBottom.current = false;
      scroller.current.scrollTop = 0;
    }
  });

  useLayoutEffect(() => {
    if (!revealing.current || history?.loading) return;
    revealing.current = false;
    showEarlier();
  }, [first, history?.loading]);

  const onScroll = (): void => {
    const element = scroller.current;
    if (!element) return;
    const { view: shown, messages: all } = current.current;
    const range = windowRange(shown, all.length);
    // Bottom-up: 0 at the newest message, negative above it.
    const fromBottom = Math.abs(element.scrollTop);
    const fromTop = element.scrollHeight - element.clientHeight - fromBottom;
    if (fromTop <= NEAR && showEarlier()) return;
    if (fromBottom <= NEAR && range.end < all.length) {
      move(later(shown, all.length, all[0]?.id), all[range.end - 1]);
    } else if (fromBottom <= 1) {
      if (!shown.bottom) setStored(AT_BOTTOM);
    } else if (shown.bottom) {
      setStored(held(shown, all.length, all[0]?.id));
    }
  };

  const jumpToNewest = (): void => {
    toBottom.current = true;
    setStored(AT_BOTTOM);
  };

  const canShowEarlier = start > 0 || history?.more === true;
  const rows = logRows(messages, start, end, now);
  return (
    <div class="log">
      <div
        class="log-scroller"
        ref={scroller}
        onScroll={onScroll}
        role="region"
        aria-label={t('messages')}
        tabIndex={0}
      >
        <div class="log-column">
          {canShowEarlier && (
            <button
              type="button"
              class="log-earlier"
              onClick={() => {
                // The button goes once nothing is left to show: focus moves to the messages rather than to the page.
                if (start <= STEP_ROWS && !history?.more) scroller.current?.focus({ preventScroll: true });
                showEarlier();
              }}
              disabled={start === 0 && history?.loading}
            >
              {t(start === 0 && history?.loading ? 'loadingEarlier' : 'showEarlier')}
            </button>
          )}
          <div class="log-rows" role="log" aria-live="polite" ref={log} data-testid="messages">
            {/* A message and its day's divider, side by side: no element around each row, which 50 rows of (the
                window an opening popup draws) would lay out as 50 more boxes. */}
            {rows.map(({ message, day, groupStart, groupEnd }) => (
              <Fragment key={keyOf(message)}>
                {day && <DateDivider label={day} />}
                {message.call ? (
                  <CallLogEntry message={message} rowKey={keyOf(message)} groupStart={groupStart} />
                ) : (
                  <MessageBubble
                    message={message}
                    rowKey={keyOf(message)}
                    sender={senderOf(message)}
                    groupStart={groupStart}
                    groupEnd={groupEnd}
                    now={now - message.sentAt < RELATIVE_UNTIL ? now : undefined}
                  />
                )}
              </Fragment>
            ))}
          </div>
        </div>
      </div>
      {end < messages.length && (
        <button type="button" class="log-newest" onClick={jumpToNewest}>
          {t('newestMessages')}
        </button>
      )}
    </div>
  );
}
