import { useRef } from 'preact/hooks';

/**
 * `value`, or the one returned before while it says the same (equal JSON). The engine pushes its whole state as new
 * objects on every change; a prop that keeps its identity while its content does lets memoized children skip a
 * render (in Chrome the popup renders on the thread the engine runs on).
 */
export function useSame<T>(value: T): T {
  const kept = useRef<{ readonly json: string; readonly value: T } | undefined>(undefined);
  const json = JSON.stringify(value);
  if (!kept.current || kept.current.json !== json) kept.current = { json, value };
  return kept.current.value;
}
