import { useLayoutEffect, useReducer, useRef } from 'preact/hooks';

/**
 * What `snapshot` gives now, rendering the caller again when `subscribe`'s listener says it changed: React's
 * useSyncExternalStore, without preact/compat (see components/memo.ts).
 */
export function useStore<T>(subscribe: (onChange: () => void) => () => void, snapshot: () => T): T {
  const value = snapshot();
  const [, changed] = useReducer((count: number) => count + 1, 0);
  const shown = useRef({ value, snapshot });
  shown.current = { value, snapshot };
  useLayoutEffect(() => {
    const check = (): void => {
      if (!Object.is(shown.current.snapshot(), shown.current.value)) changed(undefined);
    };
    const unsubscribe = subscribe(check);
    // A change between the render and this subscription is not missed.
    check();
    return unsubscribe;
  }, [subscribe]);
  return value;
}
