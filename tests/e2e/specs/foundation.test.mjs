// Foundation: the real app starts, every page is reachable, Rust-produced values are shown,
// keyboard navigation works, deep links and bad data directories are handled.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, stopDriver, freshDataDir, cli, launchSecondInstance, KEY, PAGES } from '../lib/harness.mjs';

after(() => stopDriver());

test('every page is reachable from the sidebar and has a designed empty state (light and dark)', async () => {
  const app = await launch();
  try {
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await app.click('nav-settings');
        await app.click('settings-appearance');
        await app.click('appearance-dark');
      }
      for (const page of PAGES) {
        await app.click(`nav-${page}`);
        await app.waitFor(`page-${page}`);
        const heading = await app.script(
          `return document.querySelector('[data-testid="page-${page}"] h1')?.textContent ?? ''`,
        );
        assert.ok(heading.trim().length > 0, `${page} has a heading`);
        if (page !== 'settings' && page !== 'compose') {
          await app.waitFor('empty-state');
        }
        await app.screenshot(theme === 'light' ? page : `${page}-dark`);
      }
    }
    const scheme = await app.script('return document.documentElement.dataset.theme ?? ""');
    assert.equal(scheme, 'dark');
    // The choice persists in the webview's storage: put it back for the tests that follow.
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-system');
  } finally {
    await app.close();
  }
});

test('Settings → About shows what the Rust core reports, matching `outpost doctor --json`', async () => {
  const dataDir = freshDataDir('about');
  const app = await launch({ dataDir });
  try {
    await app.click('nav-settings');
    await app.click('settings-about');
    await app.waitForText('about-schema-version', (t) => /\d{8,}/.test(t));
    const doctor = JSON.parse(cli(dataDir, 'doctor', '--json').stdout);
    assert.equal(await app.text('about-version'), doctor.version);
    assert.equal(await app.text('about-data-dir'), doctor.data_dir);
    assert.ok((await app.text('about-schema-version')).includes(String(doctor.schema_version)));
    assert.ok((await app.text('about-log-dir')).includes(doctor.log_dir));
    assert.match(await app.text('about-vault-backend'), /keychain|passphrase/i);
    // How the app draws here, as the CLI names it; on a machine without a GPU render node (CI under
    // Xvfb) the app itself turned WebKit's compositing off before WebKit started — and the About
    // page says so rather than crediting an outside WEBKIT_DISABLE_COMPOSITING_MODE.
    assert.equal(await app.text('about-rendering'), doctor.rendering);
    const noGpu = !existsSync('/dev/dri') || !readdirSync('/dev/dri').some((n) => n.startsWith('renderD'));
    if (noGpu && process.env.WEBKIT_DISABLE_COMPOSITING_MODE === undefined && (process.env.OUTPOST_HARDWARE_ACCELERATION ?? 'auto') === 'auto') {
      assert.match(await app.text('about-rendering'), /^compositing off: no GPU render node/);
    }
    await app.screenshot('settings-about');
  } finally {
    await app.close();
  }
});

test('keyboard: Ctrl+number switches pages and arrows move through the sidebar', async () => {
  const app = await launch();
  try {
    await app.waitFor('page-calendar');
    await app.keys(KEY.CONTROL, '2');
    await app.waitFor('page-board');
    await app.keys(KEY.CONTROL, '7');
    await app.waitFor('page-settings');
    await app.keys('?');
    await app.waitFor('shortcuts-dialog');
    await app.screenshot('shortcuts-dialog');
    await app.keys(KEY.ESCAPE);
  } finally {
    await app.close();
  }
});

test('a deep link from a second launch opens the page in the running window; a bad one is refused clearly', async () => {
  const dataDir = freshDataDir('deeplink');
  const app = await launch({ dataDir });
  try {
    await app.waitFor('page-calendar');
    const second = launchSecondInstance(dataDir, 'app.outpost.desktop://open/analytics');
    assert.equal(second.status, 0, `the second instance exits at once (stderr: ${second.stderr})`);
    await app.waitFor('page-analytics');

    launchSecondInstance(dataDir, 'app.outpost.desktop://delete/everything?now=1');
    const toast = await app.waitForText('toast', (t) => t.length > 0);
    assert.match(toast, /does not know the link/);
    await app.screenshot('deep-link-refused');
    await app.waitFor('page-analytics'); // nothing else changed
  } finally {
    await app.close();
  }
});

test('a corrupt database shows a clear error screen and is left untouched', async () => {
  const dataDir = freshDataDir('corrupt');
  const db = join(dataDir, 'outpost.sqlite3');
  const garbage = Buffer.from('this is not a database, it is a shopping list\n'.repeat(200));
  writeFileSync(db, garbage);
  const app = await launch({ dataDir });
  try {
    const message = await app.waitForText('core-error', (t) => t.length > 0);
    assert.match(message, /not|corrupt|damaged/i);
    await app.screenshot('core-error');
  } finally {
    await app.close();
  }
  assert.deepEqual(readFileSync(db), garbage, 'the file is unchanged');
});

test('an unusable data directory shows a clear error screen instead of the app', async () => {
  // /proc refuses new directories even for root, so this holds on every Linux machine.
  const app = await launch({ dataDir: '/proc/outpost-e2e-data' });
  try {
    const message = await app.waitForText('core-error', (t) => t.length > 0);
    assert.match(message, /data directory \/proc\/outpost-e2e-data is not usable/);
    assert.equal(await app.text('core-error-code'), 'data_dir_unavailable');
    await app.screenshot('core-error-data-dir');
  } finally {
    await app.close();
  }
});
