/**
 * Logic of the weekly posting-times editor (the queue): grouping, time input, copying a day.
 * Pure functions, no DOM.
 */

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export interface WeekdayInfo {
  n: number;
  short: string;
  long: string;
}

export const WEEKDAYS: readonly WeekdayInfo[] = [
  { n: 1, short: 'Mon', long: 'Monday' },
  { n: 2, short: 'Tue', long: 'Tuesday' },
  { n: 3, short: 'Wed', long: 'Wednesday' },
  { n: 4, short: 'Thu', long: 'Thursday' },
  { n: 5, short: 'Fri', long: 'Friday' },
  { n: 6, short: 'Sat', long: 'Saturday' },
  { n: 7, short: 'Sun', long: 'Sunday' },
];

export interface SlotLike {
  weekday: number;
  local_time: string;
}

/** Slots per weekday (1…7), each day sorted by time. Every weekday has an entry. */
export function byWeekday<T extends SlotLike>(slots: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>(WEEKDAYS.map((d) => [d.n, []]));
  for (const s of slots) out.get(s.weekday)?.push(s);
  for (const list of out.values()) list.sort((a, b) => a.local_time.localeCompare(b.local_time));
  return out;
}

/**
 * A time the user typed, as `HH:MM` (24-hour), or `null` when it is not a time of day.
 * Accepts `9:00`, `09:00`, `9`, `0930`, `9.30`, `9:30 pm`.
 */
export function parseTime(input: string): string | null {
  const s = input.trim().toLowerCase();
  const m = /^(\d{1,2})(?:[:.h]?(\d{2}))?\s*(am|pm)?$/.exec(s);
  if (!m) return null;
  let hours = Number(m[1]);
  const minutes = m[2] === undefined ? 0 : Number(m[2]);
  const meridiem = m[3];
  if (meridiem) {
    if (hours < 1 || hours > 12) return null;
    hours = (hours % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** Whether the day already has this time. */
export function hasSlot(slots: readonly SlotLike[], weekday: number, time: string): boolean {
  return slots.some((s) => s.weekday === weekday && s.local_time === time);
}

/**
 * Every slot after copying day `from`'s times onto `to` days (their own times are replaced);
 * the other days are kept. The result is sorted in week order.
 */
export function copyDay(slots: readonly SlotLike[], from: number, to: readonly number[]): SlotLike[] {
  const source = slots.filter((s) => s.weekday === from).map((s) => s.local_time);
  const targets = new Set(to.filter((d) => d !== from));
  const kept = slots.filter((s) => !targets.has(s.weekday)).map((s) => ({ weekday: s.weekday, local_time: s.local_time }));
  for (const day of targets) for (const t of source) kept.push({ weekday: day, local_time: t });
  return kept.sort((a, b) => a.weekday - b.weekday || a.local_time.localeCompare(b.local_time));
}

/** "12 posting times a week" */
export function weeklySummary(count: number): string {
  if (count === 0) return 'No posting times yet';
  return `${count} posting time${count === 1 ? '' : 's'} a week`;
}

/** Part of the day a time falls in, for the chip's tint. */
export function dayPart(time: string): 'morning' | 'afternoon' | 'evening' {
  const h = Number(time.slice(0, 2));
  if (h < 12) return 'morning';
  if (h < 17) return 'afternoon';
  return 'evening';
}

/** "Tue 3 Dec, 12:15" for a free slot's wall-clock time `YYYY-MM-DDTHH:MM:SS`. */
export function formatSlotInstant(local: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return local;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const weekday = WEEKDAYS[(date.getUTCDay() + 6) % 7]?.short ?? '';
  const month = date.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  return `${weekday} ${Number(m[3])} ${month}, ${m[4]}:${m[5]}`;
}
