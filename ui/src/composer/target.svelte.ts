/**
 * Which post the composer shows: the calendar, the board and the palette open a post, the shortcut
 * opens a fresh composer. The one way to open a post in the composer.
 * The composer page reads `postId` and `generation` when it mounts or when they change.
 */
class ComposerTarget {
  postId = $state<string | null>(null);
  /** Bumped on every request, so asking for the same thing again still reloads. */
  generation = $state(0);
  /**
   * Unsaved tag and campaign choices of the post being written (`postId` null: a new post). The
   * autosave keeps only the post itself, so these survive leaving the composer here.
   */
  labels: { postId: string | null; tagIds: string[]; campaignId: string | null } | null = null;

  edit(postId: string): void {
    this.postId = postId;
    this.labels = null;
    this.generation++;
  }

  fresh(): void {
    this.postId = null;
    this.labels = null;
    this.generation++;
  }
}

export const composerTarget = new ComposerTarget();
