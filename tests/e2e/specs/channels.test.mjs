// Channels in the real app: set up the X developer app in Settings, connect X through the "system
// browser" (OUTPOST_BROWSER = a headless client that follows the authorization redirect) against the
// strict X emulator, see the grant refused upstream turn into "reconnect needed", then disconnect.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, stopDriver, freshDataDir, dbQuery, repoRoot, startEmulator } from '../lib/harness.mjs';

/** The single value of a one-row, one-column query ('' when no row). */
const dbValue = (dataDir, sql) => String(dbQuery(dataDir, sql)[0]?.[0] ?? '');

const CLIENT_ID = 'e2e-x-client';
const REDIRECT = 'http://127.0.0.1:47863/oauth/x/callback';
let emulator;
let origin;
let admin;
const browserLog = join(tmpdir(), `outpost-e2e-browser-${process.pid}.log`);

before(async () => {
  emulator = await startEmulator('x');
  ({ origin, admin } = emulator);
  await admin('apps', { client_id: CLIENT_ID, redirect_uris: [REDIRECT] });
  await admin('user', { id: '2244994945', name: 'Ada Studio', username: 'adastudio', avatar_url: 'https://pbs.twimg.com/profile_images/ada.png' });
  // The app (started by tauri-driver, which inherits this environment) talks to the emulator and
  // opens authorization URLs with the headless browser.
  process.env.OUTPOST_ENDPOINT_X = origin;
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = browserLog;
});

after(() => {
  stopDriver();
  emulator?.stop();
});

test('set up the X app, connect X through the browser, reconnect needed after an upstream revoke, disconnect', async () => {
  const dataDir = freshDataDir('channels');
  const app = await launch({ dataDir });
  try {
    // --- Settings → Developer apps
    await app.click('nav-settings');
    await app.click('settings-developer-apps');
    await app.click('devapp-x');
    assert.equal(await app.text('devapp-redirect-x'), REDIRECT, 'the exact redirect URI to register');
    await app.type('devapp-client-id-x', CLIENT_ID);
    await app.screenshot('developer-apps');
    await app.click('devapp-save-x');
    await app.waitForText('devapp-status-x', (t) => /configured/i.test(t));
    assert.equal(dbValue(dataDir, "SELECT client_id FROM developer_apps WHERE platform = 'x'"), CLIENT_ID);

    // --- Channels → Connect → X: the browser signs in, the account is offered, then connected
    await app.click('nav-channels');
    await app.click('connect-channel');
    await app.screenshot('connect-dialog');
    await app.click('platform-option-x');
    await app.waitFor('candidate-0', 20_000);
    await app.screenshot('connect-candidates');
    await app.click('connect-finish');
    let id = '';
    for (const deadline = Date.now() + 15_000; !id && Date.now() < deadline; ) {
      id = dbValue(dataDir, "SELECT id FROM channels WHERE platform = 'x'");
      if (!id) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(id, 'a channel row exists');
    await app.waitFor(`channel-row-${id}`);
    assert.match(await app.text(`channel-row-${id}`), /Ada Studio/);
    assert.equal((await app.text(`channel-status-${id}`)).toLowerCase(), 'connected');
    await app.screenshot('channels-connected');

    const authorizeUrl = new URL(readFileSync(browserLog, 'utf8').split('\n')[0]);
    assert.equal(authorizeUrl.pathname, '/i/oauth2/authorize');
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizeUrl.searchParams.get('redirect_uri'), REDIRECT);
    assert.ok((authorizeUrl.searchParams.get('state') ?? '').length >= 32, 'a real one-time state');

    // Tokens are sealed: the emulator-issued bearer token is in neither the database nor the logs.
    const log = await admin('log');
    const bearer = log.map((e) => e.headers?.authorization ?? '').find((h) => h.startsWith('Bearer '))?.slice(7);
    assert.ok(bearer, 'the app called the API with a bearer token');
    const db = readFileSync(join(dataDir, 'outpost.sqlite3'));
    assert.ok(!db.includes(Buffer.from(bearer)), 'no plaintext token in the database');
    for (const f of readdirSync(join(dataDir, 'logs'))) {
      assert.ok(!readFileSync(join(dataDir, 'logs', f), 'utf8').includes(bearer), `no token in ${f}`);
    }

    // --- The user removes the app on X: checking the channel turns it into "reconnect needed"
    await admin('revoke-all', {});
    await app.click(`channel-details-toggle-${id}`);
    await app.click(`channel-check-${id}`);
    await app.waitForText(`channel-status-${id}`, (t) => /reconnect/i.test(t), 20_000);
    assert.equal(dbValue(dataDir, `SELECT status FROM channels WHERE id = '${id}'`), 'reconnect_needed');
    assert.ok(await app.exists(`channel-reconnect-${id}`));
    await app.screenshot('channels-reconnect-needed');

    // --- Disconnect: tokens deleted here, the row stays as disconnected
    await app.click(`channel-disconnect-${id}`);
    await app.screenshot('channels-disconnect-confirm');
    await app.click('confirm-disconnect');
    await app.waitForText(`channel-status-${id}`, (t) => /disconnected/i.test(t), 20_000);
    assert.equal(dbValue(dataDir, `SELECT count(*) FROM sealed_secrets WHERE owner_kind = 'channel' AND owner_id = '${id}'`), '0');
    await app.screenshot('channels-disconnected');
  } finally {
    await app.close();
  }
  assert.ok(existsSync(browserLog));
});
