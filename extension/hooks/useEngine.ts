import { useEffect, useState } from 'preact/hooks';
import { connectEngine, type ConnectOptions, type EngineClient } from '../lib/messaging/client';
import type { EngineState } from '../lib/messaging/protocol';
import { errorMessage } from '../lib/errors';
import { t } from '../lib/i18n';

export type EngineView =
  | { readonly phase: 'connecting'; readonly error?: string }
  | { readonly phase: 'ready'; readonly client: EngineClient; readonly state: EngineState };

const RETRY_MS = 500;

/** Connects the page to the engine, follows its state, and reconnects if the engine restarts. */
export function useEngine(options: ConnectOptions = {}): EngineView {
  const { requireDirect = false } = options;
  const [view, setView] = useState<EngineView>({ phase: 'connecting' });

  useEffect(() => {
    let stopped = false;
    // A function, so TypeScript re-reads the flag after each await instead of narrowing it once.
    const unmounted = (): boolean => stopped;
    let client: EngineClient | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;

    const connect = async (): Promise<void> => {
      try {
        const connected = await connectEngine({ requireDirect });
        if (unmounted()) return connected.close();
        client = connected;
        connected.on('state', (state) => setView({ phase: 'ready', client: connected, state }));
        connected.onClose(() => {
          if (unmounted()) return;
          setView({ phase: 'connecting', error: t('engineRestarted') });
          retry = setTimeout(() => void connect(), RETRY_MS);
        });
        const state = await connected.request('getState', {});
        if (!unmounted()) setView({ phase: 'ready', client: connected, state });
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
