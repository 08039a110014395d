import { describe, expect, it } from 'vitest';
import { CARDS_PER_PAGE, columnAt, dropIndex, isNoop, keyboardTarget, layoutOf, locate, moveInLayout, visibleCount, type ColumnLayout } from './dnd';

const idea = (id: string) => ({ kind: 'idea' as const, id });
const post = (id: string) => ({ kind: 'post' as const, id });

function board(): ColumnLayout[] {
  return [
    { id: 'A', cards: [idea('a1'), post('a2'), idea('a3')] },
    { id: 'B', cards: [idea('b1')] },
    { id: 'C', cards: [] },
  ];
}

const ids = (l: ColumnLayout[]) => l.map((c) => c.cards.map((k) => k.id));

describe('moveInLayout', () => {
  it('moves within a column, counting the index without the moving card', () => {
    expect(ids(moveInLayout(board(), idea('a1'), { columnId: 'A', index: 2 }))).toEqual([['a2', 'a3', 'a1'], ['b1'], []]);
    expect(ids(moveInLayout(board(), idea('a3'), { columnId: 'A', index: 0 }))).toEqual([['a3', 'a1', 'a2'], ['b1'], []]);
  });

  it('moves between columns and clamps past the end', () => {
    expect(ids(moveInLayout(board(), post('a2'), { columnId: 'B', index: 0 }))).toEqual([['a1', 'a3'], ['a2', 'b1'], []]);
    expect(ids(moveInLayout(board(), post('a2'), { columnId: 'C', index: 99 }))).toEqual([['a1', 'a3'], ['b1'], ['a2']]);
  });

  it('tells an idea from a post with the same id and leaves unknown moves alone', () => {
    const l = board();
    expect(moveInLayout(l, post('a1'), { columnId: 'B', index: 0 })).toBe(l);
    expect(moveInLayout(l, idea('a1'), { columnId: 'Z', index: 0 })).toBe(l);
  });

  it('keeps every card exactly once over many moves', () => {
    let l = board();
    const all = ['a1', 'a2', 'a3', 'b1'];
    for (let i = 0; i < 200; i++) {
      const card = l.flatMap((c) => c.cards)[(i * 7) % 4];
      l = moveInLayout(l, card, { columnId: ['A', 'B', 'C'][(i * 5) % 3], index: (i * 3) % 5 });
      expect(l.flatMap((c) => c.cards.map((k) => k.id)).sort()).toEqual(all);
    }
  });
});

describe('isNoop', () => {
  it('is true for the same place (also when clamped) and false otherwise', () => {
    expect(isNoop(board(), idea('a3'), { columnId: 'A', index: 2 })).toBe(true);
    expect(isNoop(board(), idea('a3'), { columnId: 'A', index: 9 })).toBe(true);
    expect(isNoop(board(), idea('a3'), { columnId: 'A', index: 1 })).toBe(false);
    expect(isNoop(board(), idea('b1'), { columnId: 'C', index: 0 })).toBe(false);
  });
});

describe('pointer geometry', () => {
  it('counts the midpoints above the pointer', () => {
    expect(dropIndex([], 100)).toBe(0);
    expect(dropIndex([50, 150, 250], 10)).toBe(0);
    expect(dropIndex([50, 150, 250], 151)).toBe(2);
    expect(dropIndex([50, 150, 250], 999)).toBe(3);
  });

  it('finds the column under x', () => {
    const ext = [
      { id: 'A', left: 0, right: 100 },
      { id: 'B', left: 110, right: 210 },
    ];
    expect(columnAt(ext, 50)).toBe('A');
    expect(columnAt(ext, 105)).toBeNull();
    expect(columnAt(ext, 110)).toBe('B');
  });
});

describe('keyboardTarget', () => {
  it('moves up and down within the column, not past its ends', () => {
    expect(keyboardTarget(board(), post('a2'), 'ArrowUp')).toEqual({ columnId: 'A', index: 0 });
    expect(keyboardTarget(board(), post('a2'), 'ArrowDown')).toEqual({ columnId: 'A', index: 2 });
    expect(keyboardTarget(board(), idea('a1'), 'ArrowUp')).toBeNull();
    expect(keyboardTarget(board(), idea('a3'), 'ArrowDown')).toBeNull();
  });

  it('moves left and right at the same height, clamped', () => {
    expect(keyboardTarget(board(), idea('a3'), 'ArrowRight')).toEqual({ columnId: 'B', index: 1 });
    expect(keyboardTarget(board(), idea('b1'), 'ArrowRight')).toEqual({ columnId: 'C', index: 0 });
    expect(keyboardTarget(board(), idea('a1'), 'ArrowLeft')).toBeNull();
    expect(keyboardTarget(board(), idea('x'), 'ArrowLeft')).toBeNull();
  });
});

describe('layoutOf / locate', () => {
  it('groups cards by column in order', () => {
    const l = layoutOf([{ id: 'A' }, { id: 'B' }], [
      { kind: 'idea' as const, id: '1', column_id: 'B' },
      { kind: 'post' as const, id: '2', column_id: 'A' },
      { kind: 'idea' as const, id: '3', column_id: 'B' },
    ]);
    expect(l.map((c) => c.cards.map((k) => k.id))).toEqual([['2'], ['1', '3']]);
    expect(locate(l, idea('3'))).toEqual({ column: 1, index: 1 });
  });
});

describe('visibleCount', () => {
  const cards = Array.from({ length: 2 * CARDS_PER_PAGE + 20 }, (_, i) => i);
  it('draws one page, then more pages, never more than there are', () => {
    expect(visibleCount(cards, 1, null)).toBe(CARDS_PER_PAGE);
    expect(visibleCount(cards, 2, null)).toBe(2 * CARDS_PER_PAGE);
    expect(visibleCount(cards, 3, null)).toBe(cards.length);
    expect(visibleCount([1, 2], 1, null)).toBe(2);
  });
  it('always includes the card being moved', () => {
    expect(visibleCount(cards, 1, (c) => c === cards.length - 1)).toBe(cards.length);
    expect(visibleCount(cards, 1, (c) => c === 3)).toBe(CARDS_PER_PAGE);
  });
});
