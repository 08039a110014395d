/** Activity log helpers: status classes, filters → query, pagination. Pure, no DOM. */
import type { ActivityQuery, ActivityStatusClass } from '$lib/ipc';
import { PLATFORMS } from '../../channels/platforms';
import { formatCount } from './format';

export const ACTIVITY_PAGE_SIZE = 50;

export type BadgeTone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

export const STATUS_CLASS_OPTIONS: readonly { value: ActivityStatusClass; label: string }[] = [
  { value: 'success', label: 'Success 2xx' },
  { value: 'redirect', label: 'Redirect 3xx' },
  { value: 'client_error', label: 'Client error 4xx' },
  { value: 'server_error', label: 'Server error 5xx' },
  { value: 'network_error', label: 'No response' },
];

/** The class of an HTTP status; `null` (no response at all) is a network error. */
export function statusClassOf(status: number | null): ActivityStatusClass {
  if (status === null) return 'network_error';
  if (status >= 200 && status < 300) return 'success';
  if (status >= 300 && status < 400) return 'redirect';
  if (status >= 400 && status < 500) return 'client_error';
  if (status >= 500 && status < 600) return 'server_error';
  return 'network_error';
}

/** Badge colour per status class. */
export function statusTone(cls: ActivityStatusClass): BadgeTone {
  switch (cls) {
    case 'success':
      return 'success';
    case 'redirect':
      return 'accent';
    case 'client_error':
      return 'warning';
    case 'server_error':
      return 'danger';
    case 'network_error':
      return 'neutral';
  }
}

/** "tls_handshake" → "TLS handshake"-ish readable error kind; "timeout" → "Timeout". */
export function errorKindLabel(kind: string | null): string {
  if (!kind) return 'No response';
  const words = kind.replace(/[_-]+/g, ' ').trim();
  const fixed = words.replace(/\b(tls|dns|http|ssl|tcp)\b/gi, (w) => w.toUpperCase());
  return fixed.charAt(0).toUpperCase() + fixed.slice(1);
}

/** Display name for a platform id ("youtube" → "YouTube"); unknown ids are shown as given. */
export function platformName(id: string): string {
  return PLATFORMS.find((p) => p.id === id)?.name ?? id;
}

/** What the filter bar holds: '' means "All" / "no bound"; dates are `<input type="date">` values. */
export interface ActivityFilters {
  platform: string;
  statusClass: ActivityStatusClass | '';
  since: string;
  until: string;
}

export const EMPTY_FILTERS: ActivityFilters = { platform: '', statusClass: '', since: '', until: '' };

export function hasFilters(f: ActivityFilters): boolean {
  return f.platform !== '' || f.statusClass !== '' || f.since !== '' || f.until !== '';
}

/** "2024-11-23" → local midnight as a Date, or null when the value is not a valid date. */
function parseDay(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const date = new Date(y, mo, d);
  if (date.getFullYear() !== y || date.getMonth() !== mo || date.getDate() !== d) return null;
  return date;
}

/**
 * The filter bar as the core's `ActivityQuery`. Dates are whole local days, both ends inclusive:
 * `since` is the start of its day, `until` the last millisecond of its day (unix ms).
 */
export function filtersToQuery(f: ActivityFilters): ActivityQuery {
  const since = parseDay(f.since);
  const until = parseDay(f.until);
  let untilMs: number | null = null;
  if (until) {
    const next = new Date(until.getFullYear(), until.getMonth(), until.getDate() + 1);
    untilMs = next.getTime() - 1;
  }
  return {
    platform: f.platform === '' ? null : f.platform,
    status_class: f.statusClass === '' ? null : f.statusClass,
    since: since ? since.getTime() : null,
    until: untilMs,
  };
}

/** A message when the date range cannot match anything, else null. */
export function rangeError(f: ActivityFilters): string | null {
  const q = filtersToQuery(f);
  if (q.since !== null && q.until !== null && q.since > q.until) return 'The end date is before the start date.';
  return null;
}

/** Number of pages (at least 1, so "page 1 of 1" reads right for an empty log). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** Keeps a 0-based page inside the available pages. */
export function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(Math.max(0, Math.floor(page)), pageCount(total, pageSize) - 1);
}

/** "Showing 1–50 of 1,234" for a 0-based page; "No entries" when empty. */
export function rangeLabel(page: number, pageSize: number, total: number): string {
  if (total <= 0) return 'No entries';
  const first = page * pageSize + 1;
  const last = Math.min(total, (page + 1) * pageSize);
  return `Showing ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}`;
}

export function hasPrev(page: number): boolean {
  return page > 0;
}

export function hasNext(page: number, pageSize: number, total: number): boolean {
  return (page + 1) * pageSize < total;
}

/** Platforms for the filter: those seen so far plus the selected one, sorted by display name. */
export function platformOptions(seen: Iterable<string>, selected: string): { value: string; label: string }[] {
  const ids = new Set(seen);
  if (selected) ids.add(selected);
  return [...ids]
    .map((id) => ({ value: id, label: platformName(id) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}
