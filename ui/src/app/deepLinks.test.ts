import { describe, expect, it, vi } from 'vitest';
import { applyDeepLink } from './deepLinks';

describe('applyDeepLink', () => {
  it('opens the page of an open action', () => {
    const target = { open: vi.fn(), approval: vi.fn(), error: vi.fn() };
    applyDeepLink({ action: { kind: 'open', page: 'inbox' }, error: null }, target);
    expect(target.open).toHaveBeenCalledWith('inbox');
    expect(target.error).not.toHaveBeenCalled();
  });

  it('reports a refused link with its message', () => {
    const target = { open: vi.fn(), approval: vi.fn(), error: vi.fn() };
    applyDeepLink({ action: null, error: { code: 'invalid_deep_link', message: 'Unknown page "x"' } }, target);
    expect(target.error).toHaveBeenCalledWith('Link not opened', 'Unknown page "x"');
    expect(target.open).not.toHaveBeenCalled();
  });

  it('does nothing for an empty event', () => {
    const target = { open: vi.fn(), approval: vi.fn(), error: vi.fn() };
    applyDeepLink({ action: null, error: null }, target);
    expect(target.open).not.toHaveBeenCalled();
    expect(target.error).not.toHaveBeenCalled();
  });

  it('hands an approval code to the apply dialog', () => {
    const target = { open: vi.fn(), approval: vi.fn(), error: vi.fn() };
    applyDeepLink({ action: { kind: 'approval', code: 'OA1.a.b' }, error: null }, target);
    expect(target.approval).toHaveBeenCalledWith('OA1.a.b');
    expect(target.open).not.toHaveBeenCalled();
  });
});
