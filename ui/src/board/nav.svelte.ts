/**
 * What the command palette asks the Board page to show when it opens (a tab, an idea, a template,
 * a new idea): a tiny shared state, consumed once by the page.
 */
import type { BoardTab } from './palette';

export type BoardRequest =
  | { kind: 'tab'; tab: BoardTab }
  | { kind: 'idea'; id: string }
  | { kind: 'template'; id: string }
  | { kind: 'new-idea' };

class BoardNav {
  request = $state<BoardRequest | null>(null);

  ask(request: BoardRequest): void {
    this.request = request;
  }

  /** Returns the pending request and clears it. */
  take(): BoardRequest | null {
    const r = this.request;
    this.request = null;
    return r;
  }
}

export const boardNav = new BoardNav();

// Posts open in the composer through `composerTarget` (../composer/target.svelte).
