import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const mocks = vi.hoisted(() => ({
  postEvergreen: vi.fn(),
  setPostEvergreen: vi.fn(),
  clearPostEvergreen: vi.fn(),
}));

vi.mock('$lib/ipc/automation', () => ({ automationIpc: mocks }));

import { AppError } from '$lib/ipc';
import type { EvergreenView } from '$lib/ipc/automation';
import EvergreenSwitch from './EvergreenSwitch.svelte';

const rule = (over: Partial<EvergreenView> = {}): EvergreenView => ({
  post_id: 'p1',
  every_days: 14,
  min_gap_days: 14,
  until_at: null,
  last_at: null,
  next_due_at: Date.UTC(2030, 2, 12, 9, 30),
  last_message: null,
  copies: [],
  ...over,
});

afterEach(() => vi.clearAllMocks());

describe('the evergreen switch', () => {
  it('turns a post evergreen with its interval and end date', async () => {
    const user = userEvent.setup();
    mocks.postEvergreen.mockResolvedValue(null);
    mocks.setPostEvergreen.mockResolvedValue(rule());
    render(EvergreenSwitch, { postId: 'p1' });
    const toggle = await screen.findByTestId('evergreen-switch');
    await waitFor(() => expect(toggle).not.toBeDisabled());
    expect(screen.queryByTestId('evergreen-every')).not.toBeInTheDocument();
    await user.click(toggle);
    await user.clear(screen.getByTestId('evergreen-every'));
    await user.type(screen.getByTestId('evergreen-every'), '0');
    await user.click(screen.getByTestId('evergreen-save'));
    expect(screen.getByTestId('evergreen-error')).toHaveTextContent('1 to 3650');
    expect(mocks.setPostEvergreen).not.toHaveBeenCalled();
    await user.clear(screen.getByTestId('evergreen-every'));
    await user.type(screen.getByTestId('evergreen-every'), '14');
    await user.click(screen.getByTestId('evergreen-save'));
    await waitFor(() => expect(mocks.setPostEvergreen).toHaveBeenCalledWith('p1', { every_days: 14, until: null, min_gap_days: null }));
    expect(await screen.findByTestId('evergreen-summary')).toHaveTextContent('Every 14 days');
  });

  it('shows an existing rule with its note, and turns it off', async () => {
    const user = userEvent.setup();
    mocks.postEvergreen.mockResolvedValue(rule({ last_message: 'X refuses duplicate text and no AI provider is configured' }));
    mocks.clearPostEvergreen.mockResolvedValue(true);
    render(EvergreenSwitch, { postId: 'p1' });
    expect(await screen.findByTestId('evergreen-note')).toHaveTextContent('X refuses duplicate text');
    expect(screen.getByTestId('evergreen-switch')).toBeChecked();
    await user.click(screen.getByTestId('evergreen-switch'));
    await waitFor(() => expect(mocks.clearPostEvergreen).toHaveBeenCalledWith('p1'));
    await waitFor(() => expect(screen.queryByTestId('evergreen-every')).not.toBeInTheDocument());
  });

  it('shows a refusal from the core', async () => {
    const user = userEvent.setup();
    mocks.postEvergreen.mockResolvedValue(null);
    mocks.setPostEvergreen.mockRejectedValue(new AppError('invalid_input', 'the end date has already passed; choose a later one'));
    render(EvergreenSwitch, { postId: 'p1' });
    const toggle = await screen.findByTestId('evergreen-switch');
    await waitFor(() => expect(toggle).not.toBeDisabled());
    await user.click(toggle);
    await user.click(screen.getByTestId('evergreen-save'));
    expect(await screen.findByTestId('evergreen-error')).toHaveTextContent('end date has already passed');
  });
});
