import { describe, expect, it } from 'vitest';
import { diffWords } from './diff';
import { lines, prettyBody } from './api';

describe('diffWords', () => {
  it('marks added and removed words and keeps the rest', () => {
    const d = diffWords('our new release is out', 'our big release is finally out');
    expect(d.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['new']);
    expect(d.filter((p) => p.kind === 'added').map((p) => p.text.trim()).join(' ')).toContain('big');
    expect(d.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe('our big release is finally out');
    expect(d.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe('our new release is out');
  });
  it('handles empty texts', () => {
    expect(diffWords('', 'hello')).toEqual([{ kind: 'added', text: 'hello' }]);
    expect(diffWords('hello', '')).toEqual([{ kind: 'removed', text: 'hello' }]);
  });
});

describe('helpers', () => {
  it('pretty-prints JSON bodies and splits lines', () => {
    expect(prettyBody('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyBody('not json')).toBe('not json');
    expect(lines(' a \n\n b ')).toEqual(['a', 'b']);
  });
});
