import { describe, expect, it } from 'vitest';
import { randomId } from '../../../shared/ids';
import { askFirstPage, takeFirstPage } from '../../../extension/hooks/first-page';
import type { ChatMessage } from '../../../extension/lib/model';
import { recordingClient } from './fake-client';
import { messageFrom } from '../../support/popup-state';

const bob = randomId();
const carol = randomId();

const message = (peerId: string, text: string): ChatMessage => messageFrom(peerId, text);

/** An engine whose answer to openConversation the test gives, and whose message events it sends. */
function fakeEngine() {
  let answer!: { resolve(page: ChatMessage[]): void; reject(error: Error): void };
  const fake = recordingClient({
    openConversation: () => new Promise((resolve, reject) => (answer = { resolve, reject })),
  });
  return {
    client: fake.client,
    asked: fake.calls,
    send: (sent: ChatMessage) => fake.push('message', sent),
    answer: () => answer,
    listening: () => fake.listening('message'),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the page asked for ahead (first-page)', () => {
  it('keeps what arrives for the conversation meanwhile, with the page before it, for one taker', async () => {
    const engine = fakeEngine();
    void askFirstPage(engine.client, bob, 100);
    expect(engine.asked).toEqual([['openConversation', { peerId: bob, limit: 100 }]]);
    const early = message(bob, 'before the answer');
    engine.send(early);
    engine.send(message(carol, 'another conversation'));
    const older = message(bob, 'in the page');
    engine.answer().resolve([older]);
    await settle();
    const late = message(bob, 'after the answer');
    engine.send(late);

    expect(takeFirstPage(engine.client, bob, 99)).toBeUndefined();
    expect(takeFirstPage(fakeEngine().client, bob, 100)).toBeUndefined();
    const taken = takeFirstPage(engine.client, bob, 100);
    expect(taken?.page).toEqual([older]);
    expect(taken?.list.all.map(({ text }) => text)).toEqual([
      'in the page',
      'before the answer',
      'after the answer',
    ]);
    // Taken once; and it stopped listening (the taker listens from then on).
    expect(takeFirstPage(engine.client, bob, 100)).toBeUndefined();
    expect(engine.listening()).toBe(0);
  });

  it('leaves a page that comes after it was taken to the taker', async () => {
    const engine = fakeEngine();
    void askFirstPage(engine.client, bob, 100);
    const taken = takeFirstPage(engine.client, bob, 100);
    expect(taken?.page).toBeUndefined();
    const older = message(bob, 'in the page');
    engine.answer().resolve([older]);
    expect(await taken?.answer).toEqual([older]);
    expect(taken?.list.all).toEqual([]);
  });

  it('hands on a failed answer for the taker to ask again', async () => {
    const engine = fakeEngine();
    void askFirstPage(engine.client, bob, 100);
    engine.answer().reject(new Error('locked'));
    await settle();
    const taken = takeFirstPage(engine.client, bob, 100);
    expect(taken?.page).toBeUndefined();
    await expect(taken?.answer).rejects.toThrow('locked');
  });

  it('keeps only the last one asked for', () => {
    const engine = fakeEngine();
    void askFirstPage(engine.client, bob, 100);
    void askFirstPage(engine.client, carol, 100);
    expect(engine.listening()).toBe(1);
    expect(takeFirstPage(engine.client, bob, 100)).toBeUndefined();
    expect(takeFirstPage(engine.client, carol, 100)).toBeDefined();
  });
});
