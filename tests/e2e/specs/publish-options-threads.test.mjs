// Publishing options of the platforms with threads, in the real app (#15): X and Mastodon are
// connected through the CLI on their strict emulators; the composer sets, per channel, a thread
// reply (both), and Mastodon's visibility, content warning and language; "Publish
// now" sends them and each emulator received exactly those fields, the replies chained in order.
// A first comment set in the composer for X and Mastodon (counted live, a too-long one refused in
// place, shown under the post in the preview) survives scheduling and reopening the post, and each
// emulator receives it exactly once as a reply to the post.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, stopDriver, freshDataDir, cli, dbQuery, repoRoot, startEmulator } from '../lib/harness.mjs';
import { fill, openTab, publishNow, setChips, until } from '../lib/compose.mjs';

const CLIENT_ID = 'e2e-threads-client';
const REDIRECT = 'http://127.0.0.1:47863/oauth/x/callback';
let x;
let mastodon;

before(async () => {
  x = await startEmulator('x');
  await x.admin('apps', { client_id: CLIENT_ID, redirect_uris: [REDIRECT] });
  await x.admin('user', { id: '2244994945', name: 'Ada Studio', username: 'adastudio' });
  mastodon = await startEmulator('mastodon');
  await mastodon.admin('user', { id: '7001', name: 'Ada Studio', username: 'ada' });
  process.env.OUTPOST_ENDPOINT_X = x.origin;
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = join(tmpdir(), `outpost-e2e-threads-browser-${process.pid}.log`);
});

after(() => {
  stopDriver();
  x?.stop();
  mastodon?.stop();
});

function connect(dataDir, ...args) {
  const r = cli(dataDir, '--json', 'channels', 'connect', ...args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.slice(r.stdout.search(/^\[/m)))[0].id;
}




test('X and Mastodon thread replies and Mastodon visibility, content warning and language set in the composer reach each platform', async () => {
  const dataDir = freshDataDir('publish-threads');
  assert.equal(cli(dataDir, 'apps', 'set', 'x', '--client-id', CLIENT_ID).status, 0);
  connect(dataDir, 'x');
  connect(dataDir, 'mastodon', '--instance', mastodon.origin);

  const app = await launch({ dataDir });
  try {
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await setChips(app, { x: true, mastodon: true });
    await app.type('composer-text', 'Brewing notes 1/2');

    await openTab(app, 'x');
    await app.click('variant-add-thread-part');
    await fill(app, 'variant-thread-part', '2/2 grind finer');

    await openTab(app, 'mastodon');
    await app.click('variant-add-thread-part');
    await fill(app, 'variant-thread-part', '2/2 on Mastodon');
    await app.script(
      `const s = document.querySelector('[data-testid="option-privacy"]'); s.value = 'unlisted';
       s.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await fill(app, 'option-content-warning', 'coffee talk');
    await fill(app, 'option-language', 'en');
    await app.screenshot('options-mastodon');

    await publishNow(app);

    const tweets = await until('the thread on X', async () => {
      const t = await x.admin('posts');
      return t.length === 2 && t;
    });
    assert.deepEqual(tweets.map((t) => t.text), ['Brewing notes 1/2', '2/2 grind finer']);
    const statuses = await until('the thread on Mastodon', async () => {
      const s = await mastodon.admin('posts');
      return s.length === 2 && s;
    });
    const byText = Object.fromEntries(statuses.map((s) => [s.text, s]));
    const root = byText['Brewing notes 1/2'];
    assert.ok(root, JSON.stringify(statuses));
    assert.equal(root.visibility, 'unlisted');
    assert.equal(root.spoiler_text, 'coffee talk');
    assert.equal(root.language, 'en');
    assert.equal(root.in_reply_to_id, null);
    assert.equal(byText['2/2 on Mastodon'].in_reply_to_id, root.id);
  } finally {
    await app.close();
  }
});

test('a first comment set in the composer for X and Mastodon is kept with the post and posted once as a reply to it', async () => {
  const dataDir = freshDataDir('publish-first-comment');
  assert.equal(cli(dataDir, 'apps', 'set', 'x', '--client-id', CLIENT_ID).status, 0);
  connect(dataDir, 'x');
  connect(dataDir, 'mastodon', '--instance', mastodon.origin);
  const xBefore = (await x.admin('posts')).length;
  const mBefore = (await mastodon.admin('posts')).length;

  const app = await launch({ dataDir });
  try {
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await setChips(app, { x: true, mastodon: true });
    await app.type('composer-text', 'New single origin today');

    await openTab(app, 'x');
    await fill(app, 'variant-first-comment', 'Beans from Huila, washed');
    await app.waitForText('first-comment-counter', (t) => t === '24 / 280');
    await openTab(app, 'mastodon');
    // Too long for a Mastodon post: refused in place, like the other options.
    await fill(app, 'variant-first-comment', 'a'.repeat(501));
    await app.waitForText('first-comment-counter', (t) => t === '501 / 500');
    await app.waitForText('first-comment-error', (t) => t.includes('the limit is 500'));
    await fill(app, 'variant-first-comment', 'Tasting notes: plum, cocoa');
    await app.waitForText('first-comment-counter', (t) => t === '26 / 500');
    assert.equal(await app.script(`return document.querySelector('[data-testid="first-comment-error"]')`), null);
    await app.waitForText('preview-first-comment-mastodon', (t) => t.includes('Tasting notes: plum, cocoa'));
    await app.waitForText('preview-first-comment-x', (t) => t.includes('Beans from Huila, washed'));
    await app.screenshot('first-comment-mastodon');

    // Scheduled for tomorrow, then reopened from the calendar: the first comments are still there.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await app.click('when-schedule');
    await app.script(
      `const el = document.querySelector('[data-testid="schedule-at"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
      `${tomorrow}T10:30`,
    );
    await app.click('composer-submit');
    await app.waitFor('view-list', 15_000);
    const [[postId]] = dbQuery(dataDir, `SELECT id FROM posts WHERE body = 'New single origin today'`);
    await app.click('view-list');
    await until('the post in the list', () => app.script(`const c = document.querySelector(arguments[0]); if (!c) return false; c.click(); return true;`, `[data-post-id="${postId}"]`));
    await app.waitFor('post-preview');
    await app.click('open-in-composer');
    await app.waitForText('composer-text', () => true);
    await openTab(app, 'x');
    await until('X first comment reopened', async () => (await app.script(`return document.querySelector('[data-testid="variant-first-comment"]')?.value`)) === 'Beans from Huila, washed');
    await openTab(app, 'mastodon');
    await until('Mastodon first comment reopened', async () => (await app.script(`return document.querySelector('[data-testid="variant-first-comment"]')?.value`)) === 'Tasting notes: plum, cocoa');

    // The reopened post is saved and published now.
    await app.script(`document.querySelector('input[name="when"][value="now"]').click()`);
    await app.waitForText('composer-submit', (t) => t.includes('publish now'));
    await app.click('composer-submit');

    const tweets = await until('the post and its first reply on X', async () => {
      const t = (await x.admin('posts')).slice(xBefore);
      return t.length === 2 && t;
    });
    const statuses = await until('the status and its first reply on Mastodon', async () => {
      const s = (await mastodon.admin('posts')).slice(mBefore);
      return s.length === 2 && s;
    });
    // Nothing more arrives: each comment went out exactly once.
    await sleep(3000);
    assert.equal((await x.admin('posts')).length, xBefore + 2);
    assert.equal((await mastodon.admin('posts')).length, mBefore + 2);
    const tweet = tweets.find((t) => t.text === 'New single origin today');
    const reply = tweets.find((t) => t.text === 'Beans from Huila, washed');
    assert.ok(tweet && reply, JSON.stringify(tweets));
    assert.equal(reply.in_reply_to_tweet_id, tweet.id);
    const status = statuses.find((s) => s.text === 'New single origin today');
    const comment = statuses.find((s) => s.text === 'Tasting notes: plum, cocoa');
    assert.ok(status && comment, JSON.stringify(statuses));
    assert.equal(comment.in_reply_to_id, status.id);
    assert.equal(status.in_reply_to_id, null);

    // The field and the preview in dark mode.
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await setChips(app, { x: true, mastodon: true });
    await app.type('composer-text', 'Dark mode check');
    await openTab(app, 'mastodon');
    await fill(app, 'variant-first-comment', 'A reply in the dark');
    await app.waitForText('preview-first-comment-mastodon', (t) => t.includes('A reply in the dark'));
    await app.screenshot('first-comment-mastodon-dark');
  } finally {
    await app.close();
  }
});
