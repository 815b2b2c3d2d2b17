import { describe, expect, it } from 'vitest';
import type { ShareTarget } from '../../../extension/lib/messaging/protocol';
import {
  MAX_MENU_TARGETS,
  MENU_IDS,
  SHARE_CONTEXTS,
  buildShareMenu,
  targetMenuId,
  targetOfMenuItem,
} from '../../../extension/lib/share/menu-items';

const user = (n: number): string => n.toString(16).padStart(32, '0');
const contact = (n: number, name = `Contact ${n}`): ShareTarget => ({ id: user(n), name, kind: 'contact' });
const room: ShareTarget = { id: `r${'a'.repeat(32)}`, name: 'Team', kind: 'room' };

describe('the context menu built from the share targets', () => {
  it('lists each target under "Send to…", in the engine’s order, then "Choose…"; "Send a file…" on pages and the toolbar button', () => {
    const items = buildShareMenu([contact(1, 'Bob'), room], 'action');
    expect(items.map(({ id, parentId, title, type }) => ({ id, parentId, title, type }))).toEqual([
      { id: MENU_IDS.sendTo, parentId: undefined, title: 'Send to…', type: undefined },
      { id: targetMenuId(user(1)), parentId: MENU_IDS.sendTo, title: 'Bob', type: undefined },
      { id: targetMenuId(room.id), parentId: MENU_IDS.sendTo, title: 'Team (room)', type: undefined },
      { id: MENU_IDS.separator, parentId: MENU_IDS.sendTo, title: '', type: 'separator' },
      { id: MENU_IDS.choose, parentId: MENU_IDS.sendTo, title: 'Choose…', type: undefined },
      { id: MENU_IDS.sendFile, parentId: undefined, title: 'Send a file…', type: undefined },
    ]);
    // Every entry of the submenu shows wherever its parent does (a child's default would be `page` only).
    for (const item of items.filter((each) => each.parentId === MENU_IDS.sendTo))
      expect(item.contexts).toEqual(SHARE_CONTEXTS);
    expect(items.at(-1)?.contexts).toEqual(['page', 'action']);
    expect(buildShareMenu([], 'browser_action').at(-1)?.contexts).toEqual(['page', 'browser_action']);
  });

  it('has no separator without targets, and lists at most MAX_MENU_TARGETS, the most recent', () => {
    expect(buildShareMenu([], 'action').map((item) => item.id)).toEqual([
      MENU_IDS.sendTo,
      MENU_IDS.choose,
      MENU_IDS.sendFile,
    ]);
    const many = Array.from({ length: MAX_MENU_TARGETS + 3 }, (_, index) => contact(index + 1));
    const listed = buildShareMenu(many, 'action').flatMap((item) => {
      const id = targetOfMenuItem(item.id);
      return id ? [id] : [];
    });
    expect(listed).toEqual(many.slice(0, MAX_MENU_TARGETS).map((target) => target.id));
  });

  it('shows a name as written: no access key from "&", no selected text for "%s"', () => {
    const [, item] = buildShareMenu([contact(1, 'Tom & Jerry %s')], 'action');
    expect(item?.title).toBe('Tom && Jerry %\u200Bs');
  });

  it('maps only its own target ids back to a conversation', () => {
    expect(targetOfMenuItem(targetMenuId(user(7)))).toBe(user(7));
    expect(targetOfMenuItem(targetMenuId(room.id))).toBe(room.id);
    for (const id of [MENU_IDS.choose, MENU_IDS.sendTo, 'send-to:target:nothex', 'send-to:target:', 42])
      expect(targetOfMenuItem(id)).toBeUndefined();
  });
});
