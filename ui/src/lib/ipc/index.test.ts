import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const mocks = vi.hoisted(() => ({
  about: vi.fn(),
  coreStatus: vi.fn(),
  takeDeepLinks: vi.fn(),
  revealDataDir: vi.fn(),
  listen: vi.fn(),
  exportData: vi.fn(),
  importData: vi.fn(),
  deleteAllData: vi.fn(),
  activityLog: vi.fn(),
  consentRecords: vi.fn(),
  profileSummary: vi.fn(),
  progressListen: vi.fn(),
}));

vi.mock('./bindings', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./bindings')>()),
  commands: {
    about: mocks.about,
    coreStatus: mocks.coreStatus,
    takeDeepLinks: mocks.takeDeepLinks,
    revealDataDir: mocks.revealDataDir,
    exportData: mocks.exportData,
    importData: mocks.importData,
    deleteAllData: mocks.deleteAllData,
    activityLog: mocks.activityLog,
    consentRecords: mocks.consentRecords,
    profileSummary: mocks.profileSummary,
  },
  events: {
    deepLinkEvent: { listen: mocks.listen, once: vi.fn() },
    dataProgressEvent: { listen: mocks.progressListen, once: vi.fn() },
  },
}));

import {
  AppError,
  ERROR_CODES,
  ipc,
  isIpcError,
  isPreview,
  PreviewModeError,
  toAppError,
  unwrap,
  type DataProgressEvent,
  type DeleteAllReport,
  type DoctorReport,
} from './index';

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
  rendering: "WebKit's default: a GPU render node is present",
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
    expect(toAppError({ code: 'profile_not_empty', message: 'has data' })).toMatchObject({ code: 'profile_not_empty' });
    const e = new AppError('vault', 'v');
    expect(toAppError(e)).toBe(e);
  });
});

describe('isIpcError', () => {
  it('accepts every generated error code and nothing else', () => {
    for (const code of ERROR_CODES) expect(isIpcError({ code, message: 'm' })).toBe(true);
    expect(ERROR_CODES).toEqual(expect.arrayContaining(['invalid_archive', 'archive_too_new', 'profile_not_empty']));
    expect(isIpcError({ code: 'made_up', message: 'm' })).toBe(false);
    expect(isIpcError({ code: 'io' })).toBe(false);
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

describe('privacy & data commands inside the desktop app', () => {
  beforeEach(() => {
    win.__TAURI_INTERNALS__ = {};
  });
  afterEach(() => {
    delete win.__TAURI_INTERNALS__;
    vi.clearAllMocks();
  });

  it('exportData and importData pass null (cancelled) through', async () => {
    mocks.exportData.mockResolvedValue({ status: 'ok', data: null });
    mocks.importData.mockResolvedValue({ status: 'ok', data: null });
    await expect(ipc.exportData()).resolves.toBeNull();
    await expect(ipc.importData()).resolves.toBeNull();
  });

  it('importData throws the core error as AppError', async () => {
    mocks.importData.mockResolvedValue({ status: 'error', error: { code: 'archive_too_new', message: 'newer Outpost' } });
    await expect(ipc.importData()).rejects.toMatchObject({ name: 'AppError', code: 'archive_too_new', message: 'newer Outpost' });
  });

  it('deleting all data or importing an archive forgets what the pages keep; a cancelled import does not', async () => {
    const { keeps } = await import('../kept');
    const forget = vi.fn();
    keeps(forget);
    mocks.importData.mockResolvedValue({ status: 'ok', data: null });
    await ipc.importData();
    expect(forget).not.toHaveBeenCalled();
    mocks.importData.mockResolvedValue({ status: 'ok', data: { posts: 3 } });
    await ipc.importData();
    expect(forget).toHaveBeenCalledTimes(1);
    mocks.deleteAllData.mockResolvedValue({ status: 'error', error: { code: 'io', message: 'stopped part-way' } });
    await expect(ipc.deleteAllData()).rejects.toMatchObject({ code: 'io' });
    expect(forget).toHaveBeenCalledTimes(2);
  });

  it('activityLog forwards query, page and page size', async () => {
    const page = { entries: [], total: 0, page: 2, page_size: 50 };
    mocks.activityLog.mockResolvedValue({ status: 'ok', data: page });
    const query = { platform: 'x', status_class: 'success' as const, since: 1, until: 2 };
    await expect(ipc.activityLog(query, 2, 50)).resolves.toEqual(page);
    expect(mocks.activityLog).toHaveBeenCalledWith(query, 2, 50);
  });

  it('deleteAllData, consentRecords and profileSummary unwrap', async () => {
    const deleted: DeleteAllReport = {
      deleted: true,
      revocation: [{ channel_id: 'c1', platform: 'mastodon', display_name: '@a', outcome: 'failed', reason: 'HTTP 503' }],
    };
    mocks.deleteAllData.mockResolvedValue({ status: 'ok', data: deleted });
    mocks.consentRecords.mockResolvedValue({ status: 'ok', data: [] });
    mocks.profileSummary.mockResolvedValue({ status: 'error', error: { code: 'database', message: 'locked' } });
    await expect(ipc.deleteAllData()).resolves.toEqual(deleted);
    await expect(ipc.consentRecords()).resolves.toEqual([]);
    await expect(ipc.profileSummary()).rejects.toMatchObject({ code: 'database' });
  });

  it('onDataProgress hands the payload to the handler', async () => {
    const unlisten = vi.fn();
    const payload: DataProgressEvent = {
      operation: 'export',
      progress: { stage: 'rows', entities_done: 1, entities_total: 2, bytes_done: 0, bytes_total: 0 },
    };
    mocks.progressListen.mockImplementation(async (cb: (e: { payload: unknown }) => void) => {
      cb({ payload });
      return unlisten;
    });
    const handler = vi.fn();
    const stop = await ipc.onDataProgress(handler);
    expect(handler).toHaveBeenCalledWith(payload);
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

  it('privacy & data commands refuse honestly and never call the bindings', async () => {
    await expect(ipc.exportData()).rejects.toBeInstanceOf(PreviewModeError);
    await expect(ipc.importData()).rejects.toBeInstanceOf(PreviewModeError);
    await expect(ipc.deleteAllData()).rejects.toBeInstanceOf(PreviewModeError);
    await expect(ipc.activityLog({ platform: null, status_class: null, since: null, until: null }, 0, 50)).rejects.toBeInstanceOf(
      PreviewModeError,
    );
    await expect(ipc.consentRecords()).rejects.toBeInstanceOf(PreviewModeError);
    await expect(ipc.profileSummary()).rejects.toBeInstanceOf(PreviewModeError);
    const stop = await ipc.onDataProgress(vi.fn());
    stop();
    expect(mocks.exportData).not.toHaveBeenCalled();
    expect(mocks.deleteAllData).not.toHaveBeenCalled();
    expect(mocks.progressListen).not.toHaveBeenCalled();
  });
});
