/**
 * Calendar date logic on plain local dates (`YYYY-MM-DD`), with no time zone arithmetic in the
 * browser: the core turns dates in the creator's zone into instants, so a grid built here is right
 * across DST changes and month boundaries. Weeks start on Monday.
 */

export type CalendarView = 'month' | 'week' | 'list';

export interface DayCell {
  date: string;
  day: number;
  inMonth: boolean;
  isToday: boolean;
  isPast: boolean;
  weekday: number;
}

const DAY_MS = 86_400_000;

function toUtc(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` plus `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * DAY_MS);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekday(date: string): number {
  const d = new Date(toUtc(date)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The Monday of the week holding `date`. */
export function startOfWeek(date: string): string {
  return addDays(date, 1 - weekday(date));
}

export function startOfMonth(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** The first day of the month `months` away from the month of `date`. */
export function addMonths(date: string, months: number): string {
  const d = new Date(toUtc(startOfMonth(date)));
  d.setUTCMonth(d.getUTCMonth() + months);
  return fromUtc(d.getTime());
}

/** Whole days from `a` to `b`. */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b) - toUtc(a)) / DAY_MS);
}

/** Today's date in an IANA zone (built from parts: engines format `en-CA` dates differently). */
export function todayIn(zone: string, now: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    const date = `${get('year')}-${get('month')}-${get('day')}`;
    return /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : now.toISOString().slice(0, 10);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

function cell(date: string, today: string, month: string | null): DayCell {
  return {
    date,
    day: Number(date.slice(8, 10)),
    inMonth: month === null || date.startsWith(month),
    isToday: date === today,
    isPast: date < today,
    weekday: weekday(date),
  };
}

/** The weeks shown for the month of `anchor`: whole Monday–Sunday weeks covering it (4 to 6). */
export function monthGrid(anchor: string, today: string): DayCell[][] {
  const first = startOfMonth(anchor);
  const month = first.slice(0, 7);
  const next = addMonths(first, 1);
  let day = startOfWeek(first);
  const weeks: DayCell[][] = [];
  while (day < next) {
    const week: DayCell[] = [];
    for (let i = 0; i < 7; i++) {
      week.push(cell(day, today, month));
      day = addDays(day, 1);
    }
    weeks.push(week);
  }
  return weeks;
}

/** The seven days of the week of `anchor`. */
export function weekDays(anchor: string, today: string): DayCell[] {
  const start = startOfWeek(anchor);
  return Array.from({ length: 7 }, (_, i) => cell(addDays(start, i), today, null));
}

/** The `[from, to)` dates a view of `anchor` needs from the core. */
export function rangeFor(view: CalendarView, anchor: string): { from: string; to: string } {
  if (view === 'week') {
    const from = startOfWeek(anchor);
    return { from, to: addDays(from, 7) };
  }
  if (view === 'list') {
    const from = startOfMonth(anchor);
    return { from, to: addMonths(from, 1) };
  }
  const weeks = monthGrid(anchor, anchor);
  const first = weeks[0]?.[0]?.date ?? startOfMonth(anchor);
  return { from: first, to: addDays(first, weeks.length * 7) };
}

/** Where the previous/next button goes from `anchor`. */
export function step(view: CalendarView, anchor: string, direction: -1 | 1): string {
  return view === 'week' ? addDays(anchor, 7 * direction) : addMonths(anchor, direction);
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "December 2026", or "30 Nov – 6 Dec 2026" for a week. */
export function title(view: CalendarView, anchor: string): string {
  if (view !== 'week') return `${MONTHS[Number(anchor.slice(5, 7)) - 1]} ${anchor.slice(0, 4)}`;
  const from = startOfWeek(anchor);
  const to = addDays(from, 6);
  const f = `${Number(from.slice(8))} ${SHORT_MONTHS[Number(from.slice(5, 7)) - 1]}`;
  const t = `${Number(to.slice(8))} ${SHORT_MONTHS[Number(to.slice(5, 7)) - 1]} ${to.slice(0, 4)}`;
  return `${f} – ${t}`;
}

/** "Thu 10 Dec". */
export function dayLabel(date: string): string {
  return `${WEEKDAYS[weekday(date) - 1]} ${Number(date.slice(8))} ${SHORT_MONTHS[Number(date.slice(5, 7)) - 1]}`;
}

/** "09:30" from `YYYY-MM-DDTHH:MM:SS`. */
export function clockOf(localTime: string): string {
  return localTime.slice(11, 16);
}

export type DropDecision =
  | { kind: 'none' }
  | { kind: 'refused'; message: string }
  | { kind: 'confirm'; from: string; to: string; time: string };

/**
 * What dropping a post scheduled at `localTime` onto `target` means: nothing (same day or no
 * cell), a refusal (a past date, or the same day today with a passed time), or a move to confirm
 * that keeps the time of day.
 */
export function dropDecision(localTime: string, target: string | null, today: string, nowClock: string): DropDecision {
  if (target === null) return { kind: 'none' };
  const from = localTime.slice(0, 10);
  const time = clockOf(localTime);
  if (target === from) return { kind: 'none' };
  if (target < today || (target === today && time <= nowClock)) {
    return {
      kind: 'refused',
      message: `${dayLabel(target)} at ${time} has already passed. Drop the post on today or a later day.`,
    };
  }
  return { kind: 'confirm', from, to: target, time };
}

/** Groups items by their local date, in order. */
export function byDay<T extends { local_time: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const d = item.local_time.slice(0, 10);
    const list = out.get(d);
    if (list) list.push(item);
    else out.set(d, [item]);
  }
  return out;
}

/**
 * How many weeks of the month grid can be on screen: the grid starts at least `top` px down a
 * window `height` px tall; a week is at least as tall as its fullest day (a compact card is at
 * least 40 px and 3 px apart, a day's number 32 px with its gap, "+N more" 16 px, 12 px of padding;
 * a week at least 104 px). Under-estimating a week only draws more of them first.
 */
export function weeksOnScreen(weeks: { date: string }[][], counts: (date: string) => { shown: number; more: boolean }, top: number, height: number): number {
  let y = top;
  for (let i = 0; i < weeks.length; i++) {
    if (y >= height) return i;
    let tallest = 0;
    for (const d of weeks[i] ?? []) {
      const { shown, more } = counts(d.date);
      tallest = Math.max(tallest, 32 + 12 + shown * 40 + Math.max(0, shown - 1) * 3 + (more ? 16 : 0));
    }
    y += Math.max(104, tallest) + 1;
  }
  return weeks.length;
}
