import { h, type ComponentChild, type ComponentType, type FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A component whose module loads the first time it is rendered: `fallback` (nothing by default) shows until it is
 * in; a module that fails to load is thrown to the error boundary around it. What preact/compat's lazy and Suspense
 * do, without compat (see memo.ts).
 */
export function lazy<P extends object>(
  load: () => Promise<ComponentType<P>>,
): FunctionComponent<P & { readonly fallback?: ComponentChild }> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  return function Lazy({ fallback = null, ...props }) {
    const [failed, setFailed] = useState<{ readonly error: unknown }>();
    const [, setLoaded] = useState(false);
    useEffect(() => {
      if (loaded) return;
      let current = true;
      loading ??= load().then((component) => (loaded = component));
      loading.then(
        () => current && setLoaded(true),
        (error: unknown) => {
          loading = undefined; // a later render tries again
          if (current) setFailed({ error });
        },
      );
      return () => {
        current = false;
      };
    }, []);
    if (failed) throw failed.error;
    // The props but the fallback are the component's own.
    return loaded ? h(loaded, props as unknown as P) : fallback;
  };
}
