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
  SentimentLabel,
  SentimentReason,
  XReadCap,
  XReadEstimate,
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
  SentimentLabel,
  SentimentReason,
  XReadCap,
  XReadEstimate,
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

  async reply(id: string, text: string): Promise<InboxReplyView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.inboxReply(id, text));
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
