import { useEffect, useRef, useState } from 'preact/hooks';
import { renderPromptly } from '../components/render-pace';
import { connectEngine, type ConnectOptions, type EngineClient } from '../lib/messaging/client';
import type { EngineState } from '../lib/messaging/protocol';
import { errorMessage } from '../lib/errors';
import { t } from '../lib/i18n';

export type EngineView =
  | { readonly phase: 'connecting'; readonly error?: string }
  | { readonly phase: 'ready'; readonly client: EngineClient; readonly state: EngineState };

const RETRY_MS = 500;

export interface EngineOptions extends ConnectOptions {
  /** Called with each new connection before its state is asked for: what the page will ask anyway, asked beside it. */
  readonly onConnected?: (client: EngineClient) => void;
}

/** A connection started by the page's script before its first render, for useEngine to take (once). */
let early: Promise<EngineClient> | undefined;

/**
 * Starts connecting now, as the page's script starts: useEngine's effect runs only after the first paint, and an
 * opening popup waits for the engine (the pairing of its ports takes a few hops through the browser).
 */
export function connectEngineEarly(): void {
  early = connectEngine();
  early.catch(() => undefined); // useEngine takes it, and reports its failure
}

/** Connects the page to the engine, follows its state, and reconnects if the engine restarts. */
export function useEngine(options: EngineOptions = {}): EngineView {
  const { requireDirect = false } = options;
  const [view, setView] = useState<EngineView>({ phase: 'connecting' });
  const onConnected = useRef(options.onConnected);
  onConnected.current = options.onConnected;

  useEffect(() => {
    let stopped = false;
    // A function, so TypeScript re-reads the flag after each await instead of narrowing it once.
    const unmounted = (): boolean => stopped;
    let client: EngineClient | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;

    const connect = async (): Promise<void> => {
      try {
        // The early connection has no direct-channel requirement: a page that needs one connects itself.
        const started = requireDirect ? undefined : early;
        if (started) early = undefined;
        const connected = await (started ?? connectEngine({ requireDirect }));
        if (unmounted()) return connected.close();
        client = connected;
        connected.on('state', (state) => setView({ phase: 'ready', client: connected, state }));
        connected.onClose(() => {
          if (unmounted()) return;
          setView({ phase: 'connecting', error: t('engineRestarted') });
          retry = setTimeout(() => void connect(), RETRY_MS);
        });
        const asked = connected.request('getState', {});
        onConnected.current?.(connected);
        const state = await asked;
        if (unmounted()) return;
        setView({ phase: 'ready', client: connected, state });
        renderPromptly(); // the page is waiting for it: not paced as the engine's changes are
      } catch (error) {
        if (unmounted()) return;
        const reason = errorMessage(error);
        setView({ phase: 'connecting', error: t('engineUnreachable', [reason]) });
        retry = setTimeout(() => void connect(), RETRY_MS);
      }
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      client?.close();
    };
  }, [requireDirect]);

  return view;
}
