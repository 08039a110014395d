/**
 * The per-target options panel's logic: which options each platform uses (the same table as the
 * core's `posts::options`, which checks them again before anything is stored), and reading and
 * writing one option in a variant's `options` JSON.
 */
import type { JsonValue, Platform } from '$lib/ipc/bindings';

export type OptionKey =
  | 'visibility'
  | 'content_warning'
  | 'language'
  | 'board_id'
  | 'link'
  | 'tags'
  | 'disable_comment'
  | 'disable_duet'
  | 'disable_stitch'
  | 'category_id'
  | 'made_for_kids'
  | 'brand_organic'
  | 'branded_content'
  | 'share_to_feed'
  | 'thumbnail_media_id';

/** YouTube's categories a video can be given (videoCategories.list, assignable). */
export const YOUTUBE_CATEGORIES: readonly { value: string; label: string }[] = [
  { value: '1', label: 'Film & Animation' },
  { value: '2', label: 'Autos & Vehicles' },
  { value: '10', label: 'Music' },
  { value: '15', label: 'Pets & Animals' },
  { value: '17', label: 'Sports' },
  { value: '19', label: 'Travel & Events' },
  { value: '20', label: 'Gaming' },
  { value: '22', label: 'People & Blogs' },
  { value: '23', label: 'Comedy' },
  { value: '24', label: 'Entertainment' },
  { value: '25', label: 'News & Politics' },
  { value: '26', label: 'Howto & Style' },
  { value: '27', label: 'Education' },
  { value: '28', label: 'Science & Technology' },
  { value: '29', label: 'Nonprofits & Activism' },
];

/** Platforms whose posts carry the media's alt text (YouTube and TikTok take none). */
export const ALT_TEXT: readonly Platform[] = ['x', 'linkedin', 'facebook', 'instagram', 'threads', 'pinterest', 'bluesky', 'mastodon'];

/**
 * TikTok's declaration before posting (Content Sharing Guidelines): the Music Usage Confirmation,
 * and the Branded Content Policy when the post is branded content.
 */
export function tiktokDeclaration(brandedContent: boolean): string {
  return brandedContent
    ? 'By posting, you agree to TikTok’s Branded Content Policy and Music Usage Confirmation.'
    : 'By posting, you agree to TikTok’s Music Usage Confirmation.';
}

/** The label TikTok puts on a disclosed post, or null. */
export function tiktokDisclosureLabel(yourBrand: boolean, brandedContent: boolean): string | null {
  if (brandedContent) return 'Your photo/video will be labeled as “Paid partnership”.';
  if (yourBrand) return 'Your photo/video will be labeled as “Promotional content”.';
  return null;
}

/** Removes `keys` from the options (null when nothing is left). */
export function withoutOptions(options: JsonValue | undefined, keys: readonly string[]): JsonValue {
  const out = asObject(options);
  for (const k of keys) delete out[k];
  return Object.keys(out).length === 0 ? null : out;
}

/** `share_to_feed` as the Instagram choice: `feed` (default), `reel` (Reels tab only). */
export function readPlacement(options: JsonValue | undefined): 'feed' | 'reel' | '' {
  const v = asObject(options).share_to_feed;
  return v === true ? 'feed' : v === false ? 'reel' : '';
}

/** The options with the Instagram placement set (`''`: the platform's default). */
export function withPlacement(options: JsonValue | undefined, placement: string): JsonValue {
  const out = asObject(options);
  if (placement === 'feed') out.share_to_feed = true;
  else if (placement === 'reel') out.share_to_feed = false;
  else delete out.share_to_feed;
  return Object.keys(out).length === 0 ? null : out;
}

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
