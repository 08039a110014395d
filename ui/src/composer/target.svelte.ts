/**
 * Which post the composer shows: the calendar, the board and the palette open a post, the shortcut
 * opens a fresh composer. The one way to open a post in the composer.
 * The composer page reads `postId` and `generation` when it mounts or when they change.
 */
class ComposerTarget {
  postId = $state<string | null>(null);
  /** Bumped on every request, so asking for the same thing again still reloads. */
  generation = $state(0);

  edit(postId: string): void {
    this.postId = postId;
    this.generation++;
  }

  fresh(): void {
    this.postId = null;
    this.generation++;
  }
}

export const composerTarget = new ComposerTarget();
