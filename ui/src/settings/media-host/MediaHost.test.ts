import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const ipcMock = vi.hoisted(() => ({
  mediaHostSettings: vi.fn(),
  saveMediaHost: vi.fn(),
  removeMediaHost: vi.fn(),
  testMediaHost: vi.fn(),
}));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  ipc: ipcMock,
  isPreview: () => false,
}));

import { AppError, type MediaHostSettings } from '$lib/ipc';
import MediaHostSection from './MediaHostSection.svelte';
import { applyPreset, checkMediaHost, formFor, isDirty } from './mediaHost';

const saved: MediaHostSettings = {
  config: {
    provider: 'cloudflare_r2',
    endpoint: 'https://abc.r2.cloudflarestorage.com',
    region: 'auto',
    bucket: 'outpost-media',
    path_style: true,
    access_key_id: 'AKIAEXAMPLE',
    public_base_url: null,
  },
  has_secret: true,
};

describe('media host helpers', () => {
  it('presets fill region, addressing style and endpoint', () => {
    const b2 = applyPreset(formFor(null), 'backblaze_b2');
    expect(b2.region).toBe('us-west-004');
    expect(b2.endpoint).toBe('https://s3.us-west-004.backblazeb2.com');
    expect(b2.pathStyle).toBe(false);
    const r2 = applyPreset(b2, 'cloudflare_r2');
    expect([r2.region, r2.pathStyle, r2.endpoint]).toEqual(['auto', true, '']);
  });

  it('validates every field and keeps a saved secret with null', () => {
    const bad = { ...formFor(null), provider: 'custom' as const, endpoint: 'ftp://x', region: 'us east', bucket: 'ab', accessKeyId: 'a b', publicBaseUrl: 'nope' };
    const { values, errors } = checkMediaHost(bad, false);
    expect(values).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['accessKeyId', 'bucket', 'endpoint', 'publicBaseUrl', 'region', 'secret']);
    expect(checkMediaHost({ ...formFor(null), provider: 'cloudflare_r2', endpoint: 'https://<account id>.r2.cloudflarestorage.com', bucket: 'abc', accessKeyId: 'k' }, true).errors.endpoint).toBeTruthy();

    const ok = checkMediaHost({ ...formFor(saved), endpoint: ' https://abc.r2.cloudflarestorage.com/ ' }, true);
    expect(ok.values?.secret).toBeNull();
    expect(ok.values?.config.endpoint).toBe('https://abc.r2.cloudflarestorage.com');
    // AWS needs no endpoint.
    expect(checkMediaHost({ ...formFor(null), bucket: 'my-bucket', accessKeyId: 'k', secret: 's' }, false).values?.config.endpoint).toBe('');
  });

  it('knows when the form differs from what is saved', () => {
    expect(isDirty(formFor(saved), saved)).toBe(false);
    expect(isDirty({ ...formFor(saved), bucket: 'other' }, saved)).toBe(true);
    expect(isDirty({ ...formFor(saved), secret: 'new' }, saved)).toBe(true);
  });
});

describe('MediaHostSection', () => {
  beforeEach(() => {
    ipcMock.mediaHostSettings.mockResolvedValue(saved);
    ipcMock.saveMediaHost.mockResolvedValue(saved);
  });
  afterEach(() => vi.clearAllMocks());

  it('shows the saved settings with a write-only secret, saves with null to keep it', async () => {
    const user = userEvent.setup();
    render(MediaHostSection);
    await waitFor(() => expect(screen.getByTestId<HTMLInputElement>('mediahost-bucket').value).toBe('outpost-media'));
    expect(screen.getByTestId<HTMLInputElement>('mediahost-secret').value).toBe('');
    expect(screen.getByText('Saved — enter a new one to replace it.')).toBeTruthy();
    expect(screen.getByTestId('mediahost-status').textContent).toContain('Set up');
    await user.click(screen.getByTestId('mediahost-save'));
    await waitFor(() => expect(ipcMock.saveMediaHost).toHaveBeenCalledWith(saved.config, null));
  });

  it('reports the failing step of a connection test', async () => {
    const user = userEvent.setup();
    ipcMock.testMediaHost.mockResolvedValue({
      ok: false,
      failed_step: 'fetch',
      message: 'Fetching it through its URL failed: The file was uploaded, but its URL cannot be fetched: access denied',
    });
    render(MediaHostSection);
    await waitFor(() => expect(screen.getByTestId<HTMLButtonElement>('mediahost-test').disabled).toBe(false));
    await user.click(screen.getByTestId('mediahost-test'));
    const failed = await screen.findByTestId('mediahost-test-failed');
    expect(failed.textContent).toContain('Failed at: Fetch through the link');
    expect(failed.textContent).toContain('access denied');

    ipcMock.testMediaHost.mockResolvedValue({ ok: true, failed_step: null, message: 'Connected.' });
    await user.click(screen.getByTestId('mediahost-test'));
    expect((await screen.findByTestId('mediahost-test-ok')).textContent).toContain('Connected.');
  });

  it('disables the test while there are unsaved changes, and shows validation errors', async () => {
    const user = userEvent.setup();
    render(MediaHostSection);
    await waitFor(() => expect(screen.getByTestId<HTMLInputElement>('mediahost-bucket').value).toBe('outpost-media'));
    await user.clear(screen.getByTestId('mediahost-bucket'));
    expect(screen.getByTestId<HTMLButtonElement>('mediahost-test').disabled).toBe(true);
    await user.click(screen.getByTestId('mediahost-save'));
    expect(await screen.findByText('Enter the bucket name.')).toBeTruthy();
    expect(ipcMock.saveMediaHost).not.toHaveBeenCalled();
  });

  it('shows a save error from the core', async () => {
    const user = userEvent.setup();
    ipcMock.saveMediaHost.mockRejectedValue(new AppError('invalid_input', 'The region has only letters'));
    render(MediaHostSection);
    await waitFor(() => expect(screen.getByTestId<HTMLInputElement>('mediahost-bucket').value).toBe('outpost-media'));
    await user.click(screen.getByTestId('mediahost-save'));
    expect((await screen.findByTestId('mediahost-save-error')).textContent).toContain('The region has only letters');
  });
});
