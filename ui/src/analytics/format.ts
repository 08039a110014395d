/** Formatting for the Analytics page (pure, unit-tested). */

/** Change from `previous` to `current` in words: "+25%", "−10%", "new" (from nothing), "—". */
export function change(current: number | null, previous: number | null): string {
  if (current === null || previous === null) return '—';
  if (previous === 0) return current === 0 ? '±0%' : 'new';
  const pct = ((current - previous) / previous) * 100;
  const rounded = Math.round(pct);
  if (rounded === 0) return '±0%';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded)}%`;
}

/** A count, compact above ten thousand. */
export function count(n: number): string {
  return n >= 10_000 ? new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n) : new Intl.NumberFormat().format(n);
}

/** An engagement rate as a percentage with two decimals. */
export function rate(r: number | null): string {
  return r === null ? '—' : `${(r * 100).toFixed(2)}%`;
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A weekly slot: "Tuesday 09:00". */
export function slot(weekday: number, hour: number): string {
  return `${WEEKDAYS[weekday] ?? '?'} ${String(hour).padStart(2, '0')}:00`;
}

/** What the posts table sorts by (the core sorts: `analytics_posts_page`). */
export type SortKey = 'published_at' | 'likes' | 'reposts' | 'replies' | 'engagement' | 'engagement_rate';

/** A post's latest numbers in a few words ("12 likes · 3 reposts · 5 replies"); '' when none were read. */
export function numbersLine(metrics: Partial<Record<string, number>>): string {
  const order: [string, string][] = [
    ['views', 'views'],
    ['impressions', 'impressions'],
    ['likes', 'likes'],
    ['reposts', 'reposts'],
    ['replies', 'replies'],
    ['quotes', 'quotes'],
    ['saves', 'saves'],
    ['link_clicks', 'link clicks'],
  ];
  return order
    .filter(([key]) => metrics[key] !== undefined)
    .map(([key, label]) => `${count(metrics[key] ?? 0)} ${label}`)
    .join(' · ');
}
