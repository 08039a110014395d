import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet } from 'svelte';
import Dialog from './Dialog.svelte';

const body = createRawSnippet(() => ({ render: () => '<div><button>First</button><button>Second</button></div>' }));

describe('Dialog', () => {
  it('is a labelled modal dialog that focuses inside and closes on Escape', async () => {
    const user = userEvent.setup();
    const onclose = vi.fn();
    render(Dialog, { open: true, title: 'Keyboard shortcuts', onclose, children: body, testid: 'd' });
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'First' })).toHaveFocus());
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalledOnce();
  });

  it('keeps Tab inside the dialog', async () => {
    const user = userEvent.setup();
    render(Dialog, { open: true, title: 'T', onclose: () => {}, children: body });
    await vi.waitFor(() => expect(screen.getByRole('button', { name: 'First' })).toHaveFocus());
    await user.tab();
    expect(screen.getByRole('button', { name: 'Second' })).toHaveFocus();
    await user.tab();
    // Wraps to the first focusable element of the dialog (the Close button in the header).
    expect(screen.getByRole('button', { name: 'Close' })).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Second' })).toHaveFocus();
  });

  it('renders nothing when closed', () => {
    render(Dialog, { open: false, title: 'T', onclose: () => {}, children: body });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
