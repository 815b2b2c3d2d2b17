// @vitest-environment happy-dom
import type { FunctionComponent } from 'preact';
import { useState } from 'preact/hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from '../../../extension/components/ErrorBoundary';
import { lazy } from '../../../extension/components/lazy';
import { memo } from '../../../extension/components/memo';
import { useStore } from '../../../extension/hooks/useStore';
import { mount, settle, unmountAll } from './fake-client';

afterEach(unmountAll);

describe('memo, lazy and useStore (what preact/compat gave, without it)', () => {
  it('memo renders again only when a prop changed', async () => {
    const renders = vi.fn();
    const Row = memo(({ text }: { readonly text: string; readonly n?: number }) => {
      renders(text);
      return <p>{text}</p>;
    });
    let set!: (value: { text: string; n: number }) => void;
    function Parent() {
      const [props, setProps] = useState({ text: 'a', n: 1 });
      set = setProps;
      return <Row {...props} />;
    }
    const root = mount(<Parent />);
    set({ text: 'a', n: 1 }); // a new object, the same values
    await settle();
    expect(renders).toHaveBeenCalledTimes(1);
    set({ text: 'a', n: 2 });
    await settle();
    set({ text: 'b', n: 2 });
    await settle();
    expect(renders.mock.calls).toEqual([['a'], ['a'], ['b']]);
    expect(root.textContent).toBe('b');
  });

  it('lazy shows its fallback until the module is in, then the component with its props', async () => {
    type Named = { readonly name: string };
    let give: undefined | ((component: FunctionComponent<Named>) => void);
    const Screen = lazy<Named>(() => new Promise<FunctionComponent<Named>>((resolve) => (give = resolve)));
    const root = mount(<Screen name="Bob" fallback={<p>Loading</p>} />);
    expect(root.textContent).toBe('Loading');
    await vi.waitFor(() => expect(give).toBeDefined()); // asked for once rendered
    give?.(({ name }) => <p>Hello {name}</p>);
    await vi.waitFor(() => expect(root.textContent).toBe('Hello Bob'));
    // Loaded once: another one renders it at once.
    expect(mount(<Screen name="Carol" />).textContent).toBe('Hello Carol');
  });

  it('lazy throws a module that failed to load to the error boundary around it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const Screen = lazy<object>(() => Promise.reject(new Error('chunk missing')));
    const root = mount(
      <ErrorBoundary part="The screen">
        <Screen />
      </ErrorBoundary>,
    );
    await vi.waitFor(() =>
      expect(root.querySelector('[role="alert"]')?.textContent).toContain('chunk missing'),
    );
  });

  it('useStore renders again on a change, including one between the render and its subscription', async () => {
    let value = 1;
    const listeners = new Set<() => void>();
    const subscribe = (listener: () => void) => {
      listeners.add(listener);
      // Changed as it subscribes: after the render read 1, before the listener was there.
      value = Math.max(value, 2);
      return () => listeners.delete(listener);
    };
    function Shown() {
      return <p>{useStore(subscribe, () => value)}</p>;
    }
    const root = mount(<Shown />);
    await vi.waitFor(() => expect(root.textContent).toBe('2'));
    value = 3;
    for (const listener of listeners) listener();
    await vi.waitFor(() => expect(root.textContent).toBe('3'));
    unmountAll();
    expect(listeners.size).toBe(0);
  });
});
