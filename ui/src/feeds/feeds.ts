/**
 * Pure helpers of the Feeds section: keyword lists, template checks mirroring the core's, labels
 * and tones. No DOM, no IPC, so they are unit-tested directly.
 */
import type { FeedItemView, FeedMode, FeedView } from '$lib/ipc/automation';

/** The variables a feed template may use (the core refuses any other). */
export const TEMPLATE_VARIABLES = ['title', 'link', 'summary', 'image'] as const;
export const DEFAULT_TEMPLATE = '{{title}} {{link}}';

export const MODES: readonly { value: FeedMode; label: string; hint: string }[] = [
  { value: 'draft', label: 'Draft for review', hint: 'Each new item becomes a draft you check and schedule.' },
  { value: 'queue', label: 'Add to queue', hint: 'Each new item takes the channels’ next free posting time.' },
  { value: 'now', label: 'Publish at once', hint: 'Each new item is published as soon as it is read.' },
];

export function modeLabel(mode: FeedMode): string {
  return MODES.find((m) => m.value === mode)?.label ?? mode;
}

/** "espresso, filter; beans" → ["espresso", "filter", "beans"] (trimmed, no empties, no repeats). */
export function parseKeywords(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const k = part.trim();
    if (k && !out.some((o) => o.toLowerCase() === k.toLowerCase())) out.push(k);
  }
  return out;
}

/** The first problem of a template, or null: the same rules the core applies when saving. */
export function templateProblem(template: string): string | null {
  if (!template.trim()) return null; // empty means the default template
  let rest = template;
  for (;;) {
    const start = rest.indexOf('{{');
    if (start < 0) return null;
    const after = rest.slice(start + 2);
    const end = after.indexOf('}}');
    if (end < 0) return 'A “{{” has no closing “}}”.';
    const name = after.slice(0, end).trim().toLowerCase();
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      return `{{${after.slice(0, end).trim()}}} is not a feed variable: use ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}.`;
    }
    rest = after.slice(end + 2);
  }
}

export type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

/** The status badge of a feed. */
export function feedStatus(feed: FeedView): { label: string; tone: Tone } {
  if (feed.paused) return { label: 'Paused', tone: 'neutral' };
  switch (feed.last_status) {
    case 'new':
      return { label: 'Not read yet', tone: 'accent' };
    case 'error':
      return { label: 'Problem', tone: 'danger' };
    case 'not_modified':
      return { label: 'Up to date', tone: 'success' };
    default:
      return feed.last_error ? { label: 'Read, with a note', tone: 'warning' } : { label: 'Up to date', tone: 'success' };
  }
}

/** What an item became, for the history list. */
export function outcomeLabel(item: FeedItemView): { label: string; tone: Tone } {
  switch (item.outcome) {
    case 'draft':
      return { label: 'Draft', tone: 'accent' };
    case 'queued':
      return { label: 'Queued', tone: 'accent' };
    case 'posted':
      return { label: 'Published', tone: 'success' };
    case 'failed':
      return { label: 'Not posted', tone: 'danger' };
    default:
      return { label: 'Skipped', tone: 'neutral' };
  }
}

/** "12 Mar, 09:30" in the viewer's locale; "—" for null. */
export function formatInstant(ms: number | null, now: Date = new Date()): string {
  if (ms === null) return '—';
  const d = new Date(ms);
  const sameYear = d.getFullYear() === now.getFullYear();
  return d.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A host name for a feed without a title yet. */
export function feedName(feed: Pick<FeedView, 'title' | 'url'>): string {
  if (feed.title.trim()) return feed.title;
  try {
    return new URL(feed.url).host;
  } catch {
    return feed.url;
  }
}

/** Checks the add form; returns the errors by field (empty object: fine). */
export function formErrors(input: { url: string; channelIds: string[]; template: string; backfill: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  const url = input.url.trim();
  if (!url) errors.url = 'Enter the feed’s address.';
  else if (!/^https?:\/\/[^\s/]+/i.test(url)) errors.url = 'A feed address starts with http:// or https://';
  if (input.channelIds.length === 0) errors.channels = 'Choose at least one channel.';
  const t = templateProblem(input.template);
  if (t) errors.template = t;
  const b = input.backfill.trim();
  if (b && (!/^\d+$/.test(b) || Number(b) > 50)) errors.backfill = 'A number from 0 to 50.';
  return errors;
}

/** The toast after a feed is added and first read: what it read and what new items become. */
export function addedMessage(feed: Pick<FeedView, 'items_seen' | 'mode'>): string {
  const n = feed.items_seen;
  const read = n === 0 ? 'No items yet' : `${n} item${n === 1 ? '' : 's'} read`;
  const becomes = feed.mode === 'draft' ? 'drafts' : feed.mode === 'queue' ? 'queued posts' : 'posts published at once';
  return `${read}; new items become ${becomes}.`;
}
