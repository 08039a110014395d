import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const today = new Date().toISOString().slice(0, 10);

const fake = vi.hoisted(() => ({
  opened: [] as string[],
  resolved: [] as [string, unknown][],
  problem: 'The comment was refused (duplicate content).' as string | null,
  /** Calls of the month query; while `hang`, it never answers. */
  calendarCalls: 0,
  hang: false,
  queries: [] as unknown[],
}));

vi.mock('$lib/ipc', async (importOriginal) => {
  const original = await importOriginal<typeof import('$lib/ipc')>();
  return { ...original, isPreview: () => false, ipc: { ...original.ipc, channels: async () => [] } };
});

vi.mock('$lib/ipc/posts', () => ({
  posts: {
    timeZone: async () => 'UTC',
    calendar: async (query: unknown) => {
      fake.calendarCalls++;
      fake.queries.push(query);
      if (fake.hang) return new Promise(() => {});
      return {
      time_zone: 'UTC',
      items: [
        {
          id: 'p1',
          status: 'published',
          scheduled_at: Date.now(),
          local_time: `${today}T09:00`,
          time_zone: null,
          excerpt: 'Launch day',
          channels: [{ id: 'c1', platform: 'mastodon', name: '@me' }],
          job_states: ['published'],
          media_count: 0,
          first_media_id: null,
          first_media_kind: null,
          campaign_id: null,
          day_total: 1,
          mark: null,
          handed_off: false,
        },
      ],
      };
    },
    onChanged: async () => () => {},
    needsAttentionPage: async () => ({ items: [], total: 0 }),
    open: async (id: string) => {
      fake.opened.push(id);
      return {
        detail: {
          post: { id },
          media_count: 0,
          targets: [
            { target_id: 't1', channel_id: 'c1', platform: 'mastodon', channel_name: '@me', native_scheduling: false, job: { id: 'j1' }, attempts: [], parts: [], comment_problem: fake.problem },
            { target_id: 't2', channel_id: 'c2', platform: 'bluesky', channel_name: '@me.bsky', native_scheduling: false, job: { id: 'j2' }, attempts: [], parts: [], comment_problem: null },
          ],
        },
      };
    },
    resolve: async (jobId: string, action: unknown) => {
      fake.resolved.push([jobId, action]);
      fake.problem = null;
      return {};
    },
  },
}));

vi.mock('$lib/ipc/analytics', () => ({ analyticsIpc: { postNumbers: async () => [] } }));
vi.mock('../approvals/api', () => ({ approvals: { forPost: async () => null, latest: async () => null } }));
vi.mock('$lib/ipc/workspace', async (importOriginal) => {
  const original = await importOriginal<typeof import('$lib/ipc/workspace')>();
  return { ...original, workspace: { ...original.workspace, tags: async () => [], campaigns: async () => [] } };
});

import CalendarPage from './CalendarPage.svelte';
import { openingQuery, prefetchCalendar } from './prefetch';

// First in this file: the calendar keeps what it last showed in its module, so only its first mount
// here starts from nothing, as it does when the app opens.
describe('CalendarPage opening on the month asked for at start', () => {
  it('takes the month asked for at start, and asks itself the same query when opened again', async () => {
    fake.hang = false;
    fake.queries = [];
    prefetchCalendar();
    expect(fake.calendarCalls).toBe(1);
    const first = render(CalendarPage);
    expect(await screen.findByText('Launch day')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.calendarCalls).toBe(1);
    first.unmount();

    render(CalendarPage);
    await waitFor(() => expect(fake.calendarCalls).toBe(2));
    expect(fake.queries[1]).toEqual(fake.queries[0]);
    expect(fake.queries[0]).toEqual(openingQuery(today));
  });
});

describe('CalendarPage: a published post whose first comment failed', () => {
  it('reads that post alone and offers a retry of the comment only', async () => {
    render(CalendarPage);
    await userEvent.click(await screen.findByText('Launch day'));
    const problem = await screen.findByTestId('comment-problem');
    expect(problem.textContent).toContain('@me: published; first comment failed.');
    expect(problem.textContent).toContain('duplicate content');
    expect(screen.getAllByTestId('comment-problem')).toHaveLength(1);
    expect(fake.opened).toEqual(['p1']);

    await userEvent.click(screen.getByTestId('comment-retry'));
    expect(fake.resolved).toEqual([['j1', { action: 'retry_comment' }]]);
    await waitFor(() => expect(screen.queryByTestId('comment-problem')).toBeNull());
  });
});

describe('CalendarPage opened again', () => {
  it('draws the month it last showed before the core answers, and asks the core again', async () => {
    fake.hang = false;
    const first = render(CalendarPage);
    await screen.findByText('Launch day');
    first.unmount();
    const before = fake.calendarCalls;
    fake.hang = true;
    render(CalendarPage);
    expect(await screen.findByText('Launch day')).toBeTruthy();
    expect(screen.getByTestId('calendar-month')).toBeTruthy();
    await waitFor(() => expect(fake.calendarCalls).toBe(before + 1));
    fake.hang = false;
  });
});
