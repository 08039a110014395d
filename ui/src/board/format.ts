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

/** A platform's short mark and brand colour for the small channel icons on cards. */
export const PLATFORM_MARK: Record<Platform, { mark: string; colour: string; name: string }> = {
  x: { mark: 'X', colour: '#111827', name: 'X' },
  linkedin: { mark: 'in', colour: '#0a66c2', name: 'LinkedIn' },
  facebook: { mark: 'f', colour: '#1877f2', name: 'Facebook' },
  instagram: { mark: 'IG', colour: '#d6249f', name: 'Instagram' },
  threads: { mark: '@', colour: '#000000', name: 'Threads' },
  youtube: { mark: '▶', colour: '#ff0000', name: 'YouTube' },
  tiktok: { mark: 'TT', colour: '#010101', name: 'TikTok' },
  pinterest: { mark: 'P', colour: '#e60023', name: 'Pinterest' },
  bluesky: { mark: 'bs', colour: '#1185fe', name: 'Bluesky' },
  mastodon: { mark: 'M', colour: '#6364ff', name: 'Mastodon' },
};

/** "3 cards", "1 card". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
