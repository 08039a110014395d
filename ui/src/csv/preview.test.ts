import { describe, expect, it } from 'vitest';
import type { CsvPreview, CsvRowPreview } from '$lib/ipc/slotsCsv';
import {
  canImport,
  cellErrors,
  cellText,
  importedMessage,
  importLabel,
  issueLabel,
  previewSummary,
  rowErrors,
  rowsFor,
} from './preview';

function row(n: number, errors: CsvRowPreview['errors'] = []): CsvRowPreview {
  return {
    row: n,
    text: `Post ${n}`,
    channels: ['x:lumen', 'bluesky:lumen.bsky.social'],
    channel_labels: ['X @lumen', 'Bluesky @lumen.bsky.social'],
    time: '2030-01-0' + n + ' 09:00',
    local_time: '2030-01-0' + n + ' 09:00',
    media: ['/home/me/pics/cup.png'],
    tags: ['launch'],
    first_comment: '',
    options: [],
    draft: false,
    errors,
  };
}

const bad = row(3, [
  { row: 3, column: 'time', message: '2020-01-01 09:00 has already passed' },
  { row: 3, column: null, message: 'the row has 5 fields but the header has 6 columns' },
]);

const preview: CsvPreview = {
  file_name: 'posts.csv',
  time_zone: 'Europe/Berlin',
  total_rows: 3,
  valid_rows: 2,
  invalid_rows: 1,
  file_errors: [],
  rows: [row(2), bad, row(4)],
  new_tags: ['launch'],
};

describe('CSV preview logic', () => {
  it('filters rows', () => {
    expect(rowsFor(preview, 'all')).toHaveLength(3);
    expect(rowsFor(preview, 'errors').map((r) => r.row)).toEqual([3]);
    expect(rowsFor(preview, 'valid').map((r) => r.row)).toEqual([2, 4]);
  });

  it('puts errors on their cell, row errors apart', () => {
    expect(cellErrors(bad, 'time').map((e) => e.message)).toEqual(['2020-01-01 09:00 has already passed']);
    expect(cellErrors(bad, 'text')).toEqual([]);
    expect(rowErrors(bad).map((e) => e.message)).toEqual(['the row has 5 fields but the header has 6 columns']);
  });

  it('labels the confirm button with what will happen', () => {
    expect(importLabel(preview)).toBe('Import 2 posts, skip 1 row');
    expect(importLabel({ ...preview, invalid_rows: 0, valid_rows: 1, rows: [row(2)] })).toBe('Import 1 post');
    expect(importLabel({ ...preview, valid_rows: 0, invalid_rows: 3 })).toBe('Nothing to import');
    expect(canImport({ ...preview, file_errors: [{ row: null, column: null, message: 'the file is empty' }] })).toBe(false);
  });

  it('summarises', () => {
    expect(previewSummary(preview)).toBe('3 rows · 2 ready · 1 with errors');
    expect(previewSummary({ ...preview, file_errors: [{ row: null, column: null, message: 'x' }] })).toBe(
      'The file cannot be imported.',
    );
    expect(
      importedMessage({ created: 2, post_ids: ['a', 'b'], skipped: [], skipped_rows: 1, tags_created: ['launch'] }),
    ).toBe('Created 2 posts and 1 new tag, skipped 1 row.');
    expect(issueLabel({ row: 3, column: 'first_comment', message: '' })).toBe('Row 3 · First comment');
    expect(issueLabel({ row: null, column: null, message: '' })).toBe('File');
  });

  it('shows cells readably', () => {
    expect(cellText(row(2), 'channels')).toBe('X @lumen, Bluesky @lumen.bsky.social');
    expect(cellText({ ...row(2), channel_labels: ['X @lumen'] }, 'channels')).toBe('x:lumen, bluesky:lumen.bsky.social');
    expect(cellText(row(2), 'media')).toBe('cup.png');
    expect(cellText({ ...row(2), draft: true }, 'time')).toBe('Draft');
  });
});

describe('per-platform columns in the preview', () => {
  it('shows them in one Options cell and puts their errors there', async () => {
    const { cellText, cellErrors, rowErrors } = await import('./preview');
    const row = {
      row: 2,
      text: 't',
      channels: ['c'],
      channel_labels: ['Pinterest @me'],
      time: '',
      local_time: null,
      media: [],
      tags: [],
      first_comment: '',
      options: [
        { column: 'board', value: '123' },
        { column: 'privacy', value: 'public' },
      ],
      draft: true,
      errors: [{ row: 2, column: 'privacy', message: 'privacy: Pinterest does not use this option' }],
    };
    expect(cellText(row, 'options')).toBe('board: 123 · privacy: public');
    expect(cellErrors(row, 'options')).toHaveLength(1);
    expect(rowErrors(row)).toHaveLength(0);
  });
});
