import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import Avatar from './Avatar.svelte';

describe('Avatar', () => {
  it('shows the picture, and the initials once it fails to load', async () => {
    const { container } = render(Avatar, { name: 'Alice Example', url: 'https://example.invalid/a.jpg' });
    const box = screen.getByTestId('inbox-avatar');
    expect(box.dataset.avatar).toBe('image');
    const img = container.querySelector('img');
    expect(img).not.toBeNull();
    await fireEvent.error(img!);
    expect(box.dataset.avatar).toBe('initials');
    expect(box).toHaveTextContent('AE');
  });

  it('shows the initials without a picture', () => {
    render(Avatar, { name: '@alice.bakes', url: null });
    const box = screen.getByTestId('inbox-avatar');
    expect(box.dataset.avatar).toBe('initials');
    expect(box).toHaveTextContent('A');
  });
});
