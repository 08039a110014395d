/**
 * Search snippets from the core mark matched terms with U+0002 (start) and U+0003 (end) instead of
 * HTML, so user text can never inject markup. These helpers split them into parts for rendering,
 * and mark plain-text matches of a query the same way (for command labels).
 */

export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';

export interface Part {
  text: string;
  match: boolean;
}

/** Splits a marked snippet into plain and matched parts (stray markers are dropped). */
export function highlightParts(snippet: string): Part[] {
  const parts: Part[] = [];
  let match = false;
  let current = '';
  const flush = () => {
    if (current) parts.push({ text: current, match });
    current = '';
  };
  for (const ch of snippet) {
    if (ch === MATCH_START) {
      flush();
      match = true;
    } else if (ch === MATCH_END) {
      flush();
      match = false;
    } else {
      current += ch;
    }
  }
  flush();
  return parts;
}

/** Parts of `text` with every case-insensitive occurrence of each query word marked. */
export function markQuery(text: string, query: string): Part[] {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  if (words.length === 0) return text ? [{ text, match: false }] : [];
  const lower = text.toLowerCase();
  const hit = new Array<boolean>(text.length).fill(false);
  for (const w of words) {
    let from = 0;
    for (;;) {
      const at = lower.indexOf(w, from);
      if (at < 0) break;
      for (let i = at; i < at + w.length; i++) hit[i] = true;
      from = at + w.length;
    }
  }
  const parts: Part[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = parts[parts.length - 1];
    if (last && last.match === hit[i]) last.text += text[i];
    else parts.push({ text: text[i], match: hit[i] });
  }
  return parts;
}
