/**
 * The composer's pure logic: counter display from the core's counts, highlighting links, hashtags
 * and mentions in previews, the paste guard, and a debouncer. No DOM, no IPC.
 */

export type CounterTone = 'ok' | 'warn' | 'over';

export interface CounterDisplay {
  /** "142 / 280". */
  text: string;
  /** Characters left (negative when over). */
  remaining: number;
  tone: CounterTone;
  /** For screen readers: "142 of 280 characters used, 138 left". */
  label: string;
}

/** How a counter shows `count` of `max`: amber from 90 %, red when over. */
export function counterDisplay(count: number, max: number): CounterDisplay {
  const remaining = max - count;
  const tone: CounterTone = count > max ? 'over' : max > 0 && count >= Math.floor(max * 0.9) ? 'warn' : 'ok';
  const label =
    remaining >= 0
      ? `${count} of ${max} characters used, ${remaining} left`
      : `${count} of ${max} characters used, ${-remaining} over the limit`;
  return { text: `${count.toLocaleString('en-US')} / ${max.toLocaleString('en-US')}`, remaining, tone, label };
}

export type Segment = { kind: 'text' | 'link' | 'hashtag' | 'mention'; text: string };

const TOKEN = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]])|(^|[^\p{L}\p{N}_&/])(#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)|(^|[^\p{L}\p{N}_/@])(@[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?:@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?)/gu;

/** Splits text into plain text, links, hashtags and mentions, as platforms highlight them. */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  const push = (kind: Segment['kind'], t: string) => {
    if (!t) return;
    const prev = out[out.length - 1];
    if (kind === 'text' && prev?.kind === 'text') prev.text += t;
    else out.push({ kind, text: t });
  };
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index ?? 0;
    push('text', text.slice(last, start));
    if (m[1]) push('link', m[1]);
    else if (m[3]) {
      push('text', m[2] ?? '');
      push('hashtag', m[3]);
    } else if (m[5]) {
      push('text', m[4] ?? '');
      push('mention', m[5]);
    }
    last = start + m[0].length;
  }
  push('text', text.slice(last));
  return out;
}

/** The longest text a paste may add (larger pastes are refused before they reach the editor). */
export const MAX_PASTE_CHARS = 100_000;

/** Why a paste of `length` characters is refused, or null when it is fine. */
export function pasteRefusal(length: number): string | null {
  if (length <= MAX_PASTE_CHARS) return null;
  const kb = Math.round(length / 1024);
  return `That paste is about ${kb.toLocaleString('en-US')} KB of text. A post holds at most ${MAX_PASTE_CHARS.toLocaleString('en-US')} characters — paste a shorter part.`;
}

/** Calls `run` once `wait` ms have passed without another call; `flush` runs a pending call now. */
export function debounce<A extends unknown[]>(run: (...args: A) => void, wait: number) {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: A | null = null;
  const fire = () => {
    timer = null;
    const args = pending;
    pending = null;
    if (args) run(...args);
  };
  return {
    call(...args: A) {
      pending = args;
      if (timer) clearTimeout(timer);
      timer = setTimeout(fire, wait);
    },
    flush() {
      if (timer) clearTimeout(timer);
      fire();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}

/** Moves the item at `from` to `to` (reordering attachments). */
export function move<T>(items: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || to < 0 || from >= items.length || to >= items.length) return [...items];
  const out = [...items];
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(to, 0, item);
  return out;
}

/** `YYYY-MM-DDTHH:MM` for a `datetime-local` input, `minutes` from now in `zone`. */
export function localInputIn(zone: string, minutesAhead: number, now: Date = new Date()): string {
  const t = new Date(now.getTime() + minutesAhead * 60_000);
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(t);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
    return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
  } catch {
    return t.toISOString().slice(0, 16);
  }
}

/** "42 KB", "3.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A post's tags and campaign as the composer holds them. */
export interface LabelChoice {
  tagIds: string[];
  campaignId: string | null;
}

export const NO_LABELS: LabelChoice = { tagIds: [], campaignId: null };

/** What saving a post must write about its labels: only the parts that changed since `before`. */
export interface LabelWrites {
  /** The post's new tag ids (duplicates dropped), or null when the tags did not change. */
  tagIds: string[] | null;
  /** Whether the campaign changed (then `campaignId` of `after` is written, null clears it). */
  campaign: boolean;
}

export function labelWrites(before: LabelChoice, after: LabelChoice): LabelWrites {
  const next = [...new Set(after.tagIds)];
  const prev = new Set(before.tagIds);
  const sameTags = next.length === prev.size && next.every((id) => prev.has(id));
  return { tagIds: sameTags ? null : next, campaign: before.campaignId !== after.campaignId };
}

/** The schedule picker's value (`YYYY-MM-DDTHH:MM`) showing the instant `at` (unix ms) in `zone`. */
export function slotToPicker(at: number, zone: string): string {
  return localInputIn(zone, 0, new Date(at));
}
