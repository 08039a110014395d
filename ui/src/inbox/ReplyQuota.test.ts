import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';

const inboxMock = vi.hoisted(() => ({ replyQuota: vi.fn() }));
vi.mock('$lib/ipc/inbox', () => ({ inboxIpc: inboxMock }));

import { AppError } from '$lib/ipc';
import ReplyQuota from './ReplyQuota.svelte';

describe('the Threads reply quota under the reply box', () => {
  beforeEach(() => {
    inboxMock.replyQuota.mockReset();
  });

  it('shows N of M replies used today for a Threads item, read again after a reply', async () => {
    inboxMock.replyQuota.mockResolvedValueOnce({ channel_id: 'c1', used: 12, total: 1000, window: 'the last 24 hours' });
    const r = render(ReplyQuota, { channelId: 'c1', platform: 'threads', version: 0 });
    expect((await screen.findByTestId('inbox-reply-quota')).textContent).toMatch(/12 of 1,000 replies used today/);
    expect(inboxMock.replyQuota).toHaveBeenCalledWith('c1');
    inboxMock.replyQuota.mockResolvedValueOnce({ channel_id: 'c1', used: 1000, total: 1000, window: 'the last 24 hours' });
    await r.rerender({ channelId: 'c1', platform: 'threads', version: 1 });
    await waitFor(() => expect(screen.getByTestId('inbox-reply-quota').textContent).toMatch(/1,000 of 1,000 replies used today — /));
    expect(screen.getByTestId('inbox-reply-quota').classList.contains('full')).toBe(true);
  });

  it('asks nothing and shows nothing for a platform without a daily reply quota', async () => {
    render(ReplyQuota, { channelId: 'c2', platform: 'mastodon' });
    await new Promise((r) => setTimeout(r, 10));
    expect(inboxMock.replyQuota).not.toHaveBeenCalled();
    expect(screen.queryByTestId('inbox-reply-quota')).toBeNull();
  });

  it('says when the quota could not be read', async () => {
    inboxMock.replyQuota.mockRejectedValue(new AppError('platform_unavailable', 'Threads did not answer'));
    render(ReplyQuota, { channelId: 'c1', platform: 'threads' });
    expect((await screen.findByTestId('inbox-reply-quota')).textContent).toMatch(/could not be read: Threads did not answer/);
  });
});
