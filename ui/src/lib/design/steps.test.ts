import { describe, expect, it } from 'vitest';
import { nextLimit, rowsOnScreen } from './steps.svelte';

describe('drawing a list in steps', () => {
  it('draws what fits in the window and one more row', () => {
    expect(rowsOnScreen(64, 620)).toBe(11);
    expect(rowsOnScreen(72, 530)).toBe(9);
    // A window smaller than a row still draws one.
    expect(rowsOnScreen(100, 0)).toBe(1);
  });

  it('grows by a step until everything is drawn', () => {
    expect(nextLimit(10, 200, 40)).toBe(50);
    expect(nextLimit(190, 200, 40)).toBe(200);
    expect(nextLimit(200, 200, 40)).toBeNull();
    expect(nextLimit(30, 12, 40)).toBeNull();
    expect(nextLimit(0, 5, 0)).toBe(1);
  });
});
