/**
 * The smart inbox: the facade over its generated commands, following `index.ts` (results
 * unwrapped into `AppError`, preview mode answers honestly: an empty inbox, no changes).
 */
import { commands, events } from './bindings';
import type {
  ChannelSync,
  InboxCounts,
  InboxFilter,
  InboxItem,
  InboxItemDetail,
  InboxKind,
  InboxMark,
  InboxReplyView,
  InboxState,
  ReplyQuota,
  SentimentLabel,
  SentimentReason,
  XReadCap,
  XReadEstimate,
  XReadUsage,
} from './bindings';
import { call, isPreview, PreviewModeError, toAppError } from './index';

export type {
  ChannelSync,
  InboxCounts,
  InboxFilter,
  InboxItem,
  InboxItemDetail,
  InboxKind,
  InboxMark,
  InboxReplyView,
  InboxState,
  ReplyQuota,
  SentimentLabel,
  SentimentReason,
  XReadCap,
  XReadEstimate,
  XReadUsage,
};

export const inboxIpc = {
  async items(filter: InboxFilter): Promise<InboxItem[]> {
    if (isPreview()) return [];
    return call(() => commands.inboxItems(filter));
  },

  async item(id: string): Promise<InboxItemDetail> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.inboxItem(id));
  },

  async counts(): Promise<InboxCounts> {
    if (isPreview()) return { unread: 0, by_channel: [] };
    return call(() => commands.inboxCounts());
  },

  async sync(channelId: string | null = null): Promise<ChannelSync[]> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.inboxSync(channelId));
  },

  /** X: the reads a sync of the channel is expected to make and their cost (reads nothing). */
  async estimate(channelId: string): Promise<XReadEstimate> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.inboxEstimate(channelId));
  },

  /** X: the caps on reads with this month's reads so far and their cost. */
  async xReadUsage(): Promise<XReadUsage> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.xReadUsage());
  },

  /** X: sets the caps on reads per sync and per month (`null`: no cap; each at least 100). */
  async setXReadCap(cap: XReadCap): Promise<XReadCap> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setXReadCap(cap));
  },

  /** The channel's daily reply quota where its platform has one (Threads); `null` elsewhere. */
  async replyQuota(channelId: string): Promise<ReplyQuota | null> {
    if (isPreview()) return null;
    return call(() => commands.inboxReplyQuota(channelId));
  },

  /** Channels whose inbox Outpost does not read, with why (asks no platform). */
  async gaps(): Promise<ChannelSync[]> {
    if (isPreview()) return [];
    return call(() => commands.inboxGaps());
  },

  /** Marks every item of `ids` (all of them, or none when one is unknown). */
  async mark(ids: string[], mark: InboxMark): Promise<void> {
    if (isPreview()) throw new PreviewModeError();
    await call(() => commands.inboxMark(ids, mark));
  },

  /** The user's label; resolves to how many items with the same text also took it. */
  async setSentiment(id: string, label: SentimentLabel): Promise<number> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.inboxSetSentiment(id, label));
  },

  /** Deletes every item of `ids` from Outpost (all of them, or none when one is unknown). */
  async remove(ids: string[]): Promise<void> {
    if (isPreview()) throw new PreviewModeError();
    await call(() => commands.inboxDelete(ids));
  },

  /** Answers an item; `privately`: an Instagram comment answered by a direct message to its author. */
  async reply(id: string, text: string, privately = false): Promise<InboxReplyView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => (privately ? commands.inboxReplyPrivate(id, text) : commands.inboxReply(id, text)));
  },

  /** Items arrived or changed (a background sync, another window, the CLI through a sync). */
  async onChanged(handler: () => void): Promise<() => void> {
    if (isPreview()) return () => {};
    try {
      return await events.inboxChanged.listen(() => handler());
    } catch (error) {
      throw toAppError(error);
    }
  },
};
