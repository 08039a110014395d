/** Labels of the "Needs attention" list. Pure, so they are tested without the core. */
import type { AttentionItem } from '$lib/ipc/bindings';

export function stateLabel(state: string): string {
  switch (state) {
    case 'unconfirmed':
      return 'Not confirmed';
    case 'failed':
      return 'Failed';
    case 'held':
      return 'Held';
    case 'comment_failed':
      return 'Published; first comment failed';
    case 'published':
      return 'Published';
    default:
      return state;
  }
}

/** "Last attempt 6 Dec, 18:40" or "No attempt yet". */
export function lastAttempt(item: AttentionItem, locale?: string): string {
  if (item.last_attempt_at === null) return 'No attempt yet';
  const d = new Date(item.last_attempt_at);
  return `Last attempt ${d.toLocaleString(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}`;
}

/** Whether the item is a published post whose first comment failed (retry or dismiss it). */
export function isCommentProblem(item: AttentionItem): boolean {
  return item.state === 'comment_failed';
}

/** Whether "mark published" is offered (held, failed or unconfirmed). */
export function canMarkPublished(item: AttentionItem): boolean {
  return ['held', 'failed', 'unconfirmed'].includes(item.state);
}

/** A URL the user typed for "mark published": empty, or http(s). */
export function validUrl(text: string): boolean {
  const t = text.trim();
  if (t === '') return true;
  try {
    const u = new URL(t);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** How a card's status mark (CalendarItem.mark, BoardCard.mark) looks: its label and tone. */
export function markInfo(mark: string): { label: string; tone: 'success' | 'warning' | 'danger' } {
  const tone = mark === 'published' ? 'success' : mark === 'failed' ? 'danger' : 'warning';
  return { label: stateLabel(mark), tone };
}

/** The handoff mark's explanation: the platform publishes the post at its time. */
export const HANDOFF_LABEL = 'Handed to the platform: it publishes the post at its time, even with Outpost closed';
