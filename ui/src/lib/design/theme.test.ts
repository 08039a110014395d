import { describe, expect, it } from 'vitest';
import { loadPreference, resolveTheme, savePreference, themeFromQuery, THEME_STORAGE_KEY } from './theme';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

describe('resolveTheme', () => {
  it('follows the OS for System', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
  });

  it('keeps an explicit choice regardless of the OS', () => {
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

describe('stored preference', () => {
  it('defaults to System when nothing or garbage is stored', () => {
    expect(loadPreference(memoryStorage())).toBe('system');
    expect(loadPreference(memoryStorage({ [THEME_STORAGE_KEY]: 'purple' }))).toBe('system');
    expect(loadPreference(null)).toBe('system');
  });

  it('round-trips Light and Dark, and System clears the key', () => {
    const s = memoryStorage();
    savePreference(s, 'dark');
    expect(s.data.get(THEME_STORAGE_KEY)).toBe('dark');
    expect(loadPreference(s)).toBe('dark');
    savePreference(s, 'light');
    expect(loadPreference(s)).toBe('light');
    savePreference(s, 'system');
    expect(s.data.has(THEME_STORAGE_KEY)).toBe(false);
    expect(loadPreference(s)).toBe('system');
  });

  it('survives a storage that throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadPreference(broken)).toBe('system');
    expect(() => savePreference(broken, 'dark')).not.toThrow();
  });
});

describe('themeFromQuery', () => {
  it('reads ?theme= and ignores unknown values', () => {
    expect(themeFromQuery('?theme=dark')).toBe('dark');
    expect(themeFromQuery('?a=1&theme=light')).toBe('light');
    expect(themeFromQuery('?theme=neon')).toBeNull();
    expect(themeFromQuery('')).toBeNull();
  });
});
