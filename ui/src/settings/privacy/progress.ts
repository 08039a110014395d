/** Export/import progress from the core, as the progress bar shows it. Pure, no DOM. */
import type { DataOperation, DataProgress, DataStage } from '$lib/ipc';
import { formatCount } from './format';

/** What the bar says for each stage of the core's export or import. */
export function stageLabel(operation: DataOperation, stage: DataStage): string {
  switch (stage) {
    case 'validating':
      return 'Checking the archive…';
    case 'rows':
      return operation === 'export' ? 'Writing items…' : 'Reading items…';
    case 'media':
      return 'Copying media…';
    case 'finishing':
      return 'Finishing…';
  }
}

/** Done share of the work, 0–1 (entities are rows plus media files); null while the total is unknown. */
export function progressFraction(p: DataProgress): number | null {
  if (!(p.entities_total > 0)) return null;
  return Math.max(0, Math.min(1, p.entities_done / p.entities_total));
}

/** The bar's value, 0–100, or null (indeterminate) while the total is unknown. */
export function progressValue(p: DataProgress): number | null {
  const fraction = progressFraction(p);
  return fraction === null ? null : Math.round(fraction * 100);
}

/** "312 of 1,234 items", or undefined while the total is unknown. */
export function progressDetail(p: DataProgress): string | undefined {
  if (!(p.entities_total > 0)) return undefined;
  return `${formatCount(p.entities_done)} of ${formatCount(p.entities_total)} items`;
}
