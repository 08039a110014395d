import { describe, expect, it } from 'vitest';
import { parseTags, readBool, readString, readTags, withOption } from './options';

describe('target options', () => {
  it('sets, reads and removes one option', () => {
    let o = withOption(null, 'visibility', 'unlisted');
    expect(readString(o, 'visibility')).toBe('unlisted');
    o = withOption(o, 'disable_duet', true);
    expect(readBool(o, 'disable_duet')).toBe(true);
    o = withOption(o, 'visibility', '');
    expect(readString(o, 'visibility')).toBe('');
    o = withOption(o, 'disable_duet', false);
    expect(o).toBeNull();
  });

  it('tags', () => {
    const o = withOption(null, 'tags', parseTags(' coffee, ,beans '));
    expect(readTags(o)).toEqual(['coffee', 'beans']);
  });
});
