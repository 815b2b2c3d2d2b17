/**
 * The long-lived core: one per browser profile, hosted by the offscreen document (Chrome) or the background page
 * (Firefox). UI pages reach it only through EngineApi. This file wires the parts together and is the API facade;
 * each part is a factory with its own `Deps` (see the modules imported below, and README "How a message travels").
 */
import { ErrorCode } from '../../../shared/errors';
import { EngineError } from '../errors';
import type { UserId } from '../../../shared/ids';
import { decodeWithBrowser, type DecodeImage } from '../contacts/avatar';
import type { Contact, EngineMethod, EngineParams, EngineResponses } from '../messaging/protocol';
import type { VaultStorage } from '../storage/vault-storage';
import type { CreateMesh } from '../transport/peers';
import type { ConnectSignaling } from '../transport/signaling';
import { DEFAULT_KDF, type KdfParams } from '../vault/kdf';
import { createAccount } from './account';
import { createBackups } from './backups';
import { callApi, type CallHost } from './calls/call-api';
import { createCalls } from './calls/calls';
import { contactApi } from './contact-api';
import { conversationApi } from './conversation-api';
import { createDrafts } from './drafts';
import { createMessageChanges } from './message-changes';
import { createTyping } from './typing';
import { createInbound } from './inbound';
import { createMessageLog } from './message-log';
import { createPublicRooms } from './public-rooms';
import { createRecent } from './recent';
import { roomApi } from './room-api';
import { openProfile } from './profile';
import { createReceipts } from './receipts';
import { createSending } from './sending';
import { createServerLink } from './server-link';
import { createShares } from './shares';
import { createTransfers, type FileServices } from './transfers/transfers';
import { createVaultLifecycle } from './vault-lifecycle';
import { contactOf, createView, type EngineListener, type PageScreen } from './view';

export type { EngineListener } from './view';

export type EngineApi = { [M in EngineMethod]: (params: EngineParams<M>) => Promise<EngineResponses[M]> };

export interface Engine extends EngineApi {
  /** Finds out whether a passphrase is set; nothing else is readable before it is given. */
  start(): Promise<void>;
  subscribe(listener: EngineListener): () => void;
  /** A page session's part of what is on screen (serve.ts gives each page one). */
  screen(): PageScreen;
}

export interface EngineDeps {
  readonly storage: VaultStorage;
  /** Shows the number of unread messages outside the popup (the toolbar badge). */
  readonly showUnread: (count: number) => void;
  readonly connectSignaling: ConnectSignaling;
  readonly createMesh: CreateMesh;
  /** The KDF cost for backups (tests lower it). */
  readonly backupKdf?: KdfParams;
  /** Decodes an avatar to check it (tests give a fake: Node has no image decoder). */
  readonly decodeImage?: DecodeImage;
  /** Where files are hashed, kept while they arrive, and saved (the host gives the browser's; tests give fakes). */
  readonly files: FileServices;
  readonly callHost?: CallHost; // opens the call window for an incoming call (the host's; tests give none)
  readonly now?: () => number;
}

/** Builds the parts and hands each the others it needs (late-bound: a part is called only after all exist). */
export function createEngine({
  storage,
  showUnread,
  connectSignaling,
  createMesh,
  backupKdf = DEFAULT_KDF,
  decodeImage = decodeWithBrowser,
  files,
  callHost = { openWindow: () => undefined },
  now = Date.now,
}: EngineDeps): Engine {
  const startedAt = now();
  const view = createView({
    showUnread,
    vault: () => lifecycle.status(),
    settings: () => {
      const opened = lifecycle.current();
      return opened?.settings ? { ...opened.settings, userId: opened.selfId } : null;
    },
    contacts: () => lifecycle.current()?.book.list() ?? [],
    profileOf: (userId) => lifecycle.current()?.profiles.of(userId),
    online: () => link.online(),
    links: () => link.links(),
    notifies(conversation) {
      const opened = lifecycle.current();
      const contact = opened?.book.get(conversation);
      return contact
        ? contact.state === 'accepted' && !contact.muted
        : opened?.rooms.has(conversation) === true;
    },
    selfId: () => lifecycle.current()?.selfId,
    rooms: (isOnline) => lifecycle.current()?.rooms.views(isOnline) ?? [],
  });
  const recent = createRecent({
    current: () => lifecycle.current(),
    emit: (list) => view.emit('recent', list),
  });
  const log = createMessageLog({
    emit(message) {
      shares.touched(message.peerId, message.sentAt);
      recent.seen(message);
      view.emit('message', message);
    },
  });
  const link = createServerLink({
    connectSignaling,
    createMesh,
    current: () => lifecycle.current(),
    connection: () => view.connection(),
    settings: () => lifecycle.current()?.settings,
    setConnection: (status, error) => view.setConnection(status, error),
    publish: () => view.publish(),
    receiveFrame: (peerId, data) => inbound.receiveFrame(peerId, data),
    receiveMail: (items) => inbound.receiveMail(items),
    fetchMail: (signaling) => inbound.fetchMail(signaling),
    linkOpened: (peerId) => transfers.linkOpened(peerId),
    receiveMediaFrame: (peerId, frame) => calls.mediaFrame(peerId, frame),
  });
  const calls = createCalls({
    ...callHost,
    ...view, // emit, unread, setUnread
    current: () => lifecycle.current(),
    now,
    log,
    sendMediaFrame: (peerId, frame) => link.sendMediaFrame(peerId, frame),
  });
  const receipts = createReceipts({
    current: () => lifecycle.current(),
    now,
    log,
    directOpen: (peerId) => link.directOpen(peerId),
    sendDirect: (peerId, frame) => link.sendDirect(peerId, frame),
    sendMail: (to, id, message) => link.mailTo(to, id, message),
  });
  const changes = createMessageChanges({
    now,
    log,
    mayWrite: (opened, conversation) => void sending.checkedRecipients(opened, conversation),
    send: (opened, conversation, change) => sending.sendChange(opened, conversation, change),
  });
  const drafts = createDrafts();
  const typing = createTyping({
    now,
    linkOpen: (peerId) => link.linkOpen(peerId),
    sendDirect: (peerId, frame) => link.sendDirect(peerId, frame),
    emit: (event) => view.emit('typing', event),
  });
  const inbound = createInbound({
    current: () => lifecycle.current(),
    signaling: () => link.signaling(),
    syncRooms: (opened, signaling) => link.syncRooms(opened, signaling),
    log,
    receipts,
    unread: (conversation) => view.unread(conversation),
    setUnread: (conversation, count) => view.setUnread(conversation, count),
    shown: (conversation) => view.shown(conversation),
    now,
    calls,
    changes,
    typing,
    files: {
      offered: (...args) => transfers.offered(...args),
      control: (...args) => transfers.control(...args),
      pulled: (...args) => transfers.pulled(...args),
      part: (...args) => transfers.part(...args),
    },
  });
  const sending = createSending({ now, log });
  const transfers = createTransfers({
    current: () => lifecycle.current(),
    now,
    files,
    emit: (transfer) => view.emit('transfer', transfer),
    offer: (opened, peerId, id, offer) => sending.sendFile(opened, peerId, id, offer),
    recipients: (opened, peerId) => sending.checkedRecipients(opened, peerId),
    sendPull: (peerId, frame) => link.sendDirect(peerId, frame),
    openChannel: (peerId, stream) => link.openFileChannel(peerId, stream),
    linkOpen: (peerId) => link.linkOpen(peerId),
    want: (peerId) => link.want(peerId),
  });
  const shares = createShares({
    sendText: (opened, peerId, text) => sending.sendText(opened, peerId, text),
    sendFiles: (opened, peerId, list) => transfers.sendFiles(opened, peerId, list),
  });
  const lifecycle = createVaultLifecycle({
    storage,
    build: (vault) =>
      openProfile(vault, {
        now,
        request: (event, payload) => link.request(event, payload),
        claimBundle: (peerId) => link.claimBundle(peerId),
        lookup: async (name) => (await link.request('user:lookup', { name })).user,
        blockOnServer: async (userId, blocked) => {
          await link.request('block:set', { userId, blocked });
        },
        serverOrigin() {
          const url = lifecycle.current()?.settings?.serverUrl;
          return url === undefined ? undefined : new URL(url).origin;
        },
        contactsChanged() {
          link.watchPresence();
          view.recountBadge();
          view.publish();
        },
        selfName: () => lifecycle.current()?.settings?.name,
        changed: () => view.publish(),
        transport: {
          linkOpen: (peerId) => link.linkOpen(peerId),
          peerOnline: (peerId) => link.online().has(peerId),
          connect: (peerId) => link.connect(peerId),
          sendDirect: (peerId, frame) => link.sendDirect(peerId, frame),
          sendMail: (to, id, message) => link.mailTo(to, id, message),
        },
        log,
        profileRequest: (event, payload) => link.request(event, payload),
        decodeImage,
      }),
    goOnline: (settings, opened) => link.goOnline(settings, opened),
    goOffline: () => link.goOffline(),
    forgetState() {
      transfers.stopAll();
      calls.stopAll();
      drafts.clear();
      typing.forget();
      recent.forget();
      link.forgetContacts();
      view.clearUnread();
    },
    unconfigured: () => view.setConnection('unconfigured'),
    resetConnection: () => view.resetConnection(),
    publish: () => view.publish(),
  });
  const backups = createBackups({
    kdf: backupKdf,
    now,
    enter: (vault) => lifecycle.enter(vault),
    requeue: (opened, messages) => sending.requeue(opened, messages),
  });
  const account = createAccount({
    signaling: () => link.signaling(),
    online: () => view.connection().status === 'online',
    goOffline: () => link.goOffline(),
    setOffline: (reason) => view.setConnection('offline', reason),
  });
  const open = () => lifecycle.open();
  const publicRooms = createPublicRooms({ request: (e, p) => link.request(e, p), rooms: () => open().rooms });
  const contactView = (userId: UserId): Contact => {
    const contact = lifecycle.current()?.book.get(userId);
    if (!contact) throw new EngineError(ErrorCode.Internal, 'The contact is not listed after all');
    return contactOf(contact, link.online().has(userId), lifecycle.current()?.profiles.of(userId));
  };

  return {
    start: () => lifecycle.ready(),
    subscribe: (listener) => view.subscribe(listener),
    screen: () => view.screen(),
    async getState() {
      await lifecycle.ready();
      return view.state();
    },
    async setUp({ passphrase, ...settings }) {
      await lifecycle.setUp(passphrase, settings);
      return view.state();
    },
    async unlock({ passphrase }) {
      await lifecycle.unlock(passphrase);
      return view.state();
    },
    async lock() {
      await lifecycle.ready();
      lifecycle.lock();
      return view.state();
    },
    async changePassphrase({ current, next }) {
      open(); // from an unlocked session only
      await storage.changePassphrase(current, next);
      return {};
    },
    async exportBackup({ passphrase }) {
      return backups.exportBackup(open(), passphrase);
    },
    async importBackup({ passphrase, backup }) {
      await backups.importBackup(open(), passphrase, backup);
      return view.state();
    },
    async saveSettings(input) {
      const opened = open();
      await opened.vault.settings.save(input);
      const previous = opened.settings;
      opened.settings = input;
      lifecycle.armAutoLock(input);
      const changed = input.name !== previous?.name || input.serverUrl !== previous.serverUrl;
      if (changed || view.connection().status !== 'online') link.goOnline(input, opened);
      else if (input.appearOffline !== previous.appearOffline) link.watchPresence();
      else view.publish();
      return view.state();
    },
    ...roomApi(open, publicRooms, () => view.state()),
    async releaseName() {
      await account.releaseName(open());
      return view.state();
    },
    async deleteAccount() {
      await account.deleteAccount(open());
      return view.state();
    },
    getProfile: async () => open().profiles.own(),
    saveProfile: async (input) => open().profiles.save(input),
    sendFiles: async ({ peerId, files: list }) => transfers.sendFiles(open(), peerId, list),
    answerFile: async ({ conversation, messageId, accept }) =>
      transfers.answer(open(), conversation, messageId, accept),
    cancelFile: async ({ conversation, messageId, peer }) =>
      transfers.cancel(open(), conversation, messageId, peer),
    listTransfers: async () => transfers.list(open()),
    sharePage: async (share) => shares.sharePage(open(), share),
    shareMedia: async (share) => shares.shareMedia(open(), share),
    getShareTargets: async () => ({ targets: shares.targets(open()) }),
    listRecent: () => recent.list(), // no activity: opening the popup does not keep the vault open
    ...callApi(calls, open, () => link.iceServers()),
    ...contactApi({ open, now, log, receipts, contactView }),
    ...conversationApi({
      open,
      sending,
      changes,
      receipts,
      typing,
      drafts,
      want: (userId) => link.want(userId),
      setUnread: (conversation, count) => view.setUnread(conversation, count),
    }),
    async getDiagnostics() {
      return { peerConnectionsCreated: link.connectionsCreated(), startedAt };
    },
  };
}
