/** Display helpers of the board. */
import type { Platform } from '$lib/ipc';

export type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

/** A post status as a short label and tone. */
export function statusLabel(status: string): { label: string; tone: Tone } {
  switch (status) {
    case 'draft':
      return { label: 'Draft', tone: 'neutral' };
    case 'scheduled':
      return { label: 'Scheduled', tone: 'accent' };
    case 'publishing':
      return { label: 'Publishing', tone: 'accent' };
    case 'published':
      return { label: 'Published', tone: 'success' };
    case 'partially_published':
      return { label: 'Partly published', tone: 'warning' };
    case 'failed':
      return { label: 'Failed', tone: 'danger' };
    default:
      return { label: status.replace(/_/g, ' '), tone: 'neutral' };
  }
}

/** A post's client approval (BoardCard.approval) as a short label and tone; null when there is none. */
export function approvalLabel(approval: string | null): { label: string; tone: Tone } | null {
  switch (approval) {
    case 'waiting':
      return { label: 'Awaiting client', tone: 'accent' };
    case 'approved':
      return { label: 'Client approved', tone: 'success' };
    case 'rejected':
      return { label: 'Changes requested', tone: 'danger' };
    case 'outdated':
      return { label: 'Edited since client decision', tone: 'warning' };
    default:
      return null;
  }
}

/** "3 cards", "1 card". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

let scheduledFormat: Intl.DateTimeFormat | null = null;

/** A card's post time, e.g. "Mar 4, 09:30" (one formatter for every card: building one per call
 * costs WebKitGTK about a millisecond). */
export function scheduledLabel(ms: number): string {
  scheduledFormat ??= new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return scheduledFormat.format(new Date(ms));
}
