/**
 * Feeds and evergreen recycling: the facade over their generated commands, following `index.ts`
 * (results unwrapped into `AppError`, preview mode answers honestly).
 */
import { commands, events } from './bindings';
import type {
  EvergreenCopyView,
  EvergreenInput,
  EvergreenView,
  FeedItemView,
  FeedMode,
  FeedPollReport,
  FeedPollResult,
  FeedPreview,
  FeedPreviewItem,
  FeedsChanged,
  FeedView,
  NewFeed,
} from './bindings';
import { call, isPreview, PreviewModeError, toAppError } from './index';

export type {
  EvergreenCopyView,
  EvergreenInput,
  EvergreenView,
  FeedItemView,
  FeedMode,
  FeedPollReport,
  FeedPollResult,
  FeedPreview,
  FeedPreviewItem,
  FeedsChanged,
  FeedView,
  NewFeed,
};

export const automationIpc = {
  /** Every feed, oldest first. */
  async feeds(): Promise<FeedView[]> {
    if (isPreview()) return [];
    return call(() => commands.feeds());
  },

  async addFeed(feed: NewFeed): Promise<FeedView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.addFeed(feed));
  },

  async updateFeed(feedId: string, feed: NewFeed): Promise<FeedView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.updateFeed(feedId, feed));
  },

  async setFeedPaused(feedId: string, paused: boolean): Promise<FeedView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setFeedPaused(feedId, paused));
  },

  async removeFeed(feedId: string): Promise<void> {
    if (isPreview()) throw new PreviewModeError();
    await call(() => commands.removeFeed(feedId));
  },

  /** Reads one feed (or every feed that is not paused) now. */
  async pollFeeds(feedId: string | null = null): Promise<FeedPollReport> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.pollFeeds(feedId));
  },

  /** What a feed's items became, newest first. */
  async feedItems(feedId: string): Promise<FeedItemView[]> {
    if (isPreview()) return [];
    return call(() => commands.feedItems(feedId));
  },

  /** Reads a feed and shows what its next items would become, changing nothing. */
  async previewFeed(
    url: string,
    template: string | null,
    include: string[],
    exclude: string[],
    feedId: string | null = null,
  ): Promise<FeedPreview> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.previewFeed(url, template, include, exclude, feedId));
  },

  /** A post's evergreen rule, or null when it is not evergreen. */
  async postEvergreen(postId: string): Promise<EvergreenView | null> {
    if (isPreview()) return null;
    return call(() => commands.postEvergreen(postId));
  },

  async setPostEvergreen(postId: string, rule: EvergreenInput): Promise<EvergreenView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setPostEvergreen(postId, rule));
  },

  /** Feeds were read (also in the background); resolves to an unsubscribe function. */
  async onFeedsChanged(handler: (event: FeedsChanged) => void): Promise<() => void> {
    if (isPreview()) return () => {};
    try {
      return await events.feedsChanged.listen((e) => handler(e.payload));
    } catch (error) {
      throw toAppError(error);
    }
  },

  async clearPostEvergreen(postId: string): Promise<boolean> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.clearPostEvergreen(postId));
  },
};
