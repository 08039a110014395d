/**
 * The command palette's model (Ctrl/Cmd-K): navigation commands matched by words, search results
 * from the core, one list navigated with the arrow keys. No DOM here.
 */
import type { Page } from '$lib/ipc';
import type { SearchResult } from '$lib/ipc/workspace';

/** Where a command or result leads. */
export type PaletteTarget =
  | { kind: 'page'; page: Page }
  | { kind: 'board-tab'; tab: BoardTab }
  | { kind: 'new-idea' }
  | { kind: 'open'; result: SearchResult };

export type BoardTab = 'board' | 'ideas' | 'templates' | 'labels';

export interface PaletteCommand {
  id: string;
  label: string;
  /** Extra words that find it. */
  keywords: string;
  hint: string;
  target: PaletteTarget;
}

export const COMMANDS: readonly PaletteCommand[] = [
  { id: 'go-calendar', label: 'Go to Calendar', keywords: 'month week schedule', hint: 'G C', target: { kind: 'page', page: 'calendar' } },
  { id: 'go-board', label: 'Go to Board', keywords: 'kanban columns cards', hint: 'G B', target: { kind: 'page', page: 'board' } },
  { id: 'new-post', label: 'New post', keywords: 'compose write draft', hint: 'G N', target: { kind: 'page', page: 'compose' } },
  { id: 'new-idea', label: 'New idea', keywords: 'capture note', hint: '', target: { kind: 'new-idea' } },
  { id: 'ideas', label: 'Show ideas', keywords: 'list notes', hint: '', target: { kind: 'board-tab', tab: 'ideas' } },
  { id: 'templates', label: 'Manage templates', keywords: 'variables snippets', hint: '', target: { kind: 'board-tab', tab: 'templates' } },
  { id: 'labels', label: 'Manage tags and campaigns', keywords: 'labels colours filters', hint: '', target: { kind: 'board-tab', tab: 'labels' } },
  { id: 'go-inbox', label: 'Go to Inbox', keywords: 'comments messages replies', hint: 'G I', target: { kind: 'page', page: 'inbox' } },
  { id: 'go-analytics', label: 'Go to Analytics', keywords: 'metrics charts stats', hint: 'G A', target: { kind: 'page', page: 'analytics' } },
  { id: 'go-channels', label: 'Go to Channels', keywords: 'accounts connect', hint: 'G H', target: { kind: 'page', page: 'channels' } },
  { id: 'go-settings', label: 'Go to Settings', keywords: 'preferences privacy', hint: 'G S', target: { kind: 'page', page: 'settings' } },
];

/** Commands whose label or keywords contain every word of the query (all when it is empty). */
export function matchCommands(query: string, commands: readonly PaletteCommand[] = COMMANDS): PaletteCommand[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...commands];
  return commands.filter((c) => {
    const hay = `${c.label} ${c.keywords}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export type PaletteItem =
  | { kind: 'command'; key: string; command: PaletteCommand }
  | { kind: 'result'; key: string; result: SearchResult };

/** Search results first (when there is a query), then matching commands. */
export function paletteItems(query: string, results: SearchResult[]): PaletteItem[] {
  const items: PaletteItem[] = results.map((result) => ({ kind: 'result', key: `${result.kind}:${result.id}`, result }));
  for (const command of matchCommands(query)) items.push({ kind: 'command', key: `cmd:${command.id}`, command });
  return items;
}

/** The next selected index after an arrow key (wrapping), or -1 for an empty list. */
export function moveSelection(index: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  if (index < 0) return delta > 0 ? 0 : count - 1;
  return (((index + delta) % count) + count) % count;
}

export function targetOf(item: PaletteItem): PaletteTarget {
  return item.kind === 'command' ? item.command.target : { kind: 'open', result: item.result };
}

export const KIND_LABEL: Record<SearchResult['kind'], string> = { post: 'Post', idea: 'Idea', template: 'Template' };
