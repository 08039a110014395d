import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { AttentionItem } from '$lib/ipc/bindings';

const fake = vi.hoisted(() => ({ items: [] as AttentionItem[], asked: [] as number[] }));

vi.mock('$lib/ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('$lib/ipc')>()),
  isPreview: () => false,
}));

vi.mock('$lib/ipc/posts', () => ({
  posts: {
    needsAttentionPage: async (offset: number, limit: number) => {
      fake.asked.push(limit);
      return { items: fake.items.slice(offset, offset + limit), total: fake.items.length };
    },
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
    fake.asked = [];
    const count = (n: number) => vi.waitFor(() => expect(screen.getAllByTestId('attention-item')).toHaveLength(n));
    render(NeedsAttention);
    await screen.findByTestId('needs-attention');
    await count(3);
    expect(screen.getByTestId('attention-show-all').textContent).toContain('Show all 45');
    expect(screen.queryByTestId('attention-more')).toBeNull();
    await userEvent.click(screen.getByTestId('attention-show-all'));
    await count(20);
    expect(screen.getAllByTestId('attention-item')[0]?.dataset.jobId).toBe('j0');
    const more = screen.getByTestId('attention-more');
    expect(more.textContent).toContain('Show 20 more (25 not shown)');
    await userEvent.click(more);
    await count(40);
    expect(screen.getAllByTestId('attention-item')[39]?.dataset.jobId).toBe('j39');
    await userEvent.click(screen.getByTestId('attention-more'));
    await count(45);
    expect(screen.queryByTestId('attention-more')).toBeNull();
    await userEvent.click(screen.getByTestId('attention-show-all'));
    await count(3);
    // The core was asked for the items shown, a page at a time, never for all of them.
    expect(fake.asked).toEqual([3, 20, 20, 20]);
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
