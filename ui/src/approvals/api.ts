/**
 * Client approvals' door to the core: send a post for approval (a sealed preview file), the list
 * of previews, revoke, apply a decision code, and a post's "needs approval" setting.
 */
import { commands } from '$lib/ipc/bindings';
import type {
  AppliedDecision,
  CreatedPreview,
  IpcError,
  PostApproval,
  PreviewState,
  PreviewView,
  Result,
} from '$lib/ipc/bindings';
import { callCore, isPreview, PreviewModeError } from '$lib/ipc';

export type { AppliedDecision, CreatedPreview, PostApproval, PreviewState, PreviewView };

async function call<T>(run: () => Promise<Result<T, IpcError>>): Promise<T> {
  if (isPreview()) throw new PreviewModeError();
  return callCore(run);
}

export const approvals = {
  /** Asks where to save, then writes the sealed preview; `null` when the user cancelled. */
  create: (postId: string, password: string, expiresInMinutes: number | null): Promise<CreatedPreview | null> =>
    call(() => commands.createApprovalPreview(postId, password, expiresInMinutes)),
  list: async (): Promise<PreviewView[]> => (isPreview() ? [] : call(() => commands.approvalPreviews())),
  revoke: (id: string): Promise<PreviewView> => call(() => commands.revokeApprovalPreview(id)),
  apply: (code: string, postId: string | null): Promise<AppliedDecision> =>
    call(() => commands.applyApprovalCode(code, postId)),
  forPost: (postId: string): Promise<PostApproval> => call(() => commands.postApproval(postId)),
  setNeeds: (postId: string, needs: boolean | null): Promise<PostApproval> =>
    call(() => commands.setPostNeedsApproval(postId, needs)),
  channelsRequiring: async (): Promise<string[]> => (isPreview() ? [] : call(() => commands.channelsRequiringApproval())),
  setChannelRequires: (channelId: string, requires: boolean): Promise<null> =>
    call(() => commands.setChannelRequiresApproval(channelId, requires)),
};

/** Expiry choices offered when sending (minutes; the core allows 1 minute to 24 hours). */
export const EXPIRY_CHOICES: readonly { minutes: number; label: string }[] = [
  { minutes: 24 * 60, label: '24 hours' },
  { minutes: 12 * 60, label: '12 hours' },
  { minutes: 4 * 60, label: '4 hours' },
  { minutes: 60, label: '1 hour' },
];

export const STATE_LABEL: Record<PreviewState, string> = {
  waiting: 'Waiting',
  approved: 'Approved',
  rejected: 'Changes requested',
  expired: 'Expired',
  revoked: 'Revoked',
};

export function stateTone(state: PreviewState): 'neutral' | 'accent' | 'success' | 'warning' | 'danger' {
  switch (state) {
    case 'waiting':
      return 'accent';
    case 'approved':
      return 'success';
    case 'rejected':
      return 'danger';
    case 'expired':
    case 'revoked':
      return 'neutral';
  }
}

/** A password good enough to send: at least 8 characters (the core checks the same). */
export function passwordProblem(password: string, confirm: string): string | null {
  if ([...password].length < 8) return 'Use at least 8 characters.';
  if (password !== confirm) return 'The two passwords differ.';
  return null;
}

/** Codes are pasted from e-mails: whitespace and line breaks inside are not part of them. */
export function cleanCode(raw: string): string {
  return raw.replace(/\s+/g, '');
}

export function formatWhen(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
