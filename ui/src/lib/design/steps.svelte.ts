/**
 * Drawing a long list in steps: the frame that first shows the list draws only what fits on the
 * screen (`first`), and each later frame, once the previous one is painted, draws `step` more until
 * `total` are drawn. A view with hundreds of rows then shows its first screen after the work of one
 * screen, not of the whole list; the rest follows within a few frames, before anyone scrolls there.
 *
 * Call it while a component initialises (it uses effects). `restart()` goes back to `first` (a new
 * list is about to be drawn); a list that only changes keeps what is drawn.
 */

/** How many rows of at least `rowPx` fit in the window, with one more for a partly shown row. */
export function rowsOnScreen(rowPx: number, height = typeof window === 'undefined' ? 800 : window.innerHeight): number {
  return Math.max(1, Math.ceil(height / rowPx) + 1);
}

/** The next limit after a painted frame, or null when everything is drawn. */
export function nextLimit(limit: number, total: number, step: number): number | null {
  return limit >= total ? null : Math.min(total, limit + Math.max(1, step));
}

/** Runs `fn` once the next frame is painted (a requestAnimationFrame callback runs before its frame
 * is painted; a task queued from it runs after the paint). Returns a cancel. */
export function afterPaint(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = () => (timer = setTimeout(fn, 0));
  if (typeof requestAnimationFrame !== 'function') {
    later();
    return () => clearTimeout(timer);
  }
  const frame = requestAnimationFrame(later);
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}

export class Steps {
  #first: number;
  #limit = $state(0);

  constructor(first: number, step: number, total: () => number) {
    this.#first = first;
    this.#limit = first;
    $effect(() => {
      const next = nextLimit(this.#limit, total(), step);
      if (next === null) return;
      return afterPaint(() => (this.#limit = next));
    });
  }

  /** How many rows to draw now. */
  get limit(): number {
    return this.#limit;
  }

  restart(): void {
    this.#limit = this.#first;
  }
}
