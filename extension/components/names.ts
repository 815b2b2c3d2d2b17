import type { EngineState } from '../lib/messaging/protocol';
import { shownName } from './contact-view';
import { t } from '../lib/i18n';
import type { ConversationId } from '../../shared/ids';

/**
 * A user's or a room's name as the popup shows it: a contact's shown name, a room as "# name", else a room
 * member's or invitee's name; someone found nowhere (a former member) is said so rather than shown as an id.
 */
export function nameIn(state: Pick<EngineState, 'contacts' | 'rooms'>, id: ConversationId): string {
  const contact = state.contacts.find((candidate) => candidate.userId === id);
  if (contact) return shownName(contact);
  const room = state.rooms.find((candidate) => candidate.roomId === id);
  if (room) return `# ${room.name}`;
  for (const { members, invited } of state.rooms) {
    const member =
      members.find((candidate) => candidate.userId === id) ?? invited.find((c) => c.userId === id);
    if (member) return member.name;
  }
  return t('someoneUnlisted');
}
