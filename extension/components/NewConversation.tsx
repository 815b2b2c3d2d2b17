import type { EngineClient } from '../lib/messaging/client';
import type { RoomView } from '../lib/messaging/protocol';
import { AddContactPanel } from './AddContact';
import { ErrorBoundary } from './ErrorBoundary';
import { RoomActions } from './RoomList';
import { ScreenHeader } from './ScreenHeader';
import { t } from '../lib/i18n';
import type { ConversationId } from '../../shared/ids';

interface Props {
  readonly client: EngineClient;
  readonly selfName: string;
  readonly rooms: readonly RoomView[];
  readonly onSelect: (id: ConversationId) => void;
  readonly onAdding: () => void;
  /** Back to the conversation list; undefined when there is nothing to go back to yet. */
  readonly onBack: (() => void) | undefined;
}

/** The screen to start something: add a contact (or give out one's invite link), or create, join or find a room. */
export function NewConversation({ client, selfName, rooms, onSelect, onAdding, onBack }: Props) {
  return (
    <section class="screen-body new-conversation" aria-labelledby="new-title">
      <ScreenHeader title={t('newConversation')} titleId="new-title" onBack={onBack} />
      <div class="screen-scroll">
        <ErrorBoundary part={t('addAContact')}>
          <AddContactPanel client={client} selfName={selfName} onAdding={onAdding} />
        </ErrorBoundary>
        <ErrorBoundary part={t('rooms')}>
          <RoomActions client={client} rooms={rooms} onSelect={onSelect} />
        </ErrorBoundary>
      </div>
    </section>
  );
}

export default NewConversation;
