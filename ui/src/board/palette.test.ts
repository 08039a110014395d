import { describe, expect, it } from 'vitest';
import type { SearchResult } from '$lib/ipc/workspace';
import { highlightParts, markQuery } from './highlight';
import { COMMANDS, matchCommands, moveSelection, paletteItems, targetOf } from './palette';

const result = (kind: SearchResult['kind'], id: string): SearchResult => ({ kind, id, title: `t-${id}`, snippet: 's', status: null });

describe('palette items', () => {
  it('lists every command for an empty query and filters by all words', () => {
    expect(matchCommands('')).toHaveLength(COMMANDS.length);
    expect(matchCommands('go cal').map((c) => c.id)).toEqual(['go-calendar']);
    expect(matchCommands('KANBAN').map((c) => c.id)).toEqual(['go-board']);
    expect(matchCommands('zzz')).toEqual([]);
  });

  it('puts search results before commands and maps them to open targets', () => {
    const items = paletteItems('idea', [result('idea', '1'), result('post', '2')]);
    expect(items.slice(0, 2).map((i) => i.key)).toEqual(['idea:1', 'post:2']);
    expect(items.slice(2).every((i) => i.kind === 'command')).toBe(true);
    expect(targetOf(items[0])).toEqual({ kind: 'open', result: result('idea', '1') });
    const newIdea = items.find((i) => i.key === 'cmd:new-idea');
    expect(newIdea && targetOf(newIdea)).toEqual({ kind: 'new-idea' });
  });

  it('moves the selection with wrap-around', () => {
    expect(moveSelection(0, 1, 3)).toBe(1);
    expect(moveSelection(2, 1, 3)).toBe(0);
    expect(moveSelection(0, -1, 3)).toBe(2);
    expect(moveSelection(-1, 1, 3)).toBe(0);
    expect(moveSelection(0, 1, 0)).toBe(-1);
  });
});

describe('highlighting', () => {
  it('splits core snippets on the match markers without interpreting markup', () => {
    expect(highlightParts('a \u0002quokka\u0003 <b>x</b>')).toEqual([
      { text: 'a ', match: false },
      { text: 'quokka', match: true },
      { text: ' <b>x</b>', match: false },
    ]);
    expect(highlightParts('\u0002a\u0003\u0002b\u0003')).toEqual([
      { text: 'a', match: true },
      { text: 'b', match: true },
    ]);
    expect(highlightParts('stray \u0003end')).toEqual([
      { text: 'stray ', match: false },
      { text: 'end', match: false },
    ]);
  });

  it('marks every case-insensitive occurrence of each query word', () => {
    expect(markQuery('Go to Calendar', 'cal go')).toEqual([
      { text: 'Go', match: true },
      { text: ' to ', match: false },
      { text: 'Cal', match: true },
      { text: 'endar', match: false },
    ]);
    expect(markQuery('abc', '')).toEqual([{ text: 'abc', match: false }]);
  });
});
