import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import { tick } from 'svelte';

// The Analytics page opened again draws what it showed last at once, asks for its figures afresh
// once that frame is painted, and redraws only what changed (issue #21).
const fake = vi.hoisted(() => ({
  posts: 5,
  overviewCalls: 0,
  rowsCalls: 0,
  bestCalls: 0,
  /** While set, the overview never answers. */
  hang: false,
}));

function overview(posts: number) {
  const totals = (n: number) => ({ posts: n, likes: 10 * n, reposts: n, replies: 2 * n, engagement: 13 * n, engagement_rate: null });
  return {
    days: 30,
    from: Date.now() - 30 * 86_400_000,
    to: Date.now(),
    current: totals(posts),
    previous: totals(2),
    daily: [{ date: '2026-12-01', posts, engagement: 13 * posts }],
    channels: [
      {
        channel_id: 'c1',
        channel_name: '@me',
        platform: 'mastodon',
        support: 'available',
        support_note: null,
        offered_metrics: ['likes', 'reposts', 'replies'],
        state: 'synced',
        message: null,
        last_synced_at: Date.now(),
        followers: 120,
        followers_change: 3,
        posts,
        engagement: 13 * posts,
        top_posts: [],
      },
    ],
    posts: [],
  };
}

vi.mock('$lib/ipc/analytics', () => ({
  analyticsIpc: {
    overview: async () => {
      fake.overviewCalls++;
      if (fake.hang) return new Promise(() => {});
      return overview(fake.posts);
    },
    overviewRange: async () => overview(fake.posts),
    postsPage: async () => {
      fake.rowsCalls++;
      return { total: 0, offset: 0, posts: [] };
    },
    bestTimes: async () => {
      fake.bestCalls++;
      return { posts: 3, min_posts: 20, enough_data: false, channel_rate: 0, slots: [] };
    },
  },
}));

// jsdom has no ResizeObserver (the charts size themselves with one).
vi.stubGlobal(
  'ResizeObserver',
  class {
    observe() {}
    unobserve() {}
    disconnect() {}
  },
);

const { default: AnalyticsPage } = await import('./AnalyticsPage.svelte');

const postsCard = () => screen.getByTestId('card-posts').textContent ?? '';

describe('AnalyticsPage', () => {
  it('opened again, draws its last figures at once and then the fresh ones', async () => {
    const first = render(AnalyticsPage);
    await waitFor(() => expect(postsCard()).toMatch(/^Posts 5/));
    await waitFor(() => expect(fake.bestCalls).toBe(1));
    first.unmount();

    // Opened again while the core has not answered: the last figures are drawn in the first frame.
    fake.hang = true;
    const calls = fake.overviewCalls;
    const again = render(AnalyticsPage);
    await tick();
    expect(postsCard()).toMatch(/^Posts 5/);
    expect(screen.queryByTestId('analytics-loading')).toBeNull();
    // ... and asked for again once that frame is painted.
    await waitFor(() => expect(fake.overviewCalls).toBe(calls + 1));
    again.unmount();

    // The fresh figures replace them when they arrive.
    fake.hang = false;
    fake.posts = 7;
    render(AnalyticsPage);
    expect(postsCard()).toMatch(/^Posts 5/);
    await waitFor(() => expect(postsCard()).toMatch(/^Posts 7/));
    await waitFor(() => expect(fake.bestCalls).toBe(2));
  });
});

describe('AnalyticsPage after the data is deleted', () => {
  it('draws nothing it kept: it waits for the core again', async () => {
    fake.hang = false;
    fake.posts = 4;
    const first = render(AnalyticsPage);
    await waitFor(() => expect(postsCard()).toMatch(/^Posts 4/));
    first.unmount();

    const { forgetKept } = await import('$lib/kept');
    forgetKept();
    fake.hang = true;
    render(AnalyticsPage);
    await tick();
    expect(screen.queryByTestId('card-posts')).toBeNull();
    expect(screen.getByTestId('analytics-loading')).toBeTruthy();
  });
});
