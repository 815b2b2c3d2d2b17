import { useState } from 'preact/hooks';
import { errorMessage } from '../lib/errors';

/**
 * Runs an async action from a form, with a busy flag and the error message to show (role=alert). `failed` names
 * what did not happen ("Not sent") and prefixes the message, so a user knows which action it was about.
 * `run` never rejects: the error is the state it sets.
 */
export function useAction(failed?: string): {
  busy: boolean;
  error: string | undefined;
  run: (action: () => Promise<void>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      const message = errorMessage(caught);
      setError(failed ? `${failed}: ${message}` : message);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
