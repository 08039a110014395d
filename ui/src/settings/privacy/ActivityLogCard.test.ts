import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const ipcMock = vi.hoisted(() => ({ activityLog: vi.fn() }));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  ipc: ipcMock,
  isPreview: () => false,
}));

import { AppError, type ActivityQuery, type ActivityRow } from '$lib/ipc';
import ActivityLogCard from './ActivityLogCard.svelte';

const base = new Date(2024, 10, 23, 14, 5, 12).getTime();

function row(i: number, over: Partial<ActivityRow> = {}): ActivityRow {
  return {
    id: i,
    at: base - i * 60_000,
    platform: i % 2 ? 'mastodon' : 'youtube',
    method: 'GET',
    host: 'api.example.com',
    path: `/v1/items/${i}`,
    status: 200,
    duration_ms: 120,
    bytes: 2048,
    error_kind: null,
    ...over,
  };
}

/** A fake core over `total` rows, honouring page and page size. */
function fakeLog(total: number, make: (i: number) => ActivityRow = (i) => row(i)) {
  ipcMock.activityLog.mockImplementation(async (_q: ActivityQuery, page: number, size: number) => ({
    entries: Array.from({ length: Math.max(0, Math.min(size, total - page * size)) }, (_, k) => make(page * size + k)),
    total,
    page,
    page_size: size,
  }));
}

describe('ActivityLogCard', () => {
  it('shows the empty state when nothing was logged', async () => {
    fakeLog(0);
    render(ActivityLogCard);
    const empty = await screen.findByTestId('activity-empty');
    expect(empty).toHaveTextContent('No API calls yet');
    expect(empty).toHaveTextContent('Never tokens or content. Entries are kept for 30 days.');
    expect(screen.queryByTestId('activity-next')).toBeNull();
  });

  it('renders rows with local time, platform, request, status badge, duration and size', async () => {
    fakeLog(3, (i) =>
      i === 1
        ? row(i, { status: 429, method: 'POST', path: '/api/v1/statuses' })
        : i === 2
          ? row(i, { status: null, error_kind: 'timeout', bytes: 0, duration_ms: 30_000 })
          : row(i),
    );
    render(ActivityLogCard);
    const rows = await screen.findAllByTestId('activity-row');
    expect(screen.getByTestId('activity-table')).toContainElement(rows[0]!);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent('23 Nov');
    expect(rows[0]).toHaveTextContent('14:05:12');
    expect(rows[0]).toHaveTextContent('YouTube');
    expect(rows[0]).toHaveTextContent('/v1/items/0');
    expect(rows[0]).toHaveTextContent('api.example.com');
    expect(rows[0].querySelector('.request')).toHaveAttribute('title', 'GET https://api.example.com/v1/items/0');
    expect(rows[0]).toHaveTextContent('120 ms');
    expect(rows[0]).toHaveTextContent('2.0 KB');
    expect(rows[0].querySelector('[data-status-class]')).toHaveAttribute('data-status-class', 'success');
    expect(rows[1]).toHaveTextContent('Mastodon');
    expect(rows[1]).toHaveTextContent('POST');
    expect(rows[1].querySelector('[data-status-class]')).toHaveAttribute('data-status-class', 'client_error');
    expect(rows[2]).toHaveTextContent('—');
    expect(rows[2]).toHaveTextContent('Timeout');
    expect(rows[2]).toHaveTextContent('30.0 s');
    expect(rows[2].querySelector('[data-status-class]')).toHaveAttribute('data-status-class', 'network_error');
  });

  it('pages through the log', async () => {
    fakeLog(1234);
    const user = userEvent.setup();
    render(ActivityLogCard);
    expect(await screen.findByTestId('activity-range')).toHaveTextContent('Showing 1–50 of 1,234');
    expect(screen.getByTestId('activity-prev')).toBeDisabled();
    await user.click(screen.getByTestId('activity-next'));
    expect(await screen.findByText('Showing 51–100 of 1,234')).toBeInTheDocument();
    expect(ipcMock.activityLog).toHaveBeenLastCalledWith(expect.anything(), 1, 50);
    expect(screen.getByTestId('activity-prev')).toBeEnabled();
  });

  it('sends filters as an ActivityQuery and starts again at the first page', async () => {
    fakeLog(120);
    const user = userEvent.setup();
    render(ActivityLogCard);
    await screen.findByTestId('activity-range');
    await user.click(screen.getByTestId('activity-next'));
    await screen.findByText('Showing 51–100 of 120');

    await user.selectOptions(screen.getByTestId('activity-filter-status'), 'server_error');
    await screen.findByText('Showing 1–50 of 120');
    expect(ipcMock.activityLog).toHaveBeenLastCalledWith(
      { platform: null, status_class: 'server_error', since: null, until: null },
      0,
      50,
    );

    // The platform filter offers the platforms seen in the entries.
    const platform = screen.getByTestId('activity-filter-platform');
    expect(within(platform).getAllByRole('option').map((o) => o.textContent)).toEqual(['All platforms', 'Mastodon', 'YouTube']);
    await user.selectOptions(platform, 'mastodon');
    expect(ipcMock.activityLog).toHaveBeenLastCalledWith(
      { platform: 'mastodon', status_class: 'server_error', since: null, until: null },
      0,
      50,
    );
  });

  it('says when filters match nothing', async () => {
    ipcMock.activityLog.mockImplementation(async (q: ActivityQuery, page: number, size: number) =>
      q.status_class ? { entries: [], total: 0, page, page_size: size } : { entries: [row(0)], total: 1, page, page_size: size },
    );
    const user = userEvent.setup();
    render(ActivityLogCard);
    await screen.findByTestId('activity-range');
    await user.selectOptions(screen.getByTestId('activity-filter-status'), 'network_error');
    expect(await screen.findByTestId('activity-no-match')).toBeInTheDocument();
    expect(screen.queryByTestId('activity-empty')).toBeNull();
  });

  it('shows an error with a retry', async () => {
    ipcMock.activityLog.mockRejectedValueOnce(new AppError('database', 'database is locked'));
    fakeLog(0);
    const user = userEvent.setup();
    render(ActivityLogCard);
    const error = await screen.findByTestId('activity-error');
    expect(error).toHaveTextContent('database is locked');
    await user.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('activity-empty')).toBeInTheDocument();
  });
});
