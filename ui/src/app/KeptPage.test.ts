import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import KeptHost from './fixtures/KeptHost.svelte';
import { actives, probe } from './fixtures/keptProbe.svelte';

describe('KeptPage', () => {
  it('keeps the same page between visits, out of the document meanwhile, and alive', async () => {
    const user = userEvent.setup();
    render(KeptHost);
    const page = await screen.findByTestId('kept-counter');

    // One click closes the page's dialog and opens another page.
    await user.click(screen.getByRole('button', { name: 'Elsewhere' }));
    await screen.findByTestId('other-page');
    expect(screen.queryByTestId('kept-counter')).toBeNull();

    probe.show = true;
    await waitFor(() => expect(screen.getByTestId('kept-counter')).toBe(page));
    expect(screen.queryByTestId('kept-dialog')).toBeNull();
    // Still alive: a later change reaches its DOM.
    probe.open = true;
    await waitFor(() => expect(screen.getByTestId('kept-dialog')).toBeInTheDocument());
    expect(page.dataset.active).toBe('true');
    expect(actives).toEqual([true, false, true]);
  });
});
