import type { Platform } from '$lib/ipc';

/** The platforms Outpost supports, for display (the core's `developerApps()` is the live source). */
export interface PlatformInfo {
  id: Platform;
  name: string;
  detail: string;
}

export const PLATFORMS: readonly PlatformInfo[] = [
  { id: 'youtube', name: 'YouTube', detail: 'Videos and Shorts' },
  { id: 'instagram', name: 'Instagram', detail: 'Posts, reels, carousels' },
  { id: 'facebook', name: 'Facebook', detail: 'Pages' },
  { id: 'linkedin', name: 'LinkedIn', detail: 'Profiles and company pages' },
  { id: 'x', name: 'X', detail: 'Posts and threads' },
  { id: 'tiktok', name: 'TikTok', detail: 'Videos' },
  { id: 'pinterest', name: 'Pinterest', detail: 'Pins' },
  { id: 'threads', name: 'Threads', detail: 'Posts' },
  { id: 'bluesky', name: 'Bluesky', detail: 'App password' },
  { id: 'mastodon', name: 'Mastodon', detail: 'Any server' },
];

export function platformInfo(id: Platform): PlatformInfo {
  return PLATFORMS.find((p) => p.id === id) ?? { id, name: id, detail: '' };
}

/** The human name of a platform ("LinkedIn"), falling back to its id. */
export function platformName(id: Platform): string {
  return platformInfo(id).name;
}

/** How a platform connects: a server to name first, an app-password form, or a plain browser sign-in. */
export type ConnectMethod = 'oauth' | 'mastodon' | 'bluesky';

export function connectMethod(id: Platform): ConnectMethod {
  if (id === 'mastodon') return 'mastodon';
  if (id === 'bluesky') return 'bluesky';
  return 'oauth';
}
