/** Pure helpers of the evergreen switch. */
import type { EvergreenView } from '$lib/ipc/automation';
import { formatInstant } from './feeds';

/** "30" → 30; anything outside 1–3650 or not a whole number → null. */
export function parseDays(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= 3650 ? n : null;
}

/** "Every 30 days · next repeat 12 Mar, 09:30 · 2 repeats so far · until 31 Dec". */
export function evergreenSummary(rule: EvergreenView, now: Date = new Date()): string {
  const parts = [`Every ${rule.every_days} day${rule.every_days === 1 ? '' : 's'}`];
  parts.push(`next repeat ${formatInstant(rule.next_due_at, now)}`);
  const made = rule.copies.filter((c) => c.outcome === 'scheduled').length;
  parts.push(`${made} repeat${made === 1 ? '' : 's'} so far`);
  if (rule.until_at !== null) parts.push(`until ${formatInstant(rule.until_at - 1, now).replace(/, \d\d:\d\d$/, '')}`);
  return parts.join(' · ');
}
