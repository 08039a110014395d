// A page kept alive between visits (issue #21): the board's first open builds its columns and
// cards; leaving it takes its DOM out of the document (nothing to lay out, paint or find there)
// but keeps the component, so coming back puts the same DOM back: the view costs a layout and a
// paint, not building thousands of elements again. The page learns it is shown again through its
// `active` prop (it then asks the core again: what changed meanwhile is drawn a moment later).
import { mount, type Component } from 'svelte';

export type KeptProps = { active: boolean };

type Kept = { holder: HTMLElement; props: KeptProps };

const kept = new Map<string, Kept>();

/** Puts the page `key` into `slot`, mounting `component` the first time; returns the function that
 * takes it out of the document again (the component stays mounted, `active` false). */
export function showKept(key: string, component: Component<KeptProps>, slot: HTMLElement): () => void {
  let page = kept.get(key);
  if (page) {
    slot.appendChild(page.holder);
    page.props.active = true;
  } else {
    const holder = document.createElement('div');
    holder.className = 'kept-page';
    slot.appendChild(holder);
    const props = $state<KeptProps>({ active: true });
    mount(component, { target: holder, props });
    page = { holder, props };
    kept.set(key, page);
  }
  const shown = page;
  return () => {
    shown.props.active = false;
    shown.holder.remove();
  };
}
