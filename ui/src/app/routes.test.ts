import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE, formatRoute, parseHash, routeFor, sameRoute, PAGES } from './routes';

describe('parseHash', () => {
  it('defaults to the calendar for an empty or bare hash', () => {
    expect(parseHash('')).toEqual({ page: 'calendar' });
    expect(parseHash('#')).toEqual({ page: 'calendar' });
    expect(parseHash('#/')).toEqual(DEFAULT_ROUTE);
  });

  it('reads every page', () => {
    for (const page of PAGES) {
      expect(parseHash(`#/${page}`).page).toBe(page);
    }
  });

  it('tolerates a missing slash, a trailing slash, case and a query', () => {
    expect(parseHash('#inbox')).toEqual({ page: 'inbox' });
    expect(parseHash('#/board/')).toEqual({ page: 'board' });
    expect(parseHash('#/ANALYTICS')).toEqual({ page: 'analytics' });
    expect(parseHash('#/channels?x=1')).toEqual({ page: 'channels' });
  });

  it('reads settings sections and defaults to About', () => {
    expect(parseHash('#/settings/appearance')).toEqual({ page: 'settings', section: 'appearance' });
    expect(parseHash('#/settings/about')).toEqual({ page: 'settings', section: 'about' });
    expect(parseHash('#/settings/privacy')).toEqual({ page: 'settings', section: 'privacy' });
    expect(parseHash('#/settings')).toEqual({ page: 'settings', section: 'about' });
    expect(parseHash('#/settings/nope')).toEqual({ page: 'settings', section: 'about' });
  });

  it('falls back to the calendar for unknown pages', () => {
    expect(parseHash('#/nowhere')).toEqual({ page: 'calendar' });
    expect(parseHash('#/__proto__')).toEqual({ page: 'calendar' });
  });

  it('ignores extra segments on pages without sections', () => {
    expect(parseHash('#/compose/extra')).toEqual({ page: 'compose' });
  });
});

describe('formatRoute', () => {
  it('formats canonical hashes', () => {
    expect(formatRoute({ page: 'calendar' })).toBe('#/calendar');
    expect(formatRoute({ page: 'settings', section: 'appearance' })).toBe('#/settings/appearance');
  });

  it('round-trips with parseHash', () => {
    for (const page of PAGES) {
      const route = routeFor(page);
      expect(parseHash(formatRoute(route))).toEqual(route);
    }
    const appearance = routeFor('settings', 'appearance');
    expect(parseHash(formatRoute(appearance))).toEqual(appearance);
  });

  it('compares routes by their hash', () => {
    expect(sameRoute(parseHash('#/settings'), routeFor('settings', 'about'))).toBe(true);
    expect(sameRoute(routeFor('settings', 'appearance'), routeFor('settings', 'about'))).toBe(false);
  });
});
