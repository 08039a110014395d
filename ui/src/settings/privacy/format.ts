/**
 * Formatting for Settings → Privacy & data. Pure functions; dates use the machine's local time zone.
 * English UI, so numbers and dates use fixed English conventions ("1,234", "23 Nov 14:05:12").
 */
const numberFormat = new Intl.NumberFormat('en-GB');

/** 1234 → "1,234". */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** "1 channel", "3 channels", "1,234 posts" — `plural` defaults to `singular + "s"`. */
export function pluralize(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : plural}`;
}

/** "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** Bytes in binary units: 512 → "512 B", 1536 → "1.5 KB", 5 MB → "5.0 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** 87 → "87 ms", 1234 → "1.23 s", 65000 → "1 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const pad = (n: number) => String(n).padStart(2, '0');

/** Unix ms → "23 Nov 14:05:12" in local time (the year is added when it is not the current one). */
export function formatLogTime(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const year = d.getFullYear() === new Date(now).getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${d.getDate()} ${MONTHS[d.getMonth()]}${year} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Unix ms → "23 Nov 2024, 14:05" in local time. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Unix ms → full, unambiguous local time for tooltips: "2024-11-23 14:05:12.345 (Europe/Berlin)". */
export function formatFullTime(ms: number): string {
  const d = new Date(ms);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const ms3 = String(d.getMilliseconds()).padStart(3, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${ms3}${zone ? ` (${zone})` : ''}`;
}

/** "ai_provider" → "Ai provider"; a machine identifier made readable. */
export function humanize(id: string): string {
  const words = id.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Total of a per-kind count map (e.g. rows per table of an export); missing entries count as 0. */
export function sumCounts(counts: Partial<Record<string, number>>): number {
  let total = 0;
  for (const n of Object.values(counts)) {
    if (typeof n === 'number' && Number.isFinite(n)) total += n;
  }
  return total;
}
