/**
 * Which post the Analytics page opens in its detail (its curves since publishing): the composer's
 * "History on the Analytics page" sets it and opens the page, which takes it once.
 */
class AnalyticsTarget {
  postTargetId = $state<string | null>(null);
  /** Unix ms the post went out, so the page can widen its period to reach it. */
  publishedAt = $state<number | null>(null);

  open(postTargetId: string, publishedAt: number): void {
    this.postTargetId = postTargetId;
    this.publishedAt = publishedAt;
  }

  take(): { postTargetId: string; publishedAt: number } | null {
    const id = this.postTargetId;
    const at = this.publishedAt;
    this.postTargetId = null;
    this.publishedAt = null;
    return id === null || at === null ? null : { postTargetId: id, publishedAt: at };
  }
}

export const analyticsTarget = new AnalyticsTarget();
