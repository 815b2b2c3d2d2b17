/**
 * What popup-open.ts watches in each popup it opens, wherever the watching runs (a script of the popup's own, or a
 * page beside it): it clicks `contact` once listed, and gives the times at which the newest `shown` messages were in
 * the DOM and painted. Source text, not a function: what tsx compiles names its functions through a helper the page
 * does not have.
 */

/**
 * One open, in ms from the popup's navigation start: when its script started (its files loaded; mount-page.tsx marks
 * it), when the list was first clicked (null: the popup opened on the conversation) and when the conversation was
 * shown.
 */
export interface Run {
  readonly started: number;
  readonly clicked: number | null;
  readonly shown: number;
}

export interface Target {
  readonly contact: string;
  readonly newest: string;
  readonly shown: number;
}

/** How long a popup is watched (or waited for) before the watch gives up, in ms. */
export const WATCH_MS = 120_000;

/** A function expression, `(win, target) => Promise<Run>`, that watches the popup window `win`. */
export const WATCH_POPUP = `(win, { contact, newest, shown }) => new Promise((resolve, reject) => {
  // Whether an animation frame is being made: from its first callback until a task after it (its paint is between).
  let inFrame = false;
  const nextFrame = win.requestAnimationFrame.bind(win);
  win.requestAnimationFrame = (callback) => nextFrame((time) => {
    if (!inFrame) win.setTimeout(() => { inFrame = false; });
    inFrame = true;
    callback(time);
  });
  // The entry clicked, and when: clicked again if nothing came of it (the app may not listen yet).
  let clicked;
  let clickedAt = -Infinity;
  let firstClick = null;
  const check = () => {
    const log = win.document.querySelector('[data-testid="messages"]');
    if (!log) {
      const entry = [...win.document.querySelectorAll('[data-testid="contact"]')].find((candidate) =>
        candidate.textContent.includes(contact));
      if (entry && (entry !== clicked || win.performance.now() - clickedAt > 500)) {
        clicked = entry;
        clickedAt = win.performance.now();
        firstClick ??= clickedAt;
        entry.click();
      }
      return;
    }
    const texts = log.querySelectorAll('[data-testid="message-text"]');
    if (texts.length < shown || texts[texts.length - 1].textContent !== newest) return;
    observer.disconnect();
    win.clearInterval(timer);
    win.clearTimeout(deadline);
    // After the paint of the frame that shows them: what the user sees. Changed by an animation frame's callback
    // (the popup renders there), they are painted with that frame; else with the next one.
    (inFrame ? (report) => report() : nextFrame)(() => win.setTimeout(() => {
      const started = win.performance.getEntriesByName('popup:start')[0];
      resolve({ shown: win.performance.now(), clicked: firstClick, started: started ? started.startTime : -1 });
    }));
  };
  const observer = new MutationObserver(check);
  const timer = win.setInterval(check, 100);
  const deadline = win.setTimeout(() => {
    observer.disconnect();
    win.clearInterval(timer);
    reject(new Error('no conversation shown; the popup says: ' + win.document.body?.innerText.slice(0, 200)));
  }, ${WATCH_MS});
  observer.observe(win.document, { childList: true, subtree: true, characterData: true });
  check();
})`;
