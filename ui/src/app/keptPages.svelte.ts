// A page kept alive between visits (issue #21: the calendar and the board): its first open builds
// its grid or columns and cards; leaving it takes its DOM out of the document (nothing there to lay
// out, paint or find) but keeps the component, so coming back puts the same DOM back: the view
// costs a style, layout and paint, not building a thousand or more elements again. The page learns
// it is shown again through its `active` prop (it then asks the core again, once that frame is
// painted: what changed meanwhile is drawn a moment later).
import { mount, type Component } from 'svelte';
import { afterPaint } from '$lib/design/steps.svelte';

export type KeptProps = { active: boolean };

type Kept = { holder: HTMLElement; props: KeptProps };

const kept = new Map<string, Kept>();

/** Puts the page `key` into `slot`, mounting `component` the first time; returns the function that
 * takes it out of the document again (the component stays mounted, `active` false). */
export function showKept(key: string, component: Component<KeptProps>, slot: HTMLElement): () => void {
  let page = kept.get(key);
  if (!page) {
    const holder = document.createElement('div');
    holder.className = 'kept-page';
    const props = $state<KeptProps>({ active: true });
    page = { holder, props };
    kept.set(key, page);
    // Mounted outside the effect that shows it (a microtask later, still before the frame): a root
    // made while an effect runs is that effect's child until the effect ends, and a change made
    // just before it ends (say, a dialog closed by the click that opens another page) would never
    // reach the page's DOM (Svelte 5 schedules it through the old parent).
    queueMicrotask(() => mount(component, { target: holder, props }));
  }
  slot.appendChild(page.holder);
  page.props.active = true;
  const shown = page;
  return () => {
    shown.props.active = false;
    shown.holder.remove();
  };
}

/** For a kept page: runs `again` once the frame that shows the page again (after a visit elsewhere)
 * is painted — not when it first shows. Call it while the component initialises (it uses an effect). */
export function whenShownAgain(active: () => boolean, again: () => void): void {
  let was = active();
  $effect(() => {
    const now = active();
    const shownAgain = now && !was;
    was = now;
    return shownAgain ? afterPaint(again) : undefined;
  });
}
