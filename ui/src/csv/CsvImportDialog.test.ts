import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { CsvPreview, CsvRowPreview } from '$lib/ipc/slotsCsv';
import CsvImportDialog from './CsvImportDialog.svelte';

const ok = (row: number): CsvRowPreview => ({
  row,
  text: `Post ${row}`,
  channels: ['x:lumen'],
  channel_labels: ['X @lumen'],
  time: '2030-01-02 09:00',
  local_time: '2030-01-02 09:00',
  media: [],
  tags: [],
  first_comment: '',
  options: [],
  draft: false,
  errors: [],
});

const preview: CsvPreview = {
  file_name: 'posts.csv',
  time_zone: 'Europe/Berlin',
  total_rows: 3,
  valid_rows: 2,
  invalid_rows: 1,
  file_errors: [],
  rows: [ok(2), { ...ok(3), channels: ['x:nobody'], channel_labels: [], errors: [{ row: 3, column: 'channels', message: 'there is no X channel @nobody' }] }, ok(4)],
  new_tags: [],
};

describe('the CSV import preview', () => {
  it('marks the bad row and its cell, counts, filters, and confirms with skip-invalid', async () => {
    const user = userEvent.setup();
    const onconfirm = vi.fn();
    render(CsvImportDialog, { preview, importing: false, error: null, onconfirm, onclose: vi.fn() });
    expect(screen.getByTestId('csv-counts')).toHaveTextContent('2 ready');
    expect(screen.getByTestId('csv-counts')).toHaveTextContent('1 with errors');
    expect(screen.getByTestId('csv-row-3').dataset.valid).toBe('false');
    expect(screen.getByTestId('csv-row-2').dataset.valid).toBe('true');
    expect(screen.getByTestId('csv-cell-3-channels')).toHaveClass('cell-bad');
    expect(screen.getByTestId('csv-cell-3-channels')).toHaveTextContent('there is no X channel @nobody');
    expect(screen.getByTestId('csv-cell-3-text')).not.toHaveClass('cell-bad');

    await user.click(screen.getByTestId('csv-filter-errors'));
    expect(screen.queryByTestId('csv-row-2')).toBeNull();
    expect(screen.getByTestId('csv-row-3')).toBeInTheDocument();

    expect(screen.getByTestId('csv-confirm')).toHaveTextContent('Import 2 posts, skip 1 row');
    await user.click(screen.getByTestId('csv-confirm'));
    expect(onconfirm).toHaveBeenCalledWith(true);
  });

  it('refuses a file that cannot be imported and shows why', () => {
    render(CsvImportDialog, {
      preview: { ...preview, rows: [], total_rows: 0, valid_rows: 0, invalid_rows: 0, file_errors: [{ row: null, column: null, message: 'the file is not UTF-8 text' }] },
      importing: false,
      error: null,
      onconfirm: vi.fn(),
      onclose: vi.fn(),
    });
    expect(screen.getByTestId('csv-file-error')).toHaveTextContent('the file is not UTF-8 text');
    expect(screen.getByTestId('csv-confirm')).toBeDisabled();
  });
});
