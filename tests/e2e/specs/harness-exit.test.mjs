// The harness itself: a driver process that exits is reported as such, at once, by every later launch.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, startDriver, stopDriver, repoRoot } from '../lib/harness.mjs';

after(() => stopDriver());

test('a driver that exits fails every later launch at once with its exit status', async () => {
  process.env.OUTPOST_TAURI_DRIVER = join(repoRoot, 'tests/e2e/lib/fake-driver.mjs');
  process.env.FAKE_DRIVER_MODE = 'exit';
  await startDriver(); // the fake answers /status once, then exits
  await sleep(1_000);
  const t0 = Date.now();
  await assert.rejects(launch(), /tauri-driver \(.*\) exited \(code 3\)/);
  assert.ok(Date.now() - t0 < 500, `took ${Date.now() - t0} ms`);
});
