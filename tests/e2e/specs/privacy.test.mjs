// Settings → Privacy & data in the real app: the activity log, export, import into a fresh profile,
// a refused import, and "delete all my data".
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, stopDriver, freshDataDir, cli, seedProfile, dbQuery, answerFileDialog, askedFileDialog } from '../lib/harness.mjs';

after(() => stopDriver());

const POSTS = ['Launch day thread: what we learned building Outpost', 'Behind the scenes of our studio tour', 'Q&A recap'];

async function openPrivacy(app) {
  await app.click('nav-settings');
  await app.click('settings-privacy');
}

test('activity log, export, import into a fresh profile, refused import, delete everything', async () => {
  const source = freshDataDir('privacy-src');
  seedProfile(source, {
    channels: [{ id: 'c0ffee00-0000-7000-8000-000000000001', platform: 'mastodon', instance_url: 'https://example.social', account: '109', name: 'Ada Studio', handle: '@ada@example.social' }],
    posts: POSTS,
    activity: 60,
    activity_statuses: [200, 201, 429, 500, null],
  });
  const archive = join(source, '..', `outpost-e2e-${Date.now()}.zip`);

  // --- the activity log and export, on the seeded profile
  let app = await launch({ dataDir: source });
  try {
    await openPrivacy(app);
    await app.waitFor('activity-table');
    assert.equal(await app.count('activity-row'), 50, 'first page of 50');
    assert.match(await app.text('activity-range'), /1.50 of 60/);
    await app.screenshot('privacy');
    await app.click('activity-next');
    await app.waitForCount('activity-row', 10);

    answerFileDialog(archive);
    await app.click('export-button');
    const result = await app.waitForText('export-result', (t) => t.includes('outpost-e2e-'));
    // 60 log entries, 3 posts, 1 channel, 2 onboarding consents, and the board's status-columns
    // setting once a board has loaded in this profile (a timing of the start page, not of the export).
    assert.match(result, /Last export: 6[67] items/);
    await app.screenshot('privacy-exported');
    assert.ok(existsSync(archive), 'the archive was written where the dialog said');
    assert.match(askedFileDialog(), /^save outpost-export-\d{4}-\d{2}-\d{2}\.zip$/m);
  } finally {
    await app.close();
  }

  // --- import into a fresh profile through the UI
  const target = freshDataDir('privacy-dst');
  app = await launch({ dataDir: target });
  try {
    await openPrivacy(app);
    const notAnArchive = join(target, '..', `not-an-archive-${Date.now()}.zip`);
    writeFileSync(notAnArchive, 'just text, not a zip');
    answerFileDialog(notAnArchive);
    await app.click('import-button');
    const err = await app.waitForText('import-error', (t) => t.length > 0);
    assert.match(err, /Nothing was changed/);
    await app.screenshot('privacy-import-refused');

    answerFileDialog(archive);
    await app.click('import-button');
    await app.waitForText('import-result', (t) => /Imported/i.test(t));
    await app.screenshot('privacy-imported');
  } finally {
    await app.close();
  }
  assert.deepEqual(dbQuery(target, 'SELECT body FROM posts ORDER BY body').map((r) => r[0]), [...POSTS].sort());
  assert.deepEqual(dbQuery(target, 'SELECT status FROM channels'), [['reconnect_needed']]);
  assert.equal(dbQuery(target, 'SELECT COUNT(*) FROM activity_log')[0][0], 60);

  // --- delete all my data, from the imported profile
  app = await launch({ dataDir: target });
  try {
    await openPrivacy(app);
    await app.click('delete-all-button');
    await app.waitFor('delete-all-dialog');
    await app.waitForText('delete-all-summary', (t) => /posts/.test(t));
    assert.equal(await app.enabled('delete-all-confirm'), false, 'disabled until DELETE is typed');
    await app.type('delete-all-confirm-input', 'DELETE');
    assert.equal(await app.enabled('delete-all-confirm'), true);
    await app.screenshot('privacy-delete-dialog');
    await app.click('delete-all-confirm');
    await app.waitFor('delete-all-done', 20_000);
    await app.screenshot('privacy-deleted');
  } finally {
    await app.close();
  }
  for (const table of ['posts', 'channels', 'activity_log']) {
    assert.equal(dbQuery(target, `SELECT COUNT(*) FROM ${table}`)[0][0], 0, `${table} is empty`);
  }
  const doctor = JSON.parse(cli(target, 'doctor', '--json').stdout);
  assert.equal(doctor.schema_version, doctor.latest_schema_version, 'the emptied profile still opens');
  const db = readFileSync(join(target, 'outpost.sqlite3'));
  assert.equal(db.includes(Buffer.from('studio tour')), false, 'no post text survives in the database file');
});
