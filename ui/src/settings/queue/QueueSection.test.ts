import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const mocks = vi.hoisted(() => ({
  channels: vi.fn(),
  postingSlots: vi.fn(),
  addPostingSlot: vi.fn(),
  removePostingSlot: vi.fn(),
  setPostingSlots: vi.fn(),
  nextFreeSlot: vi.fn(),
}));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  ipc: { channels: mocks.channels },
  isPreview: () => false,
}));
vi.mock('$lib/ipc/slotsCsv', () => ({
  slotsCsvIpc: {
    postingSlots: mocks.postingSlots,
    addPostingSlot: mocks.addPostingSlot,
    removePostingSlot: mocks.removePostingSlot,
    setPostingSlots: mocks.setPostingSlots,
    nextFreeSlot: mocks.nextFreeSlot,
  },
}));

import { AppError, type ChannelView } from '$lib/ipc';
import type { PostingSlotView } from '$lib/ipc/slotsCsv';
import QueueSection from './QueueSection.svelte';

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

const slot = (id: string, weekday: number, local_time: string): PostingSlotView => ({
  id,
  channel_id: 'c1',
  weekday,
  local_time,
  time_zone: 'Europe/Berlin',
});

beforeEach(() => {
  mocks.channels.mockResolvedValue([channel]);
  mocks.postingSlots.mockResolvedValue([slot('s1', 1, '09:00'), slot('s2', 1, '17:30')]);
  mocks.nextFreeSlot.mockResolvedValue({
    at: 0,
    time_zone: 'Europe/Berlin',
    local_time: '2030-03-25T09:00:00',
    slot_time: '09:00',
    channel_ids: ['c1'],
  });
});

afterEach(() => vi.clearAllMocks());

describe('the posting-times editor', () => {
  it('shows the week with its chips, the zone and the next free slot', async () => {
    render(QueueSection);
    await screen.findByTestId('queue-slot-1-0900');
    expect(within(screen.getByTestId('queue-day-1')).getAllByRole('listitem')).toHaveLength(2);
    expect(screen.getByTestId('queue-summary').textContent).toContain('2 posting times a week · times in Europe/Berlin');
    await waitFor(() => expect(screen.getByTestId('queue-next-slot').textContent).toContain('Mon 25 Mar, 09:00'));
    expect(mocks.nextFreeSlot).toHaveBeenCalledWith(['c1']);
  });

  it('adds a typed time, refuses a bad or doubled one in place, and removes a chip', async () => {
    const user = userEvent.setup();
    mocks.addPostingSlot.mockResolvedValue(slot('s3', 3, '19:45'));
    render(QueueSection);
    await screen.findByTestId('queue-slot-1-0900');

    await user.click(screen.getByTestId('queue-add-3'));
    await user.type(screen.getByTestId('queue-add-input-3'), '25:00{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Use a time such as');
    expect(mocks.addPostingSlot).not.toHaveBeenCalled();

    await user.clear(screen.getByTestId('queue-add-input-3'));
    await user.type(screen.getByTestId('queue-add-input-3'), '7:45 pm{Enter}');
    await screen.findByTestId('queue-slot-3-1945');
    expect(mocks.addPostingSlot).toHaveBeenCalledWith('c1', { weekday: 3, local_time: '19:45' });

    await user.click(screen.getByTestId('queue-add-1'));
    await user.type(screen.getByTestId('queue-add-input-1'), '9{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('09:00 is already on this day');

    await user.click(screen.getByRole('button', { name: 'Remove Monday 17:30' }));
    await waitFor(() => expect(screen.queryByTestId('queue-slot-1-1730')).toBeNull());
    expect(mocks.removePostingSlot).toHaveBeenCalledWith('s2');
  });

  it('copies Monday to the weekdays in one call', async () => {
    const user = userEvent.setup();
    mocks.setPostingSlots.mockImplementation(async (_id: string, slots: { weekday: number; local_time: string }[]) =>
      slots.map((s, i) => slot(`n${i}`, s.weekday, s.local_time)),
    );
    render(QueueSection);
    await screen.findByTestId('queue-slot-1-0900');
    await user.click(screen.getByTestId('queue-copy-weekdays'));
    await screen.findByTestId('queue-slot-5-1730');
    const sent = mocks.setPostingSlots.mock.calls[0]?.[1] as { weekday: number }[];
    expect(sent).toHaveLength(10);
  });

  it('says so when there is no channel, and shows a core error', async () => {
    mocks.channels.mockResolvedValueOnce([]);
    const { unmount } = render(QueueSection);
    expect(await screen.findByText('No channels yet')).toBeInTheDocument();
    unmount();
    mocks.channels.mockRejectedValueOnce(new AppError('database', 'The database is locked.'));
    render(QueueSection);
    expect(await screen.findByTestId('queue-error')).toHaveTextContent('The database is locked.');
  });
});
