/**
 * The board's move logic, free of the DOM so it can be tested: where a dragged card lands, what the
 * arrow keys do to a focused card, and the layout after a move (the same rule the core applies: the
 * card leaves its column, then is inserted at `index` of the target, clamped to its end).
 */

export interface CardKey {
  kind: 'idea' | 'post';
  id: string;
}

/** A column's cards in board order. */
export interface ColumnLayout<C extends CardKey = CardKey> {
  id: string;
  cards: C[];
}

/** Where a card goes: a column and an index counted without the moving card. */
export interface Slot {
  columnId: string;
  index: number;
}

export const sameCard = (a: CardKey, b: CardKey): boolean => a.kind === b.kind && a.id === b.id;

/** Where a card is, or null. */
export function locate<C extends CardKey>(layout: ColumnLayout<C>[], card: CardKey): { column: number; index: number } | null {
  for (let column = 0; column < layout.length; column++) {
    const index = layout[column].cards.findIndex((c) => sameCard(c, card));
    if (index >= 0) return { column, index };
  }
  return null;
}

/** The layout after moving `card` to `slot` (a new array; unknown card or column: unchanged). */
export function moveInLayout<C extends CardKey>(layout: ColumnLayout<C>[], card: CardKey, slot: Slot): ColumnLayout<C>[] {
  const from = locate(layout, card);
  if (!from || !layout.some((c) => c.id === slot.columnId)) return layout;
  const moving = layout[from.column].cards[from.index];
  const without = layout.map((col, i) =>
    i === from.column ? { ...col, cards: col.cards.filter((_, j) => j !== from.index) } : col,
  );
  return without.map((col) => {
    if (col.id !== slot.columnId) return col;
    const at = Math.max(0, Math.min(slot.index, col.cards.length));
    const cards = [...col.cards];
    cards.splice(at, 0, moving);
    return { ...col, cards };
  });
}

/** Whether a move changes anything. */
export function isNoop<C extends CardKey>(layout: ColumnLayout<C>[], card: CardKey, slot: Slot): boolean {
  const from = locate(layout, card);
  if (!from) return true;
  if (layout[from.column].id !== slot.columnId) return false;
  const last = layout[from.column].cards.length - 1;
  return Math.max(0, Math.min(slot.index, last)) === from.index;
}

/**
 * The index a dragged card lands at in a column, from the vertical midpoints of the column's
 * other cards (the dragged one excluded) and the pointer's y: the number of midpoints above it.
 */
export function dropIndex(midpoints: number[], y: number): number {
  let n = 0;
  for (const m of midpoints) if (m < y) n++;
  return n;
}

/** The column under the pointer from the columns' horizontal extents, or null. */
export function columnAt(extents: { id: string; left: number; right: number }[], x: number): string | null {
  return extents.find((e) => x >= e.left && x < e.right)?.id ?? null;
}

export type ArrowKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight';

export function isArrowKey(key: string): key is ArrowKey {
  return key === 'ArrowUp' || key === 'ArrowDown' || key === 'ArrowLeft' || key === 'ArrowRight';
}

/**
 * Where a keyboard move sends a card: up/down within its column, left/right to the neighbouring
 * column at the same height (clamped). Null when it cannot move that way.
 */
export function keyboardTarget<C extends CardKey>(layout: ColumnLayout<C>[], card: CardKey, key: ArrowKey): Slot | null {
  const from = locate(layout, card);
  if (!from) return null;
  const col = layout[from.column];
  switch (key) {
    case 'ArrowUp':
      return from.index > 0 ? { columnId: col.id, index: from.index - 1 } : null;
    case 'ArrowDown':
      return from.index < col.cards.length - 1 ? { columnId: col.id, index: from.index + 1 } : null;
    case 'ArrowLeft':
    case 'ArrowRight': {
      const next = layout[from.column + (key === 'ArrowLeft' ? -1 : 1)];
      if (!next) return null;
      return { columnId: next.id, index: Math.min(from.index, next.cards.length) };
    }
  }
}

/** Builds the layout from the board's columns and cards (cards arrive ordered by column/position). */
export function layoutOf<C extends CardKey & { column_id: string }>(columns: { id: string }[], cards: C[]): ColumnLayout<C>[] {
  return columns.map((c) => ({ id: c.id, cards: cards.filter((k) => k.column_id === c.id) }));
}

/**
 * Cards a column loads and draws per page: thousands of cards would make the board slow to open.
 * A column shows about five at a time; the next page loads as it scrolls. Each drawn card costs
 * the first frame its style and layout (about 6 ms a card in WebKitGTK under load), so the first
 * page is small.
 */
export const CARDS_PER_PAGE = 20;

/**
 * How many of a column's cards to draw: `pages` pages of them, and always far enough to include
 * the card being moved (`isMoving`), so a card moved down a long column never disappears.
 */
export function visibleCount<C>(cards: C[], pages: number, isMoving: ((c: C) => boolean) | null): number {
  let n = Math.min(cards.length, Math.max(1, pages) * CARDS_PER_PAGE);
  if (isMoving) {
    const at = cards.findIndex(isMoving);
    if (at >= n) n = at + 1;
  }
  return n;
}
