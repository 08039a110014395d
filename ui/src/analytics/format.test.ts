import { describe, expect, it } from 'vitest';
import { change, numbersLine, rate, slot } from './format';

describe('analytics formatting', () => {
  it('says the change against the previous period', () => {
    expect(change(125, 100)).toBe('+25%');
    expect(change(90, 100)).toBe('−10%');
    expect(change(5, 0)).toBe('new');
    expect(change(0, 0)).toBe('±0%');
    expect(change(null, 3)).toBe('—');
  });

  it('formats rates and slots', () => {
    expect(rate(0.0812)).toBe('8.12%');
    expect(rate(null)).toBe('—');
    expect(slot(1, 9)).toBe('Tuesday 09:00');
  });

  it('puts a post\'s numbers in words, leaving out what was not read', () => {
    expect(numbersLine({ likes: 12, replies: 5, reposts: 3 })).toBe('12 likes · 3 reposts · 5 replies');
    expect(numbersLine({})).toBe('');
  });
});
