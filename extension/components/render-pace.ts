import { options } from 'preact';

/**
 * The longest a render waits when no animation frame comes: a hidden page gets none, and its DOM should still
 * follow the engine (tests read pages that are not in front).
 */
export const NO_FRAME_DELAY = 50; // ms

/** Calls `callback` once: at the next animation frame, or after NO_FRAME_DELAY if that comes first. */
export function atNextFrame(callback: () => void): void {
  // Both are set before either can fire: neither runs in the task that asks for it.
  const run = (): void => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    callback();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, NO_FRAME_DELAY);
}

/**
 * The least time between two renders of what the engine changed, in ms. Each one costs the thread the engine runs
 * on a layout and a paint of the conversation (about 5 ms with 100 messages shown, measured in the bench): at every
 * frame, a stream of messages spent most of the thread on the popup. Twenty a second still looks immediate.
 */
export const ENGINE_RENDER_INTERVAL = 50; // ms
/**
 * The least time between two renders while the engine's changes keep coming (a mailbox emptied, a fast exchange):
 * once STREAM_RENDERS renders in a row each had changes waiting for them, until a change finds the popup quiet or
 * the user does something in it (which renders what waits at once, see options.event below). At 20 renders a
 * second, the popup's frames still took about 10 ms of every round trip of a message stream on the engine's thread
 * (bench/chat-latency.ts); at 4 a second the stream runs about as fast as with no popup open. A message at a time,
 * as people write them, still shows at the next frame.
 */
export const STREAM_RENDER_INTERVAL = 250; // ms
/** How many renders in a row with changes waiting make a stream (at ENGINE_RENDER_INTERVAL: 0.3 s of them). */
export const STREAM_RENDERS = 6;

/**
 * Makes Preact render what the engine changed at most once per ENGINE_RENDER_INTERVAL, at an animation frame, and
 * less often while the changes keep coming (STREAM_RENDER_INTERVAL). In Chrome the popup shares one thread with the
 * engine: a burst of engine events then costs one render and one layout, not one of each per event (Preact's
 * default renders after each event, in a microtask), and a stream of them leaves most of the thread to the engine.
 *
 * What the user does still renders at once, right after the handler (as by default): the next keystroke's handler
 * must see the state the last one set. Rendered a frame later, an Enter pressed right after typing read the draft
 * from before the typing, and sent nothing.
 */
/** Set while pacing is on: makes the render that is waiting, or the next one, go at the next frame. */
let promptly: (() => void) | undefined;

/**
 * The change just made is an answer the user waits for (a conversation they opened): it is rendered at the next
 * frame rather than an interval after the last render, as the engine's other changes are. Without pacing
 * (tests, other pages), Preact renders soon anyway: nothing to do.
 */
export function renderPromptly(): void {
  promptly?.();
}

export function paceRendering(): void {
  /** Preact's render of what changed since the last one, when one is waiting. */
  let waiting: (() => void) | undefined;
  let scheduled = false;
  let lastEngineRender = -Infinity;
  /** Renders in a row that changes had to wait for: STREAM_RENDERS of them make a stream. */
  let waitedInARow = 0;
  /** The timer of a render put off to keep the interval, if one is. */
  let delayed: ReturnType<typeof setTimeout> | undefined;
  let prompt = false;
  const renderWaiting = (): void => {
    const render = waiting;
    waiting = undefined;
    render?.();
  };
  const renderEngineChanges = (): void => {
    scheduled = false;
    lastEngineRender = performance.now();
    renderWaiting();
  };
  promptly = () => {
    // Nothing waits yet: the next change goes at the next frame. One goes there already: nothing to do.
    if (!scheduled) prompt = true;
    if (delayed === undefined) return;
    // Put off for the interval: brought forward to the next frame.
    clearTimeout(delayed);
    delayed = undefined;
    atNextFrame(renderEngineChanges);
  };
  /** Someone uses the popup: what the engine changes next shows at the usual pace, not a stream's. */
  const endStream = (): void => {
    waitedInARow = 0;
    if (delayed === undefined) return;
    // Put off for the interval: what waits renders after the handler (below), and the next change is paced anew.
    clearTimeout(delayed);
    delayed = undefined;
    scheduled = false;
  };
  options.debounceRendering = (render) => {
    waiting = render;
    if (scheduled) return;
    scheduled = true;
    const interval = waitedInARow < STREAM_RENDERS ? ENGINE_RENDER_INTERVAL : STREAM_RENDER_INTERVAL;
    const wait = prompt ? 0 : lastEngineRender + interval - performance.now();
    prompt = false;
    if (wait <= 0) {
      waitedInARow = 0;
      atNextFrame(renderEngineChanges);
      return;
    }
    waitedInARow++;
    delayed = setTimeout(() => {
      delayed = undefined;
      atNextFrame(renderEngineChanges);
    }, wait);
  };
  const previous = options.event?.bind(options);
  options.event = (event: Event): unknown => {
    // A scroll may be the page's own (the log keeps its place): only what people do ends a stream.
    if (event.type !== 'scroll') endStream();
    queueMicrotask(renderWaiting); // runs after the handler this event is handed to
    return previous ? previous(event) : event;
  };
}
