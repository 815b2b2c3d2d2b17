/**
 * Times a call window's first remote video frame inside the page, with no automation in the path: the accept's
 * click (on the callee's window) and the first frame each window decodes and shows, as Date.now() (one clock: both
 * browsers run on this machine). The page functions below name no inner function: tsx would wrap a named one in a
 * helper the page lacks, and Firefox's extension CSP forbids defining one there.
 */

/** What a window saw, ms since epoch (0: not yet). */
export interface FrameMarks {
  readonly acceptedAt: number;
  /** The first video frame getStats counts as decoded (polled every 5 ms in the page). */
  readonly decodedAt: number;
  /** The first frame the remote <video> presented (requestVideoFrameCallback; 0 where it never fires). */
  readonly shownAt: number;
}

interface WatchGlobals {
  __benchFrames?: { acceptedAt: number; decodedAt: number; shownAt: number };
  __messengerCall?: { stats(): Promise<{ framesDecoded: number }> };
}

/** Page function: starts watching this call window (call it once the window shows the ringing call). */
export function installFrameWatch(): void {
  const globals = globalThis as unknown as WatchGlobals;
  const marks = { acceptedAt: 0, decodedAt: 0, shownAt: 0 };
  globals.__benchFrames = marks;
  document.addEventListener(
    'click',
    (event) => {
      if (event.target instanceof Element && event.target.closest('[data-testid="call-accept"]'))
        marks.acceptedAt = Date.now();
    },
    true,
  );
  const timer = setInterval(() => {
    void globals.__messengerCall?.stats().then((stats) => {
      if (stats.framesDecoded > 0 && marks.decodedAt === 0) {
        marks.decodedAt = Date.now();
        clearInterval(timer);
      }
    });
  }, 5);
  const video = document.querySelector('[data-testid="remote-video"]');
  if (video instanceof HTMLVideoElement && 'requestVideoFrameCallback' in video)
    video.requestVideoFrameCallback(() => {
      marks.shownAt = Date.now();
    });
}

/** Page function: what the watch has seen so far. */
export function readFrameWatch(): FrameMarks {
  return (globalThis as unknown as WatchGlobals).__benchFrames ?? { acceptedAt: 0, decodedAt: 0, shownAt: 0 };
}
