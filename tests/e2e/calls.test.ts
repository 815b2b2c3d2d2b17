import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CALL_RING_TIMEOUT_MS } from '../../shared/limits';
import { CHROMIUM_PATH, browserAvailable } from '../support/browsers';
import {
  callEntries,
  eventually,
  incomingCall,
  incomingCallPage,
  openCallPage,
  receivedStats,
  waitCallState,
} from '../support/call-window';
import { ChromeUser } from '../support/chrome-extension';
import { waitForContact } from '../support/e2e-contacts';
import { engineCall } from '../support/engine-port';
import { TEST_PASSPHRASE } from '../support/popup-page';
import { startTestServer, type TestServer } from '../support/server';

/** The call's state as the window's status line shows it. */
const receivedState = (page: Page): Promise<string | null> =>
  page.getByTestId('call-status').getAttribute('data-state');

/** An extension page to ask the engine from (the popup's address; the test never clicks in it). */
async function enginePage(user: ChromeUser): Promise<Page> {
  const page = await user.context.newPage();
  await page.goto(`chrome-extension://${user.extensionId}/popup.html`);
  return page;
}

/** `asker` asks `answerer` to be contacts (once the server has the answerer's keys), who accepts. */
async function befriend(asker: Page, answerer: Page, askerName: string, answererName: string): Promise<void> {
  // Keys reach the server just after a user is online: asked until the server has them.
  await eventually(
    `${askerName} asks ${answererName}`,
    () =>
      engineCall(asker, 'addContact', { query: answererName }).then(
        () => true,
        () => false,
      ),
    (asked) => asked,
  );
  const request = await waitForContact(answerer, askerName, (contact) => contact.state === 'incoming');
  await engineCall(answerer, 'acceptContact', { userId: request.userId });
  await waitForContact(asker, answererName, (contact) => contact.online);
}

async function signUp(page: Page, name: string, serverUrl: string): Promise<void> {
  await engineCall(page, 'setUp', { name, serverUrl, autoLockMinutes: 0, passphrase: TEST_PASSPHRASE });
  await eventually(
    `${name} online`,
    () => engineCall(page, 'getState', {}),
    (state) => state.connection.status === 'online',
  );
}

describe.runIf(browserAvailable(CHROMIUM_PATH, 'Chromium'))('calls between two Chrome users', () => {
  let server: TestServer;
  let alice: ChromeUser;
  let bob: ChromeUser;
  let aliceEngine: Page;
  let bobEngine: Page;
  let aliceId: string;
  let bobId: string;

  beforeAll(async () => {
    server = await startTestServer();
    [alice, bob] = await Promise.all([
      ChromeUser.launch({ fakeMedia: true }),
      ChromeUser.launch({ fakeMedia: true }),
    ]);
    [aliceEngine, bobEngine] = await Promise.all([enginePage(alice), enginePage(bob)]);
    await signUp(aliceEngine, 'Alice', server.url);
    await signUp(bobEngine, 'Bob', server.url);
    await befriend(aliceEngine, bobEngine, 'Alice', 'Bob');
    bobId = (await waitForContact(aliceEngine, 'Bob', (contact) => contact.online)).userId;
    aliceId = (await waitForContact(bobEngine, 'Alice', (contact) => contact.online)).userId;
  }, 120_000);
  afterAll(async () => {
    await Promise.all([alice.close(), bob.close()]);
    await server.close();
  });

  it('Alice calls Bob, Bob accepts: each receives live video, mute silences Alice on Bob’s side, hang-up ends it for both', async () => {
    const aliceWindow = await openCallPage(alice, `?peer=${bobId}&media=video`);
    await waitCallState(aliceWindow, 'ringing');
    const ringing = await incomingCall(bobEngine);
    expect(ringing).toMatchObject({ peerId: aliceId, media: 'video', peerName: 'Alice' });
    const bobWindow = await incomingCallPage(bob, ringing.callId);
    await waitCallState(bobWindow, 'ringing');

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
    await Promise.all([waitCallState(aliceWindow, 'active'), waitCallState(bobWindow, 'active')]);
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
    await Promise.all([
      waitCallState(aliceWindow, 'ended', 'ended'),
      waitCallState(bobWindow, 'ended', 'ended'),
    ]);
    const [aliceLog, bobLog] = await Promise.all([
      callEntries(aliceEngine, bobId),
      callEntries(bobEngine, aliceId),
    ]);
    expect(aliceLog.map((entry) => [entry.direction, entry.call?.outcome])).toEqual([['out', 'ended']]);
    expect(bobLog.map((entry) => [entry.direction, entry.call?.outcome])).toEqual([['in', 'ended']]);
    expect(bobLog[0]?.call?.durationMs).toBeGreaterThan(0);
    await Promise.all([aliceWindow.close(), bobWindow.close()]);
  }, 120_000);

  it('closing a call window ends the call for both', async () => {
    const aliceWindow = await openCallPage(alice, `?peer=${bobId}&media=audio`);
    const ringing = await incomingCall(bobEngine);
    const bobWindow = await incomingCallPage(bob, ringing.callId);
    await bobWindow.getByTestId('call-accept').click();
    await Promise.all([waitCallState(aliceWindow, 'active'), waitCallState(bobWindow, 'active')]);
    await aliceWindow.close();
    await waitCallState(bobWindow, 'ended', 'ended', 10_000);
    expect((await engineCall(aliceEngine, 'getCall', { callId: ringing.callId }))?.outcome).toBe('ended');
    await bobWindow.close();
  }, 60_000);

  it('a declined call shows as declined in both windows and both histories', async () => {
    const aliceWindow = await openCallPage(alice, `?peer=${bobId}&media=audio`);
    const ringing = await incomingCall(bobEngine);
    const bobWindow = await incomingCallPage(bob, ringing.callId);
    await bobWindow.getByTestId('call-decline').click();
    await Promise.all([
      waitCallState(aliceWindow, 'ended', 'declined'),
      waitCallState(bobWindow, 'ended', 'declined'),
    ]);
    const declined = (entries: Awaited<ReturnType<typeof callEntries>>) =>
      entries.filter((entry) => entry.call?.callId === ringing.callId).map((entry) => entry.call?.outcome);
    await eventually(
      'Alice logs it',
      async () => declined(await callEntries(aliceEngine, bobId)),
      (o) => o.length > 0,
    );
    expect(declined(await callEntries(aliceEngine, bobId))).toEqual(['declined']);
    expect(declined(await callEntries(bobEngine, aliceId))).toEqual(['declined']);
    await Promise.all([aliceWindow.close(), bobWindow.close()]);
  }, 60_000);

  it('a call to a user who is offline is missed on both sides once they are back', async () => {
    await engineCall(bobEngine, 'lock', {});
    await waitForContact(aliceEngine, 'Bob', (contact) => !contact.online);
    const aliceWindow = await openCallPage(alice, `?peer=${bobId}&media=video`);
    await waitCallState(aliceWindow, 'ringing');
    // Nobody answers: the ring times out on Alice's side.
    await waitCallState(aliceWindow, 'ended', 'missed', CALL_RING_TIMEOUT_MS + 15_000);
    const aliceMissed = (await callEntries(aliceEngine, bobId)).filter(
      (entry) => entry.call?.outcome === 'missed',
    );
    expect(aliceMissed.map((entry) => entry.direction)).toEqual(['out']);

    // Bob comes back: the ring waited in the mailbox, and shows as a missed call, ringing nothing.
    await engineCall(bobEngine, 'unlock', { passphrase: TEST_PASSPHRASE });
    const bobMissed = await eventually(
      "Bob's missed call",
      async () => (await callEntries(bobEngine, aliceId)).filter((entry) => entry.call?.outcome === 'missed'),
      (entries) => entries.length > 0,
    );
    expect(bobMissed.map((entry) => [entry.direction, entry.call?.callId])).toEqual([
      ['in', aliceMissed[0]?.call?.callId],
    ]);
    expect((await engineCall(bobEngine, 'listCalls', {})).some((call) => call.state === 'ringing')).toBe(
      false,
    );
    await aliceWindow.close();
  }, 120_000);

  it('a camera and microphone the user refused are explained, and the call still rings', async () => {
    const carol = await ChromeUser.launch({ fakeMedia: 'refused' });
    try {
      const carolEngine = await enginePage(carol);
      await signUp(carolEngine, 'Carol', server.url);
      await befriend(carolEngine, aliceEngine, 'Carol', 'Alice');
      const carolWindow = await openCallPage(carol, `?peer=${aliceId}&media=video`);
      const problem = carolWindow.getByTestId('call-problem');
      await problem.waitFor();
      expect(await problem.textContent()).toContain('The browser did not allow the camera and microphone');
      // Without them Carol can still call, and hear and see Alice.
      await waitCallState(carolWindow, 'ringing');
      const ringing = await incomingCall(aliceEngine);
      expect(ringing.peerName).toBe('Carol');
      await carolWindow.getByTestId('call-hangup').click();
      await waitCallState(carolWindow, 'ended', 'cancelled');
      await eventually(
        "Alice's missed call from Carol",
        async () => (await engineCall(aliceEngine, 'getCall', { callId: ringing.callId }))?.outcome,
        (outcome) => outcome === 'missed',
      );
    } finally {
      await carol.close();
    }
  }, 90_000);
});
