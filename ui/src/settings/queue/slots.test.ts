import { describe, expect, it } from 'vitest';
import { byWeekday, copyDay, dayPart, formatSlotInstant, hasSlot, parseTime, weeklySummary } from './slots';

describe('parseTime', () => {
  it.each([
    ['9:00', '09:00'],
    ['09:30', '09:30'],
    ['9', '09:00'],
    ['0930', '09:30'],
    ['9.30', '09:30'],
    ['9:30 pm', '21:30'],
    ['12am', '00:00'],
    ['12 pm', '12:00'],
    [' 23:59 ', '23:59'],
  ])('reads %s as %s', (input, expected) => {
    expect(parseTime(input)).toBe(expected);
  });

  it.each(['24:00', '9:60', '13pm', 'noon', '', '9:5', '0:00:00'])('refuses %s', (input) => {
    expect(parseTime(input)).toBeNull();
  });
});

describe('byWeekday', () => {
  it('groups by day, sorts each day, and has every day', () => {
    const groups = byWeekday([
      { weekday: 3, local_time: '17:00' },
      { weekday: 3, local_time: '09:00' },
      { weekday: 1, local_time: '12:00' },
    ]);
    expect([...groups.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(groups.get(3)?.map((s) => s.local_time)).toEqual(['09:00', '17:00']);
    expect(groups.get(2)).toEqual([]);
  });
});

describe('copyDay', () => {
  const week = [
    { weekday: 1, local_time: '09:00' },
    { weekday: 1, local_time: '17:30' },
    { weekday: 2, local_time: '11:00' },
    { weekday: 6, local_time: '10:00' },
  ];

  it('replaces the target days with the source day and keeps the others', () => {
    const out = copyDay(week, 1, [1, 2, 3, 4, 5]);
    expect(out.filter((s) => s.weekday === 2).map((s) => s.local_time)).toEqual(['09:00', '17:30']);
    expect(out.filter((s) => s.weekday === 5)).toHaveLength(2);
    expect(out.filter((s) => s.weekday === 6)).toEqual([{ weekday: 6, local_time: '10:00' }]);
    expect(out.filter((s) => s.weekday === 1)).toHaveLength(2);
    expect(out).toHaveLength(2 * 5 + 1);
  });

  it('copying an empty day clears the targets', () => {
    expect(copyDay(week, 4, [1, 2])).toEqual([{ weekday: 6, local_time: '10:00' }]);
  });
});

describe('small helpers', () => {
  it('hasSlot, weeklySummary, dayPart, formatSlotInstant', () => {
    expect(hasSlot([{ weekday: 2, local_time: '09:00' }], 2, '09:00')).toBe(true);
    expect(hasSlot([{ weekday: 2, local_time: '09:00' }], 3, '09:00')).toBe(false);
    expect(weeklySummary(0)).toBe('No posting times yet');
    expect(weeklySummary(1)).toBe('1 posting time a week');
    expect(weeklySummary(12)).toBe('12 posting times a week');
    expect(dayPart('08:00')).toBe('morning');
    expect(dayPart('13:00')).toBe('afternoon');
    expect(dayPart('19:45')).toBe('evening');
    expect(formatSlotInstant('2026-12-08T12:15:00')).toBe('Tue 8 Dec, 12:15');
    expect(formatSlotInstant('garbage')).toBe('garbage');
  });
});
