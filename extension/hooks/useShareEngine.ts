import { useEffect, useState } from 'preact/hooks';
import type { EngineClient } from '../lib/messaging/client';
import type { EngineState, ShareTarget } from '../lib/messaging/protocol';
import { useEngine } from './useEngine';
import { t } from '../lib/i18n';

export type ShareEngineView =
  | { readonly phase: 'connecting'; readonly error?: string }
  /** The engine runs, but nothing can be sent: no profile yet, or the vault is locked. */
  | { readonly phase: 'unavailable'; readonly reason: string }
  | { readonly phase: 'ready'; readonly client: EngineClient; readonly targets: readonly ShareTarget[] };

/** Why nothing can be shared in this state, if so. */
function unavailable(state: EngineState): string | undefined {
  if (state.vault === 'locked') return t('shareLocked');
  if (!state.settings) return t('shareNotSetUp');
  return undefined;
}

/**
 * The share window's link to the engine: useEngine's, with the direct channel it needs for File objects (it fails
 * clearly without one), and the conversations a share can go to, read again after each state change (a contact
 * added, the vault unlocked in the popup meanwhile).
 */
export function useShareEngine(): ShareEngineView {
  const engine = useEngine({ requireDirect: true });
  const [targets, setTargets] = useState<readonly ShareTarget[]>();
  const ready = engine.phase === 'ready' ? engine : undefined;
  const reason = ready && unavailable(ready.state);

  useEffect(() => {
    if (!ready || reason) return;
    let current = true; // answers to older reads are dropped
    ready.client.request('getShareTargets', {}).then(
      (answer) => current && setTargets(answer.targets),
      (error: unknown) => console.warn('useShareEngine: reading the targets failed', error),
    );
    return () => {
      current = false;
    };
  }, [ready?.client, ready?.state, reason]);

  if (!ready) return engine.phase === 'connecting' ? engine : { phase: 'connecting' };
  if (reason) return { phase: 'unavailable', reason };
  return targets ? { phase: 'ready', client: ready.client, targets } : { phase: 'connecting' };
}
