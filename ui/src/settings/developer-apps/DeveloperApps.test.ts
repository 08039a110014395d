import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const ipcMock = vi.hoisted(() => ({
  developerApps: vi.fn(),
  saveDeveloperApp: vi.fn(),
  removeDeveloperApp: vi.fn(),
}));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  ipc: ipcMock,
  isPreview: () => false,
}));

import { toasts } from '$lib/design/toast.svelte';
import { AppError, type DeveloperAppView } from '$lib/ipc';
import DeveloperAppsSection from './DeveloperAppsSection.svelte';
import { checkDevApp, devAppStatus, isUnchanged, secretHint } from './devApps';
import { devAppFocus } from './focus.svelte';

function app(platform: DeveloperAppView['platform'], over: Partial<DeveloperAppView> = {}): DeveloperAppView {
  return {
    platform,
    platform_name:
      platform === 'x' ? 'X' : platform === 'tiktok' ? 'TikTok' : platform === 'mastodon' ? 'Mastodon' : platform === 'linkedin' ? 'LinkedIn' : 'YouTube',
    self_registering: false,
    configured: false,
    client_id: null,
    has_client_secret: false,
    secret_required: true,
    secret_allowed: true,
    console_url: 'https://developer.x.com/en/portal/dashboard',
    steps: ['Create a project and an app.', 'Turn on OAuth 2.0 with type "Native App".'],
    redirect_uri: 'http://127.0.0.1:47615/callback/x',
    scopes: ['tweet.read', 'tweet.write', 'offline.access'],
    organization_access: false,
    offers_organization_access: false,
    notes: ['Posting needs the Basic tier or higher.'],
    ...over,
  };
}

describe('devAppStatus', () => {
  it('labels the three states', () => {
    expect(devAppStatus({ self_registering: true, configured: false })).toMatchObject({ label: 'Nothing to set up', value: 'self_registering' });
    expect(devAppStatus({ self_registering: false, configured: true })).toMatchObject({ label: 'Configured', tone: 'success' });
    expect(devAppStatus({ self_registering: false, configured: false })).toMatchObject({ label: 'Not set up', value: 'not_set_up' });
  });
});

describe('checkDevApp', () => {
  const x = app('x');
  it('requires a client id without spaces', () => {
    expect(checkDevApp(x, { clientId: '  ', clientSecret: 's3cret' }).errors.clientId).toMatch(/Enter the client ID from your X developer app/);
    expect(checkDevApp(x, { clientId: 'ab cd', clientSecret: 's3cret' }).errors.clientId).toMatch(/no spaces/);
    expect(checkDevApp(x, { clientId: ' abc ', clientSecret: ' s3cret ' })).toEqual({ values: { clientId: 'abc', clientSecret: 's3cret' }, errors: {} });
  });
  it('requires a secret only when none is saved and the platform needs one', () => {
    expect(checkDevApp(x, { clientId: 'abc', clientSecret: '' }).errors.clientSecret).toBe('Enter the client secret — X requires one.');
    expect(checkDevApp({ ...x, has_client_secret: true }, { clientId: 'abc', clientSecret: '' })).toEqual({
      values: { clientId: 'abc', clientSecret: null },
      errors: {},
    });
    expect(checkDevApp({ ...x, secret_required: false }, { clientId: 'abc', clientSecret: '' }).values).toEqual({ clientId: 'abc', clientSecret: null });
  });
  it('never sends a secret where the platform has none', () => {
    expect(checkDevApp({ ...x, secret_allowed: false, secret_required: false }, { clientId: 'abc', clientSecret: 'stale' }).values).toEqual({
      clientId: 'abc',
      clientSecret: null,
    });
  });
  it('catches the id pasted into the secret field', () => {
    expect(checkDevApp(x, { clientId: 'abc', clientSecret: 'abc' }).errors.clientSecret).toMatch(/That is the client ID/);
  });
  it('explains the secret field', () => {
    expect(secretHint({ ...x, has_client_secret: true })).toBe('A secret is saved — leave empty to keep it.');
    expect(secretHint(x)).toMatch(/^Required/);
    expect(secretHint({ ...x, secret_required: false })).toMatch(/^Optional/);
  });
  it('knows when nothing would change', () => {
    expect(isUnchanged({ configured: true, client_id: 'abc' }, { clientId: 'abc ', clientSecret: '' })).toBe(true);
    expect(isUnchanged({ configured: true, client_id: 'abc' }, { clientId: 'abc', clientSecret: 'new' })).toBe(false);
    expect(isUnchanged({ configured: false, client_id: null }, { clientId: '', clientSecret: '' })).toBe(false);
  });
});

describe('DeveloperAppsSection', () => {
  beforeEach(() => {
    for (const fn of Object.values(ipcMock)) fn.mockReset();
  });
  afterEach(() => toasts.clear());

  it('lists every platform with its status and opens the guide', async () => {
    ipcMock.developerApps.mockResolvedValue([
      app('x'),
      app('youtube', { configured: true, client_id: 'yt-123.apps.googleusercontent.com', has_client_secret: true }),
      app('mastodon', { self_registering: true, steps: [], scopes: [], notes: ['Outpost registers itself per server.'] }),
    ]);
    const user = userEvent.setup();
    render(DeveloperAppsSection);
    expect(await screen.findByTestId('devapp-status-x')).toHaveTextContent('Not set up');
    expect(screen.getByTestId('devapp-status-youtube')).toHaveTextContent('Configured');
    expect(screen.getByTestId('devapp-status-mastodon')).toHaveTextContent('Nothing to set up');
    expect(screen.getByTestId('devapps-summary')).toHaveTextContent('1 configured');

    const toggle = screen.getByTestId('devapp-x');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByTestId('devapp-redirect-x')).toHaveTextContent('http://127.0.0.1:47615/callback/x');
    expect(screen.getByTestId('devapp-console-x')).toHaveTextContent('https://developer.x.com/en/portal/dashboard');
    expect(screen.getByText('Turn on OAuth 2.0 with type "Native App".')).toBeInTheDocument();
    expect(screen.getByText('offline.access')).toBeInTheDocument();
    expect(screen.getByTestId('devapp-notes-x')).toHaveTextContent('Basic tier');
    expect(screen.getByTestId('devapp-client-secret-x')).toHaveAttribute('type', 'password');

    await user.click(screen.getByTestId('devapp-mastodon'));
    expect(screen.queryByTestId('devapp-client-id-mastodon')).toBeNull();
  });

  it('validates inline, then saves and shows the new status', async () => {
    ipcMock.developerApps.mockResolvedValue([app('x')]);
    ipcMock.saveDeveloperApp.mockResolvedValue(app('x', { configured: true, client_id: 'abc', has_client_secret: true }));
    const user = userEvent.setup();
    render(DeveloperAppsSection);
    await user.click(await screen.findByTestId('devapp-x'));
    await user.type(screen.getByTestId('devapp-client-id-x'), 'abc');
    await user.click(screen.getByTestId('devapp-save-x'));
    expect(ipcMock.saveDeveloperApp).not.toHaveBeenCalled();
    expect(screen.getByText('Enter the client secret — X requires one.')).toBeInTheDocument();

    await user.type(screen.getByTestId('devapp-client-secret-x'), 'sup3r-secret');
    await user.click(screen.getByTestId('devapp-save-x'));
    expect(ipcMock.saveDeveloperApp).toHaveBeenCalledWith('x', 'abc', 'sup3r-secret', false);
    await waitFor(() => expect(screen.getByTestId('devapp-status-x')).toHaveTextContent('Configured'));
    // The secret is never shown back.
    expect(screen.getByTestId('devapp-client-secret-x')).toHaveValue('');
    expect(screen.getByText('A secret is saved — leave empty to keep it.')).toBeInTheDocument();
    expect(toasts.items.at(-1)).toMatchObject({ tone: 'success', title: 'X developer app saved' });
  });

  it('keeps the saved secret by sending null', async () => {
    ipcMock.developerApps.mockResolvedValue([app('x', { configured: true, client_id: 'old', has_client_secret: true })]);
    ipcMock.saveDeveloperApp.mockResolvedValue(app('x', { configured: true, client_id: 'new', has_client_secret: true }));
    const user = userEvent.setup();
    render(DeveloperAppsSection);
    await user.click(await screen.findByTestId('devapp-x'));
    const id = screen.getByTestId('devapp-client-id-x');
    expect(id).toHaveValue('old');
    await user.clear(id);
    await user.type(id, 'new');
    await user.click(screen.getByTestId('devapp-save-x'));
    expect(ipcMock.saveDeveloperApp).toHaveBeenCalledWith('x', 'new', null, false);
  });

  it('saves whether a LinkedIn app has Community Management (organization scopes)', async () => {
    const li = app('linkedin', { configured: true, client_id: 'li1', has_client_secret: true, offers_organization_access: true });
    ipcMock.developerApps.mockResolvedValue([li, app('x')]);
    ipcMock.saveDeveloperApp.mockResolvedValue({ ...li, organization_access: true });
    const user = userEvent.setup();
    render(DeveloperAppsSection);
    await user.click(await screen.findByTestId('devapp-linkedin'));
    const box = screen.getByTestId('devapp-org-access-linkedin');
    expect(box).not.toBeChecked();
    await user.click(box);
    await user.click(screen.getByTestId('devapp-save-linkedin'));
    expect(ipcMock.saveDeveloperApp).toHaveBeenCalledWith('linkedin', 'li1', null, true);
    await user.click(screen.getByTestId('devapp-x'));
    expect(screen.queryByTestId('devapp-org-access-x')).toBeNull();
  });

  it('shows a failed save in place', async () => {
    ipcMock.developerApps.mockResolvedValue([app('tiktok', { secret_required: false })]);
    ipcMock.saveDeveloperApp.mockRejectedValue(new AppError('vault_locked', 'The keychain is locked'));
    const user = userEvent.setup();
    render(DeveloperAppsSection);
    await user.click(await screen.findByTestId('devapp-tiktok'));
    await user.type(screen.getByTestId('devapp-client-id-tiktok'), 'aw123');
    await user.click(screen.getByTestId('devapp-save-tiktok'));
    expect(ipcMock.saveDeveloperApp).toHaveBeenCalledWith('tiktok', 'aw123', null, false);
    expect(await screen.findByTestId('devapp-error-tiktok')).toHaveTextContent('The keychain is locked');
  });

  it('removes after confirmation', async () => {
    ipcMock.developerApps
      .mockResolvedValueOnce([app('x', { configured: true, client_id: 'abc', has_client_secret: true })])
      .mockResolvedValueOnce([app('x')]);
    ipcMock.removeDeveloperApp.mockResolvedValue(undefined);
    const user = userEvent.setup();
    render(DeveloperAppsSection);
    await user.click(await screen.findByTestId('devapp-x'));
    await user.click(screen.getByTestId('devapp-remove-x'));
    expect(screen.getByTestId('devapp-remove-dialog')).toHaveTextContent('Remove the X developer app?');
    expect(ipcMock.removeDeveloperApp).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('devapp-remove-confirm'));
    expect(ipcMock.removeDeveloperApp).toHaveBeenCalledWith('x');
    await waitFor(() => expect(screen.getByTestId('devapp-status-x')).toHaveTextContent('Not set up'));
    expect(screen.queryByTestId('devapp-remove-dialog')).toBeNull();
  });

  it('opens the platform the Channels page asked for', async () => {
    ipcMock.developerApps.mockResolvedValue([app('x'), app('youtube')]);
    devAppFocus.platform = 'youtube';
    render(DeveloperAppsSection);
    await waitFor(() => expect(screen.getByTestId('devapp-youtube')).toHaveAttribute('aria-expanded', 'true'));
    expect(screen.getByTestId('devapp-x')).toHaveAttribute('aria-expanded', 'false');
    expect(devAppFocus.platform).toBeNull();
  });

  it('shows an error with retry', async () => {
    ipcMock.developerApps.mockRejectedValueOnce(new AppError('vault_locked', 'Locked')).mockResolvedValueOnce([app('x')]);
    const user = userEvent.setup();
    render(DeveloperAppsSection);
    expect(await screen.findByTestId('devapps-error')).toHaveTextContent('Locked');
    await user.click(screen.getByTestId('devapps-retry'));
    expect(await screen.findByTestId('devapp-x')).toBeInTheDocument();
  });
});
