/** Leaving the Channels page for the settings a platform needs. */
import { router } from '$app/router.svelte';
import type { Platform } from '$lib/ipc';
import { devAppFocus } from '../settings/developer-apps/focus.svelte';

/** Settings → Developer apps, with `platform`'s guide opened. */
export function openDeveloperApps(platform?: Platform): void {
  devAppFocus.platform = platform ?? null;
  router.open('settings', 'developer-apps');
}
