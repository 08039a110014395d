import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';

const rotate = vi.hoisted(() => vi.fn());

vi.mock('$lib/ipc', async (importOriginal) => {
  const original = await importOriginal<typeof import('$lib/ipc')>();
  return { ...original, isPreview: () => false, ipc: { rotateMasterKey: rotate } };
});

import DataPromiseCard from './DataPromiseCard.svelte';

describe('DataPromiseCard: rotating the master key', () => {
  it('says how many secrets were re-sealed', async () => {
    rotate.mockResolvedValueOnce({ resealed: 3, new_key_id: 'k2' });
    render(DataPromiseCard);
    await userEvent.click(screen.getByTestId('privacy-rotate-key'));
    await waitFor(() => expect(screen.getByTestId('privacy-rotate-status')).toHaveTextContent('Re-sealed 3 secrets'));
    expect(rotate).toHaveBeenCalledTimes(1);
  });

  it('shows the error and keeps the button usable', async () => {
    rotate.mockRejectedValueOnce(new Error('The keychain is locked.'));
    render(DataPromiseCard);
    await userEvent.click(screen.getByTestId('privacy-rotate-key'));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('The keychain is locked.'));
    expect(screen.getByTestId('privacy-rotate-key')).not.toBeDisabled();
  });
});
