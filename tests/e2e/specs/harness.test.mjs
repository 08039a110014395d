// The harness itself: a driver that dies or stops answering fails the run fast with one clear error,
// instead of every later test waiting for its own WebDriver timeout (issue: tauri-driver 2.1.0 hung).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, stopDriver, repoRoot, pinnedDriver } from '../lib/harness.mjs';

after(() => stopDriver());

test('the pinned tauri-driver is the one the harness runs', () => {
  const saved = process.env.OUTPOST_TAURI_DRIVER;
  delete process.env.OUTPOST_TAURI_DRIVER;
  try {
    assert.match(pinnedDriver(), /tauri-driver-\d+\.\d+\.\d+\/bin\/tauri-driver$/);
  } finally {
    if (saved !== undefined) process.env.OUTPOST_TAURI_DRIVER = saved;
  }
});

test('a driver that stops answering fails the launch within seconds, and every later launch at once', async () => {
  process.env.OUTPOST_TAURI_DRIVER = join(repoRoot, 'tests/e2e/lib/fake-driver.mjs');
  process.env.FAKE_DRIVER_MODE = 'hang';
  const t0 = Date.now();
  await assert.rejects(launch(), /tauri-driver stopped answering/);
  assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
  const t1 = Date.now();
  await assert.rejects(launch(), /tauri-driver stopped answering/);
  assert.ok(Date.now() - t1 < 500, `second launch took ${Date.now() - t1} ms`);
});
