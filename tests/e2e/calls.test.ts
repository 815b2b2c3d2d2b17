import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CALL_RING_TIMEOUT_MS } from '../../shared/limits';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import { callContacts, chromeCallPair, enginePage, signUp, type ChromeCallPair } from '../support/call-users';
import {
  callEntries,
  eventually,
  incomingCall,
  incomingCallPage,
  openCallPage,
  receivedStats,
  ringingCallPage,
  waitCallState,
  waitCallStates,
} from '../support/call-window';
import { ChromeUser } from '../support/chrome-extension';
import { waitForContact } from '../support/e2e-contacts';
import { engineCall } from '../support/engine-port';
import { TEST_PASSPHRASE } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

/** The call's state as the window's status line shows it. */
const receivedState = (page: Page): Promise<string | null> =>
  page.getByTestId('call-status').getAttribute('data-state');

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('calls between two Chrome users', () => {
  let server: TestServer;
  let pair: ChromeCallPair;

  beforeAll(async () => {
    server = await startTestServer();
    pair = await chromeCallPair(server.url);
  }, 120_000);
  afterAll(async () => {
    await pair.close();
    await server.close();
  });

  it('Alice calls Bob, Bob accepts: each receives live video, mute silences Alice on Bob’s side, hang-up ends it for both', async () => {
    const aliceWindow = await openCallPage(pair.alice, `?peer=${pair.bobId}&media=video`);
    await waitCallState(aliceWindow, 'ringing');
    const { call: ringing, page: bobWindow } = await ringingCallPage(pair.bob, pair.bobEngine);
    expect(ringing).toMatchObject({ peerId: pair.aliceId, media: 'video', peerName: 'Alice' });

    const acceptedAt = performance.now();
    await bobWindow.getByTestId('call-accept').click();
    // Bound to both identities, then media flows: each side's decoded frames go up, and go on going up.
    const [boundMs, firstFrameMs] = await Promise.all([
      Promise.all(
        [aliceWindow, bobWindow].map(async (page) => {
          await eventually(
            'bound',
            () => receivedState(page),
            (state) => state === 'active',
            20_000,
            20,
          );
          return Math.round(performance.now() - acceptedAt);
        }),
      ),
      Promise.all(
        [aliceWindow, bobWindow].map(async (page) => {
          await eventually(
            'first frame',
            () => receivedStats(page),
            (stats) => stats.framesDecoded > 0,
            20_000,
            20,
          );
          return Math.round(performance.now() - acceptedAt);
        }),
      ),
    ]);
    console.info(
      `[figures] accept click to bound (media may flow): Alice ${boundMs[0]} ms, Bob ${boundMs[1]} ms; to first remote frame decoded: Alice ${firstFrameMs[0]} ms, Bob ${firstFrameMs[1]} ms`,
    );
    await waitCallStates([aliceWindow, bobWindow], 'active');
    for (const page of [aliceWindow, bobWindow]) {
      const first = await receivedStats(page);
      await eventually(
        'frames advancing',
        () => receivedStats(page),
        (stats) => stats.framesDecoded > first.framesDecoded + 10,
      );
    }
    await eventually(
      'Alice heard',
      () => receivedStats(bobWindow),
      (stats) => stats.audioEnergy > 0,
    );

    // Muted, Alice sends silence: what Bob receives stops adding up; unmuted, it adds up again.
    await aliceWindow.getByTestId('call-mute').click();
    expect(await aliceWindow.getByTestId('call-mute').getAttribute('aria-pressed')).toBe('true');
    let last = await receivedStats(bobWindow);
    await eventually(
      'silence while muted',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const [before, now] = [last, await receivedStats(bobWindow)];
        last = now;
        return now.audioEnergy - before.audioEnergy;
      },
      (added) => added < 1e-6,
    );
    await aliceWindow.getByTestId('call-mute').click();
    const unmuted = await receivedStats(bobWindow);
    await eventually(
      'sound after unmuting',
      () => receivedStats(bobWindow),
      (stats) => stats.audioEnergy > unmuted.audioEnergy + 1e-4,
    );

    await bobWindow.getByTestId('call-hangup').click();
    await waitCallStates([aliceWindow, bobWindow], 'ended', 'ended');
    const [aliceLog, bobLog] = await Promise.all([
      callEntries(pair.aliceEngine, pair.bobId),
      callEntries(pair.bobEngine, pair.aliceId),
    ]);
    expect(aliceLog.map((entry) => [entry.direction, entry.call?.outcome])).toEqual([['out', 'ended']]);
    expect(bobLog.map((entry) => [entry.direction, entry.call?.outcome])).toEqual([['in', 'ended']]);
    expect(bobLog[0]?.call?.durationMs).toBeGreaterThan(0);
    await Promise.all([aliceWindow.close(), bobWindow.close()]);
  }, 120_000);

  it('closing a call window ends the call for both', async () => {
    const aliceWindow = await openCallPage(pair.alice, `?peer=${pair.bobId}&media=audio`);
    const ringing = await incomingCall(pair.bobEngine);
    const bobWindow = await incomingCallPage(pair.bob, ringing.callId);
    await bobWindow.getByTestId('call-accept').click();
    await waitCallStates([aliceWindow, bobWindow], 'active');
    await aliceWindow.close();
    await waitCallState(bobWindow, 'ended', 'ended', 10_000);
    expect((await engineCall(pair.aliceEngine, 'getCall', { callId: ringing.callId }))?.outcome).toBe(
      'ended',
    );
    await bobWindow.close();
  }, 60_000);

  it('a declined call shows as declined in both windows and both histories', async () => {
    const aliceWindow = await openCallPage(pair.alice, `?peer=${pair.bobId}&media=audio`);
    const ringing = await incomingCall(pair.bobEngine);
    const bobWindow = await incomingCallPage(pair.bob, ringing.callId);
    await bobWindow.getByTestId('call-decline').click();
    await waitCallStates([aliceWindow, bobWindow], 'ended', 'declined');
    const declined = (entries: Awaited<ReturnType<typeof callEntries>>) =>
      entries.filter((entry) => entry.call?.callId === ringing.callId).map((entry) => entry.call?.outcome);
    await eventually(
      'Alice logs it',
      async () => declined(await callEntries(pair.aliceEngine, pair.bobId)),
      (o) => o.length > 0,
    );
    expect(declined(await callEntries(pair.aliceEngine, pair.bobId))).toEqual(['declined']);
    expect(declined(await callEntries(pair.bobEngine, pair.aliceId))).toEqual(['declined']);
    await Promise.all([aliceWindow.close(), bobWindow.close()]);
  }, 60_000);

  it('a call to a user who is offline is missed on both sides once they are back', async () => {
    await engineCall(pair.bobEngine, 'lock', {});
    await waitForContact(pair.aliceEngine, 'Bob', (contact) => !contact.online);
    const aliceWindow = await openCallPage(pair.alice, `?peer=${pair.bobId}&media=video`);
    await waitCallState(aliceWindow, 'ringing');
    // Nobody answers: the ring times out on Alice's side.
    await waitCallState(aliceWindow, 'ended', 'missed', CALL_RING_TIMEOUT_MS + 15_000);
    const aliceMissed = (await callEntries(pair.aliceEngine, pair.bobId)).filter(
      (entry) => entry.call?.outcome === 'missed',
    );
    expect(aliceMissed.map((entry) => entry.direction)).toEqual(['out']);

    // Bob comes back: the ring waited in the mailbox, and shows as a missed call, ringing nothing.
    await engineCall(pair.bobEngine, 'unlock', { passphrase: TEST_PASSPHRASE });
    const bobMissed = await eventually(
      "Bob's missed call",
      async () =>
        (await callEntries(pair.bobEngine, pair.aliceId)).filter((entry) => entry.call?.outcome === 'missed'),
      (entries) => entries.length > 0,
    );
    expect(bobMissed.map((entry) => [entry.direction, entry.call?.callId])).toEqual([
      ['in', aliceMissed[0]?.call?.callId],
    ]);
    expect((await engineCall(pair.bobEngine, 'listCalls', {})).some((call) => call.state === 'ringing')).toBe(
      false,
    );
    await aliceWindow.close();
  }, 120_000);

  it('a camera and microphone the user refused are explained, and the call still rings', async () => {
    const carol = await ChromeUser.launch({ fakeMedia: 'refused' });
    try {
      const carolEngine = await enginePage(carol);
      await signUp(carolEngine, 'Carol', server.url);
      await callContacts({ page: carolEngine, name: 'Carol' }, { page: pair.aliceEngine, name: 'Alice' });
      const carolWindow = await openCallPage(carol, `?peer=${pair.aliceId}&media=video`);
      const problem = carolWindow.getByTestId('call-problem');
      await problem.waitFor();
      expect(await problem.textContent()).toContain('The browser did not allow the camera and microphone');
      // Without them Carol can still call, and hear and see Alice.
      await waitCallState(carolWindow, 'ringing');
      const ringing = await incomingCall(pair.aliceEngine);
      expect(ringing.peerName).toBe('Carol');
      await carolWindow.getByTestId('call-hangup').click();
      await waitCallState(carolWindow, 'ended', 'cancelled');
      await eventually(
        "Alice's missed call from Carol",
        async () => (await engineCall(pair.aliceEngine, 'getCall', { callId: ringing.callId }))?.outcome,
        (outcome) => outcome === 'missed',
      );
    } finally {
      await carol.close();
    }
  }, 90_000);
});
