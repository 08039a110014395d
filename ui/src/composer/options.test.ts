import { describe, expect, it } from 'vitest';
import { parseTags, readBool, readPlacement, readString, readTags, tiktokDeclaration, tiktokDisclosureLabel, withOption, withoutOptions, withPlacement } from './options';

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

describe('per-platform choices', () => {
  it('Instagram placement maps to share_to_feed', () => {
    let o = withPlacement(null, 'reel');
    expect(readPlacement(o)).toBe('reel');
    o = withPlacement(o, 'feed');
    expect(readPlacement(o)).toBe('feed');
    expect(withPlacement(o, '')).toBeNull();
  });

  it('TikTok declaration and label follow the disclosure', () => {
    expect(tiktokDeclaration(false)).toContain('Music Usage Confirmation');
    expect(tiktokDeclaration(false)).not.toContain('Branded Content Policy');
    expect(tiktokDeclaration(true)).toContain('Branded Content Policy and Music Usage Confirmation');
    expect(tiktokDisclosureLabel(true, false)).toContain('Promotional content');
    expect(tiktokDisclosureLabel(true, true)).toContain('Paid partnership');
    expect(tiktokDisclosureLabel(false, false)).toBeNull();
  });

  it('removing the thumbnail drops the resolved file too', () => {
    const o = withOption(withOption(null, 'thumbnail_media_id', 'm1'), 'made_for_kids', true);
    expect(withoutOptions({ ...(o as object), thumbnail: { path: '/x' } }, ['thumbnail_media_id', 'thumbnail'])).toEqual({ made_for_kids: true });
  });
});
