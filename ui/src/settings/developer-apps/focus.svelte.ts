/**
 * Which developer app to open when Settings → Developer apps is shown next (set by the Channels page's
 * "Set up developer app", read once by the section).
 */
import type { Platform } from '$lib/ipc';

class DevAppFocus {
  platform = $state<Platform | null>(null);

  /** Returns the platform to open, once. */
  take(): Platform | null {
    const platform = this.platform;
    this.platform = null;
    return platform;
  }
}

export const devAppFocus = new DevAppFocus();
