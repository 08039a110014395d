/** Pure helpers of the Inbox page (labels, counting, keyboard triage), unit-tested. */
import type { InboxItem, InboxKind, InboxState, SentimentLabel } from '$lib/ipc/inbox';

export const KINDS: readonly { value: InboxKind | ''; label: string }[] = [
  { value: '', label: 'All kinds' },
  { value: 'comment', label: 'Comments' },
  { value: 'reply', label: 'Replies' },
  { value: 'mention', label: 'Mentions' },
  { value: 'dm', label: 'Direct messages' },
];

export const STATES: readonly { value: InboxState | ''; label: string }[] = [
  { value: '', label: 'Open (not done)' },
  { value: 'unread', label: 'Unread' },
  { value: 'read', label: 'Read' },
  { value: 'done', label: 'Done' },
];

export const SENTIMENTS: readonly { value: SentimentLabel | ''; label: string }[] = [
  { value: '', label: 'Any sentiment' },
  { value: 'positive', label: 'Positive' },
  { value: 'neutral', label: 'Neutral' },
  { value: 'negative', label: 'Negative' },
];

export const LABELS: readonly SentimentLabel[] = ['positive', 'neutral', 'negative'];

export function kindLabel(kind: InboxKind): string {
  return { comment: 'Comment', reply: 'Reply', mention: 'Mention', dm: 'Direct message' }[kind];
}

export function sentimentTone(label: SentimentLabel | null): 'success' | 'neutral' | 'danger' {
  return label === 'positive' ? 'success' : label === 'negative' ? 'danger' : 'neutral';
}

/** Characters as Mastodon counts them (Unicode scalar values), the sent prefix included. */
export function replyLength(prefix: string, text: string): number {
  return [...(prefix + text.trim())].length;
}

/** The index `step` away from `current` in a list of `length`, clamped (j/k never wrap). */
export function step(current: number, delta: number, length: number): number {
  if (length === 0) return -1;
  if (current < 0) return 0;
  return Math.min(length - 1, Math.max(0, current + delta));
}

/** What a keypress does on the list (null: nothing); typing in a field never triggers it. */
export function triageKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey'>, inField: boolean):
  | 'next'
  | 'previous'
  | 'done'
  | 'reply'
  | 'select'
  | 'search'
  | null {
  if (inField || event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case 'j':
      return 'next';
    case 'k':
      return 'previous';
    case 'e':
      return 'done';
    case 'r':
      return 'reply';
    case 'x':
      return 'select';
    case '/':
      return 'search';
    default:
      return null;
  }
}

/** A handle as people write it: `@name`, once (X, Threads and YouTube handles already carry
 *  the `@`); `null` where the platform gives no handle (a LinkedIn member's URN, a Facebook name). */
export function shownHandle(handle: string): string | null {
  if (!handle || handle.startsWith('urn:') || /\s/.test(handle)) return null;
  return handle.startsWith('@') ? handle : `@${handle}`;
}

export function authorLine(item: Pick<InboxItem, 'author_name' | 'author_handle'>): string {
  const handle = shownHandle(item.author_handle);
  const name = item.author_name?.trim() || null;
  if (!handle) return name ?? (item.author_handle.startsWith('urn:li:') ? 'LinkedIn member' : item.author_handle);
  return name && name !== item.author_handle && `@${name}` !== handle ? `${name} · ${handle}` : handle;
}

export function formatWhen(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(ms).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** Toggles `id` in a selection (a new Set, so Svelte sees the change). */
export function toggled(selection: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selection);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** What a correction tells the user, counting the items with the same text that took it too. */
export function correctionMessage(label: SentimentLabel, similar: number): string {
  if (similar === 0) return `Labelled ${label}.`;
  return `Labelled ${label}, and ${similar} item${similar === 1 ? '' : 's'} with the same text.`;
}

/** Up to two initials of a name or handle (`@alice.bakes` → `A`, `Alice Example` → `AE`). */
export function initials(name: string): string {
  const words = name
    .replace(/^@/, '')
    .split(/[\s._-]+/)
    .filter((w) => /\p{L}|\p{N}/u.test(w));
  if (words.length === 0) return '?';
  const letters = words.length > 1 && /\s/.test(name.trim()) ? [words[0], words[words.length - 1]] : [words[0]];
  return letters.map((w) => Array.from(w)[0].toUpperCase()).join('');
}

/** The reply window of a conversation: `null` without one; else open with the time left, or closed. */
export function replyWindow(replyBy: number | null, now = Date.now()): { open: boolean; label: string } | null {
  if (replyBy === null) return null;
  const left = Math.floor((replyBy - now) / 60000);
  if (left < 0) return { open: false, label: 'Reply window closed' };
  const d = Math.floor(left / 1440);
  const h = Math.floor((left % 1440) / 60);
  const m = left % 60;
  const parts = d > 0 ? [`${d} d`, `${h} h`] : h > 0 ? [`${h} h`, `${m} min`] : [`${m} min`];
  return { open: true, label: `Reply within ${parts.join(' ')}` };
}

/** The end of a conversation's reply window: the latest `reply_by` of what the other person wrote. */
export function conversationReplyBy(
  item: Pick<InboxItem, 'reply_by'>,
  conversation: ReadonlyArray<Pick<InboxItem, 'reply_by' | 'outbound'>>,
): number | null {
  const all = [item.reply_by, ...conversation.filter((m) => !m.outbound).map((m) => m.reply_by)];
  const set = all.filter((x): x is number => x !== null);
  return set.length ? Math.max(...set) : null;
}

/** Threads' daily reply quota in words: "12 of 1,000 replies used today"; `full` once used up. */
export function quotaLine(used: number, total: number): { text: string; full: boolean } {
  const n = new Intl.NumberFormat('en');
  const full = used >= total;
  const line = `${n.format(used)} of ${n.format(total)} replies used today`;
  const text = full ? `${line} — Threads takes more once earlier ones leave its 24-hour window` : line;
  return { text, full };
}
