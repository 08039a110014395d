import { describe, expect, it } from 'vitest';
import type { AttentionItem } from '$lib/ipc/bindings';
import { canMarkPublished, isCommentProblem, lastAttempt, stateLabel, validUrl } from './attention';

const item: AttentionItem = {
  post_id: 'p',
  post_text: 'Hello',
  job_id: 'j',
  channel_id: 'c',
  channel_name: 'Lumen',
  platform: 'youtube',
  state: 'unconfirmed',
  reason: 'The platform did not answer',
  last_attempt_at: null,
  check_url: null,
};

describe('needs attention', () => {
  it('labels', () => {
    expect(stateLabel('unconfirmed')).toBe('Not confirmed');
    expect(lastAttempt(item)).toBe('No attempt yet');
    expect(lastAttempt({ ...item, last_attempt_at: 0 }, 'en-GB')).toMatch(/^Last attempt /);
    expect(canMarkPublished(item)).toBe(true);
  });
  it('a failed first comment is retried or dismissed, not published again', () => {
    const c = { ...item, state: 'comment_failed' };
    expect(stateLabel('comment_failed')).toBe('Published; first comment failed');
    expect(isCommentProblem(c)).toBe(true);
    expect(canMarkPublished(c)).toBe(false);
    expect(isCommentProblem(item)).toBe(false);
  });
  it('urls', () => {
    expect(validUrl('')).toBe(true);
    expect(validUrl('https://youtu.be/x')).toBe(true);
    expect(validUrl('javascript:alert(1)')).toBe(false);
    expect(validUrl('not a url')).toBe(false);
  });
});
