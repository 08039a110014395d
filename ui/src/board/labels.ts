/** Helpers shared by the tag and campaign pickers and the library. */

/** The colours offered by the pickers (the core picks from the same list when none is given). */
export const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569'] as const;

/** Items whose name contains the query (case-insensitive), and whether the exact name exists. */
export function filterByName<T extends { name: string }>(items: readonly T[], query: string): { matches: T[]; exact: boolean } {
  const q = query.trim().toLowerCase();
  if (!q) return { matches: [...items], exact: false };
  return {
    matches: items.filter((i) => i.name.toLowerCase().includes(q)),
    exact: items.some((i) => i.name.toLowerCase() === q),
  };
}

/** The next palette colour not used yet (or cycling when all are). */
export function nextColour(used: readonly string[]): string {
  const free = PALETTE.find((c) => !used.includes(c));
  return free ?? PALETTE[used.length % PALETTE.length];
}
