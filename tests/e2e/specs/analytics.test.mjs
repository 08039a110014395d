// Analytics in the real app against the strict Mastodon emulator: posts published with `outpost run
// --once`, metrics read by the app's own host and by "Sync now", counts that change between syncs
// (every reading kept: the post's curve grows), the period picker with the comparison, the
// sortable posts table, a channel whose platform has no metrics yet saying so, light and dark; the
// CLI reads the same snapshots (`analytics posts|history|best-times|export`); a custom period, the PDF
// report through the save dialog, the calendar card's latest numbers.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readFileSync, existsSync } from 'node:fs';
import { launch, stopDriver, freshDataDir, dbQuery, cli, repoRoot, startEmulator, answerFileDialog, askedFileDialog } from '../lib/harness.mjs';

let emulator;

before(async () => {
  emulator = await startEmulator('mastodon');
  await emulator.admin('user', { id: '109000000000000001', name: 'Lumen Coffee', username: 'lumen' });
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = join(tmpdir(), `outpost-e2e-analytics-browser-${process.pid}.log`);
});

after(() => {
  stopDriver();
  emulator?.stop();
});

function connectMastodon(dataDir) {
  const c = cli(dataDir, '--json', 'channels', 'connect', 'mastodon', '--instance', emulator.origin);
  assert.equal(c.status, 0, c.stderr);
  return JSON.parse(c.stdout.slice(c.stdout.search(/^\[/m)))[0].id;
}

const statusIds = (dataDir) =>
  Object.fromEntries(
    dbQuery(dataDir, "SELECT p.body, j.platform_post_id FROM posts p JOIN post_targets t ON t.post_id = p.id JOIN publish_jobs j ON j.post_target_id = t.id WHERE j.state = 'published'"),
  );

test('Analytics shows each post’s numbers and their history; Sync now adds readings; the CLI reads the same', async () => {
  const dataDir = freshDataDir('analytics');
  const channel = connectMastodon(dataDir);
  for (const text of ['Cupping on Saturday — bring a friend', 'New Ethiopian single origin is in', 'Closed Monday for roasting']) {
    const r = cli(dataDir, 'posts', 'create', '--channel', channel, '--text', text);
    assert.equal(r.status, 0, r.stderr);
  }
  const run = cli(dataDir, 'run', '--once');
  assert.equal(run.status, 0, run.stderr);
  const ids = statusIds(dataDir);
  assert.equal(Object.keys(ids).length, 3);
  await emulator.admin('followers', { followers: 240, following: 31 });
  await emulator.admin('engage', { id: ids['Cupping on Saturday — bring a friend'], favourites: 14, reblogs: 4, replies: 2 });
  await emulator.admin('engage', { id: ids['New Ethiopian single origin is in'], favourites: 3 });

  const app = await launch({ dataDir });
  try {
    await app.click('nav-analytics');
    await app.waitFor('analytics-cards', 15_000);
    await app.waitForCount('analytics-row', 3);
    // "Sync now" reads the counters (the app's host may already have read them once).
    await app.click('analytics-sync');
    await app.waitForText('analytics-sync-note', (t) => /post\(s\) read/.test(t), 15_000);
    await app.waitForText('card-likes', (t) => t.startsWith('Likes 17'));
    assert.match(await app.text('card-posts'), /Posts 3 new vs previous 30 days/);
    assert.match(await app.text('analytics-channels'), /240 followers/);

    // The table is a page sorted by the core, with the count of all posts; each channel lists its best posts.
    assert.match(await app.text('posts-count'), /Showing 3 of 3 posts/);
    await app.waitForText('analytics-top-posts', (t) => /Cupping on Saturday/.test(t));
    assert.match(await app.text(`top-channel-${channel}`), /3 posts · 23 engagement/);
    await app.script('document.querySelector(\'[data-testid="posts-count"]\').scrollIntoView({ block: "center" })');
    await app.screenshot('analytics-pager');
    const tops = await app.script(`return [...document.querySelectorAll('[data-testid="top-post"]')].map((e) => e.textContent).join(' | ')`);
    assert.match(tops, /^\s*Cupping on Saturday.*\|\s*New Ethiopian/, tops);

    // Sorted by likes, most first.
    await app.click('sort-likes');
    await app.waitForText('analytics-posts', (t) => t.indexOf('Cupping on Saturday') < t.indexOf('New Ethiopian'));
    const firstRow = await app.script('return document.querySelector(\'[data-testid="analytics-row"]\').textContent');
    assert.match(firstRow, /Cupping on Saturday/);
    // Ascending, then back to most first.
    await app.click('sort-likes');
    await app.waitForText('analytics-posts', (t) => t.indexOf('Cupping on Saturday') > t.indexOf('New Ethiopian'));
    await app.click('sort-likes');
    await app.waitForText('analytics-posts', (t) => t.indexOf('Cupping on Saturday') < t.indexOf('New Ethiopian'));
    await app.screenshot('analytics-table');

    // Counts change on the platform; the next sync adds readings, the curve shows both.
    await emulator.admin('engage', { id: ids['Cupping on Saturday — bring a friend'], favourites: 30, reblogs: 9, replies: 5 });
    await app.click('analytics-sync');
    await app.waitForText('card-likes', (t) => t.startsWith('Likes 33'), 15_000);
    await app.script('document.querySelector(\'[data-testid="analytics-row"]\').click()');
    await app.waitFor('post-detail');
    await app.screenshot('analytics');
    await app.waitFor('post-chart');
    // The curve is drawn: uPlot's canvas is there and no chart says it could not be drawn.
    const drawn = () => app.script(`return document.querySelector('[data-testid="post-chart"] canvas') !== null`);
    for (let i = 0; i < 150 && !(await drawn()); i++) await new Promise((r) => setTimeout(r, 100));
    const chartErrors = await app.script(`return [...document.querySelectorAll('.chart [role="alert"]')].map((e) => e.textContent).join(' | ')`);
    assert.equal(chartErrors, '');
    assert.ok(await drawn(), 'the post chart has a canvas');
    await app.waitForText('post-detail', (t) => /\d+ reading\(s\)/.test(t) && !/^1 reading/.test(t));
    await app.waitFor('best-times-not-enough');
    await app.screenshot('analytics-post');

    await app.click('period-7');
    await app.waitForText('card-posts', (t) => /vs previous 7 days/.test(t));
    // A custom period (default: the last 30 days, both ends included) compared with the one before.
    await app.click('period-custom');
    await app.waitFor('range-from');
    await app.waitForText('card-posts', (t) => /Posts 3 new vs previous 30 days/.test(t));
    // The engagement-per-day chart is drawn for the period too.
    const dailyDrawn = () => app.script(`return document.querySelector('[data-testid="daily-chart"] canvas') !== null`);
    for (let i = 0; i < 150 && !(await dailyDrawn()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(await dailyDrawn(), 'the engagement-per-day chart has a canvas');
    await app.screenshot('analytics-custom');

    // "Download PDF report": the save dialog, then a PDF of the period.
    const pdf = join(dataDir, 'report.pdf');
    answerFileDialog(pdf);
    await app.click('analytics-report');
    await app.waitForText('analytics-sync-note', (t) => /Report for .* saved to/.test(t), 15_000);
    assert.match(askedFileDialog(), /^save outpost-report-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.pdf/);
    assert.ok(existsSync(pdf));
    assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
    await app.click('period-30');

    // The calendar card of a published post shows its latest numbers (one call for the range).
    await app.click('nav-calendar');
    await app.waitFor('calendar-post', 15_000);
    const titles = async () => app.script(`return [...document.querySelectorAll('[data-testid="calendar-post"]')].map((e) => e.getAttribute('title') ?? '').join(' | ')`);
    for (let i = 0; i < 100 && !/30 likes/.test(await titles()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(await titles(), /Latest numbers: 30 likes · 9 reposts · 5 replies/);
    await app.click('nav-analytics');
    await app.waitForCount('analytics-row', 3);
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-analytics');
    await app.waitForCount('analytics-row', 3);
    await app.script('document.querySelector(\'[data-testid="analytics-row"]\').click()');
    await app.waitFor('post-chart');
    await app.screenshot('analytics-dark');
    await app.script('document.querySelector(\'[data-testid="posts-count"]\').scrollIntoView({ block: "center" })');
    await app.screenshot('analytics-pager-dark');
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-system');
  } finally {
    await app.close();
  }

  // The CLI reads the same snapshots.
  const posts = JSON.parse(cli(dataDir, '--json', 'analytics', 'posts').stdout);
  const cupping = posts.find((p) => p.text.startsWith('Cupping'));
  assert.equal(cupping.metrics.likes, 30);
  assert.equal(cupping.metrics.views, undefined, 'Mastodon offers no views: absent, not 0');
  const history = JSON.parse(cli(dataDir, '--json', 'analytics', 'history', cupping.post_id).stdout);
  const likes = history.filter((h) => h.metric === 'likes').map((h) => h.value);
  assert.ok(likes.length >= 2 && likes.at(-1) === 30 && likes.includes(14), JSON.stringify(likes));
  const best = cli(dataDir, 'analytics', 'best-times', '--channel', channel);
  assert.match(best.stdout, /Not enough data yet: 3 post\(s\) with metrics; suggestions start at 20/);
  const out = join(dataDir, 'posts.csv');
  const exp = JSON.parse(cli(dataDir, '--json', 'analytics', 'export', '--out', out).stdout);
  assert.equal(exp.rows, 3);
  assert.match(readFileSync(out, 'utf8'), /,false,,,30,9,5,,,,,,,44,/);
  const report = join(dataDir, 'cli-report.pdf');
  const rep = JSON.parse(cli(dataDir, '--json', 'analytics', 'report', '--out', report, '--channel', channel).stdout);
  assert.equal(rep.posts, 3);
  assert.equal(readFileSync(report).subarray(0, 5).toString(), '%PDF-');
});

test('The composer shows a published post’s latest numbers per channel; Sync now there reads them again', async () => {
  const dataDir = freshDataDir('analytics-composer');
  const channel = connectMastodon(dataDir);
  const made = cli(dataDir, 'posts', 'create', '--channel', channel, '--text', 'Tasting flight this Friday');
  assert.equal(made.status, 0, made.stderr);
  const run = cli(dataDir, 'run', '--once');
  assert.equal(run.status, 0, run.stderr);
  const [[postId, statusId]] = dbQuery(
    dataDir,
    "SELECT p.id, j.platform_post_id FROM posts p JOIN post_targets t ON t.post_id = p.id JOIN publish_jobs j ON j.post_target_id = t.id WHERE j.state = 'published'",
  );
  await emulator.admin('engage', { id: statusId, favourites: 7, reblogs: 2, replies: 1 });
  // The CLI: sync this one post, then `posts show` carries each target's latest numbers.
  const synced = cli(dataDir, '--json', 'analytics', 'sync', '--post', postId);
  assert.equal(synced.status, 0, synced.stderr);
  assert.equal(JSON.parse(synced.stdout)[0].posts_read, 1);
  const shown = JSON.parse(cli(dataDir, '--json', 'posts', 'show', postId).stdout);
  assert.equal(shown.post.id, postId, 'existing fields kept');
  assert.equal(shown.targets[0].metrics.values.likes, 7);
  assert.equal(shown.targets[0].metrics.values.views, undefined, 'Mastodon offers no views: absent, not 0');
  assert.match(cli(dataDir, 'posts', 'show', postId).stdout, /numbers on .*likes 7.*views n\/a.*; read \d{4}-/);

  const app = await launch({ dataDir });
  try {
    await app.click('nav-calendar');
    await app.waitFor('calendar-post', 15_000);
    await app.click('calendar-post');
    await app.click('open-in-composer');
    await app.waitFor('composer-post-numbers', 15_000);
    await app.waitForText('composer-post-numbers-likes', (t) => t === '7');
    assert.equal(await app.text('composer-post-numbers-reposts'), '2');
    assert.equal(await app.text('composer-post-numbers-comments'), '1');
    assert.equal(await app.text('composer-post-numbers-views'), 'n/a', 'not offered: n/a, never 0');
    assert.equal(await app.text('composer-post-numbers-saves'), 'n/a');
    assert.match(await app.text('composer-post-numbers-updated'), /updated (just now|\d+ min ago)/);
    await app.screenshot('composer-numbers');

    // Counts change on the platform; "Sync now" in the composer reads this post at once.
    await emulator.admin('engage', { id: statusId, favourites: 11 });
    await app.click('composer-post-numbers-sync');
    await app.waitForText('composer-post-numbers-likes', (t) => t === '11', 15_000);

    // Its history: the Analytics page opens the post's detail with its curves.
    await app.click('composer-post-numbers-history');
    await app.waitForText('post-detail', (t) => /Tasting flight/.test(t), 15_000);

    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-calendar');
    await app.waitFor('calendar-post', 15_000);
    await app.click('calendar-post');
    await app.click('open-in-composer');
    await app.waitForText('composer-post-numbers-likes', (t) => t === '11', 15_000);
    await app.screenshot('composer-numbers-dark');
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-system');
  } finally {
    await app.close();
  }
});
