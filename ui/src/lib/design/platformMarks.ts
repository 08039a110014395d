/**
 * Every platform's mark: its name, brand colour and a monochrome SVG glyph (24×24 view box). The
 * glyphs are simple-icons' (npm `simple-icons`, CC0-1.0; the marks themselves are their owners'
 * trademarks, shown only to name the platform). simple-icons has no LinkedIn glyph (removed at
 * LinkedIn's request): an "in" drawn here stands in.
 */
import { siBluesky, siFacebook, siInstagram, siMastodon, siPinterest, siThreads, siTiktok, siX, siYoutube } from 'simple-icons';
import type { Platform } from '$lib/ipc/bindings';

export interface PlatformMarkInfo {
  name: string;
  /** Brand colour (the tile behind the white glyph). */
  color: string;
  /** SVG path data in a 24×24 view box. */
  path: string;
}

const LINKEDIN_IN =
  'M3.2 8.8h4.1V21H3.2zM5.25 2.8a2.35 2.35 0 1 1 0 4.7 2.35 2.35 0 0 1 0-4.7zM9.9 8.8h3.9v1.7h.06c.55-1 1.9-2.05 3.9-2.05 4.15 0 4.9 2.7 4.9 6.25V21h-4.1v-5.55c0-1.35-.03-3.05-1.85-3.05-1.87 0-2.15 1.45-2.15 2.95V21H9.9z';

export const PLATFORM_MARKS: Record<Platform, PlatformMarkInfo> = {
  x: { name: 'X', color: '#0f1419', path: siX.path },
  bluesky: { name: 'Bluesky', color: '#1185fe', path: siBluesky.path },
  mastodon: { name: 'Mastodon', color: '#6364ff', path: siMastodon.path },
  linkedin: { name: 'LinkedIn', color: '#0a66c2', path: LINKEDIN_IN },
  youtube: { name: 'YouTube', color: '#ff0033', path: siYoutube.path },
  facebook: { name: 'Facebook', color: '#0866ff', path: siFacebook.path },
  instagram: { name: 'Instagram', color: '#d62976', path: siInstagram.path },
  threads: { name: 'Threads', color: '#101010', path: siThreads.path },
  tiktok: { name: 'TikTok', color: '#111111', path: siTiktok.path },
  pinterest: { name: 'Pinterest', color: '#e60023', path: siPinterest.path },
};

/** The white glyph as a CSS image (`url("data:image/svg+xml,…")`), one per platform: a mark is then
 * one element whose background draws it (WebKit decodes each image once; an inline SVG per mark
 * costs two more elements and its path to paint again on every card). */
export const PLATFORM_GLYPHS: Record<Platform, string> = Object.fromEntries(
  Object.entries(PLATFORM_MARKS).map(([p, m]) => [p, `url("data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#fff" d="${m.path}"/></svg>`)}")`]),
) as Record<Platform, string>;

export function platformMark(platform: Platform): PlatformMarkInfo {
  return PLATFORM_MARKS[platform];
}
