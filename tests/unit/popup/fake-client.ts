import { render, type ComponentChild } from 'preact';
import { vi } from 'vitest';
import type { EngineClient } from '../../../extension/lib/messaging/client';
import type { EngineEvents, EngineMethod, EngineState } from '../../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import { rememberConversation } from '../../../extension/lib/ui/last-conversation';
import type { ConversationId } from '../../../shared/ids';

export type Answer = (params: unknown) => Promise<unknown>;

/** What every popup asks when it opens, answered as an engine with no message yet would. */
const DEFAULT_ANSWERS: Partial<Record<EngineMethod, Answer>> = {
  listRecent: () => Promise.resolve({ whole: true, conversations: {} }),
};

/**
 * A fake engine that answers each method as `answers` says (others as DEFAULT_ANSWERS, else `{}`) and records every
 * call.
 */
export function recordingClient(given: Partial<Record<EngineMethod, Answer>> = {}) {
  const answers = { ...DEFAULT_ANSWERS, ...given };
  const calls: [EngineMethod, unknown][] = [];
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  /** What the page said it shows, in order (see EngineClient.show). */
  const shows: (ConversationId | undefined)[] = [];
  const client: EngineClient = {
    request: (method, params) => {
      calls.push([method, params]);
      const answer = answers[method];
      // The answer's type is the test's to get right, as the engine's is the engine's.
      return (answer ? answer(params) : Promise.resolve({})) as never;
    },
    on: (name, listener) => {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      // Each event's data is what its name says: the test pushes it through `push`, typed by name.
      const untyped = listener as (data: unknown) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
    onClose: () => undefined,
    show: (conversation) => void shows.push(conversation),
    close: () => undefined,
  };
  /** Sends the page an engine event, as the engine does after a change. */
  const push = <E extends keyof EngineEvents>(name: E, data: EngineEvents[E]): void => {
    for (const listener of listeners.get(name) ?? []) listener(data);
  };
  /** Pushes a new engine state to the page, as the engine does after a change. */
  const pushState = (state: EngineState): void => push('state', state);
  /** How many listeners the page has for engine event `name`. */
  const listening = (name: keyof EngineEvents): number => listeners.get(name)?.size ?? 0;
  return { client, calls, push, pushState, listening, shows };
}

/** What a popup showing a conversation asks, answered by an engine in `state` whose history there is `history`. */
export const chatAnswers = (
  state: EngineState,
  history: readonly ChatMessage[] = [],
): Partial<Record<EngineMethod, Answer>> => ({
  getState: () => Promise.resolve(state),
  openConversation: () => Promise.resolve(history),
  markRead: () => Promise.resolve(state),
  getDraft: () => Promise.resolve({ text: '' }),
  // The call buttons in a contact's header ask which calls are going on.
  listCalls: () => Promise.resolve([]),
});

const roots: HTMLElement[] = [];

/** Renders `node` into a fresh element of the document; `unmountAll` (in afterEach) takes it away. */
export function mount(node: ComponentChild): HTMLElement {
  const root = document.createElement('div');
  document.body.append(root);
  roots.push(root);
  render(node, root);
  return root;
}

export function unmountAll(): void {
  for (const root of roots.splice(0)) {
    render(null, root);
    root.remove();
  }
  // The popup reopens on the conversation it showed last: each test starts from the list.
  rememberConversation(undefined);
}

/** Lets pending promise callbacks and Preact's re-render run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Types into a field as a user would: an input event, then the re-render that takes it in. */
export async function type(field: HTMLInputElement | HTMLTextAreaElement, text: string): Promise<void> {
  field.value = text;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  await settle();
}

/** The element with that test id, of the kind asked for (by default any element). */
export function byTestId(root: ParentNode, id: string): HTMLElement;
export function byTestId<T extends HTMLElement>(root: ParentNode, id: string, kind: new () => T): T;
export function byTestId(
  root: ParentNode,
  id: string,
  kind: new () => HTMLElement = HTMLElement,
): HTMLElement {
  const found = root.querySelector(`[data-testid="${id}"]`);
  if (!found) throw new Error(`no [data-testid="${id}"]`);
  if (!(found instanceof kind)) throw new Error(`[data-testid="${id}"] is a ${found.tagName}`);
  return found;
}

/** Waits until the element with that test id is there, and returns it. */
export function waitForTestId(root: ParentNode, id: string): Promise<HTMLElement>;
export function waitForTestId<T extends HTMLElement>(
  root: ParentNode,
  id: string,
  kind: new () => T,
): Promise<T>;
export function waitForTestId(
  root: ParentNode,
  id: string,
  kind: new () => HTMLElement = HTMLElement,
): Promise<HTMLElement> {
  return vi.waitFor(() => byTestId(root, id, kind));
}

export const alerts = (root: ParentNode): string[] =>
  [...root.querySelectorAll('[role="alert"]')].map((node) => node.textContent);

export const buttonNamed = (root: ParentNode, name: string): HTMLButtonElement => {
  const found = [...root.querySelectorAll('button')].find((candidate) => candidate.textContent === name);
  if (!found) throw new Error(`no button "${name}"`);
  return found;
};
