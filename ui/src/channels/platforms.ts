/** The platforms Outpost supports, for display. */
export interface PlatformInfo {
  id: string;
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
  { id: 'bluesky', name: 'Bluesky', detail: 'OAuth or app password' },
  { id: 'mastodon', name: 'Mastodon', detail: 'Any instance' },
];
