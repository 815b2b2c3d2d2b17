// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import type { TransferView } from '../../../extension/lib/messaging/protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import { aliceWithBob } from '../../support/popup-state';
import { chatAnswers, mount, recordingClient, unmountAll } from './fake-client';
import { transferOf } from './transfer-views';

// The popup reaches the engine through connectEngine(); here it gets a fake engine instead.
const engine = vi.hoisted((): { client: unknown } => ({ client: undefined }));
vi.mock('../../../extension/lib/messaging/client', () => ({
  connectEngine: () => Promise.resolve(engine.client),
}));
const { App } = await import('../../../extension/entrypoints/popup/App');

const bob = randomId();
const state = aliceWithBob(randomId(), bob);

/** An engine with Bob as a contact, `history` as their conversation, and `transfers` listed. */
const fakeClient = (history: readonly ChatMessage[], transfers: readonly TransferView[]) =>
  recordingClient({ ...chatAnswers(state, history), listTransfers: () => Promise.resolve(transfers) });

afterEach(unmountAll);

describe('the popup and its transfers', () => {
  it('counts the transfers under way on its Transfers button, lists them, and opens their conversation', async () => {
    const sending = transferOf({
      peer: bob,
      conversation: bob,
      direction: 'out',
      state: 'active',
      bytes: 10,
    });
    const message: ChatMessage = {
      id: sending.messageId,
      peerId: bob,
      direction: 'out',
      text: sending.file.name,
      sentAt: Date.UTC(2026, 0, 1),
      status: 'delivered',
      file: sending.file,
    };
    const fake = fakeClient([message], [sending, transferOf({ state: 'done' })]);
    engine.client = fake.client;
    const root = mount(<App />);
    const toggle = await vi.waitFor(() => {
      const found = root.querySelector<HTMLButtonElement>('[data-testid="transfers-toggle"]');
      if (!found?.textContent.includes('1')) throw new Error('no count yet');
      return found;
    });
    expect(toggle.textContent).toBe('Transfers1 under way');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    const row = await vi.waitFor(() => {
      const found = root.querySelector<HTMLButtonElement>('[data-testid="transfer-row"] .transfer-file');
      if (!found) throw new Error('no row yet');
      return found;
    });
    expect(row.textContent).toBe('report.pdfto Bob');
    row.click();
    // Bob's conversation opens, and its file card shows the same transfer.
    await vi.waitFor(() =>
      expect(root.querySelector('.conversation progress')?.getAttribute('aria-label')).toBe(
        'Sending report.pdf',
      ),
    );
    expect(fake.calls.filter(([method]) => method === 'listTransfers')).toHaveLength(1);
  });
});
