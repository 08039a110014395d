import { describe, expect, it } from 'vitest';
import { labelFilter, labelOptions } from './filters';

describe('labelFilter', () => {
  it('filters nothing when both are "all"', () => {
    expect(labelFilter('all', 'all')).toEqual({ tag_ids: [], campaign_id: null });
  });
  it('passes the chosen tag and campaign', () => {
    expect(labelFilter('t1', 'c1')).toEqual({ tag_ids: ['t1'], campaign_id: 'c1' });
    expect(labelFilter('t1', 'all')).toEqual({ tag_ids: ['t1'], campaign_id: null });
  });
});

describe('labelOptions', () => {
  it('puts "all" first and sorts the labels by name', () => {
    expect(labelOptions('All tags', [{ id: 'b', name: 'launch' }, { id: 'a', name: 'Evergreen' }])).toEqual([
      { value: 'all', label: 'All tags' },
      { value: 'a', label: 'Evergreen' },
      { value: 'b', label: 'launch' },
    ]);
  });
});
