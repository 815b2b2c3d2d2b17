import { useEffect, useState } from 'preact/hooks';
import { connectEngine, type EngineClient } from '../lib/messaging/client';
import type { ShareTarget } from '../lib/messaging/protocol';

export type ShareEngineView =
  | { readonly phase: 'connecting'; readonly error?: string }
  /** The engine runs, but nothing can be sent: no profile yet, or the vault is locked. */
  | { readonly phase: 'unavailable'; readonly reason: string }
  | { readonly phase: 'ready'; readonly client: EngineClient; readonly targets: readonly ShareTarget[] };

const RETRY_MS = 1_000;

/**
 * The share window's link to the engine: with the direct channel it needs for File objects (connectEngine fails
 * clearly without one), and the conversations a share can go to, read again after each state change (a contact
 * added, the vault unlocked in the popup meanwhile).
 */
export function useShareEngine(): ShareEngineView {
  const [view, setView] = useState<ShareEngineView>({ phase: 'connecting' });

  useEffect(() => {
    let stopped = false;
    const unmounted = (): boolean => stopped;
    let client: EngineClient | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let asked = 0; // answers to older reads are dropped

    const refresh = async (connected: EngineClient): Promise<void> => {
      const ask = ++asked;
      const state = await connected.request('getState', {});
      const reason =
        state.vault === 'locked'
          ? 'The messenger is locked. Unlock it from its toolbar button; this window follows.'
          : !state.settings
            ? 'The messenger is not set up yet. Choose a name from its toolbar button first.'
            : undefined;
      if (reason) {
        if (!unmounted() && ask === asked) setView({ phase: 'unavailable', reason });
        return;
      }
      const { targets } = await connected.request('getShareTargets', {});
      if (!unmounted() && ask === asked) setView({ phase: 'ready', client: connected, targets });
    };
    const connect = async (): Promise<void> => {
      try {
        const connected = await connectEngine({ requireDirect: true });
        if (unmounted()) return connected.close();
        client = connected;
        connected.on('state', () => {
          refresh(connected).catch((error: unknown) => console.warn('useShareEngine: refresh failed', error));
        });
        connected.onClose(() => {
          if (unmounted()) return;
          setView({ phase: 'connecting', error: 'The messenger engine restarted; reconnecting…' });
          retry = setTimeout(() => void connect(), RETRY_MS);
        });
        await refresh(connected);
      } catch (error) {
        if (unmounted()) return;
        setView({
          phase: 'connecting',
          error: `Cannot reach the messenger engine: ${error instanceof Error ? error.message : String(error)}`,
        });
        retry = setTimeout(() => void connect(), RETRY_MS);
      }
    };
    void connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      client?.close();
    };
  }, []);

  return view;
}
