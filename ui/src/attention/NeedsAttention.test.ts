import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { AttentionItem } from '$lib/ipc/bindings';

const fake = vi.hoisted(() => ({ items: [] as AttentionItem[] }));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  isPreview: () => false,
}));

vi.mock('$lib/ipc/posts', () => ({
  posts: {
    needsAttention: async () => fake.items,
    onChanged: async () => () => {},
    resolve: async () => {},
  },
}));

import NeedsAttention from './NeedsAttention.svelte';

function item(i: number): AttentionItem {
  return {
    post_id: `p${i}`,
    post_text: `Post number ${i}`,
    job_id: `j${i}`,
    channel_id: 'c1',
    channel_name: 'Demo channel',
    platform: 'mastodon',
    state: 'failed',
    reason: 'The server said no',
    last_attempt_at: null,
    check_url: null,
  };
}

describe('needs attention', () => {
  it('shows 3, then "Show all" draws 20 and more on request, never all of thousands at once', async () => {
    fake.items = Array.from({ length: 45 }, (_, i) => item(i));
    render(NeedsAttention);
    await screen.findByTestId('needs-attention');
    expect(screen.getAllByTestId('attention-item')).toHaveLength(3);
    expect(screen.queryByTestId('attention-more')).toBeNull();
    await userEvent.click(screen.getByTestId('attention-show-all'));
    expect(screen.getAllByTestId('attention-item')).toHaveLength(20);
    expect(screen.getAllByTestId('attention-item')[0]?.dataset.jobId).toBe('j0');
    const more = screen.getByTestId('attention-more');
    expect(more.textContent).toContain('Show 20 more (25 not shown)');
    await userEvent.click(more);
    expect(screen.getAllByTestId('attention-item')).toHaveLength(40);
    await userEvent.click(screen.getByTestId('attention-more'));
    expect(screen.getAllByTestId('attention-item')).toHaveLength(45);
    expect(screen.queryByTestId('attention-more')).toBeNull();
    await userEvent.click(screen.getByTestId('attention-show-all'));
    expect(screen.getAllByTestId('attention-item')).toHaveLength(3);
  });

  it('has no "show all" or "show more" when every item fits', async () => {
    fake.items = [item(1), item(2)];
    render(NeedsAttention);
    await screen.findByTestId('needs-attention');
    expect(screen.getAllByTestId('attention-item')).toHaveLength(2);
    expect(screen.queryByTestId('attention-more')).toBeNull();
    expect(screen.queryByTestId('attention-show-all')).toBeNull();
  });
});
