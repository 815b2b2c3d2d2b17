// @vitest-environment happy-dom
import { options, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ENGINE_RENDER_INTERVAL,
  NO_FRAME_DELAY,
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
