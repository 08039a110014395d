import { describe, expect, it } from 'vitest';
import { PLATFORM_GLYPHS, PLATFORM_MARKS } from './platformMarks';

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

  it('each glyph is a CSS image of its path in white', () => {
    const x = PLATFORM_GLYPHS.x;
    expect(x.startsWith('url("data:image/svg+xml,')).toBe(true);
    const svg = decodeURIComponent(x.slice('url("data:image/svg+xml,'.length, -2));
    expect(svg).toContain(`d="${PLATFORM_MARKS.x.path}"`);
    expect(svg).toContain('fill="#fff"');
    // Nothing in the URL may end the CSS string early.
    for (const g of Object.values(PLATFORM_GLYPHS)) expect(g.slice(5, -2)).not.toMatch(/["'()\\]/);
  });
});
