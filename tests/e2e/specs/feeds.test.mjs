// Feeds in the real app, on the demo workspace: add a feed served by a local server (Settings →
// Feeds), see its newest item become a draft exactly once (a second read adds nothing, a new item
// adds one), and see a page that is not a feed reported on the feed with nothing posted.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { launch, stopDriver, freshDataDir, cli, dbQuery, waitForDb, KEY } from '../lib/harness.mjs';

after(() => stopDriver());

function rss(items) {
  const body = items
    .map(
      ([n, title]) =>
        `<item><title>${title}</title><link>https://blog.example/p/${n}</link><guid>post-${n}</guid><pubDate>Sun, 0${n} Nov 2026 10:00:00 GMT</pubDate></item>`,
    )
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Roaster journal</title>${body}</channel></rss>`;
}

async function feedServer() {
  const state = { feed: rss([[2, 'Second roast'], [1, 'First roast']]), etag: '"a"' };
  const server = createServer((req, res) => {
    if (req.url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>not a feed</body></html>');
      return;
    }
    if (req.headers['if-none-match'] === state.etag) {
      res.writeHead(304, { etag: state.etag });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml', etag: state.etag });
    res.end(state.feed);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${server.address().port}`, state, close: () => server.close() };
}

test('a feed’s new items become drafts exactly once; a web page is reported as not a feed', async () => {
  const dataDir = freshDataDir('feeds');
  const seeded = cli(dataDir, 'demo', 'seed', '--posts', '20', '--json');
  assert.equal(seeded.status, 0, seeded.stderr);
  const server = await feedServer();
  const app = await launch({ dataDir });
  try {
    await app.click('nav-settings');
    await app.click('settings-feeds');
    await app.waitFor('feeds-section');
    await app.screenshot('feeds-empty');
    await app.click('feeds-add');
    await app.type('feeds-url', `${server.base}/feed.xml`);
    await app.click('feeds-preview');
    await app.waitForCount('feeds-preview-item', 2);
    await app.screenshot('feeds-form');
    await app.click('feeds-save');
    await waitForDb(dataDir, "SELECT COUNT(*) FROM feed_items", 2);
    const [[feedId]] = dbQuery(dataDir, 'SELECT id FROM feeds');
    await app.waitForText(`feed-${feedId}`, (t) => /Roaster journal/.test(t) && /2 items seen/.test(t));
    assert.deepEqual(dbQuery(dataDir, "SELECT status FROM posts WHERE body LIKE 'Second roast%'"), [['draft']]);
    assert.deepEqual(dbQuery(dataDir, "SELECT COUNT(*) FROM posts WHERE body LIKE 'First roast%'"), [[0]]);

    // Read again: a conditional request (304), nothing new.
    await app.click(`feed-poll-${feedId}`);
    await waitForDb(dataDir, 'SELECT last_status FROM feeds', 'not_modified');
    // A new item: exactly one more draft.
    server.state.feed = rss([[3, 'Third roast'], [2, 'Second roast'], [1, 'First roast']]);
    server.state.etag = '"b"';
    await app.click(`feed-poll-${feedId}`);
    await app.waitForText(`feed-${feedId}`, (t) => /3 items seen/.test(t));
    assert.deepEqual(dbQuery(dataDir, "SELECT COUNT(*) FROM posts WHERE body LIKE '%https://blog.example/p/%'"), [[2]]);
    await app.click(`feed-history-${feedId}`);
    await app.waitForCount('feed-item', 3);
    await app.screenshot('feeds');

    // Not a feed: the message is on the feed, nothing is posted.
    await app.click('feeds-add');
    await app.type('feeds-url', `${server.base}/page`);
    await app.click('feeds-save');
    await waitForDb(dataDir, "SELECT last_status FROM feeds WHERE url LIKE '%/page'", 'error');
    const [[pageId]] = dbQuery(dataDir, `SELECT id FROM feeds WHERE url LIKE '%/page'`);
    await app.waitForText(`feed-error-${pageId}`, (t) => /web page, not a feed/.test(t));
    await app.screenshot('feeds-error');

    // The same section in dark mode.
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('settings-feeds');
    await app.waitFor(`feed-${feedId}`);
    await app.click(`feed-history-${feedId}`);
    await app.waitForCount('feed-item', 3);
    await app.screenshot('feeds-dark');
  } finally {
    await app.close();
    server.close();
  }
  assert.deepEqual(dbQuery(dataDir, "SELECT COUNT(*) FROM posts WHERE body LIKE '%https://blog.example/p/%'"), [[2]]);
});

test('the evergreen switch in the composer marks a saved post to come back every 7 days', async () => {
  const dataDir = freshDataDir('evergreen');
  const seeded = cli(dataDir, 'demo', 'seed', '--posts', '10', '--json');
  assert.equal(seeded.status, 0, seeded.stderr);
  const channels = JSON.parse(cli(dataDir, 'channels', 'list', '--json').stdout);
  const masto = channels.find((c) => c.platform === 'mastodon').id;
  const at = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const created = cli(dataDir, 'posts', 'create', '--channel', masto, '--text', 'Evergreen brew guide: grind, bloom, pour', '--at', at, '--json');
  assert.equal(created.status, 0, created.stderr);
  const postId = JSON.parse(created.stdout).post.id;
  const app = await launch({ dataDir });
  try {
    await app.keys(KEY.CONTROL, 'k');
    await app.type('palette-input', 'Evergreen brew');
    await app.waitForCount('palette-result', 1);
    await app.keys(KEY.ENTER);
    await app.waitFor('composer-evergreen');
    await app.click('evergreen-switch');
    // Replace the default 30 days by 7 (two backspaces, then the digit).
    await app.type('evergreen-every', '\uE003\uE0037');
    await app.click('evergreen-save');
    await app.waitForText('evergreen-summary', (t) => /Every 7 days/.test(t));
    await app.screenshot('composer-evergreen');
  } finally {
    await app.close();
  }
  assert.deepEqual(dbQuery(dataDir, `SELECT every_days FROM evergreen_rules WHERE post_id = '${postId}'`), [[7]]);
  const off = cli(dataDir, 'posts', 'recycle', postId, '--off', '--json');
  assert.equal(JSON.parse(off.stdout).was_evergreen, true);
});
