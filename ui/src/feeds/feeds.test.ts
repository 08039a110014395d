import { describe, expect, it } from 'vitest';
import type { EvergreenView, FeedItemView, FeedView } from '$lib/ipc/automation';
import { addedMessage, feedName, feedStatus, formErrors, modeLabel, outcomeLabel, parseKeywords, templateProblem } from './feeds';
import { evergreenSummary, parseDays } from './evergreen';

const feed = (over: Partial<FeedView> = {}): FeedView => ({
  id: 'f1',
  url: 'https://blog.example/feed.xml',
  title: '',
  channel_ids: ['c1'],
  mode: 'draft',
  template: '{{title}} {{link}}',
  include_keywords: [],
  exclude_keywords: [],
  backfill_limit: 1,
  poll_every_minutes: 30,
  paused: false,
  last_status: 'ok',
  last_error: null,
  last_polled_at: null,
  next_poll_at: null,
  items_seen: 0,
  created_at: 0,
  ...over,
});

describe('feed helpers', () => {
  it('splits keywords on commas, semicolons and lines, without empties or repeats', () => {
    expect(parseKeywords(' espresso, filter;; Espresso\nbeans ')).toEqual(['espresso', 'filter', 'beans']);
    expect(parseKeywords('  ')).toEqual([]);
  });

  it('checks templates like the core: only the four variables, balanced braces', () => {
    expect(templateProblem('')).toBeNull();
    expect(templateProblem('{{title}} — {{ Summary }} {{link}} {{image}}')).toBeNull();
    expect(templateProblem('{{title}} by {{author}}')).toContain('{{author}} is not a feed variable');
    expect(templateProblem('{{title')).toContain('no closing');
  });

  it('validates the add form by field', () => {
    expect(formErrors({ url: 'https://x.example/f', channelIds: ['c'], template: '', backfill: '3' })).toEqual({});
    const e = formErrors({ url: 'x.example/f', channelIds: [], template: '{{nope}}', backfill: '99' });
    expect(Object.keys(e).sort()).toEqual(['backfill', 'channels', 'template', 'url']);
    expect(formErrors({ url: '', channelIds: ['c'], template: '', backfill: '' }).url).toContain('Enter');
  });

  it('names feeds and their state', () => {
    expect(feedName(feed())).toBe('blog.example');
    expect(feedName(feed({ title: 'Roaster blog' }))).toBe('Roaster blog');
    expect(feedStatus(feed({ paused: true })).label).toBe('Paused');
    expect(feedStatus(feed({ last_status: 'error', last_error: 'x' })).tone).toBe('danger');
    expect(feedStatus(feed({ last_status: 'new' })).label).toBe('Not read yet');
    expect(feedStatus(feed({ last_error: 'some items ignored' })).tone).toBe('warning');
    expect(modeLabel('queue')).toBe('Add to queue');
    expect(addedMessage({ items_seen: 3, mode: 'queue' })).toBe('3 items read; new items become queued posts.');
    expect(addedMessage({ items_seen: 0, mode: 'draft' })).toBe('No items yet; new items become drafts.');
  });

  it('labels what an item became', () => {
    const item = (outcome: string): FeedItemView => ({
      id: 'i',
      feed_id: 'f1',
      item_key: 'k',
      link: null,
      title: 't',
      published_at: null,
      outcome,
      post_id: null,
      message: null,
      seen_at: 0,
    });
    expect(outcomeLabel(item('posted')).label).toBe('Published');
    expect(outcomeLabel(item('failed')).tone).toBe('danger');
    expect(outcomeLabel(item('skipped')).label).toBe('Skipped');
  });
});

describe('evergreen helpers', () => {
  it('accepts whole days from 1 to 3650', () => {
    expect(parseDays('30')).toBe(30);
    expect(parseDays('0')).toBeNull();
    expect(parseDays('3651')).toBeNull();
    expect(parseDays('2.5')).toBeNull();
  });

  it('summarises a rule', () => {
    const rule: EvergreenView = {
      post_id: 'p',
      every_days: 7,
      min_gap_days: 7,
      until_at: null,
      last_at: null,
      next_due_at: Date.UTC(2030, 2, 12, 9, 30),
      last_message: null,
      copies: [
        { id: 'a', post_id: 'p', copy_post_id: 'c', at: 0, outcome: 'scheduled', message: null },
        { id: 'b', post_id: 'p', copy_post_id: null, at: 0, outcome: 'skipped', message: 'X' },
      ],
    };
    const s = evergreenSummary(rule, new Date(2030, 0, 1));
    expect(s).toContain('Every 7 days');
    expect(s).toContain('12 Mar');
    expect(s).toContain('1 repeat so far');
  });
});
