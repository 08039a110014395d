import { describe, expect, it } from 'vitest';
import { approvalLabel, scheduledLabel } from './format';

describe('approvalLabel', () => {
  it('names each client-approval state of a card with its tone', () => {
    expect(approvalLabel('waiting')).toEqual({ label: 'Awaiting client', tone: 'accent' });
    expect(approvalLabel('approved')).toEqual({ label: 'Client approved', tone: 'success' });
    expect(approvalLabel('rejected')).toEqual({ label: 'Changes requested', tone: 'danger' });
    expect(approvalLabel('outdated')).toEqual({ label: 'Edited since client decision', tone: 'warning' });
  });
  it('shows nothing for a post never sent, or an unknown state', () => {
    expect(approvalLabel(null)).toBeNull();
    expect(approvalLabel('none')).toBeNull();
  });
});

describe('scheduledLabel', () => {
  it('formats a post time as the card showed it before, with one shared formatter', () => {
    const opts = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' } as const;
    for (const ms of [Date.UTC(2026, 2, 4, 9, 30), Date.UTC(2026, 11, 31, 23, 59)]) {
      expect(scheduledLabel(ms)).toBe(new Date(ms).toLocaleString(undefined, opts));
    }
  });
});
