/**
 * Calls in end-to-end tests: the call window driven as a user would (its buttons, by data-testid), the engine asked
 * through the same page protocol (listCalls, openConversation), and the media figures the window publishes
 * (CALL_TEST_GLOBAL: headless browsers render no video a test could look at).
 */
import type { Page } from 'playwright-core';
import type { CallView } from '../../extension/lib/messaging/call-protocol';
import type { ChatMessage } from '../../extension/lib/model';
import type { ChromeUser } from './chrome-extension';
import { engineCall } from './engine-port';

export interface ReceivedStats {
  readonly framesDecoded: number;
  readonly audioEnergy: number;
  /** RTP packets received (every browser counts these; Firefox may not count audio energy). */
  readonly audioPackets?: number;
  readonly videoPackets?: number;
}

/** Polls `read` until `check` holds; fails with the last value read after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Opens the call window on `query` (`?peer=<id>&media=video` places a call; `?call=<id>` shows one). */
export async function openCallPage(user: ChromeUser, query: string): Promise<Page> {
  const page = await user.context.newPage();
  await page.goto(`chrome-extension://${user.extensionId}/call.html${query}`);
  return page;
}

/** The call ringing in this user's engine (the first one seen). */
export async function incomingCall(page: Page, timeoutMs = 20_000): Promise<CallView> {
  const calls = await eventually(
    'incoming call',
    () => engineCall(page, 'listCalls', {}),
    (list) => list.some((call) => call.direction === 'in' && call.state === 'ringing'),
    timeoutMs,
  );
  const ringing = calls.find((call) => call.direction === 'in' && call.state === 'ringing');
  if (!ringing) throw new Error('incomingCall: none');
  return ringing;
}

/**
 * The window of an incoming call: the one the extension opened for it (Chrome's worker opens it when
 * background.ts answers the engine's request, see host/call-windows.ts), else one opened here on its address.
 */
export async function incomingCallPage(user: ChromeUser, callId: string): Promise<Page> {
  const address = `/call.html?call=${callId}`;
  const opened = user.context.pages().find((page) => page.url().endsWith(address));
  if (opened) return opened;
  const page = await user.context
    .waitForEvent('page', { predicate: (candidate) => candidate.url().endsWith(address), timeout: 3_000 })
    .catch(() => undefined);
  return page ?? openCallPage(user, `?call=${callId}`);
}

/** What the call window has received so far. */
export const receivedStats = (page: Page): Promise<ReceivedStats> =>
  page.evaluate(() => {
    const hook = (globalThis as unknown as Record<string, { stats(): Promise<ReceivedStats> } | undefined>)
      .__messengerCall;
    return hook ? hook.stats() : { framesDecoded: 0, audioEnergy: 0, audioPackets: 0, videoPackets: 0 };
  });

/** The call's state and outcome as the window's status line shows them. */
export async function callStatus(
  page: Page,
): Promise<{ state: string | null; outcome: string | null; text: string }> {
  const status = page.getByTestId('call-status');
  await status.waitFor();
  return {
    state: await status.getAttribute('data-state'),
    outcome: await status.getAttribute('data-outcome'),
    text: (await status.textContent()) ?? '',
  };
}

/** Waits until the window's status line says `state` (and `outcome`, if given). */
export const waitCallState = (page: Page, state: string, outcome?: string, timeoutMs = 20_000) =>
  eventually(
    `call window state ${state}${outcome ? `/${outcome}` : ''}`,
    () => callStatus(page),
    (status) => status.state === state && (outcome === undefined || status.outcome === outcome),
    timeoutMs,
  );

/** The call entries of a conversation's history. */
export async function callEntries(page: Page, peerId: string): Promise<ChatMessage[]> {
  return (await engineCall(page, 'openConversation', { peerId })).filter((message) => message.call);
}

/** The call ringing in `user`'s engine (`engine`, one of their extension pages) and its window, showing it ringing. */
export async function ringingCallPage(
  user: ChromeUser,
  engine: Page,
): Promise<{ call: CallView; page: Page }> {
  const call = await incomingCall(engine);
  const page = await incomingCallPage(user, call.callId);
  await waitCallState(page, 'ringing');
  return { call, page };
}

/** Waits until each window's status line says `state` (and `outcome`, if given). */
export async function waitCallStates(pages: readonly Page[], state: string, outcome?: string): Promise<void> {
  await Promise.all(pages.map((page) => waitCallState(page, state, outcome)));
}

/** Live audio each way: the energy each side receives (read by `reads`, one per side) keeps adding up. */
export async function soundKeepsArriving(
  reads: readonly (() => Promise<Pick<ReceivedStats, 'audioEnergy'>>)[],
): Promise<void> {
  for (const read of reads) {
    const first = await eventually('sound arrives', read, (stats) => stats.audioEnergy > 0);
    await eventually('sound goes on', read, (stats) => stats.audioEnergy > first.audioEnergy + 1e-4);
  }
}
