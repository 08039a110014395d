import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const ipcMock = vi.hoisted(() => ({
  profileSummary: vi.fn(),
  deleteAllData: vi.fn(),
}));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  ipc: ipcMock,
  isPreview: () => false,
}));

import { AppError, type ChannelRevocation, type DeleteAllReport } from '$lib/ipc';
import DeleteAllDialog from './DeleteAllDialog.svelte';
import DeleteAllDone from './DeleteAllDone.svelte';
import { countsPhrase, deleteSentence, isDeleteConfirmed, revocationProblems } from './deleteAll';

const counts = [
  { entity: 'post', label: 'posts', singular: 'post', rows: 1234 },
  { entity: 'channel', label: 'channels', singular: 'channel', rows: 3 },
  { entity: 'tag', label: 'tags', singular: 'tag', rows: 0 },
  { entity: 'template', label: 'templates', singular: 'template', rows: 12 },
];

describe('countsPhrase grammar', () => {
  it('uses the singular for exactly one item', () => {
    expect(
      countsPhrase([
        { entity: 'channels', label: 'channels', singular: 'channel', rows: 1 },
        { entity: 'posts', label: 'posts', singular: 'post', rows: 2 },
      ]),
    ).toBe('1 channel and 2 posts');
  });
});

describe('delete helpers', () => {
  it('accepts only the exact word', () => {
    expect(isDeleteConfirmed('')).toBe(false);
    expect(isDeleteConfirmed('delete')).toBe(false);
    expect(isDeleteConfirmed('DELET')).toBe(false);
    expect(isDeleteConfirmed('DELETE')).toBe(true);
    expect(isDeleteConfirmed('  DELETE ')).toBe(true);
  });
  it('states the counts, leaving out empty kinds', () => {
    expect(countsPhrase(counts)).toBe('1,234 posts, 3 channels and 12 templates');
    expect(deleteSentence(counts)).toBe(
      'This permanently deletes 1,234 posts, 3 channels and 12 templates, every media file, every log file and the master key in your system keychain.',
    );
    expect(deleteSentence(null)).toMatch(/^This permanently deletes everything you created in Outpost, every media file/);
  });
  it('keeps only rows that were not revoked', () => {
    const rows: ChannelRevocation[] = [
      { channel_id: '1', platform: 'x', display_name: '@a', outcome: 'revoked' },
      { channel_id: '2', platform: 'tiktok', display_name: 'b', outcome: 'not_supported' },
      { channel_id: '3', platform: 'mastodon', display_name: 'c', outcome: 'failed', reason: 'HTTP 503' },
    ];
    expect(revocationProblems(rows).map((r) => r.channel_id)).toEqual(['2', '3']);
  });
});

describe('DeleteAllDialog', () => {
  it('keeps the destructive button disabled until DELETE is typed', async () => {
    ipcMock.profileSummary.mockResolvedValue({ counts });
    const report: DeleteAllReport = { deleted: true, revocation: [] };
    ipcMock.deleteAllData.mockResolvedValue(report);
    const ondone = vi.fn();
    const user = userEvent.setup();
    render(DeleteAllDialog, { open: true, onclose: vi.fn(), ondone });

    expect(await screen.findByText(/1,234 posts, 3 channels and 12 templates/)).toBeInTheDocument();
    const confirm = screen.getByTestId('delete-all-confirm');
    const input = screen.getByTestId('delete-all-confirm-input');
    expect(confirm).toBeDisabled();

    await user.type(input, 'delete');
    expect(confirm).toBeDisabled();
    await user.clear(input);
    await user.type(input, 'DELET');
    expect(confirm).toBeDisabled();
    await user.click(confirm);
    expect(ipcMock.deleteAllData).not.toHaveBeenCalled();

    await user.type(input, 'E');
    expect(confirm).toBeEnabled();
    await user.click(confirm);
    expect(ipcMock.deleteAllData).toHaveBeenCalledOnce();
    expect(ondone).toHaveBeenCalledWith(report);
  });

  it('shows the error and stays open when deletion fails', async () => {
    ipcMock.profileSummary.mockRejectedValue(new AppError('database', 'locked'));
    ipcMock.deleteAllData.mockRejectedValue(new AppError('io', 'Disk is read-only'));
    const ondone = vi.fn();
    const user = userEvent.setup();
    render(DeleteAllDialog, { open: true, onclose: vi.fn(), ondone });
    expect(await screen.findByText(/everything you created in Outpost/)).toBeInTheDocument();
    await user.type(screen.getByTestId('delete-all-confirm-input'), 'DELETE{Enter}');
    expect(await screen.findByTestId('delete-all-error')).toHaveTextContent('Disk is read-only');
    expect(ondone).not.toHaveBeenCalled();
    expect(screen.getByTestId('delete-all-dialog')).toBeInTheDocument();
  });
});

describe('DeleteAllDone', () => {
  it('lists platforms whose token could not be revoked', () => {
    render(DeleteAllDone, {
      report: {
        deleted: true,
        revocation: [
          { channel_id: '1', platform: 'x', display_name: '@ada', outcome: 'revoked' },
          { channel_id: '2', platform: 'tiktok', display_name: 'Ada Films', outcome: 'not_supported' },
          { channel_id: '3', platform: 'mastodon', display_name: '@ada@social.example', outcome: 'failed', reason: 'HTTP 503 from the instance' },
        ],
      },
    });
    const done = screen.getByTestId('delete-all-done');
    expect(done).toHaveTextContent('All your data was deleted');
    expect(done).toHaveTextContent('Access was revoked for 1 channel.');
    const problems = screen.getAllByTestId('revocation-problem');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toHaveTextContent('Not revoked automatically');
    expect(problems[1]).toHaveTextContent('HTTP 503 from the instance');
    expect(done).toHaveTextContent(/remove Outpost there/);
  });

  it('shows no problem list when everything was revoked', () => {
    render(DeleteAllDone, { report: { deleted: true, revocation: [] } });
    expect(screen.queryByTestId('delete-all-revocation-problems')).toBeNull();
  });
});
