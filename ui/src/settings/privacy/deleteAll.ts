/** "Delete all my data" helpers. Pure, no DOM. */
import type { ChannelRevocation, EntityCount } from '$lib/ipc';
import { formatCount, joinList } from './format';

/** The word the user types to enable the destructive button. */
export const CONFIRM_WORD = 'DELETE';

/** True only for the exact word (surrounding spaces forgiven, case not). */
export function isDeleteConfirmed(typed: string): boolean {
  return typed.trim() === CONFIRM_WORD;
}

/** "1,234 posts, 3 channels and 12 tags" from the profile summary; empty kinds are left out. */
export function countsPhrase(counts: readonly EntityCount[]): string {
  return joinList(counts.filter((c) => c.rows > 0).map((c) => `${formatCount(c.rows)} ${c.rows === 1 ? c.singular : c.label}`));
}

/**
 * The full sentence of what will happen. With `counts` null (summary not available) it still says
 * everything that is deleted, only without numbers.
 */
export function deleteSentence(counts: readonly EntityCount[] | null): string {
  const phrase = counts ? countsPhrase(counts) : '';
  const what = phrase ? `${phrase}, ` : 'everything you created in Outpost, ';
  return `This permanently deletes ${what}every media file, every log file and the master key in your system keychain.`;
}

/** A channel whose token is still valid on the platform. */
export type RevocationProblem = Exclude<ChannelRevocation, { outcome: 'revoked' }>;

/** Channels whose token could not be revoked by Outpost: the user has to do it on the platform. */
export function revocationProblems(rows: readonly ChannelRevocation[]): RevocationProblem[] {
  return rows.filter((r): r is RevocationProblem => r.outcome !== 'revoked');
}
