import { useState } from 'preact/hooks';
import { ContactList } from '../../components/ContactList';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { Conversation } from '../../components/Conversation';
import { RoomList } from '../../components/RoomList';
import { RoomPanel } from '../../components/RoomPanel';
import type { ConversationId } from '../../lib/model';
import { BackupPanel } from '../../components/BackupPanel';
import { SettingsForm } from '../../components/SettingsForm';
import { UnlockForm } from '../../components/UnlockForm';
import { StatusBar } from '../../components/StatusBar';
import { useEngine } from '../../hooks/useEngine';

export function App() {
  const view = useEngine();
  const [selected, setSelected] = useState<ConversationId>();
  const [editing, setEditing] = useState(false);

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
          {state.settings && <BackupPanel client={client} />}
        </ErrorBoundary>
      </main>
    );
  }
  const peer = state.contacts.find((contact) => contact.userId === selected);
  const room = state.rooms.find((candidate) => candidate.roomId === selected);
  return (
    <main class="chat">
      <ErrorBoundary part="The status bar">
        <StatusBar
          state={state}
          onSettings={() => setEditing(true)}
          onLock={() => client.request('lock', {})}
        />
      </ErrorBoundary>
      <div class="panes">
        <ErrorBoundary part="The list of contacts and rooms">
          <div class="sidebar">
            <ContactList
              contacts={state.contacts}
              links={state.links}
              keyChanged={state.keyChanged}
              unread={state.unread}
              selected={selected}
              onSelect={setSelected}
            />
            <RoomList
              client={client}
              rooms={state.rooms}
              unread={state.unread}
              selected={selected}
              onSelect={setSelected}
            />
          </div>
        </ErrorBoundary>
        {/* Keyed by conversation: another one picked gets a fresh chance. */}
        <ErrorBoundary key={selected} part="This conversation">
          {peer ? (
            <Conversation
              key={peer.userId}
              client={client}
              with={{
                kind: 'contact',
                contact: peer,
                keyChanged: state.keyChanged.includes(peer.userId),
                direct: peer.online && state.links[peer.userId] === 'open',
              }}
            />
          ) : room ? (
            <Conversation key={room.roomId} client={client} with={{ kind: 'room', room }}>
              <RoomPanel client={client} room={room} />
            </Conversation>
          ) : (
            <p class="hint">Pick someone to chat with, or a room.</p>
          )}
        </ErrorBoundary>
      </div>
    </main>
  );
}
