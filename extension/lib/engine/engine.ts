import { decodeBytes, encodeBytes } from '../../../shared/crypto/identity';
import { safetyNumber } from '../../../shared/crypto/safety-number';
import { ErrorCode, type Result } from '../../../shared/errors';
import { randomId, type UserId } from '../../../shared/ids';
import { PEER_PROTOCOL_VERSION, PeerFrameSchema } from '../../../shared/protocol/peer';
import type { SessionStarted, User } from '../../../shared/protocol/socket';
import { parse } from '../../../shared/validate';
import type {
  ChatMessage,
  Contact,
  ConnectionStatus,
  EngineEvents,
  EngineMethod,
  EngineParams,
  EngineResponses,
  EngineState,
  LinkStatus,
} from '../messaging/protocol';
import type { Settings } from '../settings';
import { publicIdentity, signSessionChallenge, userIdOfKeys, type IdentityKeys } from '../crypto/identity';
import type { IdentityStore } from '../storage/identity-store';
import type { SettingsStore } from '../storage/settings-store';
import type { CreateMesh, PeerMesh } from '../transport/peers';
import type { ConnectSignaling, SignalingConnection } from '../transport/signaling';
import { createKeyPins, type ContactStore, type KeyPins } from './contacts';
import { createConversations } from './conversations';
import { EngineError } from './errors';

export type EngineApi = { [M in EngineMethod]: (params: EngineParams<M>) => Promise<EngineResponses[M]> };

export type EngineListener = <E extends keyof EngineEvents>(name: E, data: EngineEvents[E]) => void;

export interface Engine extends EngineApi {
  /** Loads settings and, when the user has chosen a name, goes online. */
  start(): Promise<void>;
  subscribe(listener: EngineListener): () => void;
}

interface Loaded {
  readonly keys: IdentityKeys;
  /** Derived from keys (SHA-512): computed once, not at every state push. */
  readonly selfId: UserId;
  readonly pins: KeyPins;
}

export interface EngineDeps {
  readonly settingsStore: SettingsStore;
  readonly identityStore: IdentityStore;
  readonly contactStore: ContactStore;
  /** Shows the number of unread messages outside the popup (the toolbar badge). */
  readonly showUnread: (count: number) => void;
  readonly connectSignaling: ConnectSignaling;
  readonly createMesh: CreateMesh;
  readonly now?: () => number;
}

/**
 * The long-lived core: one per browser profile, hosted by the offscreen document (Chrome)
 * or the background page (Firefox). UI pages reach it only through EngineApi.
 */
export function createEngine({
  settingsStore,
  identityStore,
  contactStore,
  showUnread,
  connectSignaling,
  createMesh,
  now = Date.now,
}: EngineDeps): Engine {
  const listeners = new Set<EngineListener>();
  const conversations = createConversations();
  const online = new Map<UserId, User>();
  const links = new Map<UserId, LinkStatus>();
  const startedAt = now();
  let settings: Settings | null = null;
  /** What start() reads from storage once; set for good before any request is answered. */
  let loaded: Loaded | undefined;
  const keyChanged = new Set<UserId>();
  const unread = new Map<UserId, number>();
  let connection: { status: ConnectionStatus; error?: string } = { status: 'unconfigured' };
  let signaling: SignalingConnection | undefined;
  let mesh: PeerMesh | undefined;
  let connectionsBefore = 0; // RTCPeerConnections created by meshes already torn down
  let loading: Promise<Loaded> | undefined;

  const emit: EngineListener = (name, data) => {
    for (const listener of listeners) listener(name, data);
  };
  const state = (): EngineState => ({
    settings:
      settings && loaded
        ? { name: settings.name, serverUrl: settings.serverUrl, userId: loaded.selfId }
        : null,
    connection,
    contacts: contactList(),
    links: Object.fromEntries(links),
    keyChanged: [...keyChanged],
    unread: Object.fromEntries(unread),
  });
  const setUnread = (peerId: UserId, count: number): void => {
    if (count === 0 && !unread.has(peerId)) return;
    if (count === 0) unread.delete(peerId);
    else unread.set(peerId, count);
    showUnread([...unread.values()].reduce((sum, n) => sum + n, 0));
    publish();
  };
  const publish = (): void => emit('state', state());
  const setConnection = (status: ConnectionStatus, error?: string): void => {
    connection = error === undefined ? { status } : { status, error };
    publish();
  };
  function contactList(): Contact[] {
    const known = new Map<UserId, string>((loaded?.pins.known() ?? []).map((pin) => [pin.userId, pin.name]));
    for (const user of online.values()) known.set(user.userId, user.name);
    return [...known]
      .map(([userId, name]) => ({ userId, name, online: online.has(userId) }))
      .sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
  }

  /** Compares an online user's key with the one pinned under their name (pinning it if new). */
  const observe = (user: User): void => {
    void loaded?.pins.observe(user).then((changed) => {
      if (changed) keyChanged.add(user.userId);
      else keyChanged.delete(user.userId);
      publish();
    });
  };
  const onlineUser = (peerId: UserId): User => {
    const user = online.get(peerId);
    if (!user) throw new EngineError(ErrorCode.InvalidPayload, 'This contact is not online now');
    return user;
  };
  /** Stores a message, or an outgoing one's new status, and tells the pages; false for a duplicate. */
  const record = (message: ChatMessage): boolean => {
    if (!conversations.upsert(message)) return false;
    emit('message', message);
    return true;
  };

  /** Proves the identity key to the server: sign its fresh challenge, then start the session. */
  async function startSession(
    connection: SignalingConnection,
    current: Settings,
    identity: IdentityKeys,
  ): Promise<Result<SessionStarted>> {
    const challenge = await connection.request('session:challenge', {});
    if (!challenge.ok) return challenge;
    return connection.request('session:start', {
      identity: publicIdentity(identity),
      name: current.name,
      challenge: challenge.data.challenge,
      signature: signSessionChallenge(identity, decodeBytes(challenge.data.challenge), current.name),
    });
  }

  function goOnline(current: Settings, identity: IdentityKeys): void {
    goOffline();
    setConnection('connecting');
    const activeMesh = createMesh({
      serverUrl: current.serverUrl,
      identity,
      iceServers: [],
      onFrame: receiveFrame,
      onLinkChange(peerId, status) {
        if (status === 'closed') links.delete(peerId);
        else links.set(peerId, status);
        publish();
      },
      onSignalingLost() {
        void activeSignaling.request('peer:ticket', {}).then((result) => {
          if (result.ok && mesh === activeMesh) activeMesh.resume(result.data);
        });
      },
    });
    const activeSignaling = connectSignaling(current.serverUrl, {
      onConnected() {
        void startSession(activeSignaling, current, identity).then((result) => {
          if (signaling !== activeSignaling) return;
          if (!result.ok) {
            setConnection('offline', result.error.message);
            return;
          }
          online.clear();
          for (const user of result.data.online) {
            online.set(user.userId, user);
            observe(user);
          }
          activeMesh.resume(result.data.peer);
          setConnection('online');
        });
      },
      onDisconnected(reason) {
        if (signaling !== activeSignaling) return;
        online.clear();
        setConnection('connecting', `Connection to the server lost (${reason}); retrying`);
      },
      onPresenceOnline(user) {
        online.set(user.userId, user);
        observe(user);
        publish();
      },
      onPresenceOffline(userId) {
        online.delete(userId);
        publish();
      },
    });
    mesh = activeMesh;
    signaling = activeSignaling;
  }

  function goOffline(): void {
    signaling?.close();
    signaling = undefined;
    if (mesh) connectionsBefore += mesh.connectionsCreated;
    mesh?.destroy();
    mesh = undefined;
    online.clear();
    links.clear();
  }

  function receiveFrame(peerId: UserId, data: unknown): void {
    const parsed = parse(PeerFrameSchema, data);
    if (!parsed.ok) {
      console.warn(`engine: dropped a malformed frame from ${peerId}: ${parsed.message}`);
      return;
    }
    const frame = parsed.value;
    const message: ChatMessage = {
      id: frame.id,
      peerId,
      direction: 'in',
      text: frame.text,
      sentAt: frame.sentAt,
      status: 'sent',
    };
    // A new message (not a duplicate) is unread until a page shows it (openConversation, markRead).
    if (record(message)) setUnread(peerId, (unread.get(peerId) ?? 0) + 1);
  }

  /** Loads settings, identity and pinned contacts once (going online if a name was chosen before). */
  const ready = (): Promise<Loaded> =>
    (loading ??= Promise.all([settingsStore.load(), identityStore.loadOrCreate(), contactStore.all()]).then(
      ([stored, keys, pinned]) => {
        loaded = { keys, selfId: userIdOfKeys(keys), pins: createKeyPins(contactStore, pinned) };
        settings = stored ?? null;
        if (settings) goOnline(settings, keys);
        return loaded;
      },
    ));

  const engine: Engine = {
    async start() {
      await ready();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async getState() {
      await ready();
      return state();
    },
    async saveSettings(input) {
      const { keys } = await ready();
      await settingsStore.save(input);
      const changed = input.name !== settings?.name || input.serverUrl !== settings.serverUrl;
      settings = input;
      if (changed || connection.status !== 'online') goOnline(input, keys);
      return state();
    },
    async openConversation({ peerId }) {
      await ready();
      // No connection to someone presenting a changed key until the user has looked at it.
      if (online.has(peerId) && !keyChanged.has(peerId)) mesh?.connect(peerId);
      setUnread(peerId, 0);
      return conversations.list(peerId);
    },
    async sendText({ peerId, text }) {
      await ready();
      if (!settings || !mesh)
        throw new EngineError(ErrorCode.Unauthenticated, 'Choose a name and connect first');
      if (keyChanged.has(peerId)) {
        throw new EngineError(
          ErrorCode.KeyChanged,
          "This contact's safety number has changed. Compare it, then accept the new key before sending",
        );
      }
      const message: ChatMessage = {
        id: randomId(),
        peerId,
        direction: 'out',
        text,
        sentAt: now(),
        status: 'sending',
      };
      record(message);
      try {
        await mesh.send(peerId, {
          v: PEER_PROTOCOL_VERSION,
          kind: 'chat',
          id: message.id,
          text,
          sentAt: message.sentAt,
        });
        const sent: ChatMessage = { ...message, status: 'sent' };
        record(sent);
        return sent;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const failed: ChatMessage = { ...message, status: 'failed', error: reason };
        record(failed);
        return failed;
      }
    },
    async getSafetyNumber({ peerId }) {
      const { keys, selfId } = await ready();
      const self = { userId: selfId, signingKey: encodeBytes(keys.signing.publicKey) };
      return { digits: safetyNumber(self, onlineUser(peerId)) };
    },
    async acceptKey({ peerId }) {
      const { pins } = await ready();
      await pins.accept(onlineUser(peerId));
      keyChanged.delete(peerId);
      mesh?.connect(peerId);
      publish();
      return state();
    },
    async markRead({ peerId }) {
      await ready();
      setUnread(peerId, 0);
      return state();
    },
    async getDiagnostics() {
      return { peerConnectionsCreated: connectionsBefore + (mesh?.connectionsCreated ?? 0), startedAt };
    },
  };
  return engine;
}
