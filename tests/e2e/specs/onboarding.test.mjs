// First run: a fresh profile opens on onboarding (data folder, keychain check, Outpost's privacy
// statement, first channel); the decisions land in the consent records; a changed statement asks
// again; a machine without a keychain is told about passphrase mode.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readdirSync, readlinkSync } from 'node:fs';
import { launch, stopDriver, freshDataDir, dbQuery, appBinary } from '../lib/harness.mjs';

after(() => stopDriver());

/** Closes the app and waits for its process to be gone, so the next launch is not a second instance. */
async function closeFully(app) {
  await app.close();
  const running = () =>
    readdirSync('/proc').some((d) => {
      try {
        return /^\d+$/.test(d) && readlinkSync(`/proc/${d}/exe`) === appBinary;
      } catch {
        return false;
      }
    });
  const deadline = Date.now() + 10_000;
  while (running() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

// WebKit's screenshot can show the frame before the last click's: let it paint first.
const shot = async (app, name) => {
  await new Promise((r) => setTimeout(r, 700));
  return app.screenshot(name);
};

const consents = (dataDir) =>
  dbQuery(dataDir, 'SELECT kind, granted, policy_version, source FROM consent_records ORDER BY given_at, id');

test('a fresh profile walks through onboarding and records the decisions', async () => {
  const dataDir = freshDataDir('onboarding');
  let app = await launch({ dataDir, onboarding: true });
  try {
    await app.waitFor('onboarding');
    assert.equal(await app.text('onboarding-data-dir'), dataDir);
    await shot(app, 'onboarding-1-data');
    await app.click('onboarding-next');
    await app.waitFor('onboarding-keychain');
    assert.equal(await app.script('return document.querySelector(\'[data-testid="onboarding-keychain"]\').dataset.available'), 'true');
    await shot(app, 'onboarding-2-keychain');
    await app.click('onboarding-next');
    await app.waitFor('privacy-statement');
    const version = await app.script('return document.querySelector(\'[data-testid="privacy-statement"]\').dataset.version');
    assert.match(version, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(await app.text('privacy-statement'), /no telemetry/);
    await app.click('onboarding-update-checks');
    await shot(app, 'onboarding-3-privacy');
    await app.click('onboarding-accept');
    await app.waitFor('onboarding-connect');
    await shot(app, 'onboarding-4-channel');
    await app.click('onboarding-connect');
    await app.waitFor('page-channels');
    assert.equal(await app.exists('onboarding'), false);

    const rows = consents(dataDir);
    assert.deepEqual(rows, [
      ['privacy_statement', 1, version, 'onboarding'],
      ['update_checks', 1, version, 'onboarding'],
    ]);
    // Settings → About reflects the decision and names the signing key.
    await app.click('nav-settings');
    await app.click('settings-about');
    await app.waitFor('update-key-id');
    assert.match(await app.text('update-key-id'), /^[0-9A-F]{16}$/);
    assert.equal(await app.script('return document.querySelector(\'[data-testid="update-checks-switch"]\').checked'), true);
    await app.script('document.querySelector(\'[data-testid="updates"]\').scrollIntoView()');
    await shot(app, 'settings-about-updates');
    await closeFully(app);

    // Decided: the next start goes straight to the app.
    app = await launch({ dataDir, onboarding: true });
    assert.equal(await app.exists('onboarding'), false);
    await closeFully(app);

    // The statement changed (the acknowledgement on record is for an older version): asked again.
    spawnSync('python3', [
      '-c',
      'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE consent_records SET policy_version=\'2000-01-01\' WHERE kind=\'privacy_statement\'"); c.commit()',
      join(dataDir, 'outpost.sqlite3'),
    ]);
    app = await launch({ dataDir, onboarding: true });
    await app.waitFor('onboarding-changed');
    await app.waitFor('privacy-statement');
    assert.equal(await app.script('return document.querySelector(\'[data-testid="onboarding-update-checks"]\').checked'), true);
    await shot(app, 'onboarding-statement-changed');
    await app.click('onboarding-accept');
    const deadline = Date.now() + 5000;
    while (await app.exists('onboarding')) {
      assert.ok(Date.now() < deadline, 'onboarding closes after the new statement is acknowledged');
      await new Promise((r) => setTimeout(r, 50));
    }
    const kinds = consents(dataDir).filter((r) => r[0] === 'privacy_statement');
    assert.equal(kinds.length, 2);
    assert.deepEqual(kinds[1], ['privacy_statement', 1, version, 'onboarding']);
    assert.deepEqual(consents(dataDir).filter((r) => r[0] === 'update_checks').at(-1), ['update_checks', 1, version, 'onboarding']);
  } finally {
    await app.close();
  }
});

test('without a keychain, onboarding explains passphrase mode', async () => {
  // The app inherits tauri-driver's environment: restart it without a D-Bus session bus, so no
  // Secret Service answers.
  stopDriver();
  const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
  process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/outpost-no-bus';
  let app;
  try {
    app = await launch({ onboarding: true });
    await app.click('onboarding-next');
    await app.waitFor('onboarding-keychain');
    assert.equal(await app.script('return document.querySelector(\'[data-testid="onboarding-keychain"]\').dataset.available'), 'false');
    assert.match(await app.text('onboarding'), /OUTPOST_VAULT_PASSPHRASE/);
    await shot(app, 'onboarding-2-no-keychain');
  } finally {
    await app?.close();
    stopDriver();
    if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
  }
});
