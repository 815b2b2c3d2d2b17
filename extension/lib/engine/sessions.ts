/**
 * End-to-end sessions with each contact: X3DH to start one (from a prekey bundle the server hands out), then the
 * Double Ratchet. A ciphertext leaves this module only once the state that sealed it is stored, so a restart never
 * reuses a message key; a plaintext leaves at once, with the promise of its state being stored, which must hold
 * before anything tells the sender it arrived (see `open`).
 */
import { ErrorCode } from '../../../shared/errors';
import type { UserId } from '../../../shared/ids';
import {
  MAX_ONE_TIME_PREKEYS,
  MAX_SESSIONS_PER_CONTACT,
  ONE_TIME_PREKEYS_LOW_WATER,
} from '../../../shared/limits';
import { ENVELOPE_VERSION, type PrekeyHeader, type SealedMessage } from '../../../shared/protocol/envelope';
import type { PrekeyBundle, PrekeysPublish, PrekeysPublished } from '../../../shared/protocol/prekeys';
import type { Result } from '../../../shared/errors';
import type { IdentityKeys } from '../crypto/identity';
import {
  addOneTimePrekeys,
  publicOneTimePrekeys,
  publicSignedPrekey,
  rotateSignedPrekey,
} from '../crypto/prekeys';
import { initiateRatchet, ratchetDecrypt, ratchetEncrypt, respondRatchet } from '../crypto/ratchet';
import { initiateX3dh, respondX3dh } from '../crypto/x3dh';
import { userIdOf, decodeBytes } from '../../../shared/crypto/identity';
import { EngineError } from '../errors';
import type { PeerSession, PeerSessions, SessionStore } from '../storage/stores';
import { createKeyedQueue } from './queue';

/** A decrypted message, and the write of the session state that decrypting it left. */
export interface OpenedMessage {
  readonly plaintext: Uint8Array;
  /**
   * Resolves once the new state is on disk. No receipt may go before it: after a crash the sender must send the
   * message again, and the state on disk must still be able to open it.
   */
  readonly stored: Promise<void>;
}

export interface Sessions {
  /**
   * Encrypts for `peerId`, starting a session from their prekey bundle if there is none. Resolves once the new
   * state is stored.
   */
  seal(peerId: UserId, plaintext: Uint8Array): Promise<SealedMessage>;
  /**
   * Decrypts a message from `peerId` (whose identity the transport has verified); throws if it cannot. The next
   * message to or from `peerId` may start while the state is being written.
   */
  open(peerId: UserId, message: SealedMessage): Promise<OpenedMessage>;
  /** Rotates the signed prekey when due and tops up the one-time prekeys the server holds. */
  publishPrekeys(publish: (request: PrekeysPublish) => Promise<Result<PrekeysPublished>>): Promise<void>;
}

export interface SessionsDeps {
  readonly keys: IdentityKeys;
  readonly store: SessionStore;
  readonly claimBundle: (peerId: UserId) => Promise<PrekeyBundle>;
  readonly now?: () => number;
}

const PREKEYS = 'own prekeys';

export function createSessions({ keys, store, claimBundle, now = Date.now }: SessionsDeps): Sessions {
  const queue = createKeyedQueue();

  const front = (session: PeerSession, others: PeerSessions): PeerSessions =>
    [session, ...others.filter((other) => other.id !== session.id)].slice(0, MAX_SESSIONS_PER_CONTACT);

  async function startSession(peerId: UserId): Promise<PeerSession> {
    const started = await initiateX3dh(keys, await claimBundle(peerId), peerId);
    return {
      id: started.header.ephemeral,
      ratchet: await initiateRatchet(started.sharedSecret, started.remoteRatchetKey),
      associatedData: started.associatedData,
      prekey: started.header,
    };
  }

  /** A session the other side started: X3DH from our prekeys. Returns the one-time prekey to spend on success. */
  async function acceptSession(
    peerId: UserId,
    header: PrekeyHeader,
  ): Promise<{ session: PeerSession; spends?: number }> {
    if (userIdOf(decodeBytes(header.identity.signingKey)) !== peerId)
      throw new EngineError(
        ErrorCode.InvalidPayload,
        'A message claimed to start a session for someone else',
      );
    const prekeys = await store.loadPrekeys();
    const signed = prekeys.signed.find((prekey) => prekey.id === header.signedPrekeyId);
    if (!signed)
      throw new EngineError(ErrorCode.NotFound, 'A message used a signed prekey this profile does not have');
    let oneTime;
    if (header.oneTimePrekeyId !== undefined) {
      oneTime = prekeys.oneTime.find((prekey) => prekey.id === header.oneTimePrekeyId);
      if (!oneTime) {
        throw new EngineError(
          ErrorCode.NotFound,
          'A message used a one-time prekey that is already spent (a replay, or sent to a restored profile)',
        );
      }
    }
    const agreed = await respondX3dh(keys, header, signed.keyPair, oneTime?.keyPair);
    return {
      session: {
        id: header.ephemeral,
        ratchet: respondRatchet(agreed.sharedSecret, signed.keyPair),
        associatedData: agreed.associatedData,
      },
      ...(oneTime ? { spends: oneTime.id } : {}),
    };
  }

  return {
    async seal(peerId, plaintext) {
      // The queue holds only while the state changes in memory; the ciphertext waits for the disk outside it.
      const { sealed, stored } = await queue.run(peerId, async () => {
        const sessions = await store.load(peerId);
        const current = sessions.find((session) => session.ratchet.sendChain) ?? (await startSession(peerId));
        const { state, envelope } = ratchetEncrypt(current.ratchet, plaintext, current.associatedData);
        const message: SealedMessage = {
          v: ENVELOPE_VERSION,
          session: current.id,
          ...(current.prekey ? { prekey: current.prekey } : {}),
          envelope,
        };
        return {
          sealed: message,
          stored: store.save(peerId, front({ ...current, ratchet: state }, sessions)),
        };
      });
      await stored;
      return sealed;
    },
    async open(peerId, message) {
      const { plaintext, stored, spends } = await queue.run(peerId, async () => {
        const sessions = await store.load(peerId);
        const known = sessions.find((session) => session.id === message.session);
        let session: PeerSession;
        let spends: number | undefined;
        if (known) session = known;
        else if (message.prekey) ({ session, spends } = await acceptSession(peerId, message.prekey));
        else
          throw new EngineError(
            ErrorCode.NotFound,
            'A message arrived for a session this profile does not have',
          );

        const { state, plaintext } = await ratchetDecrypt(
          session.ratchet,
          message.envelope,
          session.associatedData,
        );
        // An answer on our session shows the other side has it: no more prekey header.
        const answered: PeerSession = {
          id: session.id,
          ratchet: state,
          associatedData: session.associatedData,
        };
        // Soon, not now: no ciphertext depends on it yet (a seal writes the state now), and a crash before it is
        // written makes the sender send again, which the state on disk still opens.
        return { plaintext, stored: store.save(peerId, front(answered, sessions), 'soon'), spends };
      });
      // The one-time prekey is spent only once the session it began is stored.
      const spent = spends === undefined ? stored : stored.then(() => spendOneTimePrekey(spends));
      return { plaintext, stored: spent };
    },
    publishPrekeys(publish) {
      return queue.run(PREKEYS, async () => {
        const stored = await store.loadPrekeys();
        // No one-time prekey secrets here: whatever the server holds for this user cannot be opened (a new or
        // restored profile), so it must drop them rather than hand them out.
        const replace = stored.oneTime.length === 0;
        let prekeys = rotateSignedPrekey(stored, keys, now());
        await store.savePrekeys(prekeys);
        const signedPrekey = publicSignedPrekey(prekeys);
        if (!signedPrekey) throw new Error('publishPrekeys: no signed prekey after rotation');
        const held = await publish({ signedPrekey, oneTimePrekeys: [], replace });
        if (!held.ok) throw new EngineError(held.error.code, held.error.message);
        if (held.data.oneTimePrekeys >= ONE_TIME_PREKEYS_LOW_WATER) return;
        const firstNew = prekeys.nextId;
        prekeys = addOneTimePrekeys(prekeys, MAX_ONE_TIME_PREKEYS - held.data.oneTimePrekeys);
        // Stored before the server learns the public halves: a message using one can always be opened.
        await store.savePrekeys(prekeys);
        const added = await publish({
          signedPrekey,
          oneTimePrekeys: publicOneTimePrekeys(prekeys, firstNew),
        });
        if (!added.ok) throw new EngineError(added.error.code, added.error.message);
      });
    },
  };

  function spendOneTimePrekey(id: number): Promise<void> {
    return queue.run(PREKEYS, async () => {
      const prekeys = await store.loadPrekeys();
      await store.savePrekeys({ ...prekeys, oneTime: prekeys.oneTime.filter((prekey) => prekey.id !== id) });
    });
  }
}
