import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/svelte';
import PostMarks from './PostMarks.svelte';
import { markInfo } from './attention';

describe('post marks', () => {
  it('names and tones each status mark', () => {
    expect(markInfo('failed')).toEqual({ label: 'Failed', tone: 'danger' });
    expect(markInfo('unconfirmed')).toEqual({ label: 'Not confirmed', tone: 'warning' });
    expect(markInfo('held')).toEqual({ label: 'Held', tone: 'warning' });
    expect(markInfo('comment_failed')).toEqual({ label: 'Published; first comment failed', tone: 'warning' });
    expect(markInfo('published')).toEqual({ label: 'Published', tone: 'success' });
  });

  it('draws the status mark and the handoff mark with their hooks and labels', () => {
    const { container } = render(PostMarks, { mark: 'unconfirmed', handedOff: true, labelled: true });
    const status = container.querySelector('[data-testid="status-mark"]');
    expect(status?.getAttribute('data-status')).toBe('unconfirmed');
    expect(status?.getAttribute('aria-label')).toBe('Not confirmed');
    expect(status?.textContent).toContain('Not confirmed');
    const handoff = container.querySelector('[data-testid="handoff-mark"]');
    expect(handoff?.getAttribute('aria-label')).toMatch(/platform/i);
    expect(handoff?.textContent).toContain('Platform publishes');
  });

  it('draws nothing for a post waiting for its time in Outpost', () => {
    const { container } = render(PostMarks, { mark: null, handedOff: false });
    expect(container.querySelector('[data-testid="status-mark"]')).toBeNull();
    expect(container.querySelector('[data-testid="handoff-mark"]')).toBeNull();
  });
});
