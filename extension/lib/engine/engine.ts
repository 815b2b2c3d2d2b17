import { decodeBytes, encodeBytes } from '../../../shared/crypto/identity';
import { safetyNumber } from '../../../shared/crypto/safety-number';
import { ErrorCode, type Result } from '../../../shared/errors';
import { randomId, type UserId } from '../../../shared/ids';
import { CONTENT_VERSION, ContentSchema, type Content } from '../../../shared/protocol/content';
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
  VaultStatus,
} from '../messaging/protocol';
import type { Settings } from '../settings';
import { publicIdentity, signSessionChallenge, userIdOfKeys, type IdentityKeys } from '../crypto/identity';
import type { UnlockedVault, VaultStorage } from '../storage/vault-storage';
import type { CreateMesh, PeerMesh } from '../transport/peers';
import type { ConnectSignaling, SignalingConnection } from '../transport/signaling';
import { decryptBackup, encryptBackup } from '../vault/backup';
import { DEFAULT_KDF, type KdfParams } from '../vault/kdf';
import { createKeyPins, type KeyPins } from './contacts';
import { createConversations, type Conversations } from './conversations';
import { EngineError } from './errors';
import { createKeyedQueue } from './queue';
import { createSessions, type Sessions } from './sessions';

export type EngineApi = { [M in EngineMethod]: (params: EngineParams<M>) => Promise<EngineResponses[M]> };

export type EngineListener = <E extends keyof EngineEvents>(name: E, data: EngineEvents[E]) => void;

export interface Engine extends EngineApi {
  /** Finds out whether a passphrase is set; nothing else is readable before it is given. */
  start(): Promise<void>;
  subscribe(listener: EngineListener): () => void;
}

/** What the passphrase opens; dropped (and with it every key) when the engine locks. */
interface Unlocked {
  readonly vault: UnlockedVault;
  readonly keys: IdentityKeys;
  /** Derived from keys (SHA-512): computed once, not at every state push. */
  readonly selfId: UserId;
  readonly pins: KeyPins;
  readonly conversations: Conversations;
  readonly sessions: Sessions;
  settings: Settings | null;
}

export interface EngineDeps {
  readonly storage: VaultStorage;
  /** Shows the number of unread messages outside the popup (the toolbar badge). */
  readonly showUnread: (count: number) => void;
  readonly connectSignaling: ConnectSignaling;
  readonly createMesh: CreateMesh;
  /** The KDF cost for backups (tests lower it). */
  readonly backupKdf?: KdfParams;
  readonly now?: () => number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The long-lived core: one per browser profile, hosted by the offscreen document (Chrome)
 * or the background page (Firefox). UI pages reach it only through EngineApi.
 */
export function createEngine({
  storage,
  showUnread,
  connectSignaling,
  createMesh,
  backupKdf = DEFAULT_KDF,
  now = Date.now,
}: EngineDeps): Engine {
  const listeners = new Set<EngineListener>();
  const online = new Map<UserId, User>();
  const links = new Map<UserId, LinkStatus>();
  const startedAt = now();
  const keyChanged = new Set<UserId>();
  const unread = new Map<UserId, number>();
  /** Contacts whose conversation a page opened: linked to as soon as they are online (and their key is known). */
  const wanted = new Set<UserId>();
  const inbound = createKeyedQueue();
  let vaultStatus: Exclude<VaultStatus, 'unlocked'> | undefined;
  let unlocked: Unlocked | undefined;
  let connection: { status: ConnectionStatus; error?: string } = { status: 'unconfigured' };
  let signaling: SignalingConnection | undefined;
  let mesh: PeerMesh | undefined;
  let connectionsBefore = 0; // RTCPeerConnections created by meshes already torn down
  let autoLock: ReturnType<typeof setTimeout> | undefined;
  let starting: Promise<void> | undefined;

  const emit: EngineListener = (name, data) => {
    for (const listener of listeners) listener(name, data);
  };
  const state = (): EngineState => {
    return {
      vault: unlocked ? 'unlocked' : (vaultStatus ?? 'locked'),
      settings: unlocked?.settings ? { ...unlocked.settings, userId: unlocked.selfId } : null,
      connection,
      contacts: contactList(),
      links: Object.fromEntries(links),
      keyChanged: [...keyChanged],
      unread: Object.fromEntries(unread),
    };
  };
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
    const known = new Map<UserId, string>(
      (unlocked?.pins.known() ?? []).map((pin) => [pin.userId, pin.name]),
    );
    for (const user of online.values()) known.set(user.userId, user.name);
    return [...known]
      .map(([userId, name]) => ({ userId, name, online: online.has(userId) }))
      .sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
  }

  /** The opened vault, or a clear `locked` error; any request also counts as activity for the auto-lock. */
  function open(): Unlocked {
    if (!unlocked) throw new EngineError(ErrorCode.Locked, 'The messenger is locked: enter your passphrase');
    armAutoLock(unlocked.settings);
    return unlocked;
  }
  function armAutoLock(settings: Settings | null): void {
    clearTimeout(autoLock);
    const minutes = settings?.autoLockMinutes ?? 0;
    if (minutes > 0) autoLock = setTimeout(lockNow, minutes * 60_000);
  }
  function lockNow(): void {
    clearTimeout(autoLock);
    forgetProfile();
    unlocked = undefined;
    vaultStatus = 'locked';
    connection = { status: 'unconfigured' };
    publish();
  }
  /** Drops the connections and the per-profile state of the vault opened so far (on lock, unlock, restore). */
  function forgetProfile(): void {
    goOffline();
    keyChanged.clear();
    wanted.clear();
    if (unread.size > 0) showUnread(0); // the badge showed this profile's count
    unread.clear();
  }

  /** Compares an online user's key with the one pinned under their name (pinning it if new). */
  const observe = (user: User): void => {
    void unlocked?.pins.observe(user).then((changed) => {
      if (changed) keyChanged.add(user.userId);
      else keyChanged.delete(user.userId);
      if (!changed && wanted.has(user.userId)) mesh?.connect(user.userId);
      publish();
    });
  };
  const onlineUser = (peerId: UserId): User => {
    const user = online.get(peerId);
    if (!user) throw new EngineError(ErrorCode.InvalidPayload, 'This contact is not online now');
    return user;
  };
  /** Stores a message, or an outgoing one's new status, and tells the pages; false for a duplicate. */
  const record = async (message: ChatMessage): Promise<boolean> => {
    if (!unlocked || !(await unlocked.conversations.upsert(message))) return false;
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

  function goOnline(current: Settings, opened: Unlocked): void {
    goOffline();
    setConnection('connecting');
    const activeMesh = createMesh({
      serverUrl: current.serverUrl,
      identity: opened.keys,
      iceServers: [],
      onFrame: (peerId, data) => void receiveFrame(peerId, data),
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
        void startSession(activeSignaling, current, opened.keys).then((result) => {
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
          opened.sessions
            .publishPrekeys((request) => activeSignaling.request('prekeys:publish', request))
            .catch((error: unknown) => console.warn('engine: could not publish prekeys', error));
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

  /** Decrypts and records a frame from a verified peer, one at a time per peer (the ratchet is ordered). */
  function receiveFrame(peerId: UserId, data: unknown): Promise<void> {
    return inbound.run(peerId, async () => {
      const opened = unlocked;
      const frame = parse(PeerFrameSchema, data);
      if (!opened || !frame.ok) {
        console.warn(`engine: dropped a frame from ${peerId}: ${frame.ok ? 'locked' : frame.message}`);
        return;
      }
      let content: Content;
      try {
        const plaintext = await opened.sessions.open(peerId, frame.value.message);
        const parsed = parse(ContentSchema, JSON.parse(decoder.decode(plaintext)));
        if (!parsed.ok) throw new Error(`its content is invalid: ${parsed.message}`);
        content = parsed.value;
      } catch (error) {
        console.warn(`engine: could not open a message from ${peerId}: ${String(error)}`);
        return;
      }
      const message: ChatMessage = {
        id: content.id,
        peerId,
        direction: 'in',
        text: content.text,
        sentAt: content.sentAt,
        status: 'sent',
      };
      // A new message (not a duplicate) is unread until a page shows it (openConversation, markRead).
      if (await record(message)) setUnread(peerId, (unread.get(peerId) ?? 0) + 1);
    });
  }

  /** Builds the engine's working state from an opened vault and goes online if a name was chosen. */
  async function enter(vault: UnlockedVault): Promise<Unlocked> {
    const [settings, pinned] = await Promise.all([vault.settings.load(), vault.contacts.all()]);
    const opened: Unlocked = {
      vault,
      keys: vault.identity,
      selfId: userIdOfKeys(vault.identity),
      pins: createKeyPins(vault.contacts, pinned),
      conversations: createConversations(vault.history),
      sessions: createSessions({
        keys: vault.identity,
        store: vault.sessions,
        now,
        claimBundle: async (peerId) => {
          if (!signaling) throw new EngineError(ErrorCode.Unauthenticated, 'Not connected to the server');
          const bundle = await signaling.request('prekeys:claim', { userId: peerId });
          if (!bundle.ok) throw new EngineError(bundle.error.code, bundle.error.message);
          return bundle.data;
        },
      }),
      settings: settings ?? null,
    };
    forgetProfile();
    unlocked = opened;
    armAutoLock(opened.settings);
    if (opened.settings) goOnline(opened.settings, opened);
    else setConnection('unconfigured');
    publish();
    return opened;
  }

  const ready = (): Promise<void> =>
    (starting ??= storage.status().then((status) => {
      vaultStatus = status;
    }));

  const engine: Engine = {
    start: ready,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async getState() {
      await ready();
      return state();
    },
    async setUp({ passphrase, ...settings }) {
      await ready();
      if (vaultStatus !== 'new' || unlocked)
        throw new EngineError(ErrorCode.InvalidPayload, 'A passphrase is already set');
      const opened = await enter(await storage.create(passphrase));
      vaultStatus = 'locked';
      await opened.vault.settings.save(settings);
      opened.settings = settings;
      armAutoLock(settings);
      goOnline(settings, opened);
      return state();
    },
    async unlock({ passphrase }) {
      await ready();
      if (vaultStatus === 'new')
        throw new EngineError(ErrorCode.InvalidPayload, 'No passphrase is set yet: set one up first');
      if (!unlocked) await enter(await storage.unlock(passphrase));
      return state();
    },
    async lock() {
      await ready();
      if (unlocked) lockNow();
      return state();
    },
    async exportBackup({ passphrase }) {
      const { vault, settings } = open();
      const backup = await encryptBackup(await vault.exportContent(), passphrase, backupKdf);
      const day = new Date(now()).toISOString().slice(0, 10);
      return { fileName: `messenger-backup-${settings?.name ?? 'profile'}-${day}.json`, backup };
    },
    async importBackup({ passphrase, backup }) {
      const { vault } = open();
      // Decrypted and validated in full before anything is written: a wrong passphrase changes nothing.
      const content = await decryptBackup(backup, passphrase);
      await enter(await vault.restore(content));
      return state();
    },
    async saveSettings(input) {
      const opened = open();
      await opened.vault.settings.save(input);
      const previous = opened.settings;
      opened.settings = input;
      armAutoLock(input);
      const changed = input.name !== previous?.name || input.serverUrl !== previous.serverUrl;
      if (changed || connection.status !== 'online') goOnline(input, opened);
      else publish();
      return state();
    },
    async openConversation({ peerId }) {
      const { conversations } = open();
      wanted.add(peerId);
      // No connection to someone presenting a changed key until the user has looked at it.
      if (online.has(peerId) && !keyChanged.has(peerId)) mesh?.connect(peerId);
      setUnread(peerId, 0);
      return conversations.list(peerId);
    },
    async sendText({ peerId, text }) {
      const { settings, sessions } = open();
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
      const activeMesh = mesh;
      const content: Content = {
        v: CONTENT_VERSION,
        kind: 'chat',
        id: message.id,
        text,
        sentAt: message.sentAt,
      };
      // Stored and sealed at once (both wait on IndexedDB); it goes out only once both are done.
      const stored = record(message);
      try {
        const [sealed] = await Promise.all([
          sessions.seal(peerId, encoder.encode(JSON.stringify(content))),
          stored,
        ]);
        await activeMesh.send(peerId, { v: PEER_PROTOCOL_VERSION, kind: 'sealed', message: sealed });
        const sent: ChatMessage = { ...message, status: 'sent' };
        await record(sent);
        return sent;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const failed: ChatMessage = { ...message, status: 'failed', error: reason };
        await record(failed);
        return failed;
      }
    },
    async getSafetyNumber({ peerId }) {
      const { keys, selfId } = open();
      const self = { userId: selfId, signingKey: encodeBytes(keys.signing.publicKey) };
      return { digits: safetyNumber(self, onlineUser(peerId)) };
    },
    async acceptKey({ peerId }) {
      const { pins } = open();
      await pins.accept(onlineUser(peerId));
      keyChanged.delete(peerId);
      mesh?.connect(peerId);
      publish();
      return state();
    },
    async markRead({ peerId }) {
      open();
      setUnread(peerId, 0);
      return state();
    },
    async getDiagnostics() {
      return { peerConnectionsCreated: connectionsBefore + (mesh?.connectionsCreated ?? 0), startedAt };
    },
  };
  return engine;
}
