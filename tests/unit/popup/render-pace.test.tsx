// @vitest-environment happy-dom
import { options, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ENGINE_RENDER_INTERVAL,
  NO_FRAME_DELAY,
  STREAM_RENDERS,
  STREAM_RENDER_INTERVAL,
  paceRendering,
  renderPromptly,
} from '../../../extension/components/render-pace';

/** Animation frames the test hands out itself, as a visible page would get them. */
const frames = new Map<number, FrameRequestCallback>();
let nextFrameId = 1;
const runFrame = (): void => {
  const due = [...frames.values()];
  frames.clear();
  for (const callback of due) callback(performance.now());
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    frames.set(nextFrameId, callback);
    return nextFrameId++;
  });
  vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
  paceRendering();
});

const root = document.createElement('div');
afterEach(() => {
  render(null, root);
  options.debounceRendering = undefined;
  options.event = undefined;
  frames.clear();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** A counter that renders `renders` times; `bump` changes it from outside, as an engine event would. */
function mountCounter() {
  const seen = { renders: 0, bump: (): void => undefined };
  function Counter() {
    const [count, setCount] = useState(0);
    seen.renders++;
    useEffect(() => {
      seen.bump = () => setCount((current) => current + 1);
    }, []);
    return <p>{count}</p>;
  }
  render(<Counter />, root);
  // Effects run after the first paint: the frame after it, or its timeout.
  runFrame();
  vi.runOnlyPendingTimers();
  seen.renders = 0;
  return seen;
}

describe('paceRendering', () => {
  it('renders changes made during a frame once, at the frame', () => {
    const counter = mountCounter();
    for (let i = 0; i < 5; i++) counter.bump();
    expect(counter.renders).toBe(0);
    runFrame();
    expect(counter.renders).toBe(1);
    expect(root.textContent).toBe('5');
    vi.advanceTimersByTime(NO_FRAME_DELAY); // the fallback was called off: no second render
    expect(counter.renders).toBe(1);
  });

  it('renders what the engine changes at most once per ENGINE_RENDER_INTERVAL, at a frame', () => {
    const counter = mountCounter();
    vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
    counter.bump();
    runFrame();
    expect(counter.renders).toBe(1);
    counter.bump();
    counter.bump();
    runFrame(); // too soon after the last one: it waits
    expect(counter.renders).toBe(1);
    vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
    runFrame();
    expect(counter.renders).toBe(2);
    expect(root.textContent).toBe('3');
  });

  it('renders a stream of changes less often, until a change finds the popup quiet', () => {
    const counter = mountCounter();
    /** Each interval: a change that has to wait for the last render's interval, then its render. */
    const pacedRender = (interval: number): void => {
      counter.bump();
      runFrame(); // too soon after the last one
      const before = counter.renders;
      vi.advanceTimersByTime(interval - 1);
      runFrame();
      expect(counter.renders).toBe(before);
      vi.advanceTimersByTime(1);
      runFrame();
      expect(counter.renders).toBe(before + 1);
    };
    vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
    counter.bump();
    runFrame();
    expect(counter.renders).toBe(1);
    for (let i = 0; i < STREAM_RENDERS; i++) pacedRender(ENGINE_RENDER_INTERVAL);
    // Changes kept coming for STREAM_RENDERS renders: a stream, rendered at its own pace.
    pacedRender(STREAM_RENDER_INTERVAL);
    pacedRender(STREAM_RENDER_INTERVAL);
    // A quiet moment: the next change goes at the next frame, and the ones after it at the usual pace.
    vi.advanceTimersByTime(STREAM_RENDER_INTERVAL);
    counter.bump();
    runFrame();
    expect(counter.renders).toBe(STREAM_RENDERS + 4);
    pacedRender(ENGINE_RENDER_INTERVAL);
    expect(root.textContent).toBe(String(STREAM_RENDERS + 5));
  });

  it('goes back to the usual pace as soon as the user does something during a stream', async () => {
    const seen = { renders: 0 };
    let bump = (): void => undefined;
    function Clicked() {
      const [count, setCount] = useState(0);
      seen.renders++;
      useEffect(() => {
        bump = () => setCount((current) => current + 1);
      }, []);
      return <button onClick={() => undefined}>{count}</button>;
    }
    render(<Clicked />, root);
    runFrame();
    vi.runOnlyPendingTimers();
    vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
    bump();
    runFrame();
    for (let i = 0; i < STREAM_RENDERS; i++) {
      bump();
      vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
      runFrame();
    }
    const streaming = seen.renders;
    // A change put off for a stream's interval: the click renders it, and what comes after goes at the usual pace.
    bump();
    vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
    runFrame();
    expect(seen.renders).toBe(streaming);
    root.querySelector('button')?.click();
    await Promise.resolve(); // the render after the handler
    expect(seen.renders).toBe(streaming + 1);
    bump();
    vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
    runFrame();
    expect(seen.renders).toBe(streaming + 2); // not STREAM_RENDER_INTERVAL after the last stream render
    expect(root.textContent).toBe(String(STREAM_RENDERS + 3));
  });

  it('brings one waiting render forward for an answer, and paces the change after it', () => {
    const counter = mountCounter();
    vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
    counter.bump();
    runFrame();
    counter.bump();
    renderPromptly();
    runFrame();
    expect(counter.renders).toBe(2);
    counter.bump();
    runFrame(); // right after the answer: paced as usual
    expect(counter.renders).toBe(2);
    vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
    runFrame();
    expect(counter.renders).toBe(3);
  });

  it('renders an answer the user waits for at the next frame, however soon after the last render', () => {
    const counter = mountCounter();
    vi.advanceTimersByTime(ENGINE_RENDER_INTERVAL);
    counter.bump();
    runFrame();
    expect(counter.renders).toBe(1);
    // Put off for the interval, then brought forward.
    counter.bump();
    runFrame();
    expect(counter.renders).toBe(1);
    renderPromptly();
    runFrame();
    expect(counter.renders).toBe(2);
    // Asked before the change: the change goes at the next frame too.
    renderPromptly();
    counter.bump();
    runFrame();
    expect(counter.renders).toBe(3);
    // And the one after it is paced again.
    counter.bump();
    runFrame();
    expect(counter.renders).toBe(3);
    expect(root.textContent).toBe('3');
  });

  it('renders without animation frames (a hidden page) after a short delay', () => {
    const counter = mountCounter();
    counter.bump();
    counter.bump();
    vi.advanceTimersByTime(NO_FRAME_DELAY - 1);
    expect(counter.renders).toBe(0);
    vi.advanceTimersByTime(1);
    expect(counter.renders).toBe(1);
    expect(root.textContent).toBe('2');
    runFrame(); // the frame that comes later finds nothing to do
    expect(counter.renders).toBe(1);
  });

  it('renders what the user did before the next input arrives: Enter right after typing sends what was typed', async () => {
    const sent: string[] = [];
    function Box() {
      const [draft, setDraft] = useState('');
      return (
        <textarea
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
          onKeyDown={() => sent.push(draft)}
        />
      );
    }
    render(<Box />, root);
    const box = root.querySelector('textarea');
    if (!box) throw new Error('no textarea');
    box.value = 'hello';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await Promise.resolve(); // the next input is another task: what was queued after this one has run
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(sent).toEqual(['hello']); // no frame has come
  });
});
