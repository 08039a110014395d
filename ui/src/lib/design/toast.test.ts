import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMEOUT_MS, ERROR_TIMEOUT_MS, MAX_TOASTS, ToastStore } from './toast.svelte';

describe('ToastStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('adds toasts with increasing ids and the right tone', () => {
    const store = new ToastStore();
    const a = store.info('Saved');
    const b = store.error('Failed', 'disk full');
    expect(b).toBeGreaterThan(a);
    expect(store.items.map((t) => [t.tone, t.title, t.message])).toEqual([
      ['info', 'Saved', undefined],
      ['error', 'Failed', 'disk full'],
    ]);
  });

  it('removes a toast after its timeout; errors stay longer', () => {
    const store = new ToastStore();
    store.success('Copied');
    store.error('Broken');
    vi.advanceTimersByTime(DEFAULT_TIMEOUT_MS);
    expect(store.items.map((t) => t.title)).toEqual(['Broken']);
    vi.advanceTimersByTime(ERROR_TIMEOUT_MS - DEFAULT_TIMEOUT_MS);
    expect(store.items).toEqual([]);
  });

  it('keeps a toast with timeout null until dismissed', () => {
    const store = new ToastStore();
    const id = store.push({ title: 'Sticky', timeout: null });
    vi.advanceTimersByTime(60_000);
    expect(store.items).toHaveLength(1);
    store.dismiss(id);
    expect(store.items).toHaveLength(0);
  });

  it('keeps at most MAX_TOASTS, dropping the oldest', () => {
    const store = new ToastStore();
    for (let i = 0; i < MAX_TOASTS + 2; i++) store.info(`t${i}`);
    expect(store.items).toHaveLength(MAX_TOASTS);
    expect(store.items[0]?.title).toBe('t2');
  });

  it('dismiss of an unknown id is harmless and clear empties everything', () => {
    const store = new ToastStore();
    store.info('a');
    store.dismiss(999);
    expect(store.items).toHaveLength(1);
    store.clear();
    expect(store.items).toHaveLength(0);
    vi.runAllTimers();
    expect(store.items).toHaveLength(0);
  });
});
