/**
 * Hash routes: `#/calendar`, `#/settings/about`. Pure functions, no DOM, so they are easy to test.
 */
import type { Page } from '$lib/ipc';

export const PAGES = [
  'calendar',
  'board',
  'compose',
  'inbox',
  'analytics',
  'channels',
  'settings',
] as const satisfies readonly Page[];

export const SETTINGS_SECTIONS = ['about', 'scheduling', 'privacy', 'developer-apps', 'media-host', 'posting-times', 'feeds', 'csv', 'approvals', 'ai', 'appearance'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export type Route =
  | { page: Exclude<Page, 'settings'> }
  | { page: 'settings'; section: SettingsSection };

export const DEFAULT_ROUTE: Route = { page: 'calendar' };
export const DEFAULT_SETTINGS_SECTION: SettingsSection = 'about';

export function isPage(value: string): value is Page {
  return (PAGES as readonly string[]).includes(value);
}

export function isSettingsSection(value: string): value is SettingsSection {
  return (SETTINGS_SECTIONS as readonly string[]).includes(value);
}

/** A route for a page, with the default section where the page has sections. */
export function routeFor(page: Page, section?: SettingsSection): Route {
  if (page === 'settings') return { page, section: section ?? DEFAULT_SETTINGS_SECTION };
  return { page };
}

/**
 * Parses `location.hash`. Accepts `#/page`, `#page`, `#/page/`, `#/settings/section`, any case.
 * Anything unknown falls back to the default route (Calendar; Settings → About for a bad section).
 */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').split(/[?#]/)[0] ?? '';
  const parts = path
    .split('/')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part.length > 0);
  const [first, second] = parts;
  if (first === undefined || !isPage(first)) return DEFAULT_ROUTE;
  if (first === 'settings') {
    return routeFor('settings', second !== undefined && isSettingsSection(second) ? second : undefined);
  }
  return routeFor(first);
}

/** The canonical hash for a route. */
export function formatRoute(route: Route): string {
  return route.page === 'settings' ? `#/settings/${route.section}` : `#/${route.page}`;
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatRoute(a) === formatRoute(b);
}
