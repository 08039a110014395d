/** Settings → Scheduling helpers: grace-period validation, time-zone search, status wording. Pure, no DOM. */
import type { HostState, NextPost } from '$lib/ipc';

/** The longest grace period the core accepts: 7 days. */
export const MAX_GRACE_MINUTES = 7 * 24 * 60;

export type GraceCheck = { ok: true; minutes: number } | { ok: false; error: string };

/** Checks the grace period as typed: whole minutes from 0 to 7 days. */
export function checkGrace(input: string): GraceCheck {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Enter a number of minutes (0 holds every missed post).' };
  if (!/^\d+$/.test(text)) {
    return { ok: false, error: /^-/.test(text) ? 'The grace period cannot be negative.' : 'Use whole minutes, e.g. 30.' };
  }
  const minutes = Number(text);
  if (minutes > MAX_GRACE_MINUTES) return { ok: false, error: `At most 7 days (${MAX_GRACE_MINUTES} minutes).` };
  return { ok: true, minutes };
}

/** "30 minutes", "1 hour", "2 hours 30 minutes", "1 day". */
export function graceLabel(minutes: number): string {
  if (minutes === 0) return 'never — every missed post is held';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const part = (n: number, unit: string) => (n === 0 ? null : `${n} ${unit}${n === 1 ? '' : 's'}`);
  return [part(days, 'day'), part(hours, 'hour'), part(mins, 'minute')].filter((p) => p !== null).join(' ');
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[_\s/]+/g, ' ').trim();
}

/**
 * Time zones matching `query` (case-insensitive; spaces match `_` and `/`): zones whose city
 * starts with the query first, then other matches, at most `limit`.
 */
export function filterZones(zones: readonly string[], query: string, limit = 50): string[] {
  const q = normalise(query);
  if (q === '') return zones.slice(0, limit);
  const first: string[] = [];
  const rest: string[] = [];
  for (const z of zones) {
    const n = normalise(z);
    if (!n.includes(q)) continue;
    const city = normalise(z.split('/').pop() ?? z);
    if (city.startsWith(q) || n.startsWith(q)) first.push(z);
    else rest.push(z);
  }
  return [...first, ...rest].slice(0, limit);
}

/** The zone's current UTC offset, e.g. `UTC+01:00`; empty when the platform cannot say. */
export function zoneOffset(zone: string, at: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at);
    const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
    return name === 'GMT' ? 'UTC+00:00' : name.replace('GMT', 'UTC');
  } catch {
    return '';
  }
}

export type StatusTone = 'success' | 'warning' | 'neutral' | 'danger';

/** A short badge for who publishes and whether it is paused. */
export function statusBadge(host: HostState, paused: boolean): { label: string; tone: StatusTone } {
  switch (host.state) {
    case 'running':
      return paused ? { label: 'Paused', tone: 'warning' } : { label: 'Running', tone: 'success' };
    case 'elsewhere':
      return { label: 'Another process', tone: 'neutral' };
    case 'failed':
      return { label: 'Error', tone: 'danger' };
    case 'starting':
      return { label: 'Starting', tone: 'neutral' };
    case 'stopped':
      return { label: 'Stopped', tone: 'neutral' };
  }
}

/** When the next post goes out, in the configured zone: "Thu 3 Dec, 09:00". */
export function nextPostTime(next: NextPost, zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).format(new Date(next.due_at));
  } catch {
    return new Date(next.due_at).toISOString();
  }
}

/** A cap as its field shows it: empty for no cap. */
export function capField(cap: number | null): string {
  return cap === null ? '' : String(cap);
}

/**
 * An X read cap typed in a field: empty is no cap; otherwise a whole number (the core decides
 * whether it is large enough, as it does for `outpost inbox x-read-cap`).
 */
export function parseCap(text: string): { ok: true; value: number | null } | { ok: false; error: string } {
  const t = text.trim().replace(/[ ,_]/g, '');
  if (t === '') return { ok: true, value: null };
  if (!/^\d+$/.test(t) || Number(t) > 4_294_967_295) return { ok: false, error: 'A whole number of reads, or empty for no cap.' };
  return { ok: true, value: Number(t) };
}
