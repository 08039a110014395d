import { describe, expect, it } from 'vitest';
import type { BoardCard } from '$lib/ipc/workspace';
import { CARD_GAP_PX, cardMinHeight, cardsOnScreen } from './onscreen';

const card = (over: Partial<BoardCard> = {}): BoardCard => ({
  kind: 'post',
  id: 'p',
  column_id: 'c',
  position: 0,
  title: 'Short title',
  excerpt: '',
  status: 'draft',
  platforms: [],
  tags: [],
  campaign: null,
  scheduled_at: null,
  media_count: 0,
  idea_id: null,
  updated_at: 0,
  approval: null,
  mark: null,
  handed_off: false,
  ...over,
});

describe('cardMinHeight', () => {
  it('grows with each part a card shows', () => {
    const bare = cardMinHeight(card());
    expect(bare).toBe(63);
    expect(cardMinHeight(card({ excerpt: 'a few words' }))).toBe(bare + 6 + 17);
    expect(cardMinHeight(card({ excerpt: 'x'.repeat(500) }))).toBe(bare + 6 + 34);
    expect(cardMinHeight(card({ platforms: ['bluesky'] }))).toBe(bare + 24);
    expect(cardMinHeight(card({ scheduled_at: 1 }))).toBe(bare + 24);
    expect(cardMinHeight(card({ tags: [{ id: 't', name: 'tag', colour: '#000' }] }))).toBe(bare + 24);
    expect(cardMinHeight(card({ approval: 'waiting', handed_off: true }))).toBe(bare + 48);
    expect(cardMinHeight(card({ title: 'x'.repeat(81) }))).toBe(bare + 30);
  });
});

describe('cardsOnScreen', () => {
  it('draws cards until their least heights fill the list, plus the one partly shown', () => {
    const cards = Array.from({ length: 20 }, (_, i) => card({ id: String(i) }));
    const each = cardMinHeight(cards[0]) + CARD_GAP_PX;
    expect(cardsOnScreen(cards, each * 3)).toBe(3);
    expect(cardsOnScreen(cards, each * 3 + 1)).toBe(4);
    expect(cardsOnScreen(cards, 10_000)).toBe(20);
    expect(cardsOnScreen([], 500)).toBe(0);
    expect(cardsOnScreen(cards, 0)).toBe(0);
  });

  it('draws fewer of the taller cards', () => {
    const tall = Array.from({ length: 20 }, (_, i) =>
      card({ id: String(i), excerpt: 'x'.repeat(100), platforms: ['x', 'bluesky'], scheduled_at: 1, tags: [{ id: 't', name: 'tag', colour: '#000' }] }),
    );
    expect(cardsOnScreen(tall, 530)).toBeLessThan(cardsOnScreen(tall.map((c) => ({ ...c, excerpt: '', tags: [] })), 530));
  });
});
