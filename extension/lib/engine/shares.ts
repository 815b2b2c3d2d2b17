/**
 * What the context menu shares: a link, a selection or a page as a text message that names its page, and an
 * image, audio or video fetched by the engine and offered as a file. And the conversations a share can go to,
 * most recently active first.
 */
import { ErrorCode } from '../../../shared/errors';
import { MAX_FILE_BYTES, MAX_FILE_NAME_LENGTH } from '../../../shared/limits';
import { EngineError } from '../errors';
import type { EngineParams, ShareTarget } from '../messaging/protocol';
import type { ChatMessage } from '../model';
import type { Profile } from './profile';
import type { ConversationId } from '../../../shared/ids';

export interface SharesDeps {
  readonly sendText: (opened: Profile, peerId: ConversationId, text: string) => Promise<ChatMessage>;
  readonly sendFiles: (
    opened: Profile,
    peerId: ConversationId,
    files: readonly File[],
  ) => Promise<ChatMessage[]>;
  readonly fetch?: typeof fetch;
}

export interface Shares {
  sharePage(opened: Profile, share: EngineParams<'sharePage'>): Promise<ChatMessage>;
  shareMedia(opened: Profile, share: EngineParams<'shareMedia'>): Promise<ChatMessage>;
  targets(opened: Profile): ShareTarget[];
  /** A message was added to a conversation: it moves up among the targets. */
  touched(conversation: ConversationId, at: number): void;
}

/** The text a shared link, selection or page is sent as: what was shared, and where from. */
export function shareText({ kind, url, text }: EngineParams<'sharePage'>): string {
  const said = text?.trim();
  if (kind === 'selection' && said) return `“${said}”\n— ${url}`;
  return said ? `${said}\n${url}` : url;
}

/** A file name for fetched media: the last part of its path, else the kind of media it is. */
export function mediaFileName(srcUrl: string, type: string): string {
  const last = decodeURIComponent(new URL(srcUrl).pathname.split('/').pop() ?? '').trim();
  if (last) return last.slice(-MAX_FILE_NAME_LENGTH);
  const [kind = 'file', subtype = ''] = type.split('/');
  return subtype ? `${kind}.${subtype.replace(/[^a-z0-9]/gi, '')}` : kind;
}

export function createShares(deps: SharesDeps): Shares {
  const lastActive = new Map<ConversationId, number>();
  const fetchMedia = deps.fetch ?? ((input, init) => fetch(input, init));

  async function download(srcUrl: string): Promise<File> {
    const url = new URL(srcUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:' && url.protocol !== 'data:')
      throw new EngineError(ErrorCode.InvalidPayload, 'Only web images, audio and video can be shared');
    let response: Response;
    try {
      response = await fetchMedia(srcUrl, { credentials: 'omit', redirect: 'follow' });
    } catch {
      throw new EngineError(
        ErrorCode.InvalidPayload,
        `${url.origin} does not let the extension read it: allow access when asked, or save it and use “Send a file…”`,
      );
    }
    if (!response.ok)
      throw new EngineError(
        ErrorCode.InvalidPayload,
        `${url.origin} answered ${response.status}: nothing to send`,
      );
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_FILE_BYTES)
      throw new EngineError(ErrorCode.QuotaExceeded, 'This file is too large to send');
    const blob = await response.blob();
    return new File([blob], mediaFileName(srcUrl, blob.type), { type: blob.type });
  }

  return {
    async sharePage(opened, share) {
      return deps.sendText(opened, share.peerId, shareText(share));
    },
    async shareMedia(opened, { peerId, srcUrl }) {
      const [message] = await deps.sendFiles(opened, peerId, [await download(srcUrl)]);
      if (!message) throw new EngineError(ErrorCode.Internal, 'The file was not offered');
      return message;
    },
    targets(opened) {
      const contacts: ShareTarget[] = opened.book
        .list()
        .filter((contact) => contact.state === 'accepted')
        .map((contact) => ({
          id: contact.userId,
          name: contact.alias ?? contact.name,
          kind: 'contact',
        }));
      const rooms: ShareTarget[] = opened.rooms
        .views(() => false)
        .filter((room) => room.joined)
        .map((room) => ({ id: room.roomId, name: room.name, kind: 'room' }));
      return [...contacts, ...rooms].sort(
        (a, b) => (lastActive.get(b.id) ?? 0) - (lastActive.get(a.id) ?? 0) || a.name.localeCompare(b.name),
      );
    },
    touched(conversation, at) {
      lastActive.set(conversation, Math.max(at, lastActive.get(conversation) ?? 0));
    },
  };
}
