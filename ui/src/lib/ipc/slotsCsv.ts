/**
 * Posting slots (the queue) and bulk CSV: the facade over their generated commands, following
 * `index.ts` (results unwrapped into `AppError`, preview mode answers honestly).
 */
import { commands } from './bindings';
import type {
  CsvExportSummary,
  CsvImportSummary,
  CsvIssue,
  CsvPreview,
  CsvRowPreview,
  FreeSlot,
  NewPost,
  PostDetail,
  PostingSlotView,
  WeeklySlot,
} from './bindings';
import { call, isPreview, PreviewModeError } from './index';

export type {
  CsvExportSummary,
  CsvImportSummary,
  CsvIssue,
  CsvPreview,
  CsvRowPreview,
  FreeSlot,
  PostingSlotView,
  WeeklySlot,
};

export const slotsCsvIpc = {
  /** A channel's weekly posting slots, Monday first. */
  async postingSlots(channelId: string): Promise<PostingSlotView[]> {
    if (isPreview()) return [];
    return call(() => commands.postingSlots(channelId));
  },

  async addPostingSlot(channelId: string, slot: WeeklySlot): Promise<PostingSlotView> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.addPostingSlot(channelId, slot));
  },

  /** Replaces every slot of a channel (all or nothing). */
  async setPostingSlots(channelId: string, slots: WeeklySlot[]): Promise<PostingSlotView[]> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.setPostingSlots(channelId, slots));
  },

  async removePostingSlot(slotId: string): Promise<void> {
    if (isPreview()) throw new PreviewModeError();
    await call(() => commands.removePostingSlot(slotId));
  },

  /** The earliest slot of these channels (after `after`, unix ms) that none of them uses yet. */
  async nextFreeSlot(channelIds: string[], after: number | null = null): Promise<FreeSlot> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.nextFreeSlot(channelIds, after));
  },

  /** Creates the post at the next free slot of its channels. */
  async addToQueue(post: NewPost): Promise<PostDetail> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.addToQueue(post));
  },

  /** Asks for a CSV file and checks every row; `null` when the user cancelled. Creates nothing. */
  async csvImportPreview(): Promise<CsvPreview | null> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.csvImportPreview());
  },

  /** Creates the previewed file's posts: all rows, or with `skipInvalid` the valid ones. */
  async csvImportCommit(skipInvalid: boolean): Promise<CsvImportSummary> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.csvImportCommit(skipInvalid));
  },

  /** Asks where to save and writes every post as CSV; `null` when cancelled. */
  async csvExport(): Promise<CsvExportSummary | null> {
    if (isPreview()) throw new PreviewModeError();
    return call(() => commands.csvExport());
  },
};
