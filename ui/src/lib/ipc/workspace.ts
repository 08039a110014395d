/**
 * The workspace part of the IPC facade: board, ideas, templates, tags, campaigns, search, undo.
 * Same contract as `./index`: results are unwrapped, failures throw `AppError` with the core's code.
 * In preview mode (plain browser) reads answer empty and writes throw `PreviewModeError`.
 */
import { commands } from './bindings';
import type {
  Board,
  BoardCard,
  BoardColumnView,
  BoardFilter,
  CampaignInput,
  CampaignView,
  CardKind,
  CardRef,
  Deleted,
  DeletedKind,
  IdeaInput,
  IdeaView,
  IpcError,
  Label,
  IdeaAttachment,
  PostLabels,
  Promoted,
  Result,
  SearchItemKind,
  SearchResult,
  TagView,
  TemplateView,
  Undone,
} from './bindings';
import { isPreview, PreviewModeError, toAppError, unwrap } from './index';

export type {
  Board,
  BoardCard,
  BoardColumnView,
  BoardFilter,
  CampaignInput,
  CampaignView,
  CardKind,
  CardRef,
  Deleted,
  DeletedKind,
  IdeaInput,
  IdeaView,
  Label,
  IdeaAttachment,
  PostLabels,
  Promoted,
  SearchItemKind,
  SearchResult,
  TagView,
  TemplateView,
  Undone,
};

/** Values for a template's variables, by name. */
export type TemplateValues = Record<string, string>;

async function call<T>(run: () => Promise<Result<T, IpcError>>): Promise<T> {
  if (isPreview()) throw new PreviewModeError();
  let result: Result<T, IpcError>;
  try {
    result = await run();
  } catch (error) {
    throw toAppError(error);
  }
  return unwrap(result);
}

/** Reads answer empty in preview mode instead of failing. */
async function read<T>(empty: T, run: () => Promise<Result<T, IpcError>>): Promise<T> {
  if (isPreview()) return empty;
  return call(run);
}

export const workspace = {
  board: (filter: BoardFilter) => read<Board>({ columns: [], cards: [] }, () => commands.board(filter)),
  boardColumns: () => read<BoardColumnView[]>([], () => commands.boardColumns()),
  createColumn: (name: string, colour: string) => call(() => commands.createBoardColumn(name, colour)),
  updateColumn: (id: string, name: string, colour: string) => call(() => commands.updateBoardColumn(id, name, colour)),
  moveColumn: (id: string, index: number) => call(() => commands.moveBoardColumn(id, index)),
  /** Deletes a column; its cards move to `moveCardsTo` (null: the first remaining column). */
  deleteColumn: (id: string, moveCardsTo: string | null) => call(() => commands.deleteBoardColumn(id, moveCardsTo)),
  moveCard: (card: CardRef, columnId: string, index: number) => call(() => commands.moveCard(card, columnId, index)),
  placeOnBoard: (card: CardRef, columnId: string | null) => call(() => commands.placeOnBoard(card, columnId)),
  removeFromBoard: (card: CardRef) => call(() => commands.removeFromBoard(card)),

  ideas: () => read<IdeaView[]>([], () => commands.ideas()),
  idea: (id: string) => call(() => commands.idea(id)),
  createIdea: (input: IdeaInput, columnId: string | null) => call(() => commands.createIdea(input, columnId)),
  updateIdea: (id: string, input: IdeaInput) => call(() => commands.updateIdea(id, input)),
  deleteIdea: (id: string) => call(() => commands.deleteIdea(id)),
  /** Creates a draft post from the idea (text, media, tags, campaign) in the idea's place. */
  promoteIdea: (id: string) => call(() => commands.promoteIdea(id)),

  templates: () => read<TemplateView[]>([], () => commands.templates()),
  createTemplate: (name: string, body: string) => call(() => commands.createTemplate(name, body)),
  updateTemplate: (id: string, name: string, body: string) => call(() => commands.updateTemplate(id, name, body)),
  deleteTemplate: (id: string) => call(() => commands.deleteTemplate(id)),
  /** The filled text; rejects naming each missing or unknown variable. */
  fillTemplate: (id: string, values: TemplateValues) => call(() => commands.fillTemplate(id, values)),
  templateVariables: (body: string) => call(() => commands.templateVariables(body)),

  tags: () => read<TagView[]>([], () => commands.tags()),
  createTag: (name: string, colour: string) => call(() => commands.createTag(name, colour)),
  updateTag: (id: string, name: string, colour: string) => call(() => commands.updateTag(id, name, colour)),
  deleteTag: (id: string) => call(() => commands.deleteTag(id)),

  campaigns: () => read<CampaignView[]>([], () => commands.campaigns()),
  createCampaign: (input: CampaignInput) => call(() => commands.createCampaign(input)),
  updateCampaign: (id: string, input: CampaignInput) => call(() => commands.updateCampaign(id, input)),
  deleteCampaign: (id: string) => call(() => commands.deleteCampaign(id)),

  setPostTags: (postId: string, tagIds: string[]) => call(() => commands.setPostTags(postId, tagIds)),
  setIdeaTags: (ideaId: string, tagIds: string[]) => call(() => commands.setIdeaTags(ideaId, tagIds)),
  setPostCampaign: (postId: string, campaignId: string | null) => call(() => commands.setPostCampaign(postId, campaignId)),
  setIdeaCampaign: (ideaId: string, campaignId: string | null) => call(() => commands.setIdeaCampaign(ideaId, campaignId)),
  postLabels: (postId: string) => call(() => commands.postLabels(postId)),

  /** Ranked full-text search across posts, ideas and templates. */
  search: (query: string, limit: number) => read<SearchResult[]>([], () => commands.searchWorkspace(query, limit)),
  /** Asks for an image or video to attach (native dialog); null when cancelled. */
  pickMediaFile: () => call(() => commands.pickMediaFile()),
  /** Restores what a delete removed (while its undo window lasts). */
  undoDelete: (token: string) => call(() => commands.undoDelete(token)),
};
