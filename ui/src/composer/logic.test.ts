import { describe, expect, it, vi } from 'vitest';
import { counterDisplay, debounce, localInputIn, move, pasteRefusal, segments } from './logic';

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
