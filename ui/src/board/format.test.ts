import { describe, expect, it } from 'vitest';
import { approvalLabel } from './format';

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
