import { describe, expect, it, vi } from 'vitest';
import { counterDisplay, debounce, labelWrites, localInputIn, move, NO_LABELS, pasteRefusal, segments, slotToPicker } from './logic';

describe('counterDisplay', () => {
  it('is ok well under the limit', () => {
    expect(counterDisplay(12, 280)).toMatchObject({ text: '12 / 280', remaining: 268, tone: 'ok' });
  });
  it('warns from 90 % and goes red over the limit', () => {
    expect(counterDisplay(252, 280).tone).toBe('warn');
    expect(counterDisplay(251, 280).tone).toBe('ok');
    expect(counterDisplay(280, 280).tone).toBe('warn');
    const over = counterDisplay(290, 280);
    expect(over.tone).toBe('over');
    expect(over.remaining).toBe(-10);
    expect(over.label).toContain('10 over the limit');
  });
  it('groups thousands', () => {
    expect(counterDisplay(1234, 63206).text).toBe('1,234 / 63,206');
  });
});

describe('segments', () => {
  it('finds links, hashtags and mentions', () => {
    const s = segments('Launch day! See https://example.com/a. #buildinpublic with @ada and @bob@mastodon.social');
    expect(s.filter((x) => x.kind !== 'text').map((x) => [x.kind, x.text])).toEqual([
      ['link', 'https://example.com/a'],
      ['hashtag', '#buildinpublic'],
      ['mention', '@ada'],
      ['mention', '@bob@mastodon.social'],
    ]);
    expect(s.map((x) => x.text).join('')).toBe('Launch day! See https://example.com/a. #buildinpublic with @ada and @bob@mastodon.social');
  });
  it('ignores a # inside a word, numbers-only tags and e-mail addresses', () => {
    const s = segments('C# and #1 and mail me at a@b.com');
    expect(s.every((x) => x.kind === 'text')).toBe(true);
  });
});

describe('pasteRefusal', () => {
  it('accepts normal pastes and refuses 10 MB of text with a specific message', () => {
    expect(pasteRefusal(5000)).toBeNull();
    const msg = pasteRefusal(10 * 1024 * 1024);
    expect(msg).toContain('10,240 KB');
    expect(msg).toContain('100,000 characters');
  });
});

describe('debounce', () => {
  it('runs once with the last arguments', () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const d = debounce((n: number) => seen.push(n), 300);
    d.call(1);
    d.call(2);
    vi.advanceTimersByTime(299);
    expect(seen).toEqual([]);
    d.call(3);
    vi.advanceTimersByTime(300);
    expect(seen).toEqual([3]);
    d.call(4);
    d.flush();
    expect(seen).toEqual([3, 4]);
    d.call(5);
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([3, 4]);
    vi.useRealTimers();
  });
});

describe('move', () => {
  it('reorders and ignores out-of-range moves', () => {
    expect(move(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a']);
    expect(move(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(move(['a', 'b'], 0, 5)).toEqual(['a', 'b']);
  });
});

describe('localInputIn', () => {
  it('gives the wall-clock time in the zone', () => {
    const now = new Date('2026-03-29T00:30:00Z');
    expect(localInputIn('Europe/Berlin', 60, now)).toBe('2026-03-29T03:30');
    expect(localInputIn('America/New_York', 0, now)).toBe('2026-03-28T20:30');
  });
});

describe('labelWrites', () => {
  it('writes nothing for a new post without labels', () => {
    expect(labelWrites(NO_LABELS, { tagIds: [], campaignId: null })).toEqual({ tagIds: null, campaign: false });
  });
  it('writes the tags and the campaign chosen for a new post', () => {
    expect(labelWrites(NO_LABELS, { tagIds: ['t1', 't2'], campaignId: 'c1' })).toEqual({ tagIds: ['t1', 't2'], campaign: true });
  });
  it('ignores the order of unchanged tags and drops duplicates', () => {
    const before = { tagIds: ['t1', 't2'], campaignId: 'c1' };
    expect(labelWrites(before, { tagIds: ['t2', 't1'], campaignId: 'c1' })).toEqual({ tagIds: null, campaign: false });
    expect(labelWrites(before, { tagIds: ['t1', 't1'], campaignId: 'c1' })).toEqual({ tagIds: ['t1'], campaign: false });
  });
  it('clears tags and the campaign of an existing post', () => {
    expect(labelWrites({ tagIds: ['t1'], campaignId: 'c1' }, { tagIds: [], campaignId: null })).toEqual({ tagIds: [], campaign: true });
  });
});

describe('slotToPicker', () => {
  const at = Date.UTC(2026, 11, 7, 9, 30);
  it('shows a slot instant in the given zone', () => {
    expect(slotToPicker(at, 'UTC')).toBe('2026-12-07T09:30');
    expect(slotToPicker(at, 'Europe/Berlin')).toBe('2026-12-07T10:30');
    expect(slotToPicker(at, 'America/New_York')).toBe('2026-12-07T04:30');
  });
  it('crosses midnight into the zone\'s date', () => {
    expect(slotToPicker(Date.UTC(2026, 11, 7, 23, 15), 'Asia/Tokyo')).toBe('2026-12-08T08:15');
  });
});
