/** Thumbnails of calendar cards, fetched once per media item and shared by every view. */
import { posts } from '$lib/ipc/posts';

const cache = new Map<string, Promise<string | null>>();

export function thumbnail(mediaId: string): Promise<string | null> {
  let p = cache.get(mediaId);
  if (!p) {
    p = posts.thumbnail(mediaId).catch(() => null);
    cache.set(mediaId, p);
  }
  return p;
}
