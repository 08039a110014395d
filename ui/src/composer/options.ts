/**
 * The per-target options panel's logic: which options each platform uses (the same table as the
 * core's `posts::options`, which checks them again before anything is stored), and reading and
 * writing one option in a variant's `options` JSON.
 */
import type { JsonValue, Platform } from '$lib/ipc/bindings';

export type OptionKey = 'visibility' | 'content_warning' | 'language' | 'board_id' | 'link' | 'tags' | 'disable_comment' | 'disable_duet' | 'disable_stitch';

/** The privacy values each platform accepts (TikTok: narrowed to the creator's own options). */
export const PRIVACY: Partial<Record<Platform, readonly { value: string; label: string }[]>> = {
  youtube: [
    { value: 'public', label: 'Public' },
    { value: 'unlisted', label: 'Unlisted' },
    { value: 'private', label: 'Private' },
  ],
  tiktok: [
    { value: 'public', label: 'Everyone' },
    { value: 'friends', label: 'Friends' },
    { value: 'followers', label: 'Followers' },
    { value: 'only_me', label: 'Only me' },
  ],
  mastodon: [
    { value: 'public', label: 'Public' },
    { value: 'unlisted', label: 'Quiet public' },
    { value: 'private', label: 'Followers only' },
    { value: 'direct', label: 'Mentioned people only' },
  ],
};

/** Platforms whose own scheduler can publish a post at its time. */
export const NATIVE_SCHEDULING: readonly Platform[] = ['youtube', 'facebook', 'mastodon'];

type Options = { [key: string]: JsonValue };

function asObject(options: JsonValue | undefined): Options {
  if (options !== null && options !== undefined && typeof options === 'object' && !Array.isArray(options)) {
    const out: Options = {};
    for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v;
    return out;
  }
  return {};
}

export function readString(options: JsonValue | undefined, key: OptionKey): string {
  const v = asObject(options)[key];
  return typeof v === 'string' ? v : '';
}

export function readBool(options: JsonValue | undefined, key: OptionKey): boolean {
  return asObject(options)[key] === true;
}

export function readTags(options: JsonValue | undefined): string[] {
  const v = asObject(options).tags;
  return Array.isArray(v) ? v.filter((t): t is string => typeof t === 'string') : [];
}

/** The options with `key` set (an empty string, `false` or `[]` removes it). */
export function withOption(options: JsonValue | undefined, key: OptionKey, value: string | boolean | string[]): JsonValue {
  const out = asObject(options);
  const empty = value === '' || value === false || (Array.isArray(value) && value.length === 0);
  if (empty) delete out[key];
  else out[key] = value;
  return Object.keys(out).length === 0 ? null : out;
}

/** Tags typed as "a, b, c". */
export function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}
