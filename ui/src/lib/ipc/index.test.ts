import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const mocks = vi.hoisted(() => ({
  about: vi.fn(),
  coreStatus: vi.fn(),
  takeDeepLinks: vi.fn(),
  revealDataDir: vi.fn(),
  listen: vi.fn(),
}));

vi.mock('./bindings', () => ({
  commands: {
    about: mocks.about,
    coreStatus: mocks.coreStatus,
    takeDeepLinks: mocks.takeDeepLinks,
    revealDataDir: mocks.revealDataDir,
  },
  events: { deepLinkEvent: { listen: mocks.listen, once: vi.fn() } },
}));

import { AppError, ipc, isPreview, PreviewModeError, toAppError, unwrap, type DoctorReport } from './index';

const win = window as unknown as Record<string, unknown>;

const report: DoctorReport = {
  version: '0.1.0',
  data_dir: '/home/a/.local/share/outpost',
  database_file: '/home/a/.local/share/outpost/outpost.db',
  schema_version: 3,
  latest_schema_version: 3,
  vault_backend: 'keychain',
  keychain_available: true,
  vault_detail: 'Secret Service',
  log_dir: '/home/a/.local/share/outpost/logs',
  problems: [],
};

describe('unwrap', () => {
  it('returns the data of ok', () => {
    expect(unwrap({ status: 'ok', data: 42 })).toBe(42);
  });

  it('throws an AppError with the code and message of error', () => {
    expect(() => unwrap({ status: 'error', error: { code: 'not_found', message: 'No such post' } })).toThrowError(
      expect.objectContaining({ name: 'AppError', code: 'not_found', message: 'No such post' }),
    );
  });
});

describe('toAppError', () => {
  it('keeps IpcError shapes, wraps Errors and strings', () => {
    expect(toAppError({ code: 'io', message: 'disk' })).toMatchObject({ code: 'io', message: 'disk' });
    expect(toAppError(new Error('boom'))).toMatchObject({ code: 'core_unavailable', message: 'boom' });
    expect(toAppError('plain')).toMatchObject({ code: 'core_unavailable', message: 'plain' });
    expect(toAppError({ code: 'made_up', message: 'x' }).code).toBe('core_unavailable');
    const e = new AppError('vault', 'v');
    expect(toAppError(e)).toBe(e);
  });
});

describe('ipc inside the desktop app', () => {
  beforeEach(() => {
    win.__TAURI_INTERNALS__ = {};
  });
  afterEach(() => {
    delete win.__TAURI_INTERNALS__;
    vi.clearAllMocks();
  });

  it('is not in preview mode', () => {
    expect(isPreview()).toBe(false);
  });

  it('about returns the report', async () => {
    mocks.about.mockResolvedValue({ status: 'ok', data: report });
    await expect(ipc.about()).resolves.toEqual(report);
  });

  it('about throws the core error as AppError', async () => {
    mocks.about.mockResolvedValue({ status: 'error', error: { code: 'database_corrupt', message: 'bad header' } });
    const error = await ipc.about().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'database_corrupt', message: 'bad header' });
  });

  it('a rejected invoke becomes core_unavailable', async () => {
    mocks.revealDataDir.mockRejectedValue(new Error('ipc gone'));
    await expect(ipc.revealDataDir()).rejects.toMatchObject({ code: 'core_unavailable', message: 'ipc gone' });
  });

  it('revealDataDir resolves on ok and throws on error', async () => {
    mocks.revealDataDir.mockResolvedValueOnce({ status: 'ok', data: null });
    await expect(ipc.revealDataDir()).resolves.toBeUndefined();
    mocks.revealDataDir.mockResolvedValueOnce({ status: 'error', error: { code: 'io', message: 'no file manager' } });
    await expect(ipc.revealDataDir()).rejects.toMatchObject({ code: 'io' });
  });

  it('passes coreStatus and takeDeepLinks through', async () => {
    mocks.coreStatus.mockResolvedValue({ ready: false, error: { code: 'vault_locked', message: 'locked' } });
    mocks.takeDeepLinks.mockResolvedValue([{ action: { kind: 'open', page: 'board' }, error: null }]);
    await expect(ipc.coreStatus()).resolves.toEqual({ ready: false, error: { code: 'vault_locked', message: 'locked' } });
    await expect(ipc.takeDeepLinks()).resolves.toHaveLength(1);
  });

  it('onDeepLink hands the payload to the handler and returns the unlisten function', async () => {
    const unlisten = vi.fn();
    mocks.listen.mockImplementation(async (cb: (e: { payload: unknown }) => void) => {
      cb({ payload: { action: { kind: 'open', page: 'inbox' }, error: null } });
      return unlisten;
    });
    const handler = vi.fn();
    const stop = await ipc.onDeepLink(handler);
    expect(handler).toHaveBeenCalledWith({ action: { kind: 'open', page: 'inbox' }, error: null });
    stop();
    expect(unlisten).toHaveBeenCalled();
  });
});

describe('ipc in a plain browser (preview mode)', () => {
  afterEach(() => vi.clearAllMocks());

  it('never calls the bindings and says so honestly', async () => {
    expect(isPreview()).toBe(true);
    await expect(ipc.coreStatus()).resolves.toEqual({ ready: true, error: null });
    await expect(ipc.takeDeepLinks()).resolves.toEqual([]);
    await expect(ipc.about()).rejects.toBeInstanceOf(PreviewModeError);
    expect(mocks.about).not.toHaveBeenCalled();
    expect(mocks.coreStatus).not.toHaveBeenCalled();
    expect(mocks.listen).not.toHaveBeenCalled();
  });
});
