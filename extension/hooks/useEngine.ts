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
  /**
   * Called with each connection useEngine opens, before its state is asked for: what the page will ask anyway,
   * asked beside it. A connection started early (connectEngineEarly) was given its own.
   */
  readonly onConnected?: (client: EngineClient) => unknown;
}

/** A connection and the engine's state, followed from the connection's start. */
interface Session {
  readonly client: EngineClient;
  /** The newest state: the answer to getState, then each one the engine tells. */
  state: EngineState;
  /** Who hears each state told from now on (useEngine, once it has taken the session). */
  follow: ((state: EngineState) => void) | undefined;
  /** Set if the engine went away: a session taken after that connects again. */
  closed: boolean;
}

/** Connects, then asks for the engine's state; `onConnected` asks what else the page needs beside it. */
async function openSession(
  options: ConnectOptions,
  onConnected: ((client: EngineClient) => unknown) | undefined,
): Promise<Session> {
  const client = await connectEngine(options);
  let session: Session | undefined;
  let closed = false;
  client.onClose(() => {
    closed = true;
    if (session) session.closed = true;
  });
  // Frames come in order: a state told before the answer is older than it, one told after is newer.
  client.on('state', (state) => {
    if (!session) return;
    session.state = state;
    session.follow?.(state);
  });
  const asked = client.request('getState', {});
  onConnected?.(client);
  try {
    session = { client, state: await asked, follow: undefined, closed };
  } catch (error) {
    client.close();
    throw error;
  }
  return session;
}

/** A session the page's script started before its first render, for useEngine to take (once). */
let early: Promise<Session> | undefined;
/** That session once its state is in: the first render shows it at once, rather than "Starting". */
let earlyReady: Session | undefined;

/**
 * Starts connecting now, as the page's script starts, and asks for the engine's state and (`onConnected`) what
 * the page opens on: useEngine's effect runs only after the first paint, and each ask is a round trip to the
 * engine. Resolves (never rejects) once the state and what `onConnected` gave are in, or failed: the page may wait
 * for that before its first render, so that its first frame shows them.
 */
export function connectEngineEarly(onConnected?: (client: EngineClient) => unknown): Promise<unknown> {
  let alongside: unknown;
  const session = openSession({}, (client) => {
    alongside = onConnected?.(client);
  });
  early = session;
  return session.then(
    (opened) => {
      if (early === session) earlyReady = opened;
      return alongside;
    },
    // useEngine takes the session, and reports its failure.
    () => undefined,
  );
}

/** Connects the page to the engine, follows its state, and reconnects if the engine restarts. */
export function useEngine(options: EngineOptions = {}): EngineView {
  const { requireDirect = false } = options;
  // The early session, if its state is in: shown by the first render. The effect takes it.
  const [view, setView] = useState<EngineView>(() =>
    earlyReady && !requireDirect
      ? { phase: 'ready', client: earlyReady.client, state: earlyReady.state }
      : { phase: 'connecting' },
  );
  const firstView = useRef(view);
  const onConnected = useRef(options.onConnected);
  onConnected.current = options.onConnected;

  useEffect(() => {
    let stopped = false;
    // A function, so TypeScript re-reads the flag after each await instead of narrowing it once.
    const unmounted = (): boolean => stopped;
    let client: EngineClient | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;

    /** Says why the page is not connected, and connects again after RETRY_MS. */
    const connectAgain = (error: string): void => {
      setView({ phase: 'connecting', error });
      retry = setTimeout(() => void connect(), RETRY_MS);
    };
    const connect = async (): Promise<void> => {
      try {
        // The early session has no direct-channel requirement: a page that needs one connects itself.
        const started = requireDirect ? undefined : early;
        if (started) {
          early = undefined;
          earlyReady = undefined;
        }
        const session = await (started ?? openSession({ requireDirect }, (c) => onConnected.current?.(c)));
        if (unmounted()) return session.client.close();
        client = session.client;
        if (session.closed) return connectAgain(t('engineRestarted'));
        session.client.onClose(() => {
          if (!unmounted()) connectAgain(t('engineRestarted'));
        });
        const show = (state: EngineState): void => setView({ phase: 'ready', client: session.client, state });
        session.follow = show;
        const first = firstView.current;
        // The first render showed this session as it is now: nothing to render again.
        if (first.phase === 'ready' && first.client === session.client && first.state === session.state)
          return;
        show(session.state);
        renderPromptly(); // the page is waiting for it: not paced as the engine's changes are
      } catch (error) {
        if (!unmounted()) connectAgain(t('engineUnreachable', [errorMessage(error)]));
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
