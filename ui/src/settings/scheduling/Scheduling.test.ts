import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const ipcMock = vi.hoisted(() => ({
  scheduling: vi.fn(),
  timeZones: vi.fn(),
  setPublishingPaused: vi.fn(),
  setTimeZone: vi.fn(),
  setMissedGraceMinutes: vi.fn(),
  setDesktopPrefs: vi.fn(),
  setStartAtLogin: vi.fn(),
  onSchedulingChanged: vi.fn(),
  onSchedulerActivity: vi.fn(),
}));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  ipc: ipcMock,
  isPreview: () => false,
}));

import { AppError, type SchedulingView } from '$lib/ipc';
import SchedulingSection from './SchedulingSection.svelte';
import { checkGrace, filterZones, graceLabel, nextPostTime, statusBadge, zoneOffset } from './scheduling';

const ZONES = ['America/New_York', 'Asia/Tokyo', 'Europe/Berlin', 'Europe/London', 'Pacific/Auckland', 'UTC'];

function view(over: Partial<SchedulingView> = {}): SchedulingView {
  return {
    host: { state: 'running' },
    status_line: 'Running — nothing scheduled',
    paused: false,
    missed_grace_minutes: 30,
    time_zone: 'Europe/Berlin',
    system_time_zone: 'Europe/Berlin',
    prefs: { notifications: true, close_to_tray: true, inbox_notifications: true },
    start_at_login: false,
    next_post: null,
    native_schedule_default: false,
    ...over,
  };
}

describe('scheduling helpers', () => {
  it('accepts whole minutes from 0 to 7 days', () => {
    expect(checkGrace('30')).toEqual({ ok: true, minutes: 30 });
    expect(checkGrace(' 0 ')).toEqual({ ok: true, minutes: 0 });
    expect(checkGrace('10080')).toEqual({ ok: true, minutes: 10080 });
    expect(checkGrace('10081')).toMatchObject({ ok: false, error: expect.stringContaining('7 days') });
    expect(checkGrace('-5')).toMatchObject({ ok: false, error: expect.stringContaining('negative') });
    expect(checkGrace('1.5')).toMatchObject({ ok: false, error: expect.stringContaining('whole minutes') });
    expect(checkGrace('')).toMatchObject({ ok: false });
  });

  it('describes grace periods in words', () => {
    expect(graceLabel(30)).toBe('30 minutes');
    expect(graceLabel(60)).toBe('1 hour');
    expect(graceLabel(150)).toBe('2 hours 30 minutes');
    expect(graceLabel(1440)).toBe('1 day');
    expect(graceLabel(0)).toContain('held');
  });

  it('finds zones by city, with spaces for underscores, city prefixes first', () => {
    expect(filterZones(ZONES, 'new york')).toEqual(['America/New_York']);
    expect(filterZones(ZONES, 'EUROPE')).toEqual(['Europe/Berlin', 'Europe/London']);
    expect(filterZones(['Asia/Tokyo', 'Europe/Tokyo_Lookalike', 'America/Kyoto'], 'to')).toEqual([
      'Asia/Tokyo',
      'Europe/Tokyo_Lookalike',
      'America/Kyoto',
    ]);
    expect(filterZones(ZONES, 'nowhere')).toEqual([]);
    expect(filterZones(ZONES, 'e', 2)).toHaveLength(2);
  });

  it('gives offsets and next-post times in the chosen zone', () => {
    const winter = new Date('2026-12-03T09:00:00Z');
    expect(zoneOffset('Europe/Berlin', winter)).toBe('UTC+01:00');
    expect(zoneOffset('UTC', winter)).toBe('UTC+00:00');
    expect(zoneOffset('Not/AZone', winter)).toBe('');
    const next = { post_id: 'p', due_at: winter.getTime(), excerpt: 'x', channels: 1 };
    expect(nextPostTime(next, 'Europe/Berlin')).toContain('10:00');
    expect(nextPostTime(next, 'Asia/Tokyo')).toContain('18:00');
  });

  it('badges who publishes and whether it is paused', () => {
    expect(statusBadge({ state: 'running' }, false)).toEqual({ label: 'Running', tone: 'success' });
    expect(statusBadge({ state: 'running' }, true)).toEqual({ label: 'Paused', tone: 'warning' });
    expect(statusBadge({ state: 'elsewhere', owner: 'pid 1' }, false).label).toBe('Another process');
    expect(statusBadge({ state: 'failed', message: 'x' }, false).tone).toBe('danger');
  });
});

describe('SchedulingSection', () => {
  beforeEach(() => {
    ipcMock.scheduling.mockResolvedValue(view());
    ipcMock.timeZones.mockResolvedValue(ZONES);
    ipcMock.onSchedulingChanged.mockResolvedValue(() => {});
    ipcMock.onSchedulerActivity.mockResolvedValue(() => {});
  });
  afterEach(() => vi.clearAllMocks());

  it('shows the status, the zone, the grace period and the toggles', async () => {
    render(SchedulingSection);
    expect(screen.getByTestId('scheduling-loading')).toBeInTheDocument();
    expect(await screen.findByTestId('scheduling-status')).toHaveTextContent('Running — nothing scheduled');
    expect(screen.getByTestId('scheduling-badge')).toHaveTextContent('Running');
    expect(screen.getByTestId('scheduling-next-empty')).toBeInTheDocument();
    expect(screen.getByTestId('scheduling-zone')).toHaveTextContent('Europe/Berlin');
    expect(screen.getByTestId('scheduling-grace')).toHaveValue('30');
    expect(screen.getByTestId('scheduling-tray')).toBeChecked();
    expect(screen.getByTestId('scheduling-notifications')).toBeChecked();
    expect(screen.getByTestId('scheduling-autostart')).not.toBeChecked();
    expect(screen.getByRole('switch', { name: 'Notifications' })).toBeInTheDocument();
  });

  it('pauses and resumes publishing through the core', async () => {
    ipcMock.setPublishingPaused.mockResolvedValue(view({ paused: true, status_line: 'Publishing paused' }));
    render(SchedulingSection);
    await userEvent.click(await screen.findByTestId('scheduling-pause'));
    expect(ipcMock.setPublishingPaused).toHaveBeenCalledWith(true);
    expect(await screen.findByText('Resume publishing')).toBeInTheDocument();
    expect(screen.getByTestId('scheduling-status')).toHaveTextContent('Publishing paused');
    expect(screen.getByTestId('scheduling-badge')).toHaveTextContent('Paused');
  });

  it('searches and sets the time zone', async () => {
    ipcMock.setTimeZone.mockResolvedValue(view({ time_zone: 'Asia/Tokyo' }));
    render(SchedulingSection);
    await userEvent.type(await screen.findByTestId('scheduling-zone-search'), 'tok');
    const options = screen.getAllByTestId('scheduling-zone-option');
    expect(options.map((o) => o.textContent?.trim().split(/\s/)[0])).toEqual(['Asia/Tokyo']);
    await userEvent.click(options[0]!);
    expect(ipcMock.setTimeZone).toHaveBeenCalledWith('Asia/Tokyo');
    await waitFor(() => expect(screen.getByTestId('scheduling-zone')).toHaveTextContent('Asia/Tokyo'));
    expect(screen.getByTestId('scheduling-zone-system')).toHaveTextContent('Europe/Berlin');
  });

  it('says when no zone matches', async () => {
    render(SchedulingSection);
    await userEvent.type(await screen.findByTestId('scheduling-zone-search'), 'atlantis');
    expect(screen.getByTestId('scheduling-zone-none')).toHaveTextContent('atlantis');
  });

  it('validates the grace period before asking the core', async () => {
    ipcMock.setMissedGraceMinutes.mockResolvedValue(view({ missed_grace_minutes: 90 }));
    render(SchedulingSection);
    const input = await screen.findByTestId('scheduling-grace');
    await userEvent.clear(input);
    await userEvent.type(input, '99999');
    await userEvent.click(screen.getByTestId('scheduling-grace-save'));
    expect(screen.getByText(/At most 7 days/)).toBeInTheDocument();
    expect(ipcMock.setMissedGraceMinutes).not.toHaveBeenCalled();
    await userEvent.clear(input);
    await userEvent.type(input, '90');
    await userEvent.click(screen.getByTestId('scheduling-grace-save'));
    expect(ipcMock.setMissedGraceMinutes).toHaveBeenCalledWith(90);
    await waitFor(() => expect(screen.getByText(/Now: 1 hour 30 minutes/)).toBeInTheDocument());
  });

  it('toggles notifications and close-to-tray, and start at login', async () => {
    ipcMock.setDesktopPrefs.mockResolvedValue(view({ prefs: { notifications: false, close_to_tray: true, inbox_notifications: true } }));
    ipcMock.setStartAtLogin.mockResolvedValue(view({ start_at_login: true }));
    render(SchedulingSection);
    await userEvent.click(await screen.findByTestId('scheduling-notifications'));
    expect(ipcMock.setDesktopPrefs).toHaveBeenCalledWith({ notifications: false, close_to_tray: true, inbox_notifications: true });
    await waitFor(() => expect(screen.getByTestId('scheduling-notifications')).not.toBeChecked());
    await userEvent.click(screen.getByTestId('scheduling-autostart'));
    expect(ipcMock.setStartAtLogin).toHaveBeenCalledWith(true);
    await waitFor(() => expect(screen.getByTestId('scheduling-autostart')).toBeChecked());
  });

  it('turns inbox notifications off on their own', async () => {
    ipcMock.setDesktopPrefs.mockResolvedValue(view({ prefs: { notifications: true, close_to_tray: true, inbox_notifications: false } }));
    render(SchedulingSection);
    await userEvent.click(await screen.findByTestId('scheduling-inbox-notifications'));
    expect(ipcMock.setDesktopPrefs).toHaveBeenCalledWith({ notifications: true, close_to_tray: true, inbox_notifications: false });
    await waitFor(() => expect(screen.getByTestId('scheduling-inbox-notifications')).not.toBeChecked());
    expect(screen.getByTestId('scheduling-notifications')).toBeChecked();
  });

  it('says another process publishes', async () => {
    ipcMock.scheduling.mockResolvedValue(
      view({
        host: { state: 'elsewhere', owner: 'another Outpost process (pid 9 (outpost)) is already publishing' },
        status_line: 'Publishing is handled by another Outpost process (outpost run)',
      }),
    );
    render(SchedulingSection);
    expect(await screen.findByTestId('scheduling-elsewhere')).toHaveTextContent('Publishing is handled by another Outpost process (outpost run)');
    expect(screen.getByTestId('scheduling-badge')).toHaveTextContent('Another process');
  });

  it('shows the next post in the chosen zone', async () => {
    ipcMock.scheduling.mockResolvedValue(
      view({ next_post: { post_id: 'p', due_at: Date.parse('2026-12-03T09:00:00Z'), excerpt: 'Launch day', channels: 2 } }),
    );
    render(SchedulingSection);
    const next = await screen.findByTestId('scheduling-next');
    expect(next).toHaveTextContent('10:00');
    expect(next).toHaveTextContent('Launch day');
    expect(next).toHaveTextContent('2 channels');
  });

  it('shows a load error with a retry, and a save error', async () => {
    ipcMock.scheduling.mockRejectedValueOnce(new AppError('database', 'disk I/O error'));
    render(SchedulingSection);
    expect(await screen.findByTestId('scheduling-error')).toHaveTextContent('disk I/O error');
    await userEvent.click(screen.getByTestId('scheduling-retry'));
    expect(await screen.findByTestId('scheduling-status')).toBeInTheDocument();
    ipcMock.setStartAtLogin.mockRejectedValueOnce(new AppError('io', 'Start at login could not be turned on: denied'));
    await userEvent.click(screen.getByTestId('scheduling-autostart'));
    expect(await screen.findByTestId('scheduling-action-error')).toHaveTextContent('denied');
  });

  it('disables start at login when the OS setting cannot be read', async () => {
    ipcMock.scheduling.mockResolvedValue(view({ start_at_login: null }));
    render(SchedulingSection);
    expect(await screen.findByTestId('scheduling-autostart')).toBeDisabled();
    expect(screen.getByText(/cannot be read/)).toBeInTheDocument();
  });
});
