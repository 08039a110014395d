// Pages other than the calendar (the first view) are separate chunks, loaded when first opened:
// the start parses and keeps only the calendar's code (issue #21: start-up and idle memory).
import type { Component } from 'svelte';
import type { SettingsSection } from './routes';
import { toasts } from '$lib/design/toast.svelte';

type Loaded = {
  board?: Component;
  compose?: Component;
  inbox?: Component;
  analytics?: Component;
  channels?: Component;
  settings?: Component<{ section: SettingsSection }>;
};
export type LazyPage = keyof Loaded;

const loaders: { [P in LazyPage]: () => Promise<{ default: NonNullable<Loaded[P]> }> } = {
  board: () => import('../board/BoardPage.svelte'),
  compose: () => import('../composer/ComposePage.svelte'),
  inbox: () => import('../inbox/InboxPage.svelte'),
  analytics: () => import('../analytics/AnalyticsPage.svelte'),
  channels: () => import('../channels/ChannelsPage.svelte'),
  settings: () => import('../settings/SettingsPage.svelte'),
};

class LazyPages {
  #loaded = $state<Loaded>({});
  #pending = new Set<LazyPage>();

  get board() {
    return this.#loaded.board;
  }
  get compose() {
    return this.#loaded.compose;
  }
  get inbox() {
    return this.#loaded.inbox;
  }
  get analytics() {
    return this.#loaded.analytics;
  }
  get channels() {
    return this.#loaded.channels;
  }
  get settings() {
    return this.#loaded.settings;
  }

  /** Starts loading a page's code (once); the page shows as soon as it has arrived. */
  load(page: LazyPage): void {
    if (this.#loaded[page] || this.#pending.has(page)) return;
    this.#pending.add(page);
    loaders[page]()
      .then((m) => {
        this.#loaded = { ...this.#loaded, [page]: m.default };
      })
      .catch((error: unknown) => {
        toasts.error('This page could not be loaded', error instanceof Error ? error.message : String(error));
      })
      .finally(() => this.#pending.delete(page));
  }
}

export const lazyPages = new LazyPages();
