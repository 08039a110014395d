import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { CoreStatus, DeepLinkEvent } from '$lib/ipc';

const fake = vi.hoisted(() => ({
  status: { ready: true, error: null } as CoreStatus,
  pending: [] as DeepLinkEvent[],
  listener: null as ((e: DeepLinkEvent) => void) | null,
}));

vi.mock('$lib/ipc', async (importOriginal) => {
  const original = await importOriginal<typeof import('$lib/ipc')>();
  return {
    ...original,
    isPreview: () => false,
    ipc: {
      coreStatus: async () => fake.status,
      takeDeepLinks: async () => fake.pending.splice(0),
      onDeepLink: async (cb: (e: DeepLinkEvent) => void) => {
        fake.listener = cb;
        return () => (fake.listener = null);
      },
      about: async () => {
        throw new original.AppError('core_unavailable', 'not in this test');
      },
      revealDataDir: async () => {},
      channels: async () => [],
      onChannelsChanged: async () => () => {},
    },
  };
});

vi.mock('$lib/ipc/posts', () => ({
  posts: {
    timeZone: async () => 'UTC',
    calendar: async () => ({ time_zone: 'UTC', items: [] }),
    onChanged: async () => () => {},
    onFileDrop: async () => () => {},
    autosaved: async () => null,
    needsAttentionPage: async () => ({ items: [], total: 0 }),
  },
}));

vi.mock('$lib/ipc/updates', () => ({
  updates: {
    onboardingNeeded: async () => false,
    onboardingStatus: async () => null,
    onProgress: async () => () => {},
    onChecked: async () => () => {},
  },
}));

vi.mock('$lib/ipc/workspace', async (importOriginal) => {
  const original = await importOriginal<typeof import('$lib/ipc/workspace')>();
  return { ...original, workspace: { ...original.workspace, tags: async () => [], campaigns: async () => [] } };
});

import App from './App.svelte';
import { toasts } from '$lib/design/toast.svelte';

describe('App', () => {
  // Pages other than the calendar are separate chunks loaded when first opened (lazyPages); in the
  // app that takes milliseconds, under vitest a first import is transformed on the spot: load them
  // once up front so the tests wait for the page, not for the transform.
  beforeAll(async () => {
    await Promise.all([
      import('../board/BoardPage.svelte'),
      import('../composer/ComposePage.svelte'),
      import('../inbox/InboxPage.svelte'),
      import('../analytics/AnalyticsPage.svelte'),
      import('../channels/ChannelsPage.svelte'),
      import('../settings/SettingsPage.svelte'),
    ]);
  }, 60_000);

  beforeEach(() => {
    history.replaceState(null, '', '#/calendar');
    fake.status = { ready: true, error: null };
    fake.pending = [];
    fake.listener = null;
  });
  afterEach(() => toasts.clear());

  it('shows the designed core error screen when the core did not open', async () => {
    fake.status = { ready: false, error: { code: 'database_corrupt', message: 'file is not a database' } };
    render(App);
    const screenEl = await screen.findByTestId('core-error');
    expect(screenEl).toHaveTextContent('file is not a database');
    expect(screenEl).toHaveTextContent('database_corrupt');
    expect(screenEl).toHaveTextContent('Outpost did not change anything');
    expect(screen.queryByTestId('nav-calendar')).toBeNull();
  });

  it('renders the frame with the calendar by default and navigates with shortcuts', async () => {
    const user = userEvent.setup();
    render(App);
    const page = await screen.findByTestId('page-calendar');
    expect(page.querySelector('h1')).toHaveTextContent('Calendar');
    expect(await screen.findByTestId('empty-state')).toBeInTheDocument();

    await user.keyboard('{Control>}3{/Control}');
    expect(await screen.findByTestId('page-compose')).toBeInTheDocument();
    expect(location.hash).toBe('#/compose');
    expect(screen.getByTestId('nav-compose')).toHaveAttribute('aria-current', 'page');

    await user.keyboard('gs');
    expect(await screen.findByTestId('page-settings')).toBeInTheDocument();
    expect(location.hash).toBe('#/settings/about');

    await user.keyboard('?');
    expect(await screen.findByTestId('shortcuts-dialog')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('shortcuts-dialog')).toBeNull();
  });

  it('follows deep links that were pending and that arrive later; refused links toast', async () => {
    fake.pending = [{ action: { kind: 'open', page: 'analytics' }, error: null }];
    render(App);
    expect(await screen.findByTestId('page-analytics')).toBeInTheDocument();

    await vi.waitFor(() => expect(fake.listener).not.toBeNull());
    fake.listener?.({ action: { kind: 'open', page: 'channels' }, error: null });
    expect(await screen.findByTestId('page-channels')).toBeInTheDocument();

    fake.listener?.({ action: null, error: { code: 'invalid_deep_link', message: 'Unknown page: foo' } });
    const toast = await screen.findByTestId('toast');
    expect(toast).toHaveTextContent('Unknown page: foo');
  });
});
