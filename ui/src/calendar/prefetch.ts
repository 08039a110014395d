/**
 * The calendar's first calls, asked as soon as the app's script runs (issue #21: start to the
 * calendar filled): the channels and this month's posts, in parallel with the app's own start-up
 * calls, instead of after them. The calendar takes them once, for its opening state (this month,
 * no filter, the core's time zone); anything else, or a second start, asks the core itself.
 */
import { ipc, isPreview, type ChannelView } from '$lib/ipc';
import { posts, type CalendarPage, type CalendarQuery } from '$lib/ipc/posts';
import { rangeFor, todayIn } from './grid';

/** Cards a month cell shows; the month query asks for no more than these a day. */
export const MONTH_CARDS = 3;

/** The month query of the calendar's opening state for the day `anchor` (the core's time zone). */
export function openingQuery(anchor: string): CalendarQuery {
  const range = rangeFor('month', anchor);
  return { from: range.from, to: range.to, time_zone: null, channel_ids: [], statuses: [], tag_ids: [], campaign_id: null, per_day: MONTH_CARDS };
}

type Prefetched = { anchor: string; channels: Promise<ChannelView[]>; month: Promise<CalendarPage> };
let prefetched: Prefetched | null = null;

/** Asks for the calendar's opening state now (when the app opens on the calendar, with a core). */
export function prefetchCalendar(): void {
  if (isPreview()) return;
  const anchor = todayIn(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const channels = ipc.channels();
  const month = posts.calendar(openingQuery(anchor));
  // Taken later (or never): a failure is the calendar's to report when it takes them.
  channels.catch(() => {});
  month.catch(() => {});
  prefetched = { anchor, channels, month };
}

/** The prefetched calls for the opening state of `anchor`, once; null when there are none. */
export function takePrefetched(anchor: string): Omit<Prefetched, 'anchor'> | null {
  const p = prefetched;
  prefetched = null;
  return p && p.anchor === anchor ? { channels: p.channels, month: p.month } : null;
}
