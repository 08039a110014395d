/**
 * Logic of the CSV import preview: which rows to show, which cells to highlight, what the import
 * button says. Pure functions over the core's `CsvPreview`.
 */
import type { CsvImportSummary, CsvIssue, CsvPreview, CsvRowPreview } from '$lib/ipc/slotsCsv';

export type RowFilter = 'all' | 'errors' | 'valid';

/** The columns the preview table shows, in file order. */
export const PREVIEW_COLUMNS = ['text', 'channels', 'time', 'media', 'tags', 'first_comment', 'options'] as const;

/** The per-platform columns, shown together in the preview's Options cell. */
export const OPTION_COLUMNS = ['title', 'privacy', 'board', 'link', 'thread', 'native_schedule', 'category', 'made_for_kids', 'thumbnail', 'disclose', 'placement', 'alt'] as const;
export type PreviewColumn = (typeof PREVIEW_COLUMNS)[number];

export const COLUMN_LABELS: Record<PreviewColumn, string> = {
  text: 'Text',
  channels: 'Channels',
  time: 'Time',
  media: 'Media',
  tags: 'Tags',
  first_comment: 'First comment',
  options: 'Options',
};

export function rowsFor(preview: CsvPreview, filter: RowFilter): CsvRowPreview[] {
  if (filter === 'errors') return preview.rows.filter((r) => r.errors.length > 0);
  if (filter === 'valid') return preview.rows.filter((r) => r.errors.length === 0);
  return preview.rows;
}

/** The errors of one cell (the row's errors naming that column). */
export function cellErrors(row: CsvRowPreview, column: PreviewColumn): CsvIssue[] {
  if (column === 'options') return row.errors.filter((e) => e.column !== null && (OPTION_COLUMNS as readonly string[]).includes(e.column));
  return row.errors.filter((e) => e.column === column);
}

/** Errors about the row as a whole (no column). */
export function rowErrors(row: CsvRowPreview): CsvIssue[] {
  const shown = [...PREVIEW_COLUMNS, ...OPTION_COLUMNS] as readonly string[];
  return row.errors.filter((e) => e.column === null || !shown.includes(e.column));
}

/** Whether anything can be imported: no file-level error and at least one valid row. */
export function canImport(preview: CsvPreview): boolean {
  return preview.file_errors.length === 0 && preview.valid_rows > 0;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The confirm button: "Import 4 posts" or, with bad rows, "Import 4 posts, skip 1 row". */
export function importLabel(preview: CsvPreview): string {
  if (!canImport(preview)) return 'Nothing to import';
  const base = `Import ${plural(preview.valid_rows, 'post')}`;
  return preview.invalid_rows > 0 ? `${base}, skip ${plural(preview.invalid_rows, 'row')}` : base;
}

/** One line above the table. */
export function previewSummary(preview: CsvPreview): string {
  if (preview.file_errors.length > 0) return 'The file cannot be imported.';
  const parts = [`${plural(preview.total_rows, 'row')}`, `${preview.valid_rows} ready`];
  if (preview.invalid_rows > 0) parts.push(`${preview.invalid_rows} with errors`);
  return parts.join(' · ');
}

/** The toast after an import. */
export function importedMessage(summary: CsvImportSummary): string {
  const created = `Created ${plural(summary.created, 'post')}`;
  const skipped = summary.skipped_rows > 0 ? `, skipped ${plural(summary.skipped_rows, 'row')}` : '';
  const tags = summary.tags_created.length > 0 ? ` and ${plural(summary.tags_created.length, 'new tag')}` : '';
  return `${created}${tags}${skipped}.`;
}

/** "Row 3 · time: …" for lists of issues. */
export function issueLabel(issue: CsvIssue): string {
  const where = issue.row === null ? 'File' : `Row ${issue.row}`;
  const column = issue.column ? ` · ${COLUMN_LABELS[issue.column as PreviewColumn] ?? issue.column}` : '';
  return `${where}${column}`;
}

/** The cell text shown in the table for a column. */
export function cellText(row: CsvRowPreview, column: PreviewColumn): string {
  switch (column) {
    case 'text':
      return row.text;
    case 'channels':
      return (row.channel_labels.length === row.channels.length ? row.channel_labels : row.channels).join(', ');
    case 'time':
      return row.draft ? 'Draft' : (row.local_time ?? row.time);
    case 'media':
      return row.media.map((m) => m.split(/[\\/]/).pop() ?? m).join(', ');
    case 'tags':
      return row.tags.join(', ');
    case 'first_comment':
      return row.first_comment;
    case 'options':
      return (row.options ?? []).map((o) => `${o.column}: ${o.value}`).join(' · ');
  }
}
