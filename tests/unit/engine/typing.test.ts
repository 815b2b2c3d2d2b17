import { describe, expect, it } from 'vitest';
import { TYPING_SEND_INTERVAL_MS } from '../../../shared/limits';
import type { TypingFrame } from '../../../shared/protocol/peer';
import { createTyping } from '../../../extension/lib/engine/typing';
import type { TypingView } from '../../../extension/lib/messaging/conversation-protocol';
import { fakeProfile, SETTINGS, userId } from './module-fakes';

function typingWith(linkOpen = true) {
  let clock = 1_000;
  const sent: { peerId: string; typing: boolean }[] = [];
  const shown: TypingView[] = [];
  const typing = createTyping({
    now: () => clock,
    linkOpen: () => linkOpen,
    sendDirect: async (peerId, frame) => void sent.push({ peerId, typing: frame.typing }),
    emit: (view) => void shown.push(view),
  });
  return { typing, sent, shown, tick: (ms: number) => (clock += ms) };
}

const frame = (typing: boolean): TypingFrame => ({ v: 1, kind: 'typing', typing });

describe('typing indicator', () => {
  it('says "typing" at most once per TYPING_SEND_INTERVAL_MS while it lasts, and "stopped" once', () => {
    const { typing, sent, tick } = typingWith();
    const { profile, book } = fakeProfile();
    const bob = book.set(userId(), 'accepted').userId;
    typing.draftChanged(profile, bob, 'h');
    tick(TYPING_SEND_INTERVAL_MS - 1);
    typing.draftChanged(profile, bob, 'he');
    tick(1);
    typing.draftChanged(profile, bob, 'hel');
    typing.draftChanged(profile, bob, '');
    typing.draftChanged(profile, bob, ''); // already stopped: nothing more
    expect(sent).toEqual([
      { peerId: bob, typing: true },
      { peerId: bob, typing: true },
      { peerId: bob, typing: false },
    ]);
  });

  it('tells no one but an accepted contact on a direct link, and nobody when the setting is off', () => {
    const { profile, book } = fakeProfile({ ...SETTINGS, typingIndicators: false });
    const off = typingWith();
    const bob = book.set(userId(), 'accepted').userId;
    off.typing.draftChanged(profile, bob, 'hi');
    expect(off.sent).toEqual([]);

    const on = fakeProfile();
    const asked = on.book.set(userId(), 'outgoing').userId;
    const room = `r${userId()}`;
    const friend = on.book.set(userId(), 'accepted').userId;
    const noLink = typingWith(false);
    noLink.typing.draftChanged(on.profile, friend, 'hi');
    const linked = typingWith();
    linked.typing.draftChanged(on.profile, asked, 'hi');
    linked.typing.draftChanged(on.profile, room, 'hi');
    expect([...noLink.sent, ...linked.sent]).toEqual([]);
  });

  it("shows an accepted contact's frames only, and none while this profile's setting is off", () => {
    const { typing, shown } = typingWith();
    const { profile, book } = fakeProfile();
    const bob = book.set(userId(), 'accepted').userId;
    const stranger = userId();
    const requester = book.set(userId(), 'incoming').userId;
    typing.received(profile, bob, frame(true));
    typing.received(profile, stranger, frame(true));
    typing.received(profile, requester, frame(true));
    typing.received(profile, bob, frame(false));
    expect(shown).toEqual([
      { peerId: bob, typing: true },
      { peerId: bob, typing: false },
    ]);
    const quiet = fakeProfile({ ...SETTINGS, typingIndicators: false });
    quiet.book.set(bob, 'accepted');
    typing.received(quiet.profile, bob, frame(true));
    expect(shown).toHaveLength(2);
  });
});
