import { describe, expect, it } from 'vitest';
import { addDays, byDay, dayLabel, dropDecision, monthGrid, rangeFor, step, title, todayIn, weekDays, weeksOnScreen } from './grid';

describe('monthGrid', () => {
  it('covers the month in whole Monday weeks', () => {
    const weeks = monthGrid('2026-12-15', '2026-12-03');
    expect(weeks).toHaveLength(5);
    expect(weeks[0]?.[0]?.date).toBe('2026-11-30');
    expect(weeks[4]?.[6]?.date).toBe('2027-01-03');
    expect(weeks[0]?.[0]?.inMonth).toBe(false);
    expect(weeks[0]?.[1]?.inMonth).toBe(true);
    const today = weeks.flat().filter((d) => d.isToday);
    expect(today.map((d) => d.date)).toEqual(['2026-12-03']);
    expect(weeks.flat().find((d) => d.date === '2026-12-02')?.isPast).toBe(true);
  });
  it('is right across DST changes (days never repeat or go missing)', () => {
    for (const month of ['2026-03-01', '2026-10-01', '2026-11-01']) {
      const days = monthGrid(month, '2026-01-01').flat().map((d) => d.date);
      for (let i = 1; i < days.length; i++) expect(addDays(days[i - 1] as string, 1)).toBe(days[i]);
    }
    const march = monthGrid('2026-03-10', '2026-01-01').flat();
    expect(march.filter((d) => d.inMonth)).toHaveLength(31);
  });
  it('handles February in a leap year and a month starting on Monday', () => {
    const feb = monthGrid('2027-02-01', '2026-01-01');
    expect(feb).toHaveLength(4);
    expect(feb[0]?.[0]?.date).toBe('2027-02-01');
    expect(monthGrid('2028-02-10', '2026-01-01').flat().filter((d) => d.inMonth)).toHaveLength(29);
  });
});

describe('ranges and navigation', () => {
  it('asks the core for exactly the days shown', () => {
    expect(rangeFor('month', '2026-12-15')).toEqual({ from: '2026-11-30', to: '2027-01-04' });
    expect(rangeFor('week', '2026-12-03')).toEqual({ from: '2026-11-30', to: '2026-12-07' });
    expect(rangeFor('list', '2026-12-31')).toEqual({ from: '2026-12-01', to: '2027-01-01' });
  });
  it('steps by month across the year and by week', () => {
    expect(step('month', '2026-12-31', 1)).toBe('2027-01-01');
    expect(step('month', '2026-03-31', -1)).toBe('2026-02-01');
    expect(step('week', '2026-12-30', 1)).toBe('2027-01-06');
  });
  it('titles and labels', () => {
    expect(title('month', '2026-12-03')).toBe('December 2026');
    expect(title('week', '2026-12-31')).toBe('28 Dec – 3 Jan 2027');
    expect(dayLabel('2026-12-10')).toBe('Thu 10 Dec');
    expect(weekDays('2026-12-03', '2026-12-03').map((d) => d.isToday)).toEqual([false, false, false, true, false, false, false]);
  });
  it('today depends on the zone', () => {
    const now = new Date('2026-12-03T23:30:00Z');
    expect(todayIn('Europe/Berlin', now)).toBe('2026-12-04');
    expect(todayIn('America/Los_Angeles', now)).toBe('2026-12-03');
  });
});

describe('dropDecision', () => {
  const today = '2026-12-03';
  it('does nothing on the same day or outside the grid', () => {
    expect(dropDecision('2026-12-08T09:30:00', '2026-12-08', today, '12:00')).toEqual({ kind: 'none' });
    expect(dropDecision('2026-12-08T09:30:00', null, today, '12:00')).toEqual({ kind: 'none' });
  });
  it('asks to confirm a move to another day, keeping the time of day', () => {
    expect(dropDecision('2026-12-08T09:30:00', '2026-12-10', today, '12:00')).toEqual({
      kind: 'confirm',
      from: '2026-12-08',
      to: '2026-12-10',
      time: '09:30',
    });
  });
  it('refuses a past date, and today when the time has passed', () => {
    const past = dropDecision('2026-12-08T09:30:00', '2026-12-01', today, '12:00');
    expect(past.kind).toBe('refused');
    expect(past.kind === 'refused' && past.message).toContain('Tue 1 Dec at 09:30 has already passed');
    expect(dropDecision('2026-12-08T09:30:00', today, today, '12:00').kind).toBe('refused');
    expect(dropDecision('2026-12-08T19:30:00', today, today, '12:00').kind).toBe('confirm');
  });
});

describe('byDay', () => {
  it('groups in order', () => {
    const g = byDay([{ local_time: '2026-12-03T09:00:00' }, { local_time: '2026-12-03T10:00:00' }, { local_time: '2026-12-04T08:00:00' }]);
    expect([...g.keys()]).toEqual(['2026-12-03', '2026-12-04']);
    expect(g.get('2026-12-03')).toHaveLength(2);
  });
});

describe('weeks of the month grid on screen', () => {
  const weeks = Array.from({ length: 6 }, (_, w) => Array.from({ length: 7 }, (_, d) => ({ date: `w${w}d${d}` })));
  it('stops at the first week that starts below the window', () => {
    // Full weeks (3 cards and "+N more"): 32 + 12 + 120 + 6 + 16 = 186 px, one apart.
    const full = () => ({ shown: 3, more: true });
    expect(weeksOnScreen(weeks, full, 200, 800)).toBe(4);
    expect(weeksOnScreen(weeks, full, 200, 1400)).toBe(6);
  });
  it('counts an empty week as its least height', () => {
    const empty = () => ({ shown: 0, more: false });
    expect(weeksOnScreen(weeks, empty, 200, 800)).toBe(6);
    expect(weeksOnScreen(weeks, empty, 200, 500)).toBe(3);
  });
});
