/**
 * The app's reactive router over `location.hash`.
 */
import { formatRoute, parseHash, routeFor, type Route, type SettingsSection } from './routes';
import type { Page } from '$lib/ipc';

class Router {
  route = $state<Route>(parseHash(typeof location === 'undefined' ? '' : location.hash));

  /** Starts following `hashchange`; canonicalises the current hash. Returns a stop function. */
  start(): () => void {
    const sync = () => {
      const next = parseHash(location.hash);
      const canonical = formatRoute(next);
      if (location.hash !== canonical) {
        history.replaceState(history.state, '', canonical);
      }
      this.route = next;
    };
    sync();
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }

  go(route: Route): void {
    const hash = formatRoute(route);
    this.route = route;
    if (location.hash !== hash) location.hash = hash;
  }

  open(page: Page, section?: SettingsSection): void {
    this.go(routeFor(page, section));
  }
}

export const router = new Router();
