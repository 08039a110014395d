import { describe, expect, it } from 'vitest';
import { PLATFORM_MARKS } from './platformMarks';

describe('platform marks', () => {
  it('every platform has a name, a brand colour and an SVG glyph', () => {
    const platforms = ['x', 'linkedin', 'facebook', 'instagram', 'threads', 'youtube', 'tiktok', 'pinterest', 'bluesky', 'mastodon'] as const;
    for (const p of platforms) {
      const m = PLATFORM_MARKS[p];
      expect(m.name.length).toBeGreaterThan(0);
      expect(m.color).toMatch(/^#[0-9a-f]{6}$/);
      expect(m.path).toMatch(/^M/);
    }
    expect(new Set(platforms.map((p) => PLATFORM_MARKS[p].path)).size).toBe(platforms.length);
  });
});
