/**
 * Analytics: the facade over its generated commands, following `index.ts` (results unwrapped
 * into `AppError`; preview mode answers with empty values, never invented numbers).
 */
import { commands } from './bindings';
import type {
  AnalyticsOverview,
  AnalyticsPost,
  AnalyticsPostsPage,
  AnalyticsPostsQuery,
  AnalyticsSync,
  BestTimes,
  ChannelAnalytics,
  DayPoint,
  MetricPoint,
  PeriodTotals,
  PostNumbers,
  ReportSummary,
  SlotEstimate,
  TargetNumbers,
} from './bindings';
import type { PostingSlotView } from './bindings';
import { call, isPreview, PreviewModeError } from './index';

export type { AnalyticsOverview, AnalyticsPost, AnalyticsPostsPage, AnalyticsPostsQuery, AnalyticsSync, BestTimes, ChannelAnalytics, DayPoint, MetricPoint, PeriodTotals, PostNumbers, ReportSummary, SlotEstimate, TargetNumbers };

const emptyTotals: PeriodTotals = { posts: 0, likes: 0, reposts: 0, replies: 0, engagement: 0, engagement_rate: null };

export const analyticsIpc = {
  /** The last `days` days compared with the `days` before them. */
  async overview(days: number, channelId: string | null = null): Promise<AnalyticsOverview> {
    if (isPreview()) {
      const to = Date.now();
      return { days, from: to - days * 86_400_000, to, current: emptyTotals, previous: emptyTotals, daily: [], channels: [], posts: [] };
    }
    return call(() => commands.analyticsOverview(days, channelId));
  },

  /** A custom period (`YYYY-MM-DD`, both days included) compared with the one before it. */
  async overviewRange(from: string, to: string, channelId: string | null = null): Promise<AnalyticsOverview> {
    if (isPreview()) return { days: 0, from: 0, to: 0, current: emptyTotals, previous: emptyTotals, daily: [], channels: [], posts: [] };
    return call(() => commands.analyticsOverviewRange(from, to, channelId));
  },

  /** One page of the posts table, sorted by the core (`sort`: published_at, engagement, engagement_rate or a metric), with the total count. */
  async postsPage(query: AnalyticsPostsQuery): Promise<AnalyticsPostsPage> {
    if (isPreview()) return { total: 0, offset: query.offset, posts: [] };
    return call(() => commands.analyticsPostsPage(query));
  },

  /** The latest numbers of these posts (the calendar's cards), one call for a range. */
  async postNumbers(postIds: string[]): Promise<PostNumbers[]> {
    if (isPreview() || postIds.length === 0) return [];
    return call(() => commands.analyticsPostNumbers(postIds));
  },

  /** One post's latest numbers on each channel it went out on (the composer's panel). */
  async postLatest(postId: string): Promise<TargetNumbers[]> {
    if (isPreview()) return [];
    return call(() => commands.analyticsPostLatest(postId));
  },

  /** "Sync now" on one post: reads its numbers on each of its channels now. */
  async syncPost(postId: string): Promise<AnalyticsSync[]> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.analyticsSyncPost(postId));
  },

  /** Every snapshot of one post's metrics, oldest first. */
  async history(postId: string): Promise<MetricPoint[]> {
    if (isPreview()) return [];
    return call(() => commands.analyticsHistory(postId));
  },

  async bestTimes(channelId: string): Promise<BestTimes> {
    if (isPreview()) return { posts: 0, min_posts: 20, enough_data: false, channel_rate: 0, slots: [] };
    return call(() => commands.analyticsBestTimes(channelId));
  },

  /** "Sync now". */
  async sync(channelId: string | null = null): Promise<AnalyticsSync[]> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.analyticsSync(channelId));
  },

  /** "Download PDF report": asks where to save; `null` when cancelled. Dates `YYYY-MM-DD`, both included. */
  async report(from: string, to: string, channelIds: string[] = []): Promise<ReportSummary | null> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.analyticsReport(from, to, channelIds));
  },

  /** "Use as posting slots": replaces the channel's weekly slots with its `count` best suggestions. */
  async applyBestTimes(channelId: string, count: number): Promise<PostingSlotView[]> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.analyticsApplyBestTimes(channelId, count));
  },
};
