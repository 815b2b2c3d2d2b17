import type { ComponentProps, JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { CallButtons } from '../../components/CallButtons';
import { lazy } from '../../components/lazy';
import { ContactMenu } from '../../components/ContactMenu';
import { RequestPanel } from '../../components/ContactRequest';
import { ConversationList } from '../../components/ConversationList';
import { IncomingCalls } from '../../components/IncomingCalls';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { FormError } from '../../components/FormError';
import { Conversation, type Counterpart } from '../../components/Conversation';
import { RoomPanel } from '../../components/RoomPanel';
import type { EngineClient } from '../../lib/messaging/client';
import type { EngineState } from '../../lib/messaging/protocol';
import { UnlockForm } from '../../components/UnlockForm';
import { StatusBar } from '../../components/StatusBar';
import { conversationFromLocation } from '../../hooks/conversation-from-location';
import { errorMessage } from '../../lib/errors';
import { useEngine } from '../../hooks/useEngine';
import { FileContext, useTransferStore } from '../../hooks/useTransfers';
import { nameIn } from '../../components/names';
import { TransferList, TransfersToggle } from '../../components/TransferList';
import { useSummaries, useSummaryStore, type SummaryStore } from '../../lib/ui/use-summaries';
import { useSame } from '../../hooks/useSame';
import { useDrawnAfterPaint } from '../../hooks/useDrawnAfterPaint';
import { HISTORY_PAGE } from '../../hooks/useConversation';
import { askFirstPage } from '../../hooks/first-page';
import {
  lastConversation,
  lastConversationKnown,
  loadLastConversation,
  rememberConversation,
} from '../../lib/ui/last-conversation';
import { t } from '../../lib/i18n';
import type { ConversationId } from '../../../shared/ids';

// Screens most openings never show load when first shown: the popup's own JavaScript stays small (issue 13:
// at most 60 KB gzipped), and what is opened every time (the list, a conversation) is there at once.
// The first start's form: shown once per profile. Settings after it are on the options page.
const FirstStart = lazy(() =>
  import('../../components/SettingsForm').then(({ SettingsForm }) => SettingsForm),
);
const NewConversation = lazy(() =>
  import('../../components/NewConversation').then((module) => module.default),
);

/** What a lazy screen shows for the moment it takes to load (worded when shown: English may load after this module). */
function Loading(): JSX.Element {
  return (
    <p class="loading" role="status">
      {t('loading')}
    </p>
  );
}

/** What fills the popup under its top line: the list, one conversation, or the screen to start one. */
type Screen = 'list' | 'conversation' | 'new';

type FindFocus = () => HTMLElement | null | undefined;

/**
 * Focus to move once the next render is on the page (a screen's elements exist only then): `focusSoon(find)` asks,
 * the layout effect of that render does it, before the screen is painted, so nothing typed into the new screen can
 * go elsewhere.
 */
function usePendingFocus(): (find: FindFocus) => void {
  const pending = useRef<FindFocus | undefined>(undefined);
  useLayoutEffect(() => {
    const target = pending.current?.();
    // Only into the screen in front (the list behind a conversation is inert).
    if (!target || target.closest('[inert]')) return;
    pending.current = undefined;
    target.focus();
  });
  return (find) => {
    pending.current = find;
  };
}

/**
 * Whether the popup knows where it was left (lastConversation()): its read starts with the page's script and is in
 * long before the engine answers, so this waits only when it is not.
 */
function useLastConversationKnown(): boolean {
  const [known, setKnown] = useState(lastConversationKnown);
  useEffect(() => {
    if (!known) void loadLastConversation().then(() => setKnown(true));
  }, [known]);
  return known;
}

function Starting({ error }: { readonly error?: string }): JSX.Element {
  return (
    <main>
      <p class="loading" role="status">
        {error ?? t('starting')}
      </p>
    </main>
  );
}

/**
 * The conversation the popup opens on: a notice's (popup.html?conversation=<id>), else the one it showed when it
 * closed, if one was open (one no longer there shows the list).
 */
const openingConversation = (): ConversationId | undefined =>
  conversationFromLocation() ?? lastConversation();

/**
 * Asks, beside the engine's state, for the newest page of the conversation the popup opens on, so that it is shown
 * with its messages from its first frame. Resolves once that is in (or failed), or at once if it opens on the list.
 */
export function askOpeningPage(client: EngineClient): Promise<void> {
  const ask = (): Promise<void> => {
    const opening = openingConversation();
    return opening ? askFirstPage(client, opening, HISTORY_PAGE) : Promise.resolve();
  };
  if (lastConversationKnown() || conversationFromLocation()) return ask();
  return loadLastConversation().then(ask);
}

export function App() {
  const view = useEngine({ onConnected: askOpeningPage });
  const whereLeftKnown = useLastConversationKnown();
  // Transfers are read once the vault is open (the engine has none to tell before), and again after a restart.
  const ready = view.phase === 'ready' && view.state.vault === 'unlocked' ? view : undefined;
  const store = useTransferStore(ready?.client);
  const files = useMemo<FileContext | undefined>(
    () => ready && store && { client: ready.client, store, nameOf: (id) => nameIn(ready.state, id) },
    [ready?.client, ready?.state, store],
  );

  if (view.phase === 'connecting') return <Starting error={view.error} />;
  const { client, state } = view;
  if (state.vault === 'locked') {
    return (
      <main class="centered">
        <ErrorBoundary part={t('partUnlockForm')}>
          <UnlockForm client={client} />
        </ErrorBoundary>
      </main>
    );
  }
  if (!state.settings) {
    return (
      <main class="scroll">
        <ErrorBoundary part={t('partFirstStart')}>
          <FirstStart client={client} settings={null} fallback={<Loading />} />
        </ErrorBoundary>
      </main>
    );
  }
  // A notice's conversation needs not know where the popup was left.
  if (!whereLeftKnown && !conversationFromLocation()) return <Starting />;
  return (
    <FileContext.Provider value={files}>
      <Chat client={client} state={state} settings={state.settings} />
    </FileContext.Provider>
  );
}

/**
 * The conversation list, with the previews it alone re-renders for (a conversation beside it does not). Behind a
 * conversation it takes no preview: each message would lay out and paint a list nobody sees, on the thread the
 * engine runs on; it shows the newest as it comes back.
 */
function ListScreen({
  summaries: store,
  behind,
  ...props
}: Omit<ComponentProps<typeof ConversationList>, 'summaries'> & {
  readonly summaries: SummaryStore;
  readonly behind: boolean;
}) {
  return <ConversationList {...props} summaries={useSummaries(store, behind)} />;
}

interface ChatProps {
  readonly client: EngineClient;
  readonly state: EngineState;
  readonly settings: NonNullable<EngineState['settings']>;
}

/**
 * The messenger once open: the top line, and one screen at a time under it. The list stays on the page (inert and
 * out of sight) while a conversation is open, so coming back finds it as it was left: its filter and its scroll.
 */
function Chat({ client, state, settings }: ChatProps) {
  const [selected, setSelected] = useState<ConversationId | undefined>(openingConversation);
  const [chosen, setChosen] = useState<Screen | undefined>(() => (selected ? 'conversation' : undefined));
  const [showTransfers, setShowTransfers] = useState(false);
  const [settingsError, setSettingsError] = useState<string>();
  const summaries = useSummaryStore(client);
  const focusSoon = usePendingFocus();
  const peer = state.contacts.find((contact) => contact.userId === selected);
  const room = state.rooms.find((candidate) => candidate.roomId === selected);
  // The same object while the conversation's contact or room is unchanged: each state push would otherwise give
  // the conversation a new one, and every message shown would render again.
  const counterpart = useSame<Counterpart | undefined>(
    peer
      ? { kind: 'contact', contact: peer, direct: peer.online && state.links[peer.userId] === 'open' }
      : room && { kind: 'room', room },
  );
  const nobody = state.contacts.length === 0 && state.rooms.length === 0;
  // Someone with nobody to talk to yet is shown how to add people rather than an empty list.
  const screen: Screen =
    chosen === 'conversation' && !peer && !room ? 'list' : (chosen ?? (nobody ? 'new' : 'list'));
  // Opened on a conversation, the list behind it is drawn once the conversation is painted.
  const listDrawn = useDrawnAfterPaint(screen === 'list');

  // Where the popup opens next time. Noted as the user goes somewhere (open, back, new), so that a popup closed
  // right after opens there; and as a screen is put on the page, before it is painted, for the changes no handler
  // makes (the conversation's contact removed: the list).
  const shown = screen === 'conversation' ? selected : undefined;
  useLayoutEffect(() => rememberConversation(shown), [shown]);

  const open = (id: ConversationId): void => {
    rememberConversation(id);
    setSelected(id);
    setChosen('conversation');
    focusSoon(() => {
      const box = document.getElementById('composer-text');
      return box instanceof HTMLTextAreaElement && !box.disabled
        ? box
        : document.getElementById('conversation-title');
    });
  };
  const back = (): void => {
    rememberConversation(undefined);
    setChosen('list');
    const left = selected;
    focusSoon(
      () =>
        [...document.querySelectorAll<HTMLElement>('[data-conversation]')].find(
          (row) => row.dataset['conversation'] === left,
        ) || document.querySelector<HTMLElement>('.conversation-list input'),
    );
  };
  // Settings live on the options page (one place to edit them); the browser brings its tab to the front, or opens it.
  const openSettings = (): void => {
    setSettingsError(undefined);
    browser.runtime
      .openOptionsPage()
      .catch((caught: unknown) => setSettingsError(t('settingsNotOpened', [errorMessage(caught)])));
  };
  // The New screen puts the focus in its first field itself (it may load after this render).
  const startNew = (): void => {
    rememberConversation(undefined);
    setChosen('new');
  };

  // Escape leaves a conversation or the new screen, unless something inside used it (a menu, a filter). Listened to
  // from the render that shows the screen, before its paint: an effect comes a frame later, and an Escape pressed
  // as the screen appears was lost.
  useLayoutEffect(() => {
    if (screen === 'list') return;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.defaultPrevented || (screen === 'new' && nobody)) return;
      event.preventDefault();
      back();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  return (
    <main class="chat">
      {/* The page's title for screen readers; each screen's own heading comes under it. */}
      <h1 class="visually-hidden">{t('extName')}</h1>
      <ErrorBoundary part={t('partStatusBar')}>
        <StatusBar state={state} onSettings={openSettings} onLock={() => client.request('lock', {})}>
          <TransfersToggle open={showTransfers} onToggle={() => setShowTransfers(!showTransfers)} />
        </StatusBar>
      </ErrorBoundary>
      <FormError error={settingsError} />
      <ErrorBoundary part={t('partIncomingCalls')}>
        <IncomingCalls client={client} />
      </ErrorBoundary>
      {showTransfers && (
        <ErrorBoundary part={t('partTransfers')}>
          <TransferList onOpen={open} />
        </ErrorBoundary>
      )}
      <div class="stage">
        <div class={screen === 'list' ? 'screen' : 'screen screen-behind'} inert={screen !== 'list'}>
          {listDrawn && (
            <ErrorBoundary part={t('partConversationList')}>
              <ListScreen
                behind={screen !== 'list'}
                client={client}
                contacts={state.contacts}
                rooms={state.rooms}
                links={state.links}
                unread={state.unread}
                summaries={summaries}
                selected={selected}
                onSelect={open}
                onNew={startNew}
              />
            </ErrorBoundary>
          )}
        </div>
        {screen === 'new' && (
          <div class="screen">
            <NewConversation
              client={client}
              selfName={settings.name}
              rooms={state.rooms}
              onSelect={open}
              onAdding={() => setChosen('new')}
              onBack={nobody ? undefined : back}
              fallback={<Loading />}
            />
          </div>
        )}
        {screen === 'conversation' && (
          // Keyed by what is shown: another one picked gets a fresh chance.
          <div class="screen" key={selected}>
            <ErrorBoundary part={t('partConversation')}>
              {counterpart?.kind === 'contact' && peer ? (
                <Conversation
                  client={client}
                  with={counterpart}
                  onBack={back}
                  onLatest={summaries.seen}
                  calls={
                    peer.state === 'accepted' ? (
                      <CallButtons client={client} conversation={peer.userId} />
                    ) : undefined
                  }
                  actions={
                    peer.state === 'incoming' ? undefined : <ContactMenu client={client} contact={peer} />
                  }
                >
                  {peer.state === 'incoming' && (
                    <RequestPanel
                      client={client}
                      contact={peer}
                      onAccepted={(accepted) => open(accepted.userId)}
                    />
                  )}
                </Conversation>
              ) : (
                counterpart?.kind === 'room' && (
                  <Conversation client={client} with={counterpart} onBack={back} onLatest={summaries.seen}>
                    <RoomPanel client={client} room={counterpart.room} />
                  </Conversation>
                )
              )}
            </ErrorBoundary>
          </div>
        )}
      </div>
    </main>
  );
}
