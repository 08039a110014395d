/**
 * Export and import runs. Module-level so a run keeps its progress and result while the user looks at
 * another page and comes back. Only one data operation runs at a time.
 */
import {
  ipc,
  toAppError,
  type AppError,
  type DataOperation,
  type DataProgressEvent,
  type ExportSummary,
  type ImportSummary,
} from '$lib/ipc';
import { toasts } from '$lib/design/toast.svelte';
import { formatCount, pluralize, sumCounts } from './format';

export function exportMessage(s: ExportSummary): string {
  return `Exported ${pluralize(sumCounts(s.counts), 'item')} and ${pluralize(s.media_files, 'media file')} to ${s.path}`;
}

export function importMessage(s: ImportSummary): string {
  const base = `Imported ${pluralize(sumCounts(s.counts), 'item')} and ${pluralize(s.media_files, 'media file')}.`;
  if (s.channels_needing_reconnect === 0) return base;
  const n = s.channels_needing_reconnect;
  return `${base} ${formatCount(n)} ${n === 1 ? 'channel needs' : 'channels need'} reconnecting.`;
}

export class DataTransfer {
  running = $state<DataOperation | null>(null);
  progress = $state<DataProgressEvent | null>(null);
  lastExport = $state<ExportSummary | null>(null);
  lastImport = $state<ImportSummary | null>(null);
  exportError = $state<AppError | null>(null);
  importError = $state<AppError | null>(null);

  private listening: Promise<void> | null = null;

  /** Subscribes to the core's progress events once; safe to call on every mount. */
  listen(): Promise<void> {
    this.listening ??= ipc
      .onDataProgress((event) => {
        if (event.operation === this.running) this.progress = event;
      })
      .then(() => undefined)
      .catch(() => {
        // Progress is a nicety: without it the bar stays indeterminate.
        this.listening = null;
      });
    return this.listening;
  }

  async runExport(): Promise<void> {
    if (this.running) return;
    this.running = 'export';
    this.progress = null;
    this.exportError = null;
    try {
      await this.listen();
      const summary = await ipc.exportData();
      if (summary) {
        this.lastExport = summary;
        toasts.success('Export complete', exportMessage(summary));
      }
    } catch (error) {
      this.exportError = toAppError(error);
    } finally {
      this.running = null;
      this.progress = null;
    }
  }

  async runImport(): Promise<void> {
    if (this.running) return;
    this.running = 'import';
    this.progress = null;
    this.importError = null;
    try {
      await this.listen();
      const summary = await ipc.importData();
      if (summary) {
        this.lastImport = summary;
        toasts.success('Import complete', importMessage(summary));
      }
    } catch (error) {
      this.importError = toAppError(error);
    } finally {
      this.running = null;
      this.progress = null;
    }
  }

  /** For tests. */
  reset(): void {
    this.running = null;
    this.progress = null;
    this.lastExport = null;
    this.lastImport = null;
    this.exportError = null;
    this.importError = null;
    this.listening = null;
  }
}

export const transfer = new DataTransfer();
