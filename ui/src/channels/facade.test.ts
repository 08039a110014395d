// The channel and developer-app commands of the IPC facade (`$lib/ipc`), against mocked bindings.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const mocks = vi.hoisted(() => ({
  channels: vi.fn(),
  saveDeveloperApp: vi.fn(),
  connectWait: vi.fn(),
  connectCancel: vi.fn(),
  connectStart: vi.fn(),
  listen: vi.fn(),
}));

vi.mock('$lib/ipc/bindings', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc/bindings')>()),
  commands: mocks,
  events: { channelsChanged: { listen: mocks.listen, once: vi.fn() } },
}));

import { ipc, PreviewModeError } from '$lib/ipc';

const win = window as unknown as Record<string, unknown>;

beforeEach(() => {
  for (const fn of Object.values(mocks)) fn.mockReset();
});

describe('channel commands in the desktop app', () => {
  afterEach(() => {
    delete win.__TAURI_INTERNALS__;
  });

  it('unwraps results and passes arguments through', async () => {
    win.__TAURI_INTERNALS__ = {};
    mocks.channels.mockResolvedValue({ status: 'ok', data: [] });
    await expect(ipc.channels()).resolves.toEqual([]);
    mocks.saveDeveloperApp.mockResolvedValue({ status: 'ok', data: { platform: 'x' } });
    await ipc.saveDeveloperApp('x', 'abc', null);
    expect(mocks.saveDeveloperApp).toHaveBeenCalledWith('x', 'abc', null, false);
  });

  it('turns an error result into an AppError with the core code', async () => {
    win.__TAURI_INTERNALS__ = {};
    mocks.connectWait.mockResolvedValue({ status: 'error', error: { code: 'sign_in_timed_out', message: 'Timed out' } });
    await expect(ipc.connectWait('f1')).rejects.toMatchObject({ name: 'AppError', code: 'sign_in_timed_out', message: 'Timed out' });
  });

  it('delivers channelsChanged payloads', async () => {
    win.__TAURI_INTERNALS__ = {};
    const unlisten = vi.fn();
    mocks.listen.mockImplementation(async (cb: (e: { payload: unknown }) => void) => {
      cb({ payload: { channel_ids: ['a'], reason: 'refresh_failed' } });
      return unlisten;
    });
    const handler = vi.fn();
    const stop = await ipc.onChannelsChanged(handler);
    expect(handler).toHaveBeenCalledWith({ channel_ids: ['a'], reason: 'refresh_failed' });
    stop();
    expect(unlisten).toHaveBeenCalled();
  });
});

describe('channel commands in preview mode', () => {
  it('answers with empty values or refuses, never calling the core', async () => {
    await expect(ipc.channels()).resolves.toEqual([]);
    await expect(ipc.connectStart('x', null)).rejects.toBeInstanceOf(PreviewModeError);
    await expect(ipc.developerApps()).rejects.toBeInstanceOf(PreviewModeError);
    await expect(ipc.connectCancel('f1')).resolves.toBeUndefined();
    const stop = await ipc.onChannelsChanged(() => {});
    stop();
    expect(mocks.channels).not.toHaveBeenCalled();
    expect(mocks.connectStart).not.toHaveBeenCalled();
    expect(mocks.listen).not.toHaveBeenCalled();
  });
});
