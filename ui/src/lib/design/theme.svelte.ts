/**
 * The live theme: follows `prefers-color-scheme` when the preference is System and writes
 * `data-theme` on <html> so tokens.css switches palettes.
 */
import {
  loadPreference,
  resolveTheme,
  savePreference,
  themeFromQuery,
  type ResolvedTheme,
  type ThemePreference,
} from './theme';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

class ThemeStore {
  preference = $state<ThemePreference>('system');
  systemDark = $state(false);
  resolved = $derived<ResolvedTheme>(resolveTheme(this.preference, this.systemDark));

  /** Reads the stored choice, follows the OS, and keeps <html data-theme> current. */
  start(): () => void {
    const media = typeof matchMedia === 'function' ? matchMedia(DARK_QUERY) : null;
    this.systemDark = media?.matches ?? false;
    this.preference = themeFromQuery(location.search) ?? loadPreference(storage());
    const onChange = (event: MediaQueryListEvent) => {
      this.systemDark = event.matches;
    };
    media?.addEventListener('change', onChange);
    const stopEffect = $effect.root(() => {
      $effect(() => {
        document.documentElement.dataset.theme = this.resolved;
      });
    });
    return () => {
      media?.removeEventListener('change', onChange);
      stopEffect();
    };
  }

  set(preference: ThemePreference): void {
    this.preference = preference;
    savePreference(storage(), preference);
  }
}

export const theme = new ThemeStore();
