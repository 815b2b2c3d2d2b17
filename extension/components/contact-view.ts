import type { Contact } from '../lib/messaging/protocol';
import { t } from '../lib/i18n';

/**
 * The name the user sees for a contact: the one they gave them, else the display name of the contact's profile,
 * else their name on the server (shown beside the other two: a display name is self-chosen, and unverified).
 */
export function shownName(contact: Contact): string {
  if (contact.alias !== undefined && contact.alias !== '') return contact.alias;
  return contact.profile?.displayName ? contact.profile.displayName : contact.name;
}

export interface ContactsBySection {
  /** Contacts both sides agreed to: online first, then by shown name. */
  readonly accepted: readonly Contact[];
  /** Requests to this user, waiting for an answer. */
  readonly incoming: readonly Contact[];
  /** This user's requests, waiting for the other's answer. */
  readonly outgoing: readonly Contact[];
  readonly blocked: readonly Contact[];
}

const byShownName = (a: Contact, b: Contact): number => shownName(a).localeCompare(shownName(b));

/** Splits the engine's list into the sidebar's sections, each in the order it is shown. */
export function sectionsOf(contacts: readonly Contact[]): ContactsBySection {
  const of = (state: Contact['state']): Contact[] =>
    contacts.filter((contact) => contact.state === state).sort(byShownName);
  return {
    accepted: of('accepted').sort((a, b) => Number(b.online) - Number(a.online) || byShownName(a, b)),
    incoming: of('incoming'),
    outgoing: of('outgoing'),
    blocked: of('blocked'),
  };
}

/** The warning a request carries when another key held its name before: loud, and says what to do. */
export function nameReusedWarning(contact: Contact): string {
  return t('nameReused', [contact.name]);
}

/** What the conversation header says about where things stand with a contact (accepted: the path messages take). */
export function standingNote(contact: Contact, direct: boolean): string {
  switch (contact.state) {
    case 'incoming':
      return t('standingIncoming');
    case 'outgoing':
      return t('standingOutgoing');
    case 'blocked':
      return t('standingBlocked');
    case 'accepted':
      if (direct) return t('standingDirect');
      return contact.online ? t('standingServer') : t('standingOffline');
  }
}

/**
 * Whether the box to write to a contact is open, and what it says. A request must be accepted before replying
 * (a reply would tell a stranger this profile exists and reads them); a blocked user must be unblocked first.
 */
export function composerFor(contact: Contact): { readonly canWrite: boolean; readonly placeholder: string } {
  const name = shownName(contact);
  switch (contact.state) {
    case 'incoming':
      return { canWrite: false, placeholder: t('composeIncoming', [name]) };
    case 'blocked':
      return { canWrite: false, placeholder: t('composeBlocked', [name]) };
    case 'outgoing':
      return { canWrite: true, placeholder: t('composeOutgoing', [name]) };
    case 'accepted':
      return {
        canWrite: true,
        placeholder: t(contact.online ? 'composeOnline' : 'composeOffline', [name]),
      };
  }
}
