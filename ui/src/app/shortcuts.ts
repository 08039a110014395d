/**
 * Global keyboard shortcuts, as a small state machine independent of the DOM.
 *
 * - Ctrl/Cmd + 1…7 opens the seven pages.
 * - `g` then a letter (c, b, n, i, a, h, s) does the same, within a short window.
 * - `?` opens the shortcuts dialog.
 * - Ctrl/Cmd + K opens the command palette (search), also from inside a text field.
 * - `n` (on its own) opens a fresh composer.
 * Keys typed into text fields are never taken.
 */
import type { Page } from '$lib/ipc';
import { PAGE_INFO } from './pages';

export type ShortcutAction =
  | { kind: 'navigate'; page: Page }
  | { kind: 'help' }
  | { kind: 'palette' }
  | { kind: 'new-post' };

export interface KeyInput {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  repeat?: boolean;
  target?: EventTarget | null;
}

/** How long after `g` the second letter still counts, in milliseconds. */
export const SEQUENCE_TIMEOUT_MS = 1500;

const TEXT_INPUT_TYPES = new Set([
  'text', 'search', 'email', 'url', 'tel', 'password', 'number', 'date', 'datetime-local', 'month', 'time', 'week',
]);

/** True when keys typed now belong to a text field, not to the shortcuts. */
export function isEditableTarget(target: EventTarget | null | undefined): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return TEXT_INPUT_TYPES.has(target.type);
  return false;
}

function digitOf(input: KeyInput): string | null {
  if (/^[1-9]$/.test(input.key)) return input.key;
  const match = input.code ? /^(?:Digit|Numpad)([1-9])$/.exec(input.code) : null;
  return match?.[1] ?? null;
}

export class ShortcutHandler {
  private pendingSince: number | null = null;

  /** Returns the action for this key press, or null when the key is not a shortcut. */
  handle(input: KeyInput, now: number): ShortcutAction | null {
    if ((input.ctrlKey || input.metaKey) && !input.altKey && !input.shiftKey && (input.key.toLowerCase() === 'k' || input.code === 'KeyK')) {
      this.pendingSince = null;
      return { kind: 'palette' };
    }
    if (isEditableTarget(input.target)) {
      this.pendingSince = null;
      return null;
    }
    const mod = input.ctrlKey || input.metaKey;

    if (mod && !input.altKey && !input.shiftKey) {
      this.pendingSince = null;
      const digit = digitOf(input);
      const page = PAGE_INFO.find((p) => p.digit === digit);
      return page ? { kind: 'navigate', page: page.id } : null;
    }
    if (mod || input.altKey) {
      this.pendingSince = null;
      return null;
    }

    if (this.pendingSince !== null) {
      const fresh = now - this.pendingSince <= SEQUENCE_TIMEOUT_MS;
      this.pendingSince = null;
      if (fresh) {
        const letter = input.key.toLowerCase();
        const page = PAGE_INFO.find((p) => p.letter === letter);
        if (page) return { kind: 'navigate', page: page.id };
        // Any other key ends the sequence and is then treated on its own below.
      }
    }

    if (input.key === '?') return { kind: 'help' };
    if ((input.key === 'n' || input.key === 'N') && !input.shiftKey && !input.repeat) return { kind: 'new-post' };
    if ((input.key === 'g' || input.key === 'G') && !input.shiftKey && !input.repeat) {
      this.pendingSince = now;
      return null;
    }
    return null;
  }

  /** Whether a `g` is waiting for its letter. */
  get pending(): boolean {
    return this.pendingSince !== null;
  }

  reset(): void {
    this.pendingSince = null;
  }
}

/** The modifier's label for this platform: ⌘ on macOS, Ctrl elsewhere. */
export function modifierLabel(platform: string = typeof navigator === 'undefined' ? '' : navigator.platform): string {
  return /mac|iphone|ipad/i.test(platform) ? '⌘' : 'Ctrl';
}
