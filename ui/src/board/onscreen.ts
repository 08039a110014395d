/**
 * How many of a column's cards the board's first frame draws: the cards that can be on screen, not
 * a fixed number (issue #21). Each card's height is bounded from below from its data alone (its
 * parts are fixed-height rows, its title and excerpt at least a line per so many characters), and
 * the first frame draws cards until those least heights fill the column's list, plus one partly
 * shown. A card is never taller than drawn-for, so the first screen is never short of a card; the
 * rest of the page follows in the next frames (`Steps`).
 */
import type { BoardCard } from '$lib/ipc/workspace';

/** Gap between two cards of a list (`--space-2`). */
export const CARD_GAP_PX = 8;
/** Padding and border of a card (2 × 12 + 2). */
const FRAME_PX = 26;
/** The top row (kind, status pill: 11 px text). */
const TOP_PX = 16;
/** The gap between a card's rows. */
const ROW_GAP_PX = 6;
/** One line of the title (12.5 px × 1.25). */
const TITLE_LINE_PX = 15;
/** One line of the excerpt (11.5 px × 1.5). */
const EXCERPT_LINE_PX = 17;
/** A small label chip, a status pill, the meta row's platform marks. */
const CHIP_PX = 18;
const META_PX = 18;
/** The widest line a card's text can hold, in characters of the narrowest glyphs (about 4.4 px a
 * character across 176 px): a lower bound of the lines a text takes. */
const CHARS_PER_LINE = 40;

const lines = (text: string, max = Infinity) => Math.min(max, Math.max(1, Math.ceil(text.length / CHARS_PER_LINE)));

/** The least height a card can be drawn at, in px. */
export function cardMinHeight(card: BoardCard): number {
  let h = FRAME_PX + TOP_PX + ROW_GAP_PX + lines(card.title) * TITLE_LINE_PX;
  const row = (px: number) => (h += ROW_GAP_PX + px);
  if (card.excerpt) row(lines(card.excerpt, 2) * EXCERPT_LINE_PX);
  if (card.handed_off) row(CHIP_PX);
  if (card.approval) row(CHIP_PX);
  if (card.campaign || card.tags.length > 0) row(CHIP_PX);
  if (card.platforms.length > 0 || card.media_count > 0 || card.scheduled_at !== null) row(META_PX);
  return h;
}

/** How many of `cards` (in order) a list `listPx` high can show, one partly shown included. */
export function cardsOnScreen(cards: BoardCard[], listPx: number): number {
  let used = 0;
  for (let i = 0; i < cards.length; i++) {
    if (used >= listPx) return i;
    used += cardMinHeight(cards[i]) + CARD_GAP_PX;
  }
  return cards.length;
}
