import { useMemo, useState } from 'preact/hooks';
import { AddContactPanel } from '../../components/AddContact';
import { ContactList } from '../../components/ContactList';
import { ContactMenu } from '../../components/ContactMenu';
import { RequestPanel } from '../../components/ContactRequest';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { Conversation } from '../../components/Conversation';
import { RoomList } from '../../components/RoomList';
import { RoomPanel } from '../../components/RoomPanel';
import type { ConversationId } from '../../lib/model';
import { BackupPanel } from '../../components/BackupPanel';
import { ProfilePanel } from '../../components/ProfilePanel';
import { SettingsForm } from '../../components/SettingsForm';
import { UnlockForm } from '../../components/UnlockForm';
import { StatusBar } from '../../components/StatusBar';
import { useEngine } from '../../hooks/useEngine';
import { FileContext, useTransferStore } from '../../hooks/useTransfers';
import { nameIn } from '../../components/names';
import { TransferList, TransfersToggle } from '../../components/TransferList';

export function App() {
  const view = useEngine();
  const [selected, setSelected] = useState<ConversationId>();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState(false);
  const [showTransfers, setShowTransfers] = useState(false);
  // Transfers are read once the vault is open (the engine has none to tell before), and again after a restart.
  const ready = view.phase === 'ready' && view.state.vault === 'unlocked' ? view : undefined;
  const store = useTransferStore(ready?.client);
  const files = useMemo<FileContext | undefined>(
    () => ready && store && { client: ready.client, store, nameOf: (id) => nameIn(ready.state, id) },
    [ready?.client, ready?.state, store],
  );

  if (view.phase === 'connecting') {
    return (
      <main>
        <p class="loading" role="status">
          {view.error ?? 'Starting…'}
        </p>
      </main>
    );
  }
  const { client, state } = view;
  if (state.vault === 'locked') {
    return (
      <main>
        <ErrorBoundary part="The unlock form">
          <UnlockForm client={client} />
        </ErrorBoundary>
      </main>
    );
  }
  if (!state.settings || editing) {
    return (
      <main>
        <ErrorBoundary part="Settings">
          <SettingsForm
            client={client}
            settings={state.settings}
            onDone={state.settings ? () => setEditing(false) : undefined}
          />
          {state.settings && <ProfilePanel client={client} />}
          {state.settings && <BackupPanel client={client} />}
        </ErrorBoundary>
      </main>
    );
  }
  const select = (id: ConversationId): void => {
    setAdding(false);
    setSelected(id);
  };
  const peer = state.contacts.find((contact) => contact.userId === selected);
  const room = state.rooms.find((candidate) => candidate.roomId === selected);
  // Someone with nobody to talk to yet is shown how to add people rather than an empty pane.
  const showAdd = adding || (!peer && !room && state.contacts.length === 0 && state.rooms.length === 0);
  return (
    <main class="chat">
      <FileContext.Provider value={files}>
        <div class="top-bar">
          <ErrorBoundary part="The status bar">
            <StatusBar
              state={state}
              onSettings={() => setEditing(true)}
              onLock={() => client.request('lock', {})}
            />
          </ErrorBoundary>
          <TransfersToggle open={showTransfers} onToggle={() => setShowTransfers(!showTransfers)} />
        </div>
        {showTransfers && (
          <ErrorBoundary part="The transfers">
            <TransferList onOpen={select} />
          </ErrorBoundary>
        )}
        <div class="panes">
          <ErrorBoundary part="The list of contacts and rooms">
            <div class="sidebar">
              <ContactList
                client={client}
                contacts={state.contacts}
                links={state.links}
                unread={state.unread}
                selected={showAdd ? undefined : selected}
                adding={showAdd}
                onSelect={select}
                onAdd={() => setAdding(true)}
              />
              <RoomList
                client={client}
                rooms={state.rooms}
                unread={state.unread}
                selected={showAdd ? undefined : selected}
                onSelect={select}
              />
            </div>
          </ErrorBoundary>
          {/* Keyed by what is shown: another one picked gets a fresh chance. */}
          <ErrorBoundary
            key={showAdd ? 'add' : selected}
            part={showAdd ? 'Add a contact' : 'This conversation'}
          >
            {showAdd ? (
              <AddContactPanel
                client={client}
                selfName={state.settings.name}
                onAdding={() => setAdding(true)}
              />
            ) : peer ? (
              <Conversation
                key={peer.userId}
                client={client}
                with={{
                  kind: 'contact',
                  contact: peer,
                  direct: peer.online && state.links[peer.userId] === 'open',
                }}
                actions={
                  peer.state === 'incoming' ? undefined : <ContactMenu client={client} contact={peer} />
                }
              >
                {peer.state === 'incoming' && (
                  <RequestPanel
                    client={client}
                    contact={peer}
                    onAccepted={(accepted) => select(accepted.userId)}
                  />
                )}
              </Conversation>
            ) : room ? (
              <Conversation key={room.roomId} client={client} with={{ kind: 'room', room }}>
                <RoomPanel client={client} room={room} />
              </Conversation>
            ) : (
              <p class="hint">Pick someone to chat with, or a room.</p>
            )}
          </ErrorBoundary>
        </div>
      </FileContext.Provider>
    </main>
  );
}
