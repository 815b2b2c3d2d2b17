/**
 * Which messages of a conversation are in the DOM: a window of about WINDOW_ROWS of them around what is in view,
 * whatever the length of the conversation. Pure: the component (MessageLog.tsx) keeps the state and the DOM.
 */

/**
 * Rows in the DOM at once when at the newest: the newest 50, a few popups' worth of short messages. Each one is
 * drawn, laid out and painted as a conversation opens, on the thread the engine shares (Chrome): no more than that.
 */
export const WINDOW_ROWS = 50;
/** Rows the window moves by when the reader nears its top or bottom. */
export const STEP_ROWS = 20;
/** Scrolled up, the window keeps growing with new messages up to this many rows, then stops taking them. */
export const MAX_ROWS = 2 * WINDOW_ROWS;

/**
 * Where the window stands. `bottom`: the reader is at the newest message, the window ends with it and moves with
 * each new one. Otherwise it starts at `start` and ends at `end`, or with the newest one while that is at most
 * MAX_ROWS on (`end` undefined: new messages show where the reader can scroll to them, and move nothing).
 * `first` is the id of the first message held when it was set: messages put before it move the indices on.
 */
export type LogWindow =
  | { readonly bottom: true }
  | {
      readonly bottom: false;
      readonly start: number;
      readonly end?: number;
      readonly first: string | undefined;
    };

export const AT_BOTTOM: LogWindow = { bottom: true };

/** The rows [start, end) shown of `length` messages. */
export function windowRange(window: LogWindow, length: number): { start: number; end: number } {
  if (window.bottom) return { start: Math.max(0, length - WINDOW_ROWS), end: length };
  const start = Math.min(window.start, length);
  return { start, end: Math.min(window.end ?? start + MAX_ROWS, length) };
}

/** The same window over messages that had others put before them: `first` is now at `index`. */
export function shifted(
  window: LogWindow,
  ids: { index: (id: string) => number; first: string | undefined },
): LogWindow {
  if (window.bottom || window.first === ids.first) return window;
  const by = window.first === undefined ? -1 : ids.index(window.first);
  // Its first message is gone (another conversation, a retry): back to the newest.
  if (by < 0) return AT_BOTTOM;
  return {
    ...window,
    start: window.start + by,
    end: window.end === undefined ? undefined : window.end + by,
    first: ids.first,
  };
}

/** Held where it is: the reader scrolled away from the newest. */
export function held(window: LogWindow, length: number, first: string | undefined): LogWindow {
  if (!window.bottom) return window;
  return { bottom: false, start: windowRange(window, length).start, first };
}

/** STEP_ROWS earlier: rows come in at the top and, past WINDOW_ROWS, leave at the bottom. */
export function earlier(window: LogWindow, length: number, first: string | undefined): LogWindow {
  const { start, end } = windowRange(window, length);
  const nextStart = Math.max(0, start - STEP_ROWS);
  return { bottom: false, start: nextStart, end: Math.min(end, nextStart + WINDOW_ROWS), first };
}

/** STEP_ROWS later: rows come in at the bottom and, past WINDOW_ROWS, leave at the top; open-ended at the newest. */
export function later(window: LogWindow, length: number, first: string | undefined): LogWindow {
  const { start, end } = windowRange(window, length);
  const nextEnd = Math.min(length, end + STEP_ROWS);
  const nextStart = Math.max(start, nextEnd - WINDOW_ROWS);
  return { bottom: false, start: nextStart, end: nextEnd === length ? undefined : nextEnd, first };
}
