/**
 * What pages keep of what they last showed, so that opened again they draw it in their first frame
 * and then ask the core afresh (issue #21: the calendar's month, the Analytics page's figures).
 * Kept in memory only, and forgotten as soon as the data behind it is deleted or replaced ("delete
 * all my data", an archive imported), so that no page can draw what is no longer there.
 */
const forgetters = new Set<() => void>();

/** Registers how a page forgets what it keeps (called once, from its module script). */
export function keeps(forget: () => void): void {
  forgetters.add(forget);
}

/** Forgets everything every page keeps. */
export function forgetKept(): void {
  for (const forget of forgetters) forget();
}
