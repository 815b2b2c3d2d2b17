/**
 * Replies, edits, deletes, typing, search and drafts, through the whole engine over the real vault and sessions
 * (fakes for the server and the mesh: tests/support/engine.ts).
 */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../../../shared/ids';
import { MAX_EDITS_PER_MESSAGE } from '../../../shared/limits';
import type { ChatContent, Content } from '../../../shared/protocol/content';
import type { Engine } from '../../../extension/lib/engine/engine';
import type { TypingView } from '../../../extension/lib/messaging/conversation-protocol';
import type { ChatMessage } from '../../../extension/lib/model';
import {
  Fakes,
  PASSPHRASE,
  contact,
  frameFrom,
  onlineEngine as onlineEngineWith,
  openedBy,
  sealedFrom,
  type TestContact,
} from '../../support/engine';

let fakes: Fakes;
beforeEach(() => {
  fakes = new Fakes();
});

/** Alice's engine with Bob an accepted contact, offline: what she sends goes through the mailbox. */
async function aliceWithBobAway() {
  const online = await onlineEngineWith(fakes);
  fakes.handlers?.onPresenceOffline(online.bobToken);
  await vi.waitFor(async () =>
    expect((await online.engine.getState({})).contacts.find((c) => c.name === 'Bob')?.online).toBe(false),
  );
  return online;
}

/** Opens, in order and once each, what went to `who` through the mailbox since the last call. */
async function mailTo(who: TestContact, from: string): Promise<Content[]> {
  const taken = fakes.mail.filter((mail) => mail.to === who.user.userId);
  fakes.mail.splice(0, fakes.mail.length, ...fakes.mail.filter((mail) => mail.to !== who.user.userId));
  const contents: Content[] = [];
  for (const mail of taken) contents.push(await openedBy(who, from, mail.message));
  return contents;
}

/**
 * Waits until a content of `kind` went to `who` through the mailbox, opening every mail on the way in order (a
 * receipt batched on a timer may come before or after it), and gives that content.
 */
async function mailOfKind<K extends Content['kind']>(
  who: TestContact,
  from: string,
  kind: K,
): Promise<Extract<Content, { kind: K }>> {
  const seen: Content[] = [];
  await vi.waitFor(async () => {
    seen.push(...(await mailTo(who, from)));
    expect(seen.map((content) => content.kind)).toContain(kind);
  });
  const found = seen.find((content): content is Extract<Content, { kind: K }> => content.kind === kind);
  if (!found) throw new Error(`no ${kind} went to ${who.user.userId}`);
  return found;
}

const chat = (id: string, text: string, extra: Partial<ChatContent> = {}): ChatContent => ({
  v: 1,
  kind: 'chat',
  id,
  text,
  sentAt: 5,
  ...extra,
});

/** Turns typing indicators off in the engine's settings. */
async function typingOff(engine: Engine): Promise<void> {
  const settings = (await engine.getState({})).settings;
  if (!settings) throw new Error('no settings');
  const { name, serverUrl, autoLockMinutes } = settings;
  await engine.saveSettings({ name, serverUrl, autoLockMinutes, typingIndicators: false });
}

describe('conversation features (engine)', () => {
  it('replies with a quote, edits and deletes for everyone through the outbox; no text is left once deleted', async () => {
    const { engine, bob, self, vault } = await aliceWithBobAway();
    const question = await frameFrom(bob, self.userId, 'Dinner at eight?');
    fakes.mesh?.onFrame(bob.user.userId, question);
    await vi.waitFor(async () =>
      expect(await engine.openConversation({ peerId: bob.user.userId })).toHaveLength(1),
    );

    const reply = await engine.sendText({ peerId: bob.user.userId, text: 'Yes!', replyTo: question.id });
    expect(reply.reply).toEqual({ id: question.id, text: 'Dinner at eight?', from: bob.user.userId });
    const sent = await mailOfKind(bob, self.userId, 'chat');
    expect(sent).toMatchObject({
      kind: 'chat',
      id: reply.id,
      reply: { id: question.id, text: 'Dinner at eight?' },
    });

    const edited = await engine.editMessage({
      peerId: bob.user.userId,
      messageId: reply.id,
      text: 'Yes, at 8',
    });
    expect(edited).toMatchObject({ id: reply.id, text: 'Yes, at 8' });
    expect(edited.edited).toBeGreaterThanOrEqual(reply.sentAt);
    const edit = await mailOfKind(bob, self.userId, 'edit');
    expect(edit).toMatchObject({ kind: 'edit', target: reply.id, text: 'Yes, at 8' });
    // Exactly once: the edit waits in the outbox until Bob's engine receipts it, by its own id.
    expect((await vault.outbox.all()).map((entry) => entry.content.id)).toContain(edit.id);
    const delivered: Content = { v: 1, kind: 'receipt', status: 'delivered', ids: [reply.id, edit.id] };
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, delivered));
    await vi.waitFor(async () => expect(await vault.outbox.all()).toEqual([]));

    const deleted = await engine.deleteMessage({
      peerId: bob.user.userId,
      messageId: reply.id,
      forEveryone: true,
    });
    expect(deleted).toMatchObject({ id: reply.id, text: '', deleted: { forEveryone: true } });
    expect(deleted.reply).toBeUndefined();
    expect(await mailOfKind(bob, self.userId, 'delete')).toMatchObject({ kind: 'delete', target: reply.id });
    const stored = await vault.history.list(bob.user.userId);
    expect(JSON.stringify(stored.find((message) => message.id === reply.id))).not.toMatch(/Yes|Dinner/);

    // Only one's own text messages change for everyone; another's can be deleted here only.
    await expect(
      engine.editMessage({ peerId: bob.user.userId, messageId: question.id, text: 'Lunch?' }),
    ).rejects.toMatchObject({ code: 'not-found' });
    await expect(
      engine.deleteMessage({ peerId: bob.user.userId, messageId: question.id, forEveryone: true }),
    ).rejects.toMatchObject({ code: 'not-found' });
    const mine = await engine.deleteMessage({
      peerId: bob.user.userId,
      messageId: question.id,
      forEveryone: false,
    });
    expect(mine).toMatchObject({ text: '', deleted: { forEveryone: false } });
    // Deleted for me only: nothing tells Bob (a late receipt may still go).
    const told = (await mailTo(bob, self.userId)).filter((content) => content.kind !== 'receipt');
    expect(told).toEqual([]);
  });

  it('stops editing a message after MAX_EDITS_PER_MESSAGE edits', async () => {
    const { engine, bob } = await aliceWithBobAway();
    const sent = await engine.sendText({ peerId: bob.user.userId, text: 'v0' });
    for (let edit = 1; edit <= MAX_EDITS_PER_MESSAGE; edit++)
      await engine.editMessage({ peerId: bob.user.userId, messageId: sent.id, text: `v${edit}` });
    await expect(
      engine.editMessage({ peerId: bob.user.userId, messageId: sent.id, text: 'one more' }),
    ).rejects.toMatchObject({ code: 'invalid-payload' });
  });

  it("applies a contact's edit and delete to their own message only, once, and empties quotes of a deleted one", async () => {
    const { engine, messages, bob, self } = await aliceWithBobAway();
    const mallory = await contact('Mallory');
    const ownId = (await engine.sendText({ peerId: bob.user.userId, text: 'mine' })).id;
    const original = await frameFrom(bob, self.userId, 'helo');
    fakes.mesh?.onFrame(bob.user.userId, original);
    // Bob quotes Alice's message, misquoting it: Alice shows her own copy's text.
    const reply = chat(randomId(), 'what?', { reply: { id: ownId, text: 'something else' } });
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, reply, reply.id));
    const quoting = chat(randomId(), 'sic', { reply: { id: original.id, text: 'helo' } });
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, quoting, quoting.id));
    const history = () => engine.openConversation({ peerId: bob.user.userId });
    await vi.waitFor(async () => expect(await history()).toHaveLength(4));
    expect((await history())[2]?.reply).toEqual({ id: ownId, text: 'mine', from: self.userId });

    const edit = {
      v: 1,
      kind: 'edit',
      id: randomId(),
      target: original.id,
      text: 'hello',
      editedAt: 9,
    } as const;
    const editFrame = await sealedFrom(bob, self.userId, edit, edit.id);
    fakes.mesh?.onFrame(bob.user.userId, editFrame);
    fakes.mesh?.onFrame(bob.user.userId, editFrame); // a copy: dropped unopened, so no reset is asked
    // Bob may not edit Alice's message; Mallory may not edit Bob's.
    const notHis = { ...edit, id: randomId(), target: ownId, text: 'you said yes' };
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, notHis, notHis.id));
    const forged = { ...edit, id: randomId(), text: 'Mallory was here' };
    fakes.mesh?.onFrame(mallory.user.userId, await sealedFrom(mallory, self.userId, forged, forged.id));
    await vi.waitFor(() =>
      expect(messages.at(-1)).toMatchObject({ id: original.id, text: 'hello', edited: 9 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const afterEdits = await history();
    expect(afterEdits.map((message) => message.text)).toEqual(['mine', 'hello', 'what?', 'sic']);
    expect(afterEdits[1]?.changes).toEqual([edit.id]);

    const remove = { v: 1, kind: 'delete', id: randomId(), target: original.id, deletedAt: 10 } as const;
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, remove, remove.id));
    await vi.waitFor(async () =>
      expect((await history())[1]).toMatchObject({ text: '', deleted: { at: 10 } }),
    );
    await vi.waitFor(async () => expect((await history())[3]?.reply?.text).toBe(''));
    // Every change was receipted (mail, as no link is open), the copy too; nothing asked to start over.
    const receipted: string[] = [];
    await vi.waitFor(async () => {
      for (const content of await mailTo(bob, self.userId))
        receipted.push(
          ...(content.kind === 'receipt' ? content.ids : content.kind === 'reset' ? ['reset'] : []),
        );
      expect(receipted).toEqual(expect.arrayContaining([edit.id, notHis.id, remove.id]));
      expect(receipted).not.toContain('reset');
    });
  });

  it('applies an edit that came before its message once the message comes', async () => {
    const { engine, bob, self } = await aliceWithBobAway();
    const id = randomId();
    const edit = {
      v: 1,
      kind: 'edit',
      id: randomId(),
      target: id,
      text: 'second thoughts',
      editedAt: 9,
    } as const;
    fakes.mesh?.onFrame(bob.user.userId, await sealedFrom(bob, self.userId, edit, edit.id));
    fakes.mesh?.onFrame(bob.user.userId, await frameFrom(bob, self.userId, 'first thoughts', id));
    await vi.waitFor(async () =>
      expect(await engine.openConversation({ peerId: bob.user.userId })).toMatchObject([
        { id, text: 'second thoughts', edited: 9 },
      ]),
    );
  });

  it('tells an accepted contact on a direct link that this profile types, at most every few seconds, and when it stops', async () => {
    const { engine, bob } = await onlineEngineWith(fakes);
    const peerId = bob.user.userId;
    await engine.setDraft({ peerId, text: 'h' }); // no link yet: nothing goes (never through the server)
    expect(fakes.typing).toEqual([]);
    fakes.mesh?.onLinkChange(peerId, 'open');
    await vi.waitFor(async () => expect((await engine.getState({})).links[peerId]).toBe('open'));
    await engine.setDraft({ peerId, text: 'he' });
    await engine.setDraft({ peerId, text: 'hel' }); // within TYPING_SEND_INTERVAL_MS: not again
    await engine.setDraft({ peerId, text: '' });
    expect(fakes.typing.map(({ frame }) => frame.typing)).toEqual([true, false]);
    await engine.setDraft({ peerId, text: 'hi' });
    await engine.sendText({ peerId, text: 'hi' }); // sent: "stopped", and the draft is gone
    expect(fakes.typing.map(({ frame }) => frame.typing)).toEqual([true, false, true, false]);
    expect(await engine.getDraft({ peerId })).toEqual({ text: '' });

    await typingOff(engine);
    await engine.setDraft({ peerId, text: 'quiet' });
    expect(fakes.typing).toHaveLength(4);
  });

  it("pushes a contact's typing to pages, and nothing from a stranger or while typing indicators are off", async () => {
    const { engine, bob } = await onlineEngineWith(fakes);
    const typing: TypingView[] = [];
    engine.subscribe((name, data) => name === 'typing' && typing.push(data as TypingView));
    const mallory = await contact('Mallory');
    fakes.mesh?.onFrame(mallory.user.userId, { v: 1, kind: 'typing', typing: true });
    fakes.mesh?.onFrame(bob.user.userId, { v: 1, kind: 'typing', typing: true });
    fakes.mesh?.onFrame(bob.user.userId, { v: 1, kind: 'typing', typing: 'yes' }); // malformed: dropped
    await vi.waitFor(() => expect(typing).toEqual([{ peerId: bob.user.userId, typing: true }]));

    await typingOff(engine);
    fakes.mesh?.onFrame(bob.user.userId, { v: 1, kind: 'typing', typing: false });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(typing).toHaveLength(1);
  });

  it('searches a conversation newest first, in any case, within the limit, and never in deleted text', async () => {
    const { engine, bob } = await aliceWithBobAway();
    const peerId = bob.user.userId;
    const sent: ChatMessage[] = [];
    for (const text of ['Pizza tonight?', 'no', 'PIZZA again', 'pizzas on the corner', 'pizza!'])
      sent.push(await engine.sendText({ peerId, text }));
    await engine.deleteMessage({ peerId, messageId: sent[4]?.id ?? '', forEveryone: true });
    const found = await engine.searchConversation({ peerId, query: 'pizza' });
    expect(found.map((message) => message.text)).toEqual([
      'pizzas on the corner',
      'PIZZA again',
      'Pizza tonight?',
    ]);
    expect(await engine.searchConversation({ peerId, query: 'PIZZA', limit: 1 })).toMatchObject([
      { text: 'pizzas on the corner' },
    ]);
    expect(await engine.searchConversation({ peerId, query: 'sushi' })).toEqual([]);
  });

  it('keeps a draft per conversation in memory until it is sent or the vault locks', async () => {
    const { engine, bob } = await aliceWithBobAway();
    const peerId = bob.user.userId;
    const roomless = randomId();
    await engine.setDraft({ peerId, text: 'half a thought' });
    await engine.setDraft({ peerId: roomless, text: 'elsewhere' });
    expect(await engine.getDraft({ peerId })).toEqual({ text: 'half a thought' });
    expect(await engine.getDraft({ peerId: roomless })).toEqual({ text: 'elsewhere' });
    await engine.sendText({ peerId, text: 'half a thought, sent' });
    expect(await engine.getDraft({ peerId })).toEqual({ text: '' });
    await engine.lock({});
    await expect(engine.getDraft({ peerId: roomless })).rejects.toMatchObject({ code: 'locked' });
    await engine.unlock({ passphrase: PASSPHRASE });
    expect(await engine.getDraft({ peerId: roomless })).toEqual({ text: '' });
  });
});
