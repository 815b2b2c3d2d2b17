/**
 * The side that answers in the calls bench, in Chromium (Playwright) or in Firefox (Puppeteer over WebDriver BiDi):
 * how its ringing window is found, driven and read, behind one interface.
 */
import type { Page } from 'playwright-core';
import type { Page as FirefoxPage } from 'puppeteer-core';
import {
  incomingCall,
  incomingCallPage,
  receivedStats,
  waitCallState,
} from '../../tests/support/call-window';
import type { ChromeUser } from '../../tests/support/chrome-extension';
import {
  clickTestId,
  firefoxExtensionPage,
  firefoxIncomingCall,
  firefoxReceivedStats,
  waitFirefoxCallState,
} from '../../tests/support/firefox-calls';
import type { FirefoxUser } from '../../tests/support/firefox-extension';
import { installFrameWatch, readFrameWatch, type FrameMarks } from './frame-watch';

/** One call window, whichever browser holds it. */
export interface CallWindow {
  watchFrames(): Promise<void>;
  frameMarks(): Promise<FrameMarks>;
  framesDecoded(): Promise<number>;
  click(testId: 'call-accept' | 'call-hangup'): Promise<void>;
  waitState(state: string, outcome?: string): Promise<void>;
  close(): Promise<void>;
}

export interface Callee {
  /** How the figures name this side, e.g. "Bob (Chromium, callee)". */
  readonly label: string;
  readonly userId: string;
  /** The root of the browser's process tree. */
  readonly pid: number;
  /** Waits until a call rings here and returns its window (the one the extension opened for it). */
  ringingWindow(): Promise<CallWindow>;
}

/** A page either driver can run a script in and close: Playwright's and Puppeteer's alike. */
interface ScriptedPage {
  evaluate<T>(script: () => T): Promise<T>;
  close(): Promise<void>;
}

/** The frame watch and closing are the same in either browser; the rest is the driver's own. */
function callWindow(
  page: ScriptedPage,
  driven: Pick<CallWindow, 'framesDecoded' | 'click' | 'waitState'>,
): CallWindow {
  return {
    async watchFrames() {
      await page.evaluate(installFrameWatch);
    },
    frameMarks: () => page.evaluate(readFrameWatch),
    close: () => page.close(),
    ...driven,
  };
}

export function chromeWindow(page: Page): CallWindow {
  return callWindow(page, {
    framesDecoded: async () => (await receivedStats(page)).framesDecoded,
    click: (testId) => page.getByTestId(testId).click(),
    async waitState(state, outcome) {
      await waitCallState(page, state, outcome);
    },
  });
}

export function chromeCallee(
  label: string,
  user: ChromeUser,
  engine: Page,
  userId: string,
  pid: number,
): Callee {
  return {
    label,
    userId,
    pid,
    async ringingWindow() {
      const { callId } = await incomingCall(engine);
      return chromeWindow(await incomingCallPage(user, callId));
    },
  };
}

function firefoxWindow(page: FirefoxPage): CallWindow {
  return callWindow(page, {
    framesDecoded: async () => (await firefoxReceivedStats(page)).framesDecoded,
    click: (testId) => clickTestId(page, testId),
    async waitState(state, outcome) {
      await waitFirefoxCallState(page, state, outcome);
    },
  });
}

export function firefoxCallee(
  label: string,
  user: FirefoxUser,
  engine: FirefoxPage,
  userId: string,
  pid: number,
): Callee {
  return {
    label,
    userId,
    pid,
    async ringingWindow() {
      const ringing = await firefoxIncomingCall(engine);
      return firefoxWindow(await firefoxExtensionPage(user, `call.html?call=${ringing.callId}`));
    },
  };
}
