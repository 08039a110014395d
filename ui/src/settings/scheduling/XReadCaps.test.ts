import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const inboxMock = vi.hoisted(() => ({ xReadUsage: vi.fn(), setXReadCap: vi.fn() }));
vi.mock('$lib/ipc/inbox', () => ({ inboxIpc: inboxMock }));

import { AppError } from '$lib/ipc';
import XReadCaps from './XReadCaps.svelte';
import { capField, parseCap } from './scheduling';

const usage = (over = {}) => ({
  per_sync: 300,
  per_month: null,
  month: '2026-12',
  month_reads: 151,
  month_cost: '$0.760',
  prices: 'X pay-per-use: $0.005 per post read, $0.010 per DM event read (https://docs.x.com/x-api/getting-started/pricing)',
  ...over,
});

describe('X read caps in Settings', () => {
  beforeEach(() => {
    inboxMock.xReadUsage.mockReset();
    inboxMock.setXReadCap.mockReset();
  });

  it('parses a cap field: empty is no cap, a whole number is sent as it is for the core to judge', () => {
    expect(parseCap('')).toEqual({ ok: true, value: null });
    expect(parseCap(' 5,000 ')).toEqual({ ok: true, value: 5000 });
    expect(parseCap('50')).toEqual({ ok: true, value: 50 });
    expect(parseCap('1.5')).toMatchObject({ ok: false });
    expect(parseCap('-3')).toMatchObject({ ok: false });
    expect(capField(null)).toBe('');
    expect(capField(300)).toBe('300');
  });

  it('shows the caps with the month’s reads and cost, and saves through the core', async () => {
    inboxMock.xReadUsage.mockResolvedValueOnce(usage()).mockResolvedValueOnce(usage({ per_month: 5000 }));
    inboxMock.setXReadCap.mockResolvedValue({ per_sync: 300, per_month: 5000 });
    render(XReadCaps);
    const sync = (await screen.findByTestId('settings-x-read-cap-sync')) as HTMLInputElement;
    const month = screen.getByTestId('settings-x-read-cap-month') as HTMLInputElement;
    expect(sync.value).toBe('300');
    expect(month.value).toBe('');
    expect(screen.getByTestId('settings-x-read-usage').textContent).toMatch(/This month \(2026-12\): 151 reads, about \$0\.760/);
    await userEvent.type(month, '5000');
    await userEvent.click(screen.getByTestId('settings-x-read-cap-save'));
    await waitFor(() => expect(inboxMock.setXReadCap).toHaveBeenCalledWith({ per_sync: 300, per_month: 5000 }));
    await waitFor(() => expect(screen.getByTestId('settings-x-read-usage').textContent).toMatch(/of a 5,000-read cap/));
  });

  it('shows the core’s refusal of a cap below one page, keeping what was typed', async () => {
    inboxMock.xReadUsage.mockResolvedValue(usage({ per_sync: null }));
    inboxMock.setXReadCap.mockRejectedValue(new AppError('invalid_input', 'An X read cap is at least 100 (one page of reads); 50 is too small.'));
    render(XReadCaps);
    const sync = (await screen.findByTestId('settings-x-read-cap-sync')) as HTMLInputElement;
    await userEvent.type(sync, '50');
    await userEvent.click(screen.getByTestId('settings-x-read-cap-save'));
    expect((await screen.findByTestId('settings-x-read-cap-error')).textContent).toMatch(/at least 100/);
    expect(sync.value).toBe('50');
  });
});
