import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import Sidebar from './Sidebar.svelte';

describe('Sidebar', () => {
  it('is a navigation landmark with the seven pages and marks the active one', () => {
    render(Sidebar, { active: 'inbox', preview: false, onshortcuts: () => {} });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav).toBeInTheDocument();
    for (const id of ['calendar', 'board', 'compose', 'inbox', 'analytics', 'channels', 'settings']) {
      expect(screen.getByTestId(`nav-${id}`)).toHaveAttribute('href', id === 'settings' ? '#/settings/about' : `#/${id}`);
    }
    expect(screen.getByTestId('nav-inbox')).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('nav-calendar')).not.toHaveAttribute('aria-current');
  });

  it('uses a roving tabindex moved by the arrow keys', async () => {
    const user = userEvent.setup();
    render(Sidebar, { active: 'calendar', preview: false, onshortcuts: () => {} });
    const calendar = screen.getByTestId('nav-calendar');
    expect(calendar).toHaveAttribute('tabindex', '0');
    expect(screen.getByTestId('nav-board')).toHaveAttribute('tabindex', '-1');

    await user.tab();
    expect(calendar).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByTestId('nav-board')).toHaveFocus();
    expect(screen.getByTestId('nav-board')).toHaveAttribute('tabindex', '0');
    expect(calendar).toHaveAttribute('tabindex', '-1');
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(screen.getByTestId('nav-settings')).toHaveFocus();
    await user.keyboard('{Home}');
    expect(calendar).toHaveFocus();
    await user.keyboard('{End}');
    expect(screen.getByTestId('nav-settings')).toHaveFocus();
  });

  it('shows the preview notice only in preview mode and opens the shortcuts', async () => {
    const onshortcuts = vi.fn();
    const { unmount } = render(Sidebar, { active: 'calendar', preview: true, onshortcuts });
    expect(screen.getByText('Preview mode')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /Keyboard shortcuts/ }));
    expect(onshortcuts).toHaveBeenCalled();
    unmount();
    render(Sidebar, { active: 'calendar', preview: false, onshortcuts });
    expect(screen.queryByText('Preview mode')).toBeNull();
  });
});
