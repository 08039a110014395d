// Publishing options of the platforms with threads, in the real app (#15): X and Mastodon are
// connected through the CLI on their strict emulators; the composer sets, per channel, a thread
// reply (both), and Mastodon's visibility, content warning and language; "Publish
// now" sends them and each emulator received exactly those fields, the replies chained in order.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, stopDriver, freshDataDir, cli, repoRoot, startEmulator } from '../lib/harness.mjs';

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

async function until(what, check, timeout = 30_000) {
  for (const deadline = Date.now() + timeout; ; ) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

/** Types into the `i`-th element with this test id (a textarea or input) as a user does. */
async function typeNth(app, testId, i, text) {
  await app.script(
    `const el = document.querySelectorAll('[data-testid="${testId}"]')[arguments[0]];
     el.focus(); el.value = arguments[1];
     el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));`,
    i,
    text,
  );
}

async function openTab(app, platform) {
  await until(`the ${platform} tab`, () =>
    app.script(`const t = document.querySelector('[data-testid="variant-tab"][data-platform="${platform}"]'); if (!t) return false; t.click(); return true;`),
  );
  await app.waitFor(`target-options-${platform}`);
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
    for (const p of ['x', 'mastodon']) {
      await until(`the ${p} chip on`, () =>
        app.script(
          `const c = document.querySelector('[data-testid="channel-chip"][data-platform="${p}"]');
           if (!c) return false; if (c.getAttribute('aria-pressed') !== 'true') c.click();
           return c.getAttribute('aria-pressed') === 'true';`,
        ),
      );
    }
    await app.type('composer-text', 'Brewing notes 1/2');

    await openTab(app, 'x');
    await app.click('variant-add-thread-part');
    await typeNth(app, 'variant-thread-part', 0, '2/2 grind finer');

    await openTab(app, 'mastodon');
    await app.click('variant-add-thread-part');
    await typeNth(app, 'variant-thread-part', 0, '2/2 on Mastodon');
    await app.script(
      `const s = document.querySelector('[data-testid="option-privacy"]'); s.value = 'unlisted';
       s.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await typeNth(app, 'option-content-warning', 0, 'coffee talk');
    await typeNth(app, 'option-language', 0, 'en');
    await app.screenshot('options-mastodon');

    await app.script(`document.querySelector('input[name="when"][value="now"]').click()`);
    await app.waitForText('composer-submit', (t) => t.includes('Publish now'));
    await app.click('composer-submit');

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
