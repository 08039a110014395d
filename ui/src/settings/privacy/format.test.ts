import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatCount,
  formatDateTime,
  formatDuration,
  formatLogTime,
  humanize,
  joinList,
  pluralize,
  sumCounts,
} from './format';

describe('numbers', () => {
  it('groups thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234)).toBe('1,234');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
  it('pluralizes with grouped numbers', () => {
    expect(pluralize(1, 'channel')).toBe('1 channel');
    expect(pluralize(3, 'channel')).toBe('3 channels');
    expect(pluralize(1234, 'item')).toBe('1,234 items');
    expect(pluralize(2, 'entry', 'entries')).toBe('2 entries');
  });
  it('joins lists in English', () => {
    expect(joinList([])).toBe('');
    expect(joinList(['a'])).toBe('a');
    expect(joinList(['a', 'b'])).toBe('a and b');
    expect(joinList(['a', 'b', 'c'])).toBe('a, b and c');
  });
  it('sums per-kind counts, ignoring missing entries', () => {
    expect(sumCounts({})).toBe(0);
    expect(sumCounts({ post: 1200, channel: 3, tag: 31 })).toBe(1234);
    expect(sumCounts({ post: 2, draft: undefined })).toBe(2);
  });
});

describe('sizes and durations', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MB');
    expect(formatBytes(2.25 * 1024 ** 3)).toBe('2.3 GB');
    expect(formatBytes(-1)).toBe('—');
  });
  it('formats durations', () => {
    expect(formatDuration(87)).toBe('87 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('dates (local time)', () => {
  const at = new Date(2024, 10, 23, 14, 5, 12).getTime();
  it('formats log times, adding the year only when it differs', () => {
    expect(formatLogTime(at, new Date(2024, 11, 31).getTime())).toBe('23 Nov 14:05:12');
    expect(formatLogTime(at, new Date(2025, 0, 1).getTime())).toBe('23 Nov 2024 14:05:12');
    expect(formatLogTime(new Date(2024, 0, 3, 9, 7, 1).getTime(), at)).toBe('3 Jan 09:07:01');
  });
  it('formats date and time', () => {
    expect(formatDateTime(at)).toBe('23 Nov 2024, 14:05');
  });
  it('humanizes identifiers', () => {
    expect(humanize('ai_provider')).toBe('Ai provider');
    expect(humanize('crash-reports')).toBe('Crash reports');
  });
});
