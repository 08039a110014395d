import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const analyticsMock = vi.hoisted(() => ({ postLatest: vi.fn(), syncPost: vi.fn() }));
vi.mock('$lib/ipc/analytics', () => ({ analyticsIpc: analyticsMock }));

import { AppError } from '$lib/ipc';
import PostNumbers from './PostNumbers.svelte';

const target = (over = {}) => ({
  post_target_id: 't1',
  channel_id: 'c1',
  channel_name: '@lumen',
  platform: 'mastodon' as const,
  url: null,
  published_at: Date.now() - 3 * 3_600_000,
  last_synced_at: Date.now() - 2 * 3_600_000 - 60_000,
  next_read_at: Date.now() + 3_600_000,
  deleted: false,
  offered: ['likes', 'reposts', 'replies', 'quotes'],
  values: { likes: 30, reposts: 9, replies: 0 },
  problem: null,
  ...over,
});

describe('a published post’s numbers in the composer', () => {
  beforeEach(() => {
    analyticsMock.postLatest.mockReset();
    analyticsMock.syncPost.mockReset();
  });

  it('shows each metric, n/a where the platform offers none, and when they were read', async () => {
    analyticsMock.postLatest.mockResolvedValue([target()]);
    render(PostNumbers, { postId: 'p1' });
    expect((await screen.findByTestId('composer-post-numbers-likes')).textContent).toBe('30');
    expect(screen.getByTestId('composer-post-numbers-comments').textContent).toBe('0');
    expect(screen.getByTestId('composer-post-numbers-views').textContent).toBe('n/a');
    expect(screen.getByTestId('composer-post-numbers-saves').textContent).toBe('n/a');
    expect(screen.getByTestId('composer-post-numbers-updated').textContent).toMatch(/updated 2 h ago/);
    expect(analyticsMock.postLatest).toHaveBeenCalledWith('p1');
  });

  it('says when no numbers were read yet, and Sync now reads them', async () => {
    analyticsMock.postLatest.mockResolvedValueOnce([target({ last_synced_at: null, next_read_at: null, values: {} })]).mockResolvedValueOnce([target()]);
    analyticsMock.syncPost.mockResolvedValue([{ channel_id: 'c1', channel_name: '@lumen', platform: 'mastodon', outcome: 'synced', posts_read: 1, posts_deleted: 0, snapshots: 3, message: null }]);
    render(PostNumbers, { postId: 'p1' });
    expect((await screen.findByTestId('composer-post-numbers-empty')).textContent).toMatch(/No numbers yet/);
    expect(screen.queryByTestId('composer-post-numbers-likes')).toBeNull();
    await userEvent.click(screen.getByTestId('composer-post-numbers-sync'));
    expect((await screen.findByTestId('composer-post-numbers-likes')).textContent).toBe('30');
    expect(analyticsMock.syncPost).toHaveBeenCalledWith('p1');
  });

  it('shows an error when the numbers cannot be loaded, and a channel’s problem after a sync', async () => {
    analyticsMock.postLatest.mockRejectedValueOnce(new AppError('database', 'database is locked'));
    render(PostNumbers, { postId: 'p1' });
    expect((await screen.findByTestId('composer-post-numbers-error')).textContent).toMatch(/could not be loaded: database is locked/);
    analyticsMock.syncPost.mockResolvedValue([{ channel_id: 'c1', channel_name: '@lumen', platform: 'mastodon', outcome: 'failed', posts_read: 0, posts_deleted: 0, snapshots: 0, message: 'The sign-in was revoked' }]);
    analyticsMock.postLatest.mockResolvedValue([target({ problem: 'The sign-in was revoked' })]);
    await userEvent.click(screen.getByTestId('composer-post-numbers-sync'));
    await waitFor(() => expect(screen.getByTestId('composer-post-numbers-note').textContent).toMatch(/@lumen: The sign-in was revoked/));
    expect(screen.getByTestId('composer-post-numbers-likes').textContent).toBe('30');
  });
});
