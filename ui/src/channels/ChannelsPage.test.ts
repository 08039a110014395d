import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const ipcMock = vi.hoisted(() => ({
  channels: vi.fn(),
  onChannelsChanged: vi.fn(),
  developerApps: vi.fn(),
  connectStart: vi.fn(),
  connectWait: vi.fn(),
  connectCancel: vi.fn(),
  connectFinish: vi.fn(),
  connectBluesky: vi.fn(),
  disconnectChannel: vi.fn(),
}));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  ipc: ipcMock,
  isPreview: () => false,
}));

import { toasts } from '$lib/design/toast.svelte';
import { AppError, type ChannelView, type ConnectCandidates, type DeveloperAppView } from '$lib/ipc';
import ChannelsPage from './ChannelsPage.svelte';

const base: ChannelView = {
  id: 'ch-1',
  platform: 'linkedin',
  platform_name: 'LinkedIn',
  instance_url: '',
  platform_account_id: 'urn:li:person:42',
  kind: 'profile',
  display_name: 'Ada Lovelace',
  handle: 'ada',
  avatar_url: null,
  scopes: ['w_member_social', 'openid'],
  status: 'connected',
  status_reason: null,
  token_expires_at: Date.now() + 5 * 86_400_000,
  connected_at: Date.now() - 86_400_000,
  updated_at: Date.now(),
};
const broken: ChannelView = {
  ...base,
  id: 'ch-2',
  platform: 'mastodon',
  platform_name: 'Mastodon',
  instance_url: 'https://fosstodon.org',
  display_name: 'Ada on Fosstodon',
  handle: 'ada@fosstodon.org',
  status: 'reconnect_needed',
  status_reason: 'The server revoked the token.',
};

const app = (platform: DeveloperAppView['platform'], configured: boolean): DeveloperAppView => ({
  platform,
  platform_name: platform,
  self_registering: platform === 'mastodon' || platform === 'bluesky',
  configured,
  client_id: configured ? 'cid' : null,
  has_client_secret: configured,
  secret_required: true,
  secret_allowed: true,
  console_url: '',
  steps: [],
  redirect_uri: '',
  scopes: [],
  organization_access: false,
  offers_organization_access: false,
  notes: [],
});

const found: ConnectCandidates = {
  flow_id: 'f1',
  platform: 'facebook',
  candidates: [
    { key: 'p1', platform_account_id: '1', kind: 'page', display_name: 'Ada Bakery', handle: '', avatar_url: null, existing_channel_id: null },
    { key: 'p2', platform_account_id: '2', kind: 'page', display_name: 'Ada Books', handle: '', avatar_url: null, existing_channel_id: 'ch-9' },
  ],
  granted_scopes: ['pages_manage_posts'],
  missing_scopes: ['pages_read_engagement'],
};

function setup(list: ChannelView[]) {
  ipcMock.channels.mockResolvedValue(list);
  ipcMock.onChannelsChanged.mockResolvedValue(() => {});
  ipcMock.developerApps.mockResolvedValue([app('facebook', true), app('x', false), app('mastodon', false), app('bluesky', false)]);
  ipcMock.connectCancel.mockResolvedValue(undefined);
}

beforeEach(() => {
  for (const fn of Object.values(ipcMock)) fn.mockReset();
});
afterEach(() => toasts.clear());

describe('ChannelsPage list', () => {
  it('shows each channel with its status, the reason of a broken one, and details on demand', async () => {
    setup([base, broken]);
    const user = userEvent.setup();
    render(ChannelsPage);
    const row = await screen.findByTestId('channel-row-ch-1');
    expect(row).toHaveTextContent('Ada Lovelace');
    expect(row).toHaveTextContent('@ada');
    expect(row).toHaveTextContent('LinkedIn');
    expect(screen.getByTestId('channel-status-ch-1')).toHaveTextContent('Connected');
    expect(screen.getByTestId('channel-status-ch-2')).toHaveTextContent('Reconnect needed');
    expect(screen.getByTestId('channel-reason-ch-2')).toHaveTextContent('The server revoked the token.');
    expect(screen.getByTestId('channels-attention')).toHaveTextContent('1 channel needs you to sign in again');
    expect(screen.getByTestId('connect-channel')).toBeEnabled();

    expect(screen.queryByTestId('channel-details-ch-1')).toBeNull();
    await user.click(screen.getByTestId('channel-details-toggle-ch-1'));
    const details = screen.getByTestId('channel-details-ch-1');
    expect(details).toHaveTextContent('urn:li:person:42');
    expect(details).toHaveTextContent('w_member_social');
    expect(screen.getByTestId('channel-expiry-ch-1')).toHaveTextContent(/^Expires in (4|5) days/);
  });

  it('shows the empty state with the connect button when there are no channels', async () => {
    setup([]);
    render(ChannelsPage);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent('Connect your first channel');
    expect(screen.getAllByTestId('connect-channel')).toHaveLength(1);
  });

  it('shows an error with a retry that reloads', async () => {
    setup([]);
    ipcMock.channels.mockRejectedValueOnce(new AppError('database', 'Disk I/O error')).mockResolvedValueOnce([base]);
    const user = userEvent.setup();
    render(ChannelsPage);
    expect(await screen.findByTestId('channels-error')).toHaveTextContent('Disk I/O error');
    await user.click(screen.getByTestId('channels-retry'));
    expect(await screen.findByTestId('channel-row-ch-1')).toBeInTheDocument();
  });

  it('reloads when the core says channels changed', async () => {
    setup([base]);
    let handler: (() => void) | undefined;
    ipcMock.onChannelsChanged.mockImplementation(async (h: () => void) => {
      handler = h;
      return () => {};
    });
    render(ChannelsPage);
    await screen.findByTestId('channel-row-ch-1');
    ipcMock.channels.mockResolvedValue([{ ...base, status: 'reconnect_needed', status_reason: 'Token expired' }]);
    handler?.();
    await waitFor(() => expect(screen.getByTestId('channel-status-ch-1')).toHaveTextContent('Reconnect needed'));
  });

  it('disconnects after confirmation and reports the upstream result', async () => {
    setup([base]);
    ipcMock.disconnectChannel.mockResolvedValue({ channel_id: 'ch-1', upstream: 'not_offered', note: null });
    const user = userEvent.setup();
    render(ChannelsPage);
    await user.click(await screen.findByTestId('channel-disconnect-ch-1'));
    const dialog = screen.getByTestId('disconnect-dialog');
    expect(dialog).toHaveTextContent('Disconnect Ada Lovelace?');
    expect(dialog).toHaveTextContent(/deleted from this computer/);
    expect(ipcMock.disconnectChannel).not.toHaveBeenCalled();
    ipcMock.channels.mockResolvedValue([]);
    await user.click(screen.getByTestId('confirm-disconnect'));
    expect(ipcMock.disconnectChannel).toHaveBeenCalledWith('ch-1');
    await waitFor(() => expect(screen.queryByTestId('disconnect-dialog')).toBeNull());
    expect(toasts.items.at(-1)).toMatchObject({ tone: 'info', title: 'Ada Lovelace disconnected' });
    expect(await screen.findByTestId('empty-state')).toBeInTheDocument();
  });
});

describe('Connect dialog', () => {
  it('runs the OAuth flow: waiting, cancel-able, candidates, finish, toast', async () => {
    setup([base]);
    let finishWait!: (c: ConnectCandidates) => void;
    ipcMock.connectStart.mockResolvedValue({
      flow_id: 'f1',
      platform: 'facebook',
      authorize_url: 'https://www.facebook.com/v19.0/dialog/oauth?client_id=1',
      redirect: 'loopback',
      expires_at: Date.now() + 300_000,
    });
    ipcMock.connectWait.mockReturnValue(new Promise((r) => (finishWait = r)));
    ipcMock.connectFinish.mockResolvedValue([{ ...base, id: 'ch-3', platform: 'facebook', platform_name: 'Facebook', display_name: 'Ada Bakery' }]);
    const user = userEvent.setup();
    render(ChannelsPage);
    await user.click(await screen.findByTestId('connect-channel'));
    await user.click(screen.getByTestId('platform-option-facebook'));

    const waiting = await screen.findByTestId('connect-waiting');
    expect(waiting).toHaveTextContent('Waiting for your browser…');
    expect(screen.getByTestId('connect-time-left')).toHaveTextContent(/[45]:\d\d/);
    expect(screen.getByTestId('connect-authorize-url')).toHaveValue('https://www.facebook.com/v19.0/dialog/oauth?client_id=1');
    expect(screen.getByTestId('connect-cancel')).toBeInTheDocument();

    finishWait(found);
    const first = await screen.findByTestId('candidate-p1');
    expect(first).not.toBeChecked();
    expect(screen.getByTestId('candidate-p2')).toBeChecked();
    expect(screen.getByTestId('connect-missing-scopes')).toHaveTextContent('pages_read_engagement');
    const dialog = screen.getByTestId('connect-dialog');
    expect(within(dialog).getAllByText('Page')).toHaveLength(2);
    expect(within(dialog).getByText('Reconnect')).toBeInTheDocument();

    await user.click(first);
    expect(screen.getByTestId('connect-finish')).toHaveTextContent('Connect 2 channels');
    await user.click(screen.getByTestId('connect-finish'));
    expect(ipcMock.connectFinish).toHaveBeenCalledWith('f1', ['p1', 'p2']);
    await waitFor(() => expect(screen.queryByTestId('connect-dialog')).toBeNull());
    expect(toasts.items.at(-1)).toMatchObject({ tone: 'success', title: 'Ada Bakery connected' });
    expect(ipcMock.channels).toHaveBeenCalledTimes(2);
  });

  it('cancel calls connectCancel and returns to the platforms', async () => {
    setup([base]);
    ipcMock.connectStart.mockResolvedValue({ flow_id: 'f9', platform: 'facebook', authorize_url: 'https://x.test', redirect: 'deep_link', expires_at: Date.now() + 60_000 });
    ipcMock.connectWait.mockReturnValue(new Promise(() => {}));
    const user = userEvent.setup();
    render(ChannelsPage);
    await user.click(await screen.findByTestId('connect-channel'));
    await user.click(screen.getByTestId('platform-option-facebook'));
    expect(await screen.findByTestId('connect-waiting')).toHaveTextContent('allow it');
    await user.click(screen.getByTestId('connect-cancel'));
    expect(ipcMock.connectCancel).toHaveBeenCalledWith('f9');
    expect(await screen.findByTestId('platform-option-x')).toBeInTheDocument();
  });

  it('shows an error with Try again', async () => {
    setup([base]);
    ipcMock.connectStart.mockRejectedValueOnce(new AppError('platform_unavailable' as AppError['code'], 'Connection refused'));
    const user = userEvent.setup();
    render(ChannelsPage);
    await user.click(await screen.findByTestId('connect-channel'));
    await user.click(screen.getByTestId('platform-option-facebook'));
    const error = await screen.findByTestId('connect-error');
    expect(error).toHaveTextContent('Facebook could not be reached');
    expect(error).toHaveTextContent('Connection refused');
    ipcMock.connectStart.mockResolvedValue({ flow_id: 'f2', platform: 'facebook', authorize_url: 'https://x.test', redirect: 'loopback', expires_at: Date.now() + 60_000 });
    ipcMock.connectWait.mockReturnValue(new Promise(() => {}));
    await user.click(screen.getByTestId('connect-retry'));
    expect(await screen.findByTestId('connect-waiting')).toBeInTheDocument();
  });

  it('sends a platform without a developer app to Settings', async () => {
    setup([base]);
    const onsetup = vi.fn();
    const user = userEvent.setup();
    render(ChannelsPage, { onsetup });
    await user.click(await screen.findByTestId('connect-channel'));
    await waitFor(() => expect(screen.getByTestId('platform-option-x')).toHaveTextContent('Set up developer app'));
    await user.click(screen.getByTestId('platform-option-x'));
    expect(ipcMock.connectStart).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('platform-setup-x'));
    expect(onsetup).toHaveBeenCalledWith('x');
    expect(screen.queryByTestId('connect-dialog')).toBeNull();
  });

  it('connects Bluesky with an app password', async () => {
    setup([base]);
    ipcMock.connectBluesky.mockResolvedValue([{ ...base, id: 'ch-b', platform: 'bluesky', platform_name: 'Bluesky', display_name: 'Ada' }]);
    const user = userEvent.setup();
    render(ChannelsPage);
    await user.click(await screen.findByTestId('connect-channel'));
    await user.click(screen.getByTestId('platform-option-bluesky'));
    expect(screen.getByTestId('bluesky-app-password-hint')).toHaveTextContent('Settings → Privacy and security → App passwords');
    const password = screen.getByTestId('bluesky-password');
    expect(password).toHaveAttribute('type', 'password');

    await user.type(screen.getByTestId('bluesky-identifier'), 'ada.test');
    await user.type(password, 'my real password');
    await user.click(screen.getByTestId('bluesky-connect'));
    expect(ipcMock.connectBluesky).not.toHaveBeenCalled();
    expect(screen.getByText(/never use your account password/)).toBeInTheDocument();

    await user.clear(password);
    await user.type(password, 'abcd-efgh-ijkl-mnop');
    await user.type(screen.getByTestId('bluesky-service'), 'http://localhost:2583');
    await user.click(screen.getByTestId('bluesky-connect'));
    expect(ipcMock.connectBluesky).toHaveBeenCalledWith('http://localhost:2583', 'ada.test', 'abcd-efgh-ijkl-mnop');
    await waitFor(() => expect(screen.queryByTestId('connect-dialog')).toBeNull());
    expect(toasts.items.at(-1)).toMatchObject({ tone: 'success', title: 'Ada connected' });
  });

  it('Reconnect starts the sign-in for the channel’s platform and server', async () => {
    setup([base, broken]);
    ipcMock.connectStart.mockResolvedValue({ flow_id: 'f3', platform: 'mastodon', authorize_url: 'https://fosstodon.org/oauth/authorize', redirect: 'loopback', expires_at: Date.now() + 60_000 });
    ipcMock.connectWait.mockReturnValue(new Promise(() => {}));
    const user = userEvent.setup();
    render(ChannelsPage);
    await user.click(await screen.findByTestId('channel-reconnect-ch-2'));
    expect(await screen.findByTestId('connect-waiting')).toBeInTheDocument();
    expect(ipcMock.connectStart).toHaveBeenCalledWith('mastodon', 'https://fosstodon.org');
  });
});
