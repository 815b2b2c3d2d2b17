// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { MessageLog } from '../../../extension/components/MessageLog';
import { MAX_ROWS, STEP_ROWS, WINDOW_ROWS } from '../../../extension/components/log-window';
import type { EarlierHistory } from '../../../extension/hooks/useConversation';
import type { ChatMessage } from '../../../extension/lib/model';
import { settle } from './fake-client';

const bob = randomId();
const MINUTE = 60_000; // ms
const NOW = Date.UTC(2026, 5, 15, 12, 0);

const message = (n: number, fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${n}`,
  peerId: bob,
  direction: 'out',
  text: `message ${n}`,
  // Each an hour apart: no two in one group, unless a test says otherwise.
  sentAt: NOW - 10 * 24 * 60 * MINUTE + n * 60 * MINUTE,
  status: 'sent',
  ...fields,
});
const conversation = (from: number, to: number): ChatMessage[] =>
  Array.from({ length: to - from }, (_, i) => message(from + i));

const roots: HTMLElement[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) render(null, root);
  vi.restoreAllMocks();
});

const texts = (root: HTMLElement): string[] =>
  [...root.querySelectorAll('[data-testid="message-text"]')].map((node) => node.textContent);

/**
 * Every row 40 px high in a scroller 400 px high, laid out bottom-up as a browser does (message-log.css). The rows
 * are the log's children with a data-key (bubbles, call entries); the days' dividers between them take no room here.
 */
const ROW = 40; // px
const VIEW = 400; // px

/** A log of `messages`, on a page that lays it out as above (happy-dom lays out nothing). */
function showLog(
  messages: readonly ChatMessage[],
  earlier?: EarlierHistory,
  senderOf: (message: ChatMessage) => string | undefined = () => undefined,
) {
  const root = document.createElement('div');
  document.body.append(root);
  roots.push(root);
  const draw = (shown: readonly ChatMessage[], more = earlier): void =>
    render(<MessageLog messages={shown} senderOf={senderOf} earlier={more} />, root);
  draw(messages);
  const scroller = root.querySelector<HTMLElement>('.log-scroller');
  const log = root.querySelector<HTMLElement>('[role="log"]');
  if (!scroller || !log) throw new Error('no log');
  const rows = (): Element[] => [...log.children].filter((child) => child.hasAttribute('data-key'));
  const height = (): number => rows().length * ROW;
  // Bottom-up: 0 at the newest, negative above it, as far as the content reaches.
  let scrollTop = 0;
  const setScrollTop = vi.fn((value: number) => {
    scrollTop = Math.min(0, Math.max(value, -(height() - VIEW)));
  });
  Object.defineProperty(scroller, 'scrollTop', { get: () => scrollTop, set: setScrollTop });
  Object.defineProperty(scroller, 'scrollHeight', { get: height });
  Object.defineProperty(scroller, 'clientHeight', { get: () => VIEW });
  // A row's top on screen: its place in the content, less what is scrolled past above the view.
  vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
    const index = rows().indexOf(this);
    return new DOMRect(0, index * ROW - (height() - VIEW + scrollTop), 300, ROW);
  });
  /** The reader scrolls to `fromBottom` px above the newest message. */
  const scrollTo = async (fromBottom: number): Promise<void> => {
    scrollTop = -fromBottom;
    scroller.dispatchEvent(new Event('scroll'));
    await settle();
  };
  /** Where the row of `text` is on screen. */
  const topOf = (text: string): number | undefined =>
    rows()
      .find((row) => row.querySelector('[data-testid="message-text"]')?.textContent === text)
      ?.getBoundingClientRect().top;
  return { root, scroller, log, rows, draw, scrollTo, topOf, setScrollTop, top: () => height() - VIEW };
}

describe('the message log', () => {
  it('puts only a window of rows in the DOM, the newest last, however long the conversation', () => {
    const { root, log, rows } = showLog(conversation(0, 100_000));
    expect(texts(root)).toHaveLength(WINDOW_ROWS);
    expect(texts(root).at(-1)).toBe('message 99999');
    // Each row is one element of the log (no box around it), a day's divider beside the day's first.
    expect(rows()).toHaveLength(WINDOW_ROWS);
    expect(log.children.length - WINDOW_ROWS).toBe(
      log.querySelectorAll('[data-testid="date-divider"]').length,
    );
    // A log to screen readers, read politely; the scroller is reached by Tab and scrolled by the keyboard.
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(root.querySelector('.log-scroller')?.getAttribute('tabindex')).toBe('0');
  });

  it('at the bottom, shows each new message at the bottom, the oldest rows giving way, with no script scrolling', async () => {
    const history = conversation(0, 200);
    const { root, draw, setScrollTop } = showLog(history);
    const more = [...history, message(200), message(201)];
    draw(more);
    await settle();
    expect(texts(root).slice(-2)).toEqual(['message 200', 'message 201']);
    expect(texts(root)).toHaveLength(WINDOW_ROWS);
    // The stylesheet keeps the newest in view (bottom-up scroller): nothing measured or scrolled for it.
    expect(setScrollTop).not.toHaveBeenCalled();
  });

  it('scrolled up, moves nothing for new messages; past a window of them, offers a way to the newest', async () => {
    const history = conversation(0, 200);
    const { root, draw, scrollTo, scroller } = showLog(history);
    await scrollTo(600);
    const firstShown = texts(root)[0];
    const grown = [...history, ...conversation(200, 205)];
    draw(grown);
    await settle();
    // Shown below, where the reader can scroll to them; the rows above stay (and the browser's scroll anchoring
    // keeps the one being read in place: no layout here to show it).
    expect(texts(root)[0]).toBe(firstShown);
    expect(texts(root).at(-1)).toBe('message 204');
    expect(root.querySelector('.log-newest')).toBeNull();

    const flood = [...grown, ...conversation(205, 205 + MAX_ROWS)];
    draw(flood);
    await settle();
    expect(texts(root)).not.toContain(`message ${204 + MAX_ROWS}`);
    const newest = root.querySelector<HTMLButtonElement>('.log-newest');
    expect(newest?.textContent).toBe('Newest messages');
    newest?.click();
    await settle();
    expect(texts(root).at(-1)).toBe(`message ${204 + MAX_ROWS}`);
    expect(scroller.scrollTop).toBe(0);
  });

  it('scrolling up puts earlier rows in at the top and keeps the row being read where it was', async () => {
    const { root, scrollTo, topOf, top } = showLog(conversation(0, 1000));
    expect(texts(root)[0]).toBe(`message ${1000 - WINDOW_ROWS}`);
    await scrollTo(top() - 250); // 250 px below the top of what is in the DOM: nothing to do yet
    expect(texts(root)[0]).toBe(`message ${1000 - WINDOW_ROWS}`);
    const read = `message ${1000 - WINDOW_ROWS + 4}`; // the row at the top of the view, once scrolled on
    await scrollTo(top() - 150);
    expect(texts(root)[0]).toBe(`message ${1000 - WINDOW_ROWS - STEP_ROWS}`);
    expect(texts(root)).toHaveLength(WINDOW_ROWS);
    expect(topOf(read)).toBe(10); // where it was: 4 rows of 40 px down, 150 px scrolled past
  });

  it('asks the engine for an earlier page at the top of what it holds, and shows it without moving the reader', async () => {
    const load = vi.fn();
    const earlier = { more: true, loading: false, load };
    const page = conversation(900, 1000);
    const { root, draw, scrollTo, topOf, top } = showLog(page, earlier);
    // Up through what is held, a step at a time, then the engine is asked (once, while it answers).
    const steps = Math.ceil((page.length - WINDOW_ROWS) / STEP_ROWS);
    for (let i = 0; i <= steps; i++) await scrollTo(top() - 50);
    expect(texts(root)[0]).toBe('message 900');
    expect(load).toHaveBeenCalledTimes(1);
    draw(page, { ...earlier, loading: true });
    await scrollTo(top() - 10);
    expect(load).toHaveBeenCalledTimes(1);
    const before = topOf('message 901');

    draw([...conversation(800, 900), ...page], { ...earlier, loading: false });
    await settle();
    expect(texts(root)[0]).toBe(`message ${900 - STEP_ROWS}`);
    expect(topOf('message 901')).toBe(before);
  });

  it('has a button for earlier messages, for the keyboard, that goes once there are none', async () => {
    const { root } = showLog(conversation(0, WINDOW_ROWS + 10));
    const button = (): HTMLButtonElement | undefined =>
      [...root.querySelectorAll('button')].find(
        (candidate) => candidate.textContent === 'Show earlier messages',
      );
    expect(button()?.type).toBe('button');
    button()?.click();
    await settle();
    expect(texts(root)[0]).toBe('message 0');
    expect(button()).toBeUndefined();
    expect(document.activeElement).toBe(root.querySelector('.log-scroller'));
  });

  it('divides the days: Today, Yesterday, a weekday, a date', () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
    const day = 24 * 60 * MINUTE;
    const { root } = showLog([
      message(0, { sentAt: NOW - 30 * day }),
      message(1, { sentAt: NOW - 30 * day + MINUTE }),
      message(2, { sentAt: NOW - 3 * day }),
      message(3, { sentAt: NOW - day }),
      message(4, { sentAt: NOW - 2 * MINUTE }),
      message(5, { sentAt: NOW - MINUTE / 2 }),
    ]);
    const dividers = [...root.querySelectorAll('[data-testid="date-divider"]')].map(
      (node) => node.textContent,
    );
    const month = new Intl.DateTimeFormat([], { day: 'numeric', month: 'long', year: 'numeric' });
    const weekday = new Intl.DateTimeFormat([], { weekday: 'long' });
    expect(dividers).toEqual([
      month.format(NOW - 30 * day),
      weekday.format(NOW - 3 * day),
      'Yesterday',
      'Today',
    ]);
    // Within the hour, times are said relative to now; the full date is in the tooltip.
    const times = [...root.querySelectorAll('time')];
    expect(times.slice(-2).map((time) => time.textContent)).toEqual(['2 min ago', 'now']);
    expect(times.at(-1)?.getAttribute('title')).toContain('2026');
  });

  it('groups one sender’s messages a few minutes apart, and names the sender (seen once, read for each)', () => {
    const alice = randomId();
    const carol = randomId();
    const at = (minutes: number) => NOW - 60 * MINUTE + minutes * MINUTE;
    const messages = [
      message(0, { direction: 'in', from: alice, sentAt: at(0) }),
      message(1, { direction: 'in', from: alice, sentAt: at(2) }),
      message(2, { direction: 'in', from: carol, sentAt: at(3) }),
      message(3, { direction: 'in', from: carol, sentAt: at(30) }),
    ];
    const names: Record<string, string> = { [alice]: 'Alice', [carol]: 'Carol' };
    const { root } = showLog(messages, undefined, ({ from }: ChatMessage) =>
      from ? names[from] : undefined,
    );
    const bubbles = [...root.querySelectorAll<HTMLElement>('[data-testid="message"]')];
    expect(bubbles.map((bubble) => bubble.classList.contains('log-group-start'))).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect(bubbles.map((bubble) => bubble.classList.contains('log-group-end'))).toEqual([
      false,
      true,
      true,
      true,
    ]);
    const senders = bubbles.map((bubble) => bubble.querySelector('[data-testid="message-sender"]'));
    expect(senders.map((sender) => sender?.textContent)).toEqual(['Alice', 'Alice', 'Carol', 'Carol']);
    expect(senders[1]?.className).toBe('log-visually-hidden');
  });

  it('shows a call in the history as a call, not as a message', () => {
    const call = { callId: randomId(), media: 'video', outcome: 'ended', durationMs: 65_000 } as const;
    const { root } = showLog([message(0), message(1, { text: 'Video call, 1:05', call })]);
    expect(texts(root)).toEqual(['message 0']);
    const entry = root.querySelector<HTMLElement>('[data-testid="call-entry"]');
    expect(entry?.dataset.outcome).toBe('ended');
  });

  it('shows delivery as an icon with words for screen readers, no emoji', () => {
    const { root } = showLog([
      message(0, { status: 'read' }),
      message(1, { status: 'failed', error: 'no link' }),
      message(2, { direction: 'in', status: 'delivered' }),
    ]);
    const ticks = [...root.querySelectorAll<HTMLElement>('[data-testid="message-status"]')];
    expect(ticks.map((tick) => tick.dataset.status)).toEqual(['read', 'failed']);
    // A picture named by its words, which are its tooltip too; why it failed is written beside it.
    expect(ticks[0]?.getAttribute('role')).toBe('img');
    expect(ticks[0]?.getAttribute('aria-label')).toBe('Read');
    expect(ticks[0]?.querySelector('title')?.textContent).toBe('Read');
    expect(ticks[1]?.getAttribute('aria-label')).toBe('Not sent yet, will retry');
    expect(ticks[1]?.querySelector('title')?.textContent).toContain('no link');
    expect(ticks[1]?.nextElementSibling?.textContent).toBe('no link');
    expect(root.querySelector('.log')?.textContent).not.toMatch(/✓/u);
  });

  it('shows links as links that open apart from this page, and everything else as inert text', () => {
    const hostile = '<img src=x onerror="alert(1)"> javascript:alert(1) <a href="https://evil.example">x</a>';
    const { root } = showLog([
      message(0, { text: 'see https://example.org/a?b=1&c=2. or (http://example.com/x)' }),
      message(1, { text: hostile }),
    ]);
    const links = [...root.querySelectorAll('a')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual([
      'https://example.org/a?b=1&c=2',
      'http://example.com/x',
      'https://evil.example',
    ]);
    for (const link of links) {
      expect(link.getAttribute('target')).toBe('_blank');
      expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    }
    expect(texts(root)[0]).toBe('see https://example.org/a?b=1&c=2. or (http://example.com/x)');
    // The hostile one: its text, whole, and no element of its making; its address is a link to what it shows.
    expect(texts(root)[1]).toBe(hostile);
    expect(root.querySelector('img')).toBeNull();
    expect(links[2]?.getAttribute('href')).toBe('https://evil.example');
    expect(links[2]?.textContent).toBe('https://evil.example');
  });
});
