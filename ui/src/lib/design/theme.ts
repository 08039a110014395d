/**
 * Appearance: the user's choice (System / Light / Dark) and the theme it resolves to.
 */
export type ThemePreference = 'system' | 'light' | 'dark';
export type ResolvedTheme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'outpost.appearance';
export const THEME_PREFERENCES: readonly ThemePreference[] = ['system', 'light', 'dark'];

export function isThemePreference(value: unknown): value is ThemePreference {
  return typeof value === 'string' && (THEME_PREFERENCES as readonly string[]).includes(value);
}

/** The theme to show for a preference, given whether the OS currently prefers dark. */
export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): ResolvedTheme {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
  return preference;
}

/** Reads the stored preference; anything missing or invalid means System. */
export function loadPreference(storage: Pick<Storage, 'getItem'> | null): ThemePreference {
  try {
    const value = storage?.getItem(THEME_STORAGE_KEY);
    return isThemePreference(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

export function savePreference(storage: Pick<Storage, 'setItem' | 'removeItem'> | null, preference: ThemePreference): void {
  try {
    if (preference === 'system') storage?.removeItem(THEME_STORAGE_KEY);
    else storage?.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Storage can be unavailable (private mode, quota); the choice then lasts for this session.
  }
}

/** A `?theme=light|dark|system` override in the page URL (used to check both themes in preview). */
export function themeFromQuery(search: string): ThemePreference | null {
  const value = new URLSearchParams(search).get('theme');
  return isThemePreference(value) ? value : null;
}
