/** The composer's "latest numbers" of a published post (pure, unit-tested). */
import { count } from '../analytics/format';

/** What one channel reports of a post, as the core gives it (`TargetNumbers`). */
export interface TargetNumbersLike {
  offered: string[];
  values: Partial<Record<string, number>>;
}

/** The panel's columns: a name for the test hook, a label, and the stored metrics it reads in order. */
export const NUMBER_COLUMNS: { key: string; label: string; metrics: string[] }[] = [
  { key: 'views', label: 'Views', metrics: ['views', 'impressions'] },
  { key: 'likes', label: 'Likes', metrics: ['likes'] },
  { key: 'comments', label: 'Comments', metrics: ['replies'] },
  { key: 'reposts', label: 'Reposts', metrics: ['reposts', 'quotes'] },
  { key: 'saves', label: 'Saves', metrics: ['saves'] },
];

export type Cell = { text: string; offered: boolean; label: string };

/**
 * One column of one channel: the first offered metric's latest value; "n/a" where the platform
 * offers none of them (never 0); "—" when offered but not in the last reading. Views read from
 * impressions are labelled so.
 */
export function cell(t: TargetNumbersLike, column: (typeof NUMBER_COLUMNS)[number]): Cell {
  const offered = column.metrics.filter((m) => t.offered.includes(m));
  if (offered.length === 0) return { text: 'n/a', offered: false, label: column.label };
  const metric = offered.find((m) => t.values[m] !== undefined) ?? offered[0];
  const value = t.values[metric];
  const label = column.key === 'views' && metric === 'impressions' ? 'Impressions' : column.label;
  return { text: value === undefined ? '—' : count(value), offered: true, label };
}

/** "just now", "5 min ago", "2 h ago", "3 days ago" from `then` to `now` (unix ms). */
export function ago(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  const d = Math.floor(h / 24);
  return `${d} days ago`;
}
