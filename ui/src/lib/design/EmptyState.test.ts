import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import CalendarDays from '@lucide/svelte/icons/calendar-days';
import Clock from '@lucide/svelte/icons/clock';
import EmptyState from './EmptyState.svelte';

describe('EmptyState', () => {
  it('renders the title as a heading, the description, actions and highlights', () => {
    const actions = createRawSnippet(() => ({ render: () => '<a href="#/channels">Connect a channel</a>' }));
    render(EmptyState, {
      icon: CalendarDays,
      title: 'Your publishing calendar',
      description: 'Scheduled posts appear here.',
      actions,
      highlights: [{ icon: Clock, title: 'Posting slots', text: 'A queue per channel.' }],
    });
    const region = screen.getByTestId('empty-state');
    expect(region).toHaveAccessibleName('Your publishing calendar');
    expect(screen.getByRole('heading', { name: 'Your publishing calendar' })).toBeInTheDocument();
    expect(screen.getByText('Scheduled posts appear here.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Connect a channel' })).toHaveAttribute('href', '#/channels');
    expect(screen.getByRole('list', { name: 'What you will find here' })).toHaveTextContent('Posting slots');
  });

  it('omits the highlights list when there are none', () => {
    render(EmptyState, { icon: CalendarDays, title: 'Empty', description: 'Nothing.' });
    expect(screen.queryByRole('list')).toBeNull();
  });
});
