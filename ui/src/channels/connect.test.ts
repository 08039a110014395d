import { describe, expect, it, vi } from 'vitest';
import { AppError, type ChannelView, type ConnectCandidates, type ConnectStarted, type DeveloperAppView } from '$lib/ipc';
import { ConnectFlow, needsDeveloperApp, preselect, type ConnectApi } from './connect.svelte';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

const started: ConnectStarted = {
  flow_id: 'flow-1',
  platform: 'linkedin',
  authorize_url: 'https://www.linkedin.com/oauth/v2/authorization?client_id=abc&state=xyz',
  redirect: 'loopback',
  expires_at: Date.now() + 600_000,
};

function candidates(over: Partial<ConnectCandidates> = {}): ConnectCandidates {
  return {
    flow_id: 'flow-1',
    platform: 'linkedin',
    candidates: [
      { key: 'me', platform_account_id: 'urn:li:person:1', kind: 'profile', display_name: 'Ada Lovelace', handle: 'ada', avatar_url: null, existing_channel_id: null },
      { key: 'org', platform_account_id: 'urn:li:organization:9', kind: 'organization', display_name: 'Analytical Engines', handle: '', avatar_url: null, existing_channel_id: 'ch-7' },
      { key: 'org2', platform_account_id: 'urn:li:organization:10', kind: 'organization', display_name: 'Difference Ltd', handle: '', avatar_url: null, existing_channel_id: null },
    ],
    granted_scopes: ['w_member_social'],
    missing_scopes: [],
    ...over,
  };
}

const channel = (id: string): ChannelView => ({
  id,
  platform: 'linkedin',
  platform_name: 'LinkedIn',
  instance_url: '',
  platform_account_id: id,
  kind: 'profile',
  display_name: `Channel ${id}`,
  handle: id,
  avatar_url: null,
  scopes: [],
  status: 'connected',
  status_reason: null,
  token_expires_at: null,
  connected_at: 0,
  updated_at: 0,
});

const app = (platform: DeveloperAppView['platform'], over: Partial<DeveloperAppView> = {}): DeveloperAppView => ({
  platform,
  platform_name: platform,
  self_registering: false,
  configured: true,
  client_id: 'id',
  has_client_secret: true,
  secret_required: true,
  secret_allowed: true,
  console_url: 'https://example.com',
  steps: [],
  redirect_uri: 'http://127.0.0.1/callback',
  scopes: [],
  organization_access: false,
  offers_organization_access: false,
  notes: [],
  ...over,
});

function fakeApi(over: Partial<Record<keyof ConnectApi, unknown>> = {}) {
  return {
    developerApps: vi.fn().mockResolvedValue([app('linkedin'), app('x', { configured: false, client_id: null }), app('mastodon', { self_registering: true, configured: false })]),
    connectStart: vi.fn().mockResolvedValue(started),
    connectWait: vi.fn().mockResolvedValue(candidates()),
    connectCancel: vi.fn().mockResolvedValue(undefined),
    connectFinish: vi.fn().mockResolvedValue([channel('a')]),
    connectBluesky: vi.fn().mockResolvedValue([channel('b')]),
    ...over,
  } as unknown as ConnectApi & Record<keyof ConnectApi, ReturnType<typeof vi.fn>>;
}

describe('helpers', () => {
  it('needs a developer app only when known, not self-registering and not configured', () => {
    expect(needsDeveloperApp(undefined)).toBe(false);
    expect(needsDeveloperApp({ self_registering: false, configured: false })).toBe(true);
    expect(needsDeveloperApp({ self_registering: false, configured: true })).toBe(false);
    expect(needsDeveloperApp({ self_registering: true, configured: false })).toBe(false);
  });

  it('preselects a single candidate, otherwise only the ones being reconnected', () => {
    const one = candidates();
    one.candidates = one.candidates.slice(0, 1);
    expect(preselect(one)).toEqual(['me']);
    expect(preselect(candidates())).toEqual(['org']);
    expect(preselect(candidates({ candidates: [] }))).toEqual([]);
  });
});

describe('ConnectFlow', () => {
  it('goes start → waiting → select → finishing → done and reports the channels', async () => {
    const wait = deferred<ConnectCandidates>();
    const api = fakeApi({ connectWait: vi.fn().mockReturnValue(wait.promise) });
    const onconnected = vi.fn();
    const flow = new ConnectFlow({ api, onconnected });
    await flow.loadApps();

    flow.choose('linkedin');
    expect(flow.step.kind).toBe('starting');
    await flush();
    expect(flow.step.kind).toBe('waiting');
    expect(api.connectStart).toHaveBeenCalledWith('linkedin', null);
    expect(api.connectWait).toHaveBeenCalledWith('flow-1');
    expect(flow.activeFlowId).toBe('flow-1');

    wait.resolve(candidates());
    await flush();
    expect(flow.step.kind).toBe('select');
    if (flow.step.kind !== 'select') throw new Error('unreachable');
    expect(flow.step.selected).toEqual(['org']);

    flow.toggle('org2');
    flow.toggle('me');
    flow.toggle('org2');
    flow.toggle('org2');
    await flow.finish();
    // In list order, not click order.
    expect(api.connectFinish).toHaveBeenCalledWith('flow-1', ['me', 'org', 'org2']);
    expect(flow.step.kind).toBe('done');
    expect(onconnected).toHaveBeenCalledWith([channel('a')]);
  });

  it('does not finish with nothing selected', async () => {
    const api = fakeApi({ connectWait: vi.fn().mockResolvedValue(candidates()) });
    const flow = new ConnectFlow({ api });
    await flow.start({ platform: 'linkedin', instanceUrl: null });
    flow.toggle('org');
    await flow.finish();
    expect(api.connectFinish).not.toHaveBeenCalled();
    expect(flow.step.kind).toBe('select');
  });

  it('sends a platform without a developer app to the setup step, without starting', async () => {
    const api = fakeApi();
    const flow = new ConnectFlow({ api });
    await flow.loadApps();
    flow.choose('x');
    expect(flow.step).toEqual({ kind: 'needs-setup', platform: 'x' });
    expect(api.connectStart).not.toHaveBeenCalled();
  });

  it('still offers every platform when the developer apps cannot be read', async () => {
    const api = fakeApi({ developerApps: vi.fn().mockRejectedValue(new AppError('vault_locked', 'Locked')) });
    const flow = new ConnectFlow({ api });
    await flow.loadApps();
    expect(flow.apps.kind).toBe('unavailable');
    flow.choose('x');
    expect(flow.step.kind).toBe('starting');
  });

  it('cancel tells the core, returns to the grid and ignores the late answer', async () => {
    const wait = deferred<ConnectCandidates>();
    const api = fakeApi({ connectWait: vi.fn().mockReturnValue(wait.promise) });
    const flow = new ConnectFlow({ api });
    void flow.start({ platform: 'linkedin', instanceUrl: null });
    await flush();
    expect(flow.step.kind).toBe('waiting');

    await flow.cancel();
    expect(api.connectCancel).toHaveBeenCalledWith('flow-1');
    expect(flow.step.kind).toBe('choose');

    wait.reject(new AppError('sign_in_cancelled' as AppError['code'], 'Cancelled'));
    await flush();
    expect(flow.step.kind).toBe('choose');
  });

  it('cancel while the browser is still opening cancels the flow once it exists', async () => {
    const start = deferred<ConnectStarted>();
    const api = fakeApi({ connectStart: vi.fn().mockReturnValue(start.promise) });
    const flow = new ConnectFlow({ api });
    void flow.start({ platform: 'linkedin', instanceUrl: null });
    expect(flow.step.kind).toBe('starting');
    await flow.cancel();
    expect(api.connectCancel).not.toHaveBeenCalled();
    start.resolve(started);
    await flush();
    expect(api.connectCancel).toHaveBeenCalledWith('flow-1');
    expect(api.connectWait).not.toHaveBeenCalled();
    expect(flow.step.kind).toBe('choose');
  });

  it('dispose (dialog closed) cancels the running sign-in', async () => {
    const api = fakeApi({ connectWait: vi.fn().mockReturnValue(new Promise(() => {})) });
    const flow = new ConnectFlow({ api });
    void flow.start({ platform: 'linkedin', instanceUrl: null });
    await flush();
    flow.dispose();
    expect(api.connectCancel).toHaveBeenCalledWith('flow-1');
  });

  it('a failed wait shows the error, and Try again starts a new sign-in for the same target', async () => {
    const api = fakeApi({
      connectWait: vi
        .fn()
        .mockRejectedValueOnce(new AppError('sign_in_timed_out' as AppError['code'], 'Timed out'))
        .mockResolvedValueOnce(candidates()),
    });
    const flow = new ConnectFlow({ api });
    await flow.start({ platform: 'mastodon', instanceUrl: 'mastodon.social' });
    expect(flow.step.kind).toBe('failed');
    if (flow.step.kind !== 'failed') throw new Error('unreachable');
    expect(flow.step.error.code).toBe('sign_in_timed_out');
    expect(flow.step.stage).toBe('wait');

    flow.retry();
    await flush();
    await flush();
    expect(api.connectStart).toHaveBeenCalledTimes(2);
    expect(api.connectStart).toHaveBeenLastCalledWith('mastodon', 'mastodon.social');
    expect(flow.step.kind).toBe('select');
  });

  it('a failed start is reported with stage start', async () => {
    const api = fakeApi({ connectStart: vi.fn().mockRejectedValue(new AppError('app_not_configured' as AppError['code'], 'No app')) });
    const flow = new ConnectFlow({ api });
    await flow.start({ platform: 'x', instanceUrl: null });
    expect(flow.step).toMatchObject({ kind: 'failed', stage: 'start', error: { code: 'app_not_configured' } });
    expect(api.connectWait).not.toHaveBeenCalled();
  });

  it('a failed finish goes back to the selection on Try again', async () => {
    const api = fakeApi({ connectFinish: vi.fn().mockRejectedValueOnce(new AppError('platform_unavailable' as AppError['code'], '503')) });
    const flow = new ConnectFlow({ api });
    await flow.start({ platform: 'linkedin', instanceUrl: null });
    await flow.finish();
    expect(flow.step).toMatchObject({ kind: 'failed', stage: 'finish' });
    flow.retry();
    expect(flow.step.kind).toBe('select');
    expect(api.connectStart).toHaveBeenCalledTimes(1);
  });

  it('Mastodon asks for a valid server before starting', () => {
    const api = fakeApi();
    const flow = new ConnectFlow({ api });
    flow.choose('mastodon');
    expect(flow.step.kind).toBe('mastodon');
    flow.submitMastodon('   ');
    expect(flow.step).toMatchObject({ kind: 'mastodon', error: expect.stringMatching(/address of your Mastodon server/) });
    expect(api.connectStart).not.toHaveBeenCalled();
    flow.submitMastodon('@ada@fosstodon.org');
    expect(api.connectStart).toHaveBeenCalledWith('mastodon', 'fosstodon.org');
  });

  it('Bluesky validates, then connects with null for the default server', async () => {
    const onconnected = vi.fn();
    const api = fakeApi();
    const flow = new ConnectFlow({ api, onconnected });
    flow.choose('bluesky');
    await flow.submitBluesky({ service: '', identifier: '', appPassword: 'hunter2' });
    expect(flow.step).toMatchObject({ kind: 'bluesky', errors: { identifier: expect.any(String), appPassword: expect.any(String) } });
    expect(api.connectBluesky).not.toHaveBeenCalled();

    await flow.submitBluesky({ service: '', identifier: '@ada.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' });
    expect(api.connectBluesky).toHaveBeenCalledWith(null, 'ada.bsky.social', 'abcd-efgh-ijkl-mnop');
    expect(flow.step.kind).toBe('done');
    expect(onconnected).toHaveBeenCalledWith([channel('b')]);
  });

  it('Bluesky keeps the form with the error when the server refuses', async () => {
    const api = fakeApi({ connectBluesky: vi.fn().mockRejectedValue(new AppError('platform_rejected' as AppError['code'], 'Invalid identifier or password')) });
    const flow = new ConnectFlow({ api });
    flow.choose('bluesky');
    await flow.submitBluesky({ service: 'http://localhost:2583', identifier: 'ada.test', appPassword: 'abcd-efgh-ijkl-mnop' });
    expect(api.connectBluesky).toHaveBeenCalledWith('http://localhost:2583', 'ada.test', 'abcd-efgh-ijkl-mnop');
    expect(flow.step).toMatchObject({ kind: 'bluesky', submitting: false, error: { code: 'platform_rejected' } });
  });
});
