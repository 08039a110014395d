// Scheduling in the real app: Settings → Scheduling shows and changes the core's scheduler settings
// (pause, time zone, grace period, notifications, close to tray); the desktop app runs the same
// scheduler as `outpost run` — it publishes a post due now to the strict X emulator, holds the data
// directory's lock so `outpost run` refuses to start, and while `outpost run` holds the lock the app
// publishes nothing and says so.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, stopDriver, freshDataDir, dbQuery, cli, cliBinary, repoRoot, startEmulator } from '../lib/harness.mjs';

const dbValue = (dataDir, sql) => String(dbQuery(dataDir, sql)[0]?.[0] ?? '');
const setting = (dataDir, key) => dbValue(dataDir, `SELECT value FROM settings WHERE key = '${key}'`);

const CLIENT_ID = 'e2e-sched-client';
const REDIRECT = 'http://127.0.0.1:47863/oauth/x/callback';
let emulator;
const tweets = async () => (await emulator.admin('log')).filter((e) => e.method === 'POST' && e.path === '/2/tweets');

before(async () => {
  emulator = await startEmulator('x');
  await emulator.admin('apps', { client_id: CLIENT_ID, redirect_uris: [REDIRECT] });
  await emulator.admin('user', { id: '2244994945', name: 'Ada Studio', username: 'adastudio' });
  // The app (through tauri-driver) and the CLI inherit this environment.
  process.env.OUTPOST_ENDPOINT_X = emulator.origin;
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = join(tmpdir(), `outpost-e2e-sched-browser-${process.pid}.log`);
});

after(() => {
  stopDriver();
  emulator?.stop();
});

/** A profile with X connected through the CLI; returns the channel id. */
function connectX(dataDir) {
  const set = cli(dataDir, 'apps', 'set', 'x', '--client-id', CLIENT_ID);
  assert.equal(set.status, 0, set.stderr);
  const c = cli(dataDir, '--json', 'channels', 'connect', 'x');
  assert.equal(c.status, 0, c.stderr);
  // The headless browser the CLI starts shares its stdout: the JSON array is the line starting with `[`.
  const json = c.stdout.slice(c.stdout.search(/^\[/m));
  return JSON.parse(json)[0].id;
}

async function openScheduling(app) {
  await app.click('nav-settings');
  await app.click('settings-scheduling');
  // Loaded (the status line itself is screen-reader-only while another process publishes).
  await app.waitFor('scheduling-pause', 15_000);
}

test('Settings → Scheduling shows and changes the scheduler settings; outpost run refuses while the app publishes', async () => {
  const dataDir = freshDataDir('scheduling');
  const app = await launch({ dataDir });
  try {
    await openScheduling(app);
    await app.waitForText('scheduling-status', (t) => t === 'Running — nothing scheduled');
    assert.match(await app.text('scheduling-badge'), /Running/);
    await app.waitFor('scheduling-next-empty');
    assert.ok((await app.text('scheduling-zone')).length > 0, 'a time zone is shown (the computer’s)');
    assert.equal(await app.script('return document.querySelector(\'[data-testid="scheduling-grace"]\').value'), '30');

    // The app holds the data directory's scheduler lock: `outpost run` refuses to start.
    const run = cli(dataDir, 'run', '--once');
    assert.notEqual(run.status, 0, 'outpost run must not start while the app publishes');
    assert.match(run.stderr, /another Outpost process .* is already publishing/);

    // Pause: the core's setting changes, and survives a reload of the window.
    await app.click('scheduling-pause');
    await app.waitForText('scheduling-badge', (t) => t.includes('Paused'));
    assert.equal(setting(dataDir, 'scheduler.paused'), 'true');
    assert.equal(await app.text('scheduling-status'), 'Publishing paused');

    // The time zone: search, pick.
    await app.type('scheduling-zone-search', 'tokyo');
    await app.waitFor('scheduling-zone-option');
    await app.click('scheduling-zone-option');
    await app.waitForText('scheduling-zone', (t) => t === 'Asia/Tokyo');
    assert.equal(setting(dataDir, 'scheduler.time_zone'), '"Asia/Tokyo"');

    // The grace period: a bad value is refused in the window, a good one saved.
    // Clear, then type like a user (each key fires an input event).
    const retype = async (value) => {
      await app.client.elementClear(await app.waitFor('scheduling-grace'));
      await app.type('scheduling-grace', value);
    };
    await retype('20000');
    await app.click('scheduling-grace-save');
    await app.waitForText('scheduling-grace-card', (t) => t.includes('At most 7 days'));
    assert.equal(setting(dataDir, 'scheduler.missed_grace_minutes'), '');
    await retype('45');
    await app.click('scheduling-grace-save');
    await app.waitForText('scheduling-grace-card', (t) => t.includes('Now: 45 minutes'));
    assert.equal(setting(dataDir, 'scheduler.missed_grace_minutes'), '45');

    // Notifications off.
    await app.click('scheduling-notifications-switch');
    for (const deadline = Date.now() + 5_000; setting(dataDir, 'desktop.notifications') !== 'false'; ) {
      if (Date.now() > deadline) throw new Error('notifications were not turned off in the core');
      await sleep(100);
    }

    await app.waitFor('scheduling-notifications-switch');
    assert.equal(await app.script('return location.hash'), '#/settings/scheduling');
    await app.screenshot('scheduling');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('settings-scheduling');
    await app.waitFor('scheduling-pause');
    await app.screenshot('scheduling-dark');
    await app.click('settings-appearance');
    await app.click('appearance-system');

    // After a reload the window shows the core's state again.
    await app.script('location.reload()');
    await app.waitFor('nav-settings', 15_000);
    await openScheduling(app);
    assert.equal(await app.text('scheduling-pause'), 'Resume publishing');
    assert.equal(await app.text('scheduling-zone'), 'Asia/Tokyo');
    assert.equal(await app.script('return document.querySelector(\'[data-testid="scheduling-notifications"]\').checked'), false);

    // Resume.
    await app.click('scheduling-pause');
    await app.waitForText('scheduling-badge', (t) => t.includes('Running'));
    assert.equal(setting(dataDir, 'scheduler.paused'), 'false');
  } finally {
    await app.close();
  }
});

test('the desktop app publishes a post that is due, exactly once', async () => {
  const dataDir = freshDataDir('sched-publish');
  const channel = connectX(dataDir);
  const before = (await tweets()).length;
  const created = cli(dataDir, '--json', 'posts', 'create', '--channel', channel, '--text', 'Published by the desktop app');
  assert.equal(created.status, 0, created.stderr);
  const postId = JSON.parse(created.stdout).post.id;
  assert.equal(dbValue(dataDir, `SELECT status FROM posts WHERE id = '${postId}'`), 'scheduled');

  const app = await launch({ dataDir });
  try {
    for (const deadline = Date.now() + 20_000; dbValue(dataDir, `SELECT status FROM posts WHERE id = '${postId}'`) !== 'published'; ) {
      if (Date.now() > deadline) throw new Error('the desktop app did not publish the due post');
      await sleep(200);
    }
    const sent = (await tweets()).slice(before);
    assert.equal(sent.length, 1, 'exactly one POST /2/tweets');
    await openScheduling(app);
    await app.waitForText('scheduling-status', (t) => t === 'Running — nothing scheduled');
    // The lock is the app's: `outpost run` refuses, and publishes nothing.
    const run = cli(dataDir, 'run', '--once');
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /already publishing/);
    assert.equal((await tweets()).length - before, 1, 'never twice');
  } finally {
    await app.close();
  }
});

test('while outpost run publishes, the app does not and says so', async () => {
  const dataDir = freshDataDir('sched-elsewhere');
  cli(dataDir, 'doctor');
  // `--json` prints `{"kind":"armed",…}` once the scheduler runs, which is after it took the lock.
  // (Probing with `outpost run --once` raced: a probe holding the lock for a moment made the
  // headless run refuse to start.)
  const headless = spawn(cliBinary, ['--data-dir', dataDir, '--json', 'run'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`outpost run did not start publishing: ${err}`)), 30_000);
      headless.stderr.on('data', (d) => (err += d));
      headless.stdout.on('data', (d) => {
        out += d;
        if (out.includes('"kind":"armed"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      headless.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`outpost run exited (${code}): ${err}`));
      });
    });
    headless.stdout.resume();
    const probe = cli(dataDir, 'run', '--once');
    assert.notEqual(probe.status, 0);
    assert.match(probe.stderr, /already publishing/);
    const app = await launch({ dataDir });
    try {
      await openScheduling(app);
      await app.waitForText('scheduling-status', (t) => t === 'Publishing is handled by another Outpost process (outpost run)');
      await app.waitFor('scheduling-elsewhere');
      assert.match(await app.text('scheduling-badge'), /Another process/);
      await app.screenshot('scheduling-elsewhere');
    } finally {
      await app.close();
    }
  } finally {
    headless.kill('SIGTERM');
  }
});

test('Settings → Scheduling sets the X read caps through the same core as `outpost inbox x-read-cap`, with the month’s reads', async () => {
  const dataDir = freshDataDir('x-read-caps');
  const capSet = cli(dataDir, 'inbox', 'x-read-cap', '--per-sync', '300');
  assert.equal(capSet.status, 0, capSet.stderr);
  const app = await launch({ dataDir });
  try {
    await openScheduling(app);
    const field = (id) => app.script(`return document.querySelector('[data-testid="${id}"]').value`);
    await app.waitFor('settings-x-read-cap-sync', 15_000);
    assert.equal(await field('settings-x-read-cap-sync'), '300', 'the cap set from the CLI');
    assert.equal(await field('settings-x-read-cap-month'), '', 'no monthly cap');
    assert.match(await app.text('settings-x-read-usage'), /^This month \(\d{4}-\d{2}\): 0 reads, about \$0\.000\.$/);

    // Below one page: the core refuses, naming the floor; nothing is stored.
    await app.type('settings-x-read-cap-month', '50');
    await app.click('settings-x-read-cap-save');
    await app.waitForText('settings-x-read-cap-error', (t) => /at least 100/.test(t));
    const kept = JSON.parse(cli(dataDir, '--json', 'inbox', 'x-read-cap').stdout);
    assert.equal(kept.per_month, null);

    await app.client.elementClear(await app.waitFor('settings-x-read-cap-month'));
    await app.type('settings-x-read-cap-month', '5000');
    await app.click('settings-x-read-cap-save');
    await app.waitForText('settings-x-read-usage', (t) => /of a 5,000-read cap/.test(t));
    const now = JSON.parse(cli(dataDir, '--json', 'inbox', 'x-read-cap').stdout);
    assert.deepEqual([now.per_sync, now.per_month, now.month_reads], [300, 5000, 0]);
    await app.script(`document.querySelector('[data-testid="settings-x-read-caps"]').scrollIntoView()`);
    await app.screenshot('settings-x-read-caps');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await openScheduling(app);
    await app.waitForText('settings-x-read-usage', (t) => /5,000-read cap/.test(t));
    await app.script(`document.querySelector('[data-testid="settings-x-read-caps"]').scrollIntoView()`);
    await app.screenshot('settings-x-read-caps-dark');
    await app.click('settings-appearance');
    await app.click('appearance-system');
  } finally {
    await app.close();
  }
});
