// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId, type ConversationId } from '../../../shared/ids';
import { MessageBubble } from '../../../extension/components/MessageBubble';
import { TransferList } from '../../../extension/components/TransferList';
import { FileContext, TransferStore } from '../../../extension/hooks/useTransfers';
import type { TransferView } from '../../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import { alerts, mount, recordingClient, settle, unmountAll } from './fake-client';
import { roomTransfers, transferOf } from './transfer-views';

const names = new Map<ConversationId, string>();
const stores: TransferStore[] = [];
afterEach(() => {
  unmountAll();
  for (const store of stores.splice(0)) store.stop();
  names.clear();
});

/** The file message that offered `view`'s file. */
const messageOf = (view: TransferView, fields: Partial<ChatMessage> = {}): ChatMessage => ({
  id: view.messageId,
  peerId: view.conversation,
  direction: view.direction,
  text: view.file.name,
  sentAt: Date.UTC(2026, 0, 1, 12, 30),
  status: 'delivered',
  file: view.file,
  ...fields,
});

/** Renders `node` in the popup's file context; its engine lists `listed` unless `answers` says otherwise. */
async function renderWithFiles(
  node: preact.ComponentChild,
  listed: readonly TransferView[],
  answers: Parameters<typeof recordingClient>[0] = {},
) {
  const engine = recordingClient({ listTransfers: () => Promise.resolve(listed), ...answers });
  const store = new TransferStore(engine.client);
  stores.push(store);
  store.start();
  const context = {
    client: engine.client,
    store,
    nameOf: (id: ConversationId) => names.get(id) ?? 'someone',
  };
  const root = mount(<FileContext.Provider value={context}>{node}</FileContext.Provider>);
  await settle();
  return { root, ...engine };
}

const button = (root: ParentNode, label: string): HTMLButtonElement => {
  const found = root.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`);
  if (!found) throw new Error(`no button labelled "${label}"`);
  return found;
};
const text = (root: ParentNode, testId: string): string | null | undefined =>
  root.querySelector(`[data-testid="${testId}"]`)?.textContent;

describe('a file card', () => {
  it('shows the name as text, never markup, ellipsised with the whole name in its title, and the size', async () => {
    const name = '<img src=x onerror=alert(1)> a very long name that goes on and on.pdf';
    const offer = transferOf({ file: { name, size: 1_500_000, type: 'application/pdf' } });
    const { root } = await renderWithFiles(<MessageBubble message={messageOf(offer)} />, [offer]);
    const shown = root.querySelector('[data-testid="file-name"]');
    expect(shown?.textContent).toBe(name);
    expect(shown?.getAttribute('title')).toBe(name);
    expect(root.querySelector('img')).toBeNull();
    expect(text(root, 'file-size')).toBe('1.5 MB');
    expect(root.querySelector('svg[role="img"]')?.getAttribute('aria-label')).toBe('PDF document');
    // The text of a file message is its name: shown once, on the card.
    expect(root.querySelector('[data-testid="message-text"]')).toBeNull();
  });

  it('shows a picture by the thumbnail its engine drew, and nothing that is not one', async () => {
    const thumbnail = 'data:image/webp;base64,UklGRg==';
    const picture = transferOf({
      state: 'done',
      thumbnail,
      file: { name: 'cat.png', size: 3, type: 'image/png' },
    });
    const { root } = await renderWithFiles(<MessageBubble message={messageOf(picture)} />, [picture]);
    expect(root.querySelector('img')?.getAttribute('src')).toBe(thumbnail);
    expect(root.querySelector('img')?.getAttribute('alt')).toBe('Picture: cat.png');
    unmountAll();
    const drawing = transferOf({ state: 'done', thumbnail: 'data:image/svg+xml;base64,PHN2Zz4=' });
    const other = await renderWithFiles(<MessageBubble message={messageOf(drawing)} />, [drawing]);
    expect(other.root.querySelector('img')).toBeNull();
  });

  it('keeps a caption under the card', async () => {
    const offer = transferOf();
    const { root } = await renderWithFiles(
      <MessageBubble message={messageOf(offer, { text: 'the figures for May' })} />,
      [offer],
    );
    expect(text(root, 'message-text')).toBe('the figures for May');
  });

  it('answers an incoming offer with Accept or Decline, naming the file and the conversation', async () => {
    const offer = transferOf();
    const { root, calls } = await renderWithFiles(<MessageBubble message={messageOf(offer)} />, [offer]);
    await vi.waitFor(() =>
      expect(text(root, 'transfer-status')).toBe('Offered to you: accept to receive it'),
    );
    button(root, 'Accept report.pdf').click();
    await settle();
    button(root, 'Decline report.pdf').click();
    await settle();
    const answers = calls.filter(([method]) => method === 'answerFile').map(([, params]) => params);
    expect(answers).toEqual([
      { conversation: offer.conversation, messageId: offer.messageId, accept: true },
      { conversation: offer.conversation, messageId: offer.messageId, accept: false },
    ]);
  });

  it('follows the engine: a progress bar with percent, speed and time left, then where the file was saved', async () => {
    const offer = transferOf({ state: 'accepted' });
    const { root, push } = await renderWithFiles(<MessageBubble message={messageOf(offer)} />, [offer]);
    await vi.waitFor(() => expect(text(root, 'transfer-status')).toBe('Waiting for a direct connection…'));
    push('transfer', { ...offer, state: 'active', bytes: 2_500_000, bytesPerSecond: 2_500_000 });
    const bar = await vi.waitFor(() => {
      const found = root.querySelector<HTMLProgressElement>('progress[data-testid="transfer-progress"]');
      if (!found) throw new Error('no progress bar yet');
      return found;
    });
    expect(bar.value).toBe(25);
    expect(bar.getAttribute('aria-valuetext')).toBe('25% · 2.5 MB/s · 3 s left');
    expect(bar.getAttribute('aria-label')).toBe('Receiving report.pdf');
    expect(text(root, 'transfer-line')).toBe('25% · 2.5 MB/s · 3 s left');
    expect(button(root, 'Cancel report.pdf')).toBeTruthy();
    push('transfer', { ...offer, state: 'done', bytes: offer.file.size, savedAs: 'report (1).pdf' });
    await vi.waitFor(() => expect(text(root, 'transfer-status')).toBe('Saved as report (1).pdf'));
    expect(root.querySelector('progress')).toBeNull();
    expect(root.querySelector('button')).toBeNull();
  });

  it('cancels a file it sends, and says so when the engine refuses', async () => {
    const sending = transferOf({ direction: 'out', state: 'paused' });
    const { root, calls } = await renderWithFiles(<MessageBubble message={messageOf(sending)} />, [sending], {
      cancelFile: () => Promise.reject(new Error('The engine is locked')),
    });
    await vi.waitFor(() =>
      expect(text(root, 'transfer-status')).toBe('Paused: resumes when the connection is back'),
    );
    button(root, 'Cancel report.pdf').click();
    await vi.waitFor(() => expect(alerts(root)).toEqual(['Not cancelled: The engine is locked']));
    expect(calls.find(([method]) => method === 'cancelFile')?.[1]).toEqual({
      conversation: sending.conversation,
      messageId: sending.messageId,
      peer: sending.peer,
    });
  });

  it('shows the file and no transfer while the engine has not told it of one', async () => {
    const offer = transferOf();
    const { root } = await renderWithFiles(<MessageBubble message={messageOf(offer)} />, [], {
      listTransfers: () => Promise.reject(new Error('not yet')),
    });
    expect(text(root, 'file-name')).toBe('report.pdf');
    expect(root.querySelector('[data-testid="transfer"]')).toBeNull();
  });
});

describe('a file sent to a room', () => {
  it('sums up its members, lists each with their own Cancel, and cancels for everyone at once', async () => {
    const views = roomTransfers(
      { state: 'done', bytes: 10_000_000 },
      { state: 'active', bytes: 5_000_000, bytesPerSecond: 1_000_000 },
      { state: 'declined' },
    );
    const [first, { peer: bob }, { peer: cy }] = views;
    names.set(first.peer, 'Ann').set(bob, 'Bob').set(cy, 'Cy');
    const { root, calls } = await renderWithFiles(<MessageBubble message={messageOf(first)} />, views);
    await vi.waitFor(() => expect(text(root, 'room-summary')).toBe('1 of 3 received, 1 sending, 1 declined'));
    expect(root.querySelector('progress')?.getAttribute('aria-valuetext')).toBe('50% · 1.0 MB/s · 5 s left');
    const members = [...root.querySelectorAll('[data-testid="member-transfer"]')].map((row) => [
      row.querySelector('.member-name')?.textContent,
      row.querySelector('[data-testid="transfer"]')?.getAttribute('data-state'),
    ]);
    expect(members).toEqual([
      ['Ann', 'done'],
      ['Bob', 'active'],
      ['Cy', 'declined'],
    ]);
    button(root, 'Cancel report.pdf for Bob').click();
    button(root, 'Cancel report.pdf for everyone').click();
    await settle();
    expect(calls.filter(([method]) => method === 'cancelFile').map(([, params]) => params)).toEqual([
      { conversation: first.conversation, messageId: first.messageId, peer: bob },
      { conversation: first.conversation, messageId: first.messageId },
    ]);
  });
});

describe('the Transfers list', () => {
  it('lists what is under way, each with its progress and a Cancel, and opens its conversation', async () => {
    const bob = randomId();
    names.set(bob, 'Bob');
    const moving = transferOf({ peer: bob, conversation: bob, direction: 'out', state: 'active', bytes: 1 });
    const waiting = transferOf({ state: 'accepted', file: { name: 'b.zip', size: 5, type: '' } });
    const over = [
      transferOf({ state: 'done' }),
      transferOf({ state: 'offered' }),
      transferOf({ state: 'failed' }),
    ];
    const opened: ConversationId[] = [];
    const { root, push } = await renderWithFiles(<TransferList onOpen={(id) => opened.push(id)} />, [
      moving,
      waiting,
      ...over,
    ]);
    const rows = (): string[] =>
      [...root.querySelectorAll('[data-testid="transfer-row"] .transfer-file')].map((row) => row.textContent);
    await vi.waitFor(() => expect(rows()).toEqual(['report.pdfto Bob', 'b.zipfrom someone']));
    expect(button(root, 'Cancel report.pdf to Bob')).toBeTruthy();
    root.querySelector<HTMLButtonElement>('.transfer-file')?.click();
    expect(opened).toEqual([bob]);
    push('transfer', { ...moving, state: 'done' });
    await vi.waitFor(() => expect(rows()).toEqual(['b.zipfrom someone']));
  });

  it('says why the list did not load, and loads it again on Try again', async () => {
    let refuse = true;
    const offer = transferOf({ state: 'paused' });
    const { root } = await renderWithFiles(<TransferList onOpen={() => undefined} />, [], {
      listTransfers: () => (refuse ? Promise.reject(new Error('not yet')) : Promise.resolve([offer])),
    });
    await vi.waitFor(() => expect(alerts(root)).toEqual(['The transfers did not load: not yet']));
    refuse = false;
    [...root.querySelectorAll('button')].find((found) => found.textContent === 'Try again')?.click();
    await vi.waitFor(() => expect(root.querySelectorAll('[data-testid="transfer-row"]')).toHaveLength(1));
    expect(alerts(root)).toEqual([]);
  });
});
