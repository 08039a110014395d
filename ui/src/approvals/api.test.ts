import { describe, expect, it } from 'vitest';
import { cleanCode, passwordProblem, stateTone, STATE_LABEL } from './api';

describe('approvals helpers', () => {
  it('checks the preview password', () => {
    expect(passwordProblem('short', 'short')).toMatch(/8 characters/);
    expect(passwordProblem('long enough', 'long enougH')).toMatch(/differ/);
    expect(passwordProblem('long enough', 'long enough')).toBeNull();
  });

  it('strips line wraps from a pasted code', () => {
    expect(cleanCode('  OA1.abc\n  def.ghi \r\n')).toBe('OA1.abcdef.ghi');
  });

  it('labels every state', () => {
    expect(STATE_LABEL.rejected).toBe('Changes requested');
    expect(stateTone('approved')).toBe('success');
    expect(stateTone('revoked')).toBe('neutral');
  });
});
