// Publishing options of the platforms with threads, in the real app (#15): X and Mastodon are
// connected through the CLI on their strict emulators; the composer sets, per channel, a thread
// reply (both), and Mastodon's visibility, content warning and language; "Publish
// now" sends them and each emulator received exactly those fields, the replies chained in order.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, stopDriver, freshDataDir, cli, repoRoot, startEmulator } from '../lib/harness.mjs';
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
