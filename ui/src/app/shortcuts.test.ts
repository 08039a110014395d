import { beforeEach, describe, expect, it } from 'vitest';
import { isEditableTarget, modifierLabel, SEQUENCE_TIMEOUT_MS, ShortcutHandler, type KeyInput } from './shortcuts';

function key(k: string, extra: Partial<KeyInput> = {}): KeyInput {
  return { key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...extra };
}

describe('ShortcutHandler', () => {
  let handler: ShortcutHandler;
  beforeEach(() => {
    handler = new ShortcutHandler();
  });

  it('maps Ctrl/Cmd + 1…7 to the seven pages in sidebar order', () => {
    const expected = ['calendar', 'board', 'compose', 'inbox', 'analytics', 'channels', 'settings'];
    expected.forEach((page, i) => {
      expect(handler.handle(key(String(i + 1), { ctrlKey: true }), 0)).toEqual({ kind: 'navigate', page });
      expect(handler.handle(key(String(i + 1), { metaKey: true }), 0)).toEqual({ kind: 'navigate', page });
    });
  });

  it('opens a fresh composer with n, while g then n still navigates to Compose', () => {
    expect(handler.handle(key('n'), 0)).toEqual({ kind: 'new-post' });
    expect(handler.handle(key('n', { repeat: true }), 0)).toBeNull();
    expect(handler.handle(key('g'), 0)).toBeNull();
    expect(handler.handle(key('n'), 100)).toEqual({ kind: 'navigate', page: 'compose' });
  });

  it('uses the physical digit key when the layout produces another character', () => {
    expect(handler.handle(key('&', { code: 'Digit1', ctrlKey: true }), 0)).toEqual({ kind: 'navigate', page: 'calendar' });
  });

  it('ignores digits without a modifier, 8 and 9, and Ctrl+Shift/Alt combinations', () => {
    expect(handler.handle(key('1'), 0)).toBeNull();
    expect(handler.handle(key('8', { ctrlKey: true }), 0)).toBeNull();
    expect(handler.handle(key('1', { ctrlKey: true, shiftKey: true }), 0)).toBeNull();
    expect(handler.handle(key('1', { ctrlKey: true, altKey: true }), 0)).toBeNull();
  });

  it('handles g then a letter', () => {
    const pairs: Record<string, string> = { c: 'calendar', b: 'board', n: 'compose', i: 'inbox', a: 'analytics', h: 'channels', s: 'settings' };
    for (const [letter, page] of Object.entries(pairs)) {
      expect(handler.handle(key('g'), 1000)).toBeNull();
      expect(handler.pending).toBe(true);
      expect(handler.handle(key(letter), 1200)).toEqual({ kind: 'navigate', page });
      expect(handler.pending).toBe(false);
    }
  });

  it('forgets g after the timeout', () => {
    handler.handle(key('g'), 1000);
    expect(handler.handle(key('c'), 1000 + SEQUENCE_TIMEOUT_MS + 1)).toBeNull();
  });

  it('does not navigate on a letter without g', () => {
    expect(handler.handle(key('c'), 0)).toBeNull();
  });

  it('ends the sequence on an unrelated key', () => {
    handler.handle(key('g'), 0);
    expect(handler.handle(key('x'), 10)).toBeNull();
    expect(handler.handle(key('c'), 20)).toBeNull();
  });

  it('opens help on ?', () => {
    expect(handler.handle(key('?', { shiftKey: true }), 0)).toEqual({ kind: 'help' });
  });

  it('never takes keys typed into a text field', () => {
    const input = document.createElement('input');
    input.type = 'text';
    expect(handler.handle(key('?', { target: input }), 0)).toBeNull();
    expect(handler.handle(key('g', { target: input }), 0)).toBeNull();
    expect(handler.handle(key('c', { target: input }), 1)).toBeNull();
    expect(handler.handle(key('1', { ctrlKey: true, target: input }), 2)).toBeNull();
  });
});

describe('isEditableTarget', () => {
  it('recognises text fields but not buttons or checkboxes', () => {
    const text = document.createElement('input');
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    // jsdom does not compute isContentEditable; define it as a browser would.
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    expect(isEditableTarget(text)).toBe(true);
    expect(isEditableTarget(document.createElement('textarea'))).toBe(true);
    expect(isEditableTarget(editable)).toBe(true);
    expect(isEditableTarget(checkbox)).toBe(false);
    expect(isEditableTarget(document.createElement('button'))).toBe(false);
    expect(isEditableTarget(null)).toBe(false);
  });
});

describe('modifierLabel', () => {
  it('shows ⌘ on macOS and Ctrl elsewhere', () => {
    expect(modifierLabel('MacIntel')).toBe('⌘');
    expect(modifierLabel('Linux x86_64')).toBe('Ctrl');
    expect(modifierLabel('Win32')).toBe('Ctrl');
  });

  it('opens the palette with Ctrl/Cmd-K, even from a text field', () => {
    const handler = new ShortcutHandler();
    expect(handler.handle(key('k', { ctrlKey: true }), 0)).toEqual({ kind: 'palette' });
    expect(handler.handle(key('K', { metaKey: true }), 0)).toEqual({ kind: 'palette' });
    const input = document.createElement('input');
    expect(handler.handle(key('k', { ctrlKey: true, target: input }), 0)).toEqual({ kind: 'palette' });
    expect(handler.handle(key('k', { ctrlKey: true, shiftKey: true }), 0)).toBeNull();
    expect(handler.handle(key('k'), 0)).toBeNull();
  });
});
