import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const ipcMock = vi.hoisted(() => ({
  exportData: vi.fn(),
  importData: vi.fn(),
  onDataProgress: vi.fn(),
}));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  ipc: ipcMock,
  isPreview: () => false,
}));

import { AppError, type DataProgressEvent, type ExportSummary, type ImportSummary } from '$lib/ipc';
import { toasts } from '$lib/design/toast.svelte';
import ExportCard from './ExportCard.svelte';
import ImportCard from './ImportCard.svelte';
import { exportMessage, importMessage, transfer } from './transfer.svelte';

afterEach(() => {
  transfer.reset();
  toasts.clear();
});

describe('messages', () => {
  it('reads naturally', () => {
    expect(exportMessage({ path: '/home/a/outpost.zip', counts: { post: 1200, channel: 3, tag: 31 }, media_files: 12, bytes: 1 })).toBe(
      'Exported 1,234 items and 12 media files to /home/a/outpost.zip',
    );
    expect(importMessage({ counts: { post: 1 }, media_files: 0, channels_needing_reconnect: 0 })).toBe('Imported 1 item and 0 media files.');
    expect(importMessage({ counts: { post: 17, channel: 3 }, media_files: 1, channels_needing_reconnect: 3 })).toBe(
      'Imported 20 items and 1 media file. 3 channels need reconnecting.',
    );
  });
});

describe('ExportCard', () => {
  it('shows progress from the core, then a toast and the archive path', async () => {
    let emit: (e: DataProgressEvent) => void = () => {};
    ipcMock.onDataProgress.mockImplementation(async (cb: (e: DataProgressEvent) => void) => {
      emit = cb;
      return () => {};
    });
    let finish: (v: unknown) => void = () => {};
    ipcMock.exportData.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    const user = userEvent.setup();
    render(ExportCard);

    await user.click(screen.getByTestId('export-button'));
    expect(await screen.findByTestId('export-progress')).toBeInTheDocument();
    emit({
      operation: 'export',
      progress: { stage: 'media', entities_done: 3, entities_total: 12, bytes_done: 1024, bytes_total: 4096 },
    });
    expect(await screen.findByText('Copying media…')).toBeInTheDocument();
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByTestId('export-progress')).toHaveTextContent('3 of 12 items');
    // Events of the other operation are ignored.
    emit({
      operation: 'import',
      progress: { stage: 'rows', entities_done: 9, entities_total: 12, bytes_done: 0, bytes_total: 0 },
    });
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');

    const summary: ExportSummary = {
      path: '/home/a/outpost-export.zip',
      counts: { post: 1000, media: 200, channel: 34 },
      media_files: 12,
      bytes: 4_200_000,
    };
    finish(summary);
    const result = await screen.findByTestId('export-result');
    expect(result).toHaveTextContent('/home/a/outpost-export.zip');
    expect(result).toHaveTextContent('Last export: 1,234 items, 12 media files');
    expect(screen.queryByTestId('export-progress')).toBeNull();
    expect(toasts.items.at(-1)?.message).toBe('Exported 1,234 items and 12 media files to /home/a/outpost-export.zip');
  });

  it('does nothing visible when the save dialog is cancelled', async () => {
    ipcMock.onDataProgress.mockResolvedValue(() => {});
    ipcMock.exportData.mockResolvedValue(null);
    const user = userEvent.setup();
    render(ExportCard);
    await user.click(screen.getByTestId('export-button'));
    await vi.waitFor(() => expect(screen.getByTestId('export-button')).toBeEnabled());
    expect(toasts.items).toHaveLength(0);
    expect(screen.queryByTestId('export-result')).toBeNull();
    expect(screen.queryByTestId('export-error')).toBeNull();
  });

  it('is disabled in preview mode', () => {
    render(ExportCard, { preview: true });
    expect(screen.getByTestId('export-button')).toBeDisabled();
  });
});

describe('ImportCard', () => {
  it('shows the core message inline and says nothing changed', async () => {
    ipcMock.onDataProgress.mockResolvedValue(() => {});
    ipcMock.importData.mockRejectedValue(
      new AppError('archive_too_new', 'This archive was made by a newer Outpost (format 3). Update Outpost, then try again.'),
    );
    const user = userEvent.setup();
    render(ImportCard);
    await user.click(screen.getByTestId('import-button'));
    const error = await screen.findByTestId('import-error');
    expect(error).toHaveTextContent('This archive was made by a newer Outpost');
    expect(error).toHaveTextContent('Nothing was changed.');
    expect(toasts.items).toHaveLength(0);
  });

  it('reports a successful import with a toast and a reconnect link', async () => {
    ipcMock.onDataProgress.mockResolvedValue(() => {});
    const summary: ImportSummary = { counts: { post: 48, channel: 2 }, media_files: 2, channels_needing_reconnect: 2 };
    ipcMock.importData.mockResolvedValue(summary);
    const user = userEvent.setup();
    render(ImportCard);
    await user.click(screen.getByTestId('import-button'));
    expect(await screen.findByTestId('import-result')).toHaveTextContent('Imported 50 items and 2 media files. 2 channels need reconnecting.');
    expect(screen.getByRole('link', { name: 'Reconnect channels' })).toHaveAttribute('href', '#/channels');
    expect(toasts.items.at(-1)).toMatchObject({ tone: 'success', title: 'Import complete' });
  });
});
