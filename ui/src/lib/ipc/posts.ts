/**
 * The composer's and the calendar's door to the core (posts, media library, calendar range,
 * live previews, autosave). Same rules as `./index`: results unwrapped, failures thrown as
 * `AppError`, nothing invented in preview mode.
 */
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { commands, events } from './bindings';
import type {
  CalendarPage,
  CalendarQuery,
  ChannelPreview,
  ComposeInput,
  ComposerDraft,
  ComposerPost,
  DeletedPost,
  MediaItem,
  PickedFile,
  PostDetail,
  PostsChanged,
  IpcError,
  Result,
  AttentionItem,
  AttentionPage,
  BoardView,
  JobAction,
  TiktokCreatorView,
} from './bindings';
import { callCore, isPreview, PreviewModeError, toAppError } from './index';

export type {
  CalendarChannel,
  CalendarItem,
  CalendarPage,
  CalendarQuery,
  ChannelPreview,
  ComposeInput,
  ComposeMedia,
  ComposerDraft,
  ComposerPost,
  DeletedPost,
  MediaItem,
  PartCount,
  PickedFile,
  PostDetail,
  PostsChanged,
  RuleViolation,
  TargetVariant,
  AttentionItem,
  AttentionPage,
  BoardView,
  JobAction,
  TiktokCreatorView,
  JsonValue,
} from './bindings';

/** Files dropped on the window reach it as tokens from the core (never as paths it could name). */
export type FileDrop = { kind: 'over' } | { kind: 'leave' } | { kind: 'drop'; files: PickedFile[] };

async function call<T>(run: () => Promise<Result<T, IpcError>>): Promise<T> {
  if (isPreview()) throw new PreviewModeError();
  return callCore(run);
}

export const posts = {
  create: (input: ComposeInput): Promise<PostDetail> => call(() => commands.createPost(input)),
  update: (id: string, input: ComposeInput): Promise<PostDetail> => call(() => commands.updatePost(id, input)),
  open: (id: string): Promise<ComposerPost> => call(() => commands.composerPost(id)),
  remove: (id: string): Promise<DeletedPost> => call(() => commands.deletePost(id)),
  restore: (undoToken: string): Promise<PostDetail> => call(() => commands.restorePost(undoToken)),
  cancel: (id: string): Promise<PostDetail> => call(() => commands.cancelPost(id)),
  resolve: (jobId: string, action: JobAction): Promise<PostDetail> => call(() => commands.resolveJob(jobId, action)),
  /** `limit` items after `offset` and how many there are in all (the panel's pages). */
  needsAttentionPage: (offset: number, limit: number): Promise<AttentionPage> => call(() => commands.needsAttentionPage(offset, limit)),
  pinterestBoards: (channelId: string): Promise<BoardView[]> => call(() => commands.pinterestBoards(channelId)),
  tiktokCreatorInfo: (channelId: string): Promise<TiktokCreatorView> => call(() => commands.tiktokCreatorInfo(channelId)),
  reschedule: (id: string, at: string, timeZone: string | null): Promise<PostDetail> =>
    call(() => commands.reschedulePost(id, at, timeZone)),
  moveToDate: (id: string, date: string): Promise<PostDetail> => call(() => commands.movePostToDate(id, date)),
  calendar: async (query: CalendarQuery): Promise<CalendarPage> => {
    // Preview mode has no posts to show (never invented ones).
    if (isPreview()) return { time_zone: query.time_zone ?? 'UTC', items: [] };
    return call(() => commands.calendarPosts(query));
  },
  preview: (input: ComposeInput): Promise<ChannelPreview[]> => call(() => commands.previewPost(input)),
  importPicked: (token: string): Promise<MediaItem> => call(() => commands.importPickedMedia(token)),
  importBytes: (name: string, bytes: number[]): Promise<MediaItem> => call(() => commands.importMediaBytes(name, bytes)),
  pickMedia: (): Promise<MediaItem[]> => call(() => commands.pickMedia()),
  mediaItem: (id: string): Promise<MediaItem> => call(() => commands.mediaItem(id)),
  thumbnail: (id: string): Promise<string | null> => call(() => commands.mediaThumbnail(id)),
  autosave: (draft: ComposerDraft): Promise<null> => call(() => commands.composerAutosave(draft)),
  autosaved: (): Promise<ComposerDraft | null> => call(() => commands.composerAutosaved()),
  discardAutosave: (): Promise<null> => call(() => commands.composerDiscardAutosave()),
  timeZone: async (): Promise<string> => {
    if (isPreview()) return Intl.DateTimeFormat().resolvedOptions().timeZone;
    return call(() => commands.creatorTimeZone());
  },
  /**
   * Files dragged over / dropped on the window: `over` and `leave` for highlighting (the webview's
   * own event), `drop` with a token and name per file, sent by the core (the window never sees or
   * sends a path). Resolves to an unsubscribe function.
   */
  async onFileDrop(handler: (event: FileDrop) => void): Promise<() => void> {
    if (isPreview()) return () => {};
    try {
      const stopHover = await getCurrentWebview().onDragDropEvent((e) => {
        const p = e.payload;
        if (p.type === 'drop' || p.type === 'leave') handler({ kind: 'leave' });
        else handler({ kind: 'over' });
      });
      const stopDrop = await events.mediaDropped.listen((e) => handler({ kind: 'drop', files: e.payload.files }));
      return () => {
        stopHover();
        stopDrop();
      };
    } catch (error) {
      throw toAppError(error);
    }
  },

  /** Posts changed in the core; resolves to an unsubscribe function. */
  async onChanged(handler: (event: PostsChanged) => void): Promise<() => void> {
    if (isPreview()) return () => {};
    try {
      return await events.postsChanged.listen((e) => handler(e.payload));
    } catch (error) {
      throw toAppError(error);
    }
  },
};
