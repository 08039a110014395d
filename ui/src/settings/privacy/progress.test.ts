import { describe, expect, it } from 'vitest';
import type { DataProgress } from '$lib/ipc';
import { progressDetail, progressFraction, progressValue, stageLabel } from './progress';

const at = (entities_done: number, entities_total: number): DataProgress => ({
  stage: 'rows',
  entities_done,
  entities_total,
  bytes_done: 0,
  bytes_total: 0,
});

describe('stageLabel', () => {
  it('names every stage, with the direction of the rows stage', () => {
    expect(stageLabel('import', 'validating')).toBe('Checking the archive…');
    expect(stageLabel('export', 'rows')).toBe('Writing items…');
    expect(stageLabel('import', 'rows')).toBe('Reading items…');
    expect(stageLabel('export', 'media')).toBe('Copying media…');
    expect(stageLabel('import', 'finishing')).toBe('Finishing…');
  });
});

describe('progress numbers', () => {
  it('is unknown (indeterminate) while the total is 0', () => {
    expect(progressFraction(at(0, 0))).toBeNull();
    expect(progressValue(at(0, 0))).toBeNull();
    expect(progressDetail(at(0, 0))).toBeUndefined();
  });
  it('is entities done over entities total, clamped', () => {
    expect(progressFraction(at(1, 4))).toBe(0.25);
    expect(progressValue(at(1, 4))).toBe(25);
    expect(progressValue(at(5, 4))).toBe(100);
    expect(progressDetail(at(312, 1234))).toBe('312 of 1,234 items');
  });
});
