import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const mocks = vi.hoisted(() => ({
  tiktokCreatorInfo: vi.fn(),
  pinterestBoards: vi.fn(),
}));

vi.mock('$lib/ipc/posts', () => ({ posts: mocks }));

import type { JsonValue } from '$lib/ipc/bindings';
import TargetOptions from './TargetOptions.svelte';

afterEach(() => vi.clearAllMocks());

describe('TargetOptions', () => {
  it('TikTok: privacy only from the creator’s options, no default; switches greyed where the creator turned them off', async () => {
    mocks.tiktokCreatorInfo.mockResolvedValue({
      nickname: 'Lumen',
      username: 'lumen',
      privacy_options: ['followers', 'only_me'],
      comment_disabled: false,
      duet_disabled: true,
      stitch_disabled: false,
      max_video_post_duration_sec: 600,
    });
    const onchange = vi.fn<(patch: { options?: JsonValue; native_scheduling?: boolean }) => void>();
    render(TargetOptions, { channelId: 't1', platform: 'tiktok', options: null, nativeScheduling: false, editable: true, onchange });
    await waitFor(() => expect(screen.getByTestId('option-disable_duet')).toBeDisabled());
    const select = screen.getByTestId<HTMLSelectElement>('option-privacy');
    expect(select.value).toBe('');
    const values = [...select.options].map((o) => o.value);
    expect(values).toEqual(['', 'followers', 'only_me']);
    expect(screen.getByTestId('option-disable_comment')).toBeEnabled();
    await userEvent.selectOptions(select, 'only_me');
    expect(onchange).toHaveBeenLastCalledWith({ options: { visibility: 'only_me' } });
    expect(screen.queryByTestId('option-native-scheduling')).toBeNull();
  });

  it('Pinterest: the board picker lists the account’s boards', async () => {
    mocks.pinterestBoards.mockResolvedValue([
      { id: 'b1', name: 'Bikes', privacy: 'PUBLIC' },
      { id: 'b2', name: 'Coffee', privacy: 'SECRET' },
    ]);
    const onchange = vi.fn<(patch: { options?: JsonValue; native_scheduling?: boolean }) => void>();
    render(TargetOptions, { channelId: 'p1', platform: 'pinterest', options: null, nativeScheduling: false, editable: true, onchange });
    const select = screen.getByTestId<HTMLSelectElement>('option-board');
    await waitFor(() => expect(select).toBeEnabled());
    await userEvent.selectOptions(select, 'b2');
    expect(onchange).toHaveBeenLastCalledWith({ options: { board_id: 'b2' } });
  });

  it('YouTube: the native scheduling switch', async () => {
    const onchange = vi.fn<(patch: { options?: JsonValue; native_scheduling?: boolean }) => void>();
    render(TargetOptions, { channelId: 'y1', platform: 'youtube', options: null, nativeScheduling: false, editable: true, onchange });
    await userEvent.click(screen.getByTestId('option-native-scheduling'));
    expect(onchange).toHaveBeenLastCalledWith({ native_scheduling: true });
  });
});
