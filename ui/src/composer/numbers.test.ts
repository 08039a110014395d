import { describe, expect, it } from 'vitest';
import { ago, cell, NUMBER_COLUMNS } from './numbers';

const col = (key: string) => NUMBER_COLUMNS.find((c) => c.key === key)!;

describe('composer numbers', () => {
  const mastodon = { offered: ['likes', 'reposts', 'replies'], values: { likes: 30, reposts: 9, replies: 0 } };

  it('shows n/a, never 0, for a metric the platform does not offer', () => {
    expect(cell(mastodon, col('views'))).toEqual({ text: 'n/a', offered: false, label: 'Views' });
    expect(cell(mastodon, col('saves')).text).toBe('n/a');
  });

  it('shows a real zero as 0 and the latest value', () => {
    expect(cell(mastodon, col('comments')).text).toBe('0');
    expect(cell(mastodon, col('likes')).text).toBe('30');
  });

  it('reads views from impressions where a platform counts those, and says so', () => {
    const x = { offered: ['impressions', 'likes'], values: { impressions: 12_400 } };
    const c = cell(x, col('views'));
    expect(c.label).toBe('Impressions');
    expect(c.text).toMatch(/12/);
  });

  it('shows a dash when offered but not in the reading', () => {
    expect(cell({ offered: ['saves'], values: {} }, col('saves')).text).toBe('—');
  });

  it('says how long ago', () => {
    const now = 1_000_000_000_000;
    expect(ago(now - 20_000, now)).toBe('just now');
    expect(ago(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(ago(now - 2 * 3_600_000 - 10, now)).toBe('2 h ago');
    expect(ago(now - 3 * 86_400_000, now)).toBe('3 days ago');
    expect(ago(now + 5000, now)).toBe('just now');
  });
});
