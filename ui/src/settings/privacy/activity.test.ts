import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTERS,
  clampPage,
  errorKindLabel,
  filtersToQuery,
  hasFilters,
  hasNext,
  hasPrev,
  pageCount,
  platformName,
  platformOptions,
  rangeError,
  rangeLabel,
  statusClassOf,
  statusTone,
} from './activity';

describe('status classes', () => {
  it('classifies statuses', () => {
    expect(statusClassOf(200)).toBe('success');
    expect(statusClassOf(204)).toBe('success');
    expect(statusClassOf(301)).toBe('redirect');
    expect(statusClassOf(404)).toBe('client_error');
    expect(statusClassOf(429)).toBe('client_error');
    expect(statusClassOf(503)).toBe('server_error');
    expect(statusClassOf(null)).toBe('network_error');
    expect(statusClassOf(101)).toBe('network_error');
  });
  it('maps each class to a badge tone', () => {
    expect(statusTone('success')).toBe('success');
    expect(statusTone('redirect')).toBe('accent');
    expect(statusTone('client_error')).toBe('warning');
    expect(statusTone('server_error')).toBe('danger');
    expect(statusTone('network_error')).toBe('neutral');
  });
  it('labels error kinds and platforms', () => {
    expect(errorKindLabel('timeout')).toBe('Timeout');
    expect(errorKindLabel('tls_handshake')).toBe('TLS handshake');
    expect(errorKindLabel(null)).toBe('No response');
    expect(platformName('youtube')).toBe('YouTube');
    expect(platformName('someday')).toBe('someday');
  });
});

describe('filters → ActivityQuery', () => {
  it('maps "All" to null', () => {
    expect(filtersToQuery(EMPTY_FILTERS)).toEqual({ platform: null, status_class: null, since: null, until: null });
    expect(hasFilters(EMPTY_FILTERS)).toBe(false);
  });
  it('passes platform and status class through', () => {
    const q = filtersToQuery({ ...EMPTY_FILTERS, platform: 'mastodon', statusClass: 'client_error' });
    expect(q).toMatchObject({ platform: 'mastodon', status_class: 'client_error' });
  });
  it('turns dates into inclusive local-day bounds in unix ms', () => {
    const q = filtersToQuery({ ...EMPTY_FILTERS, since: '2024-11-01', until: '2024-11-23' });
    expect(q.since).toBe(new Date(2024, 10, 1, 0, 0, 0, 0).getTime());
    expect(q.until).toBe(new Date(2024, 10, 23, 23, 59, 59, 999).getTime());
    expect(filtersToQuery({ ...EMPTY_FILTERS, until: '2024-12-31' }).until).toBe(new Date(2025, 0, 1).getTime() - 1);
  });
  it('ignores malformed dates and reports an inverted range', () => {
    expect(filtersToQuery({ ...EMPTY_FILTERS, since: '2024-02-30' }).since).toBeNull();
    expect(filtersToQuery({ ...EMPTY_FILTERS, since: 'yesterday' }).since).toBeNull();
    expect(rangeError({ ...EMPTY_FILTERS, since: '2024-11-02', until: '2024-11-01' })).toMatch(/before/);
    expect(rangeError({ ...EMPTY_FILTERS, since: '2024-11-01', until: '2024-11-01' })).toBeNull();
  });
  it('lists seen platforms plus the selected one, by name', () => {
    expect(platformOptions(['x', 'bluesky', 'x'], 'youtube').map((o) => o.label)).toEqual(['Bluesky', 'X', 'YouTube']);
  });
});

describe('pagination', () => {
  it('counts pages', () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(50, 50)).toBe(1);
    expect(pageCount(51, 50)).toBe(2);
    expect(pageCount(1234, 50)).toBe(25);
  });
  it('labels the range', () => {
    expect(rangeLabel(0, 50, 1234)).toBe('Showing 1–50 of 1,234');
    expect(rangeLabel(24, 50, 1234)).toBe('Showing 1,201–1,234 of 1,234');
    expect(rangeLabel(0, 50, 7)).toBe('Showing 1–7 of 7');
    expect(rangeLabel(0, 50, 0)).toBe('No entries');
  });
  it('knows when there is a previous and a next page', () => {
    expect(hasPrev(0)).toBe(false);
    expect(hasPrev(1)).toBe(true);
    expect(hasNext(0, 50, 50)).toBe(false);
    expect(hasNext(0, 50, 51)).toBe(true);
    expect(hasNext(24, 50, 1234)).toBe(false);
  });
  it('clamps pages', () => {
    expect(clampPage(-3, 100, 50)).toBe(0);
    expect(clampPage(9, 100, 50)).toBe(1);
    expect(clampPage(3, 0, 50)).toBe(0);
  });
});
