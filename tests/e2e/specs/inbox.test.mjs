// The smart inbox in the real app, against the strict Mastodon emulator: mentions and a direct
// message arrive (`outpost inbox sync` and "Sync now"), the list filters by sentiment, the item shows
// why it got its label, a reply goes out exactly once (direct, as the message it answers) and the item
// is marked done from the keyboard; the CLI sees the same inbox.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, stopDriver, freshDataDir, dbQuery, waitForDb, cli, repoRoot, startEmulator } from '../lib/harness.mjs';

let emulator;

before(async () => {
  emulator = await startEmulator('mastodon');
  await emulator.admin('user', { id: '109000000000000001', name: 'Ada Studio', username: 'ada' });
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = join(tmpdir(), `outpost-e2e-inbox-browser-${process.pid}.log`);
});

after(() => {
  stopDriver();
  emulator?.stop();
});

/** Sets a native <select> like a user choosing an option (the change event Svelte listens to). */
async function choose(app, testId, value) {
  await app.waitFor(testId);
  await app.script(
    `const s = document.querySelector('[data-testid="${testId}"]'); s.value = arguments[0]; s.dispatchEvent(new Event('change', { bubbles: true }));`,
    value,
  );
}

const ownStatuses = async () => (await emulator.admin('posts')) ?? [];

test('sync, filter by sentiment, see why, reply exactly once, mark done', async () => {
  const dataDir = freshDataDir('inbox');
  const c = cli(dataDir, '--json', 'channels', 'connect', 'mastodon', '--instance', emulator.origin);
  assert.equal(c.status, 0, c.stderr);
  const channelId = JSON.parse(c.stdout.slice(c.stdout.search(/^\[/m)))[0].id;

  await emulator.admin('notify', { content: '<p>@ada I love the new roast, thank you so much!</p>' });
  await emulator.admin('notify', {
    content: '<p>My order arrived broken and nobody answers. This is terrible.</p>',
    visibility: 'direct',
    username: 'bob',
    acct: 'bob@b.example',
    display_name: 'Bob',
  });
  await emulator.admin('notify', {
    content: '<p>What time do you open on Sunday?</p>',
    username: 'cy',
    acct: 'cy@c.example',
    display_name: 'Cy',
  });

  // The CLI reads them, once.
  const sync = cli(dataDir, 'inbox', 'sync', '--json');
  assert.equal(sync.status, 0, sync.stderr);
  const report = JSON.parse(sync.stdout);
  assert.deepEqual(report.map((r) => [r.channel_id, r.outcome, r.new_items]), [[channelId, 'synced', 3]]);
  const negative = JSON.parse(cli(dataDir, 'inbox', 'list', '--json', '--sentiment', 'negative').stdout);
  assert.equal(negative.length, 1);
  assert.equal(negative[0].kind, 'dm');

  const app = await launch({ dataDir });
  try {
    await app.click('nav-inbox');
    await app.waitForCount('inbox-item', 3, 15_000);
    await app.waitForText('nav-inbox-unread', (t) => t === '3');
    await app.screenshot('inbox-list');

    // "Sync now" brings the one that arrived since, and nothing twice.
    await emulator.admin('notify', {
      content: '<p>Great coffee, great people.</p>',
      username: 'dee',
      acct: 'dee@d.example',
      display_name: 'Dee',
    });
    await app.click('inbox-sync');
    await app.waitForCount('inbox-item', 4, 15_000);
    assert.deepEqual(dbQuery(dataDir, 'SELECT COUNT(*) FROM inbox_messages'), [[4]]);

    // Filter by sentiment: the negative direct message.
    await choose(app, 'inbox-filter-sentiment', 'negative');
    await app.waitForCount('inbox-item', 1);
    await app.click('inbox-item');
    await app.waitForText('inbox-detail', (t) => t.includes('Bob') && t.includes('Direct message'));
    await app.click('sentiment-chip');
    await app.waitForText('sentiment-why', (t) => /terrible|broken/.test(t));
    await app.screenshot('inbox-detail');

    // Reply: counted live with the mention, sent once, direct.
    await app.type('inbox-reply-text', 'So sorry, Bob. A new bag is on its way today.');
    await app.waitForText('inbox-reply-count', (t) => t === `${'@bob@b.example '.length + 'So sorry, Bob. A new bag is on its way today.'.length} / 500`);
    await app.click('inbox-reply-send');
    await waitForDb(dataDir, 'SELECT state FROM inbox_replies', 'sent', 15_000);
    const mine = await ownStatuses();
    assert.equal(mine.length, 1);
    assert.equal(mine[0].visibility, 'direct');
    assert.equal(mine[0].text, '@bob@b.example So sorry, Bob. A new bag is on its way today.');
    await app.waitForText('inbox-detail', (t) => t.includes('A new bag is on its way'));
    await app.screenshot('inbox-replied');

    // Done from the keyboard (focus off the reply box first): the open list empties.
    await app.script('document.activeElement && document.activeElement.blur()');
    await app.keys('e');
    await app.waitFor('inbox-empty');
    await app.screenshot('inbox-empty-filtered');

    // A sync that fails (the platform's answer cut short) says so per channel and loses nothing.
    await choose(app, 'inbox-filter-sentiment', '');
    await app.waitForCount('inbox-item', 3);
    await emulator.admin('garble', { path: '/api/v1/notifications' });
    await app.click('inbox-sync');
    await app.waitForText('inbox-sync-report', (t) => t.includes('Mastodon'));
    await app.waitForCount('inbox-item', 3);
    await app.screenshot('inbox-sync-failed');

    // Full-text search as you type, then clear it.
    await app.type('inbox-search', 'sunday');
    await app.waitForCount('inbox-item', 1);
    await app.waitForText('inbox-list', (t) => t.includes('What time do you open on Sunday?'));
    await app.screenshot('inbox-search');
    await app.script(
      `const s = document.querySelector('[data-testid="inbox-search"]'); s.value = ''; s.dispatchEvent(new Event('input', { bubbles: true })); s.blur();`,
    );
    await app.waitForCount('inbox-item', 3);

    // Bulk: select two from the keyboard (x), mark them done together.
    await app.keys('j');
    await app.keys('x');
    await app.keys('j');
    await app.keys('x');
    await app.waitForText('inbox-bulk-count', (t) => t === '2 selected');
    await app.screenshot('inbox-bulk');
    await app.click('inbox-bulk-done');
    await app.waitForCount('inbox-item', 1);

    // Dark mode.
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-inbox');
    await app.waitForCount('inbox-item', 1);
    await app.keys('j');
    await app.waitForText('inbox-detail', (t) => t.length > 0 && !t.includes('Select an item'));
    await app.screenshot('inbox-dark');
  } finally {
    await app.close();
  }
  const done = JSON.parse(cli(dataDir, 'inbox', 'list', '--json', '--state', 'done').stdout);
  assert.equal(done.length, 3, 'the replied direct message and the two done in bulk');
  assert.equal(done.filter((i) => i.kind === 'dm' && i.sentiment === 'negative').length, 1);
  // The CLI's search, bulk mark and label (with how many same-text items took it).
  const found = JSON.parse(cli(dataDir, 'inbox', 'list', '--json', '--state', 'done', '--search', 'sunday').stdout);
  assert.deepEqual(found.map((i) => i.author_handle), ['cy@c.example']);
  const ids = done.map((i) => i.id);
  const marked = cli(dataDir, 'inbox', 'mark', ...ids, 'unread', '--json');
  assert.equal(marked.status, 0, marked.stderr);
  assert.deepEqual(
    marked.stdout.trim().split('\n').map((l) => JSON.parse(l).state),
    ['unread', 'unread', 'unread'],
  );
  const none = cli(dataDir, 'inbox', 'mark', ids[0], 'no-such-item', 'done');
  assert.notEqual(none.status, 0);
  assert.equal(JSON.parse(cli(dataDir, 'inbox', 'list', '--json', '--state', 'done').stdout).length, 0, 'all or nothing');
  const labelled = cli(dataDir, 'inbox', 'label', found[0].id, 'negative', '--json');
  assert.equal(labelled.status, 0, labelled.stderr);
  assert.deepEqual(JSON.parse(labelled.stdout), { ok: true, similar: 0 });
  assert.equal((await ownStatuses()).length, 1, 'exactly one reply on the server');
  const again = JSON.parse(cli(dataDir, 'inbox', 'sync', '--json').stdout);
  assert.equal(again[0].new_items, 0);
});

test('without a channel the Inbox explains what it is for', async () => {
  const app = await launch({ dataDir: freshDataDir('inbox-empty') });
  try {
    await app.click('nav-inbox');
    await app.waitForText('page-inbox', (t) => t.includes('Nothing to answer yet'));
    await app.screenshot('inbox-no-channels');
  } finally {
    await app.close();
  }
});
