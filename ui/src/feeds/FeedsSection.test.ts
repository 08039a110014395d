import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const mocks = vi.hoisted(() => ({
  channels: vi.fn(),
  feeds: vi.fn(),
  addFeed: vi.fn(),
  pollFeeds: vi.fn(),
  previewFeed: vi.fn(),
  setFeedPaused: vi.fn(),
  removeFeed: vi.fn(),
  feedItems: vi.fn(),
  onFeedsChanged: vi.fn(),
  updateFeed: vi.fn(),
}));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  ipc: { channels: mocks.channels },
  isPreview: () => false,
}));
vi.mock('$lib/ipc/automation', () => ({
  automationIpc: {
    feeds: mocks.feeds,
    addFeed: mocks.addFeed,
    pollFeeds: mocks.pollFeeds,
    previewFeed: mocks.previewFeed,
    setFeedPaused: mocks.setFeedPaused,
    removeFeed: mocks.removeFeed,
    feedItems: mocks.feedItems,
    onFeedsChanged: mocks.onFeedsChanged,
    updateFeed: mocks.updateFeed,
  },
}));

import { AppError, type ChannelView } from '$lib/ipc';
import type { FeedView } from '$lib/ipc/automation';
import FeedsSection from './FeedsSection.svelte';

const channel = {
  id: 'c1',
  platform: 'mastodon',
  instance_url: 'https://example.social',
  platform_account_id: '1',
  kind: 'profile',
  display_name: 'Ada Studio',
  handle: 'ada@example.social',
  avatar_url: null,
  scopes: [],
  status: 'connected',
  status_reason: null,
  token_expires_at: null,
  connected_at: 0,
  updated_at: 0,
} as unknown as ChannelView;

const feed = (over: Partial<FeedView> = {}): FeedView => ({
  id: 'f1',
  url: 'https://blog.example/feed.xml',
  title: 'Roaster blog',
  channel_ids: ['c1'],
  mode: 'draft',
  template: '{{title}} {{link}}',
  include_keywords: [],
  exclude_keywords: [],
  backfill_limit: 1,
  poll_every_minutes: 30,
  paused: false,
  last_status: 'ok',
  last_error: null,
  last_polled_at: 0,
  next_poll_at: 0,
  items_seen: 3,
  created_at: 0,
  ...over,
});

let feedsChanged: ((e: { feed_ids: string[] }) => void) | null = null;

beforeEach(() => {
  mocks.onFeedsChanged.mockImplementation(async (handler: (e: { feed_ids: string[] }) => void) => {
    feedsChanged = handler;
    return () => {
      feedsChanged = null;
    };
  });
  mocks.channels.mockResolvedValue([channel]);
  mocks.feeds.mockResolvedValue([]);
  mocks.pollFeeds.mockResolvedValue({ feeds: [{ feed_id: 'f2', url: '', status: 'ok', error: null, items: [] }], posts_created: 1 });
});

afterEach(() => vi.clearAllMocks());

describe('the Feeds section', () => {
  it('shows the empty state, then adds a feed with the form’s values and reads it at once', async () => {
    const user = userEvent.setup();
    render(FeedsSection);
    await user.click(await screen.findByTestId('feeds-add'));
    // Client-side checks first: a bad address and an unknown variable are named, nothing is sent.
    await user.type(screen.getByTestId('feeds-url'), 'blog.example');
    await user.type(screen.getByTestId('feeds-template'), '{{{{title}} by {{{{author}}');
    await user.click(screen.getByTestId('feeds-save'));
    expect(await screen.findByText(/starts with http/)).toBeInTheDocument();
    expect(screen.getByText(/\{\{author\}\} is not a feed variable/)).toBeInTheDocument();
    expect(mocks.addFeed).not.toHaveBeenCalled();

    await user.clear(screen.getByTestId('feeds-url'));
    await user.type(screen.getByTestId('feeds-url'), 'https://blog.example/feed.xml');
    await user.clear(screen.getByTestId('feeds-template'));
    await user.type(screen.getByTestId('feeds-template'), '{{{{title}}: {{{{link}}');
    await user.type(screen.getByTestId('feeds-include'), 'espresso, beans');
    await user.selectOptions(screen.getByTestId('feeds-mode'), 'queue');
    mocks.addFeed.mockResolvedValue(feed({ id: 'f2', last_status: 'new', mode: 'queue' }));
    mocks.feeds.mockResolvedValue([feed({ id: 'f2', mode: 'queue' })]);
    await user.click(screen.getByTestId('feeds-save'));
    await waitFor(() => expect(mocks.addFeed).toHaveBeenCalledTimes(1));
    expect(mocks.addFeed).toHaveBeenCalledWith({
      url: 'https://blog.example/feed.xml',
      channel_ids: ['c1'],
      mode: 'queue',
      template: '{{title}}: {{link}}',
      include_keywords: ['espresso', 'beans'],
      exclude_keywords: [],
      backfill_limit: 1,
      poll_every_minutes: null,
    });
    await waitFor(() => expect(mocks.pollFeeds).toHaveBeenCalledWith('f2'));
    expect(await screen.findByTestId('feed-f2')).toHaveTextContent('Roaster blog');
  });

  it('shows a feed’s problem and its history', async () => {
    const user = userEvent.setup();
    mocks.feeds.mockResolvedValue([feed({ last_status: 'error', last_error: 'this address is a web page, not a feed' })]);
    mocks.feedItems.mockResolvedValue([
      { id: 'i1', feed_id: 'f1', item_key: 'g1', link: 'https://blog.example/1', title: 'First', published_at: null, outcome: 'draft', post_id: 'p1', message: null, seen_at: 0 },
      { id: 'i2', feed_id: 'f1', item_key: 'g2', link: null, title: 'Second', published_at: null, outcome: 'failed', post_id: null, message: 'the item has no value for {{link}}', seen_at: 0 },
    ]);
    render(FeedsSection);
    expect(await screen.findByTestId('feed-error-f1')).toHaveTextContent('web page, not a feed');
    expect(screen.getByTestId('feed-f1')).toHaveTextContent('Problem');
    await user.click(screen.getByTestId('feed-history-f1'));
    await waitFor(() => expect(screen.getAllByTestId('feed-item')).toHaveLength(2));
    expect(screen.getByTestId('feed-items-f1')).toHaveTextContent('Not posted');
    expect(screen.getByTestId('feed-items-f1')).toHaveTextContent('no value for {{link}}');
  });

  it('previews items, pauses and removes (after a confirmation)', async () => {
    const user = userEvent.setup();
    mocks.feeds.mockResolvedValue([feed()]);
    mocks.previewFeed.mockResolvedValue({
      title: 'Preview blog',
      items: [
        { key: 'a', title: 'Espresso guide', link: 'https://b/1', published_at: null, seen: false, text: 'Espresso guide https://b/1', problem: null },
        { key: 'b', title: 'Sale', link: 'https://b/2', published_at: null, seen: false, text: null, problem: 'skipped: contains the excluded keyword "sale"' },
      ],
    });
    mocks.setFeedPaused.mockResolvedValue(feed({ paused: true }));
    render(FeedsSection);
    await user.click(await screen.findByTestId('feed-pause-f1'));
    await waitFor(() => expect(screen.getByTestId('feed-f1')).toHaveTextContent('Paused'));
    expect(mocks.setFeedPaused).toHaveBeenCalledWith('f1', true);

    await user.click(screen.getByTestId('feed-remove-f1'));
    expect(mocks.removeFeed).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('feed-remove-f1'));
    await waitFor(() => expect(mocks.removeFeed).toHaveBeenCalledWith('f1'));
    await waitFor(() => expect(screen.queryByTestId('feed-f1')).not.toBeInTheDocument());

    await user.click(screen.getByTestId('feeds-add'));
    await user.type(screen.getByTestId('feeds-url'), 'https://b/feed');
    await user.click(screen.getByTestId('feeds-preview'));
    await waitFor(() => expect(screen.getAllByTestId('feeds-preview-item')).toHaveLength(2));
    expect(screen.getByTestId('feeds-preview-list')).toHaveTextContent('excluded keyword');
  });

  it('edits a feed with its current settings filled in', async () => {
    const user = userEvent.setup();
    mocks.feeds.mockResolvedValue([feed({ include_keywords: ['espresso'], poll_every_minutes: 60 })]);
    mocks.updateFeed.mockResolvedValue(feed({ title: 'Roaster blog', mode: 'now' }));
    render(FeedsSection);
    await user.click(await screen.findByTestId('feed-edit-f1'));
    expect(screen.getByTestId('feeds-url')).toHaveValue('https://blog.example/feed.xml');
    expect(screen.getByTestId('feeds-include')).toHaveValue('espresso');
    expect(screen.getByTestId('feeds-save')).toHaveTextContent('Save feed');
    await user.selectOptions(screen.getByTestId('feeds-mode'), 'now');
    await user.click(screen.getByTestId('feeds-save'));
    await waitFor(() =>
      expect(mocks.updateFeed).toHaveBeenCalledWith('f1', {
        url: 'https://blog.example/feed.xml',
        channel_ids: ['c1'],
        mode: 'now',
        template: '{{title}} {{link}}',
        include_keywords: ['espresso'],
        exclude_keywords: [],
        backfill_limit: 1,
        poll_every_minutes: 60,
      }),
    );
    await waitFor(() => expect(screen.queryByTestId('feeds-form')).not.toBeInTheDocument());
    expect(screen.getByTestId('feed-f1')).toHaveTextContent('Publish at once');
    expect(mocks.addFeed).not.toHaveBeenCalled();
  });

  it('reloads when the background host read a feed', async () => {
    mocks.feeds.mockResolvedValue([feed({ items_seen: 1 })]);
    render(FeedsSection);
    await screen.findByTestId('feed-f1');
    expect(screen.getByTestId('feed-f1')).toHaveTextContent('1 item seen');
    mocks.feeds.mockResolvedValue([feed({ items_seen: 4, last_status: 'error', last_error: 'the feed did not answer within 20 seconds' })]);
    await waitFor(() => expect(feedsChanged).not.toBeNull());
    feedsChanged?.({ feed_ids: ['f1'] });
    await waitFor(() => expect(screen.getByTestId('feed-f1')).toHaveTextContent('4 items seen'));
    expect(screen.getByTestId('feed-error-f1')).toHaveTextContent('did not answer within 20 seconds');
  });

  it('says so when feeds cannot be loaded', async () => {
    mocks.feeds.mockRejectedValue(new AppError('database', 'The database is locked'));
    render(FeedsSection);
    expect(await screen.findByTestId('feeds-error')).toHaveTextContent('The database is locked');
  });
});
