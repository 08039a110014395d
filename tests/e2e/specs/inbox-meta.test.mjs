// The Instagram inbox in the real app, against the strict Meta emulator
// (tests/emulators/platforms/meta_inbox.py): a comment on the account's media and a direct message
// arrive (`outpost inbox sync`), each with an avatar (initials: Instagram gives apps no commenter
// picture), the message with its 24-hour reply window counted down; the list filters by sentiment,
// the reply goes out once through Instagram's messaging API, the item is marked done; light and dark.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, stopDriver, freshDataDir, waitForDb, cli, cliBinary, repoRoot, startEmulator } from '../lib/harness.mjs';

const CLIENT_ID = 'e2e-inbox-meta-client';
const CLIENT_SECRET = 'e2e-inbox-meta-secret-not-real';
const IG_USER = '17841400000000001';
let instagram;
let threads;

before(async () => {
  instagram = await startEmulator('instagram');
  process.env.OUTPOST_ENDPOINT_INSTAGRAM = instagram.origin;
  threads = await startEmulator('threads');
  process.env.OUTPOST_ENDPOINT_THREADS = threads.origin;
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = join(tmpdir(), `outpost-e2e-inbox-meta-browser-${process.pid}.log`);
});

after(() => {
  stopDriver();
  instagram?.stop();
  threads?.stop();
});

function run(dataDir, input, ...args) {
  const r = spawnSync(cliBinary, ['--data-dir', dataDir, ...args], { encoding: 'utf8', input });
  assert.equal(r.status, 0, `outpost ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function choose(app, testId, value) {
  await app.waitFor(testId);
  await app.script(
    `const s = document.querySelector('[data-testid="${testId}"]'); s.value = arguments[0]; s.dispatchEvent(new Event('change', { bubbles: true }));`,
    value,
  );
}

test('Instagram comment and DM: avatars, the reply window counted down, sentiment filter, reply once, done, a comment answered privately once', async () => {
  const dataDir = freshDataDir('inbox-meta');
  run(dataDir, `${CLIENT_SECRET}\n`, 'apps', 'set', 'instagram', '--client-id', CLIENT_ID, '--client-secret-stdin');
  const uri = JSON.parse(run(dataDir, '', '--json', 'apps', 'redirect-uri', 'instagram')).redirect_uri;
  await instagram.admin('apps', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [uri] });
  run(dataDir, '', '--json', 'channels', 'connect', 'instagram');

  const media = await instagram.admin('ig_media', { caption: 'Fresh croissants this morning' });
  await instagram.admin('ig_comment', { media_id: media.id, text: 'I love these, thank you so much!', ago_seconds: 600, username: 'alice.bakes' });
  // 20 h 48 min ago: 3 h 12 min of the 24-hour window left.
  await instagram.admin('ig_message', {
    text: 'My order arrived late and broken. This is terrible.',
    ago_seconds: 20 * 3600 + 48 * 60,
    from_id: '17841400000000999',
    username: 'carol.k',
  });

  // 25 h ago: the window has closed.
  await instagram.admin('ig_message', { text: 'Hello, are you open on Sunday?', ago_seconds: 25 * 3600, from_id: '17841400000000555', username: 'dan.r' });

  const sync = cli(dataDir, 'inbox', 'sync', '--json');
  assert.equal(sync.status, 0, sync.stderr);
  assert.deepEqual(JSON.parse(sync.stdout).map((r) => [r.outcome, r.new_items]), [['synced', 3]]);

  const app = await launch({ dataDir });
  try {
    await app.click('nav-inbox');
    await app.waitForCount('inbox-item', 3, 15_000);
    const avatars = await app.script(
      `return [...document.querySelectorAll('[data-testid="inbox-item"] [data-testid="inbox-avatar"]')].map((a) => a.dataset.avatar + ':' + a.textContent.trim())`,
    );
    assert.deepEqual([...avatars].sort(), ['initials:A', 'initials:C', 'initials:D']);
    await app.screenshot('inbox-meta-list');

    // The negative one is the DM; its window is counted down.
    await choose(app, 'inbox-filter-sentiment', 'negative');
    await app.waitForCount('inbox-item', 1);
    await app.click('inbox-item');
    await app.waitForText('inbox-detail', (t) => t.includes('carol.k') && t.includes('Direct message'));
    await app.waitForText('reply-window', (t) => /^Reply within 3 h 1[12] min$/.test(t.trim()));
    await app.screenshot('inbox-meta-dm');

    await app.type('inbox-reply-text', 'So sorry, Carol. A fresh box is on its way today.');
    await app.click('inbox-reply-send');
    await waitForDb(dataDir, 'SELECT state FROM inbox_replies', 'sent', 15_000);
    const sends = (await instagram.admin('log')).filter((e) => e.method === 'POST' && e.path === `/v23.0/${IG_USER}/messages`);
    assert.equal(sends.length, 1);
    await app.waitForText('inbox-detail', (t) => t.includes('A fresh box is on its way'));
    await app.screenshot('inbox-meta-replied');

    await app.click('inbox-mark-done');
    await app.waitFor('inbox-empty');
    assert.equal(sends.length, 1);

    // A message whose window has closed: the reply box is disabled, with why.
    await choose(app, 'inbox-filter-sentiment', 'neutral');
    await app.waitForCount('inbox-item', 1);
    await app.click('inbox-item');
    await app.waitForText('inbox-detail', (t) => t.includes('dan.r'));
    await app.waitForText('reply-window', (t) => t.includes('Reply window closed'));
    assert.equal(await app.script(`return document.querySelector('[data-testid="inbox-reply-text"]').disabled`), true);
    await app.screenshot('inbox-meta-window-closed');

    // The comment, with the post it belongs to; dark mode.
    await choose(app, 'inbox-filter-sentiment', 'positive');
    await app.waitForCount('inbox-item', 1);
    await app.click('inbox-item');
    await app.waitFor('inbox-reply-private');
    assert.equal(await app.script(`return document.querySelector('[data-testid="inbox-reply-private"]').disabled`), false);
    await app.screenshot('inbox-meta-private');
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-inbox');
    await choose(app, 'inbox-filter-sentiment', 'positive');
    await app.waitForCount('inbox-item', 1);
    await app.click('inbox-item');
    await app.waitForText('inbox-original', (t) => t.includes('Fresh croissants'));
    await app.screenshot('inbox-meta-dark');
    // Answered privately, once: a direct message to the commenter, then the choice is greyed with why.
    await app.click('inbox-reply-private');
    await app.waitForText('inbox-reply-send', (t) => t.includes('Reply privately'));
    await app.type('inbox-reply-text', 'Thank you! A little treat is waiting for you at the counter.');
    await app.click('inbox-reply-send');
    await waitForDb(dataDir, 'SELECT state FROM inbox_replies WHERE private = 1', 'sent', 15_000).catch(async (e) => {
      const shown = await app.script(`return document.querySelector('[data-testid="inbox-reply-error"]')?.textContent ?? document.querySelector('[data-testid="toast"]')?.textContent ?? ''`);
      throw new Error(`${e.message}; the app says: ${shown}`);
    });
    const privately = (await instagram.admin('log')).filter(
      (e) => e.method === 'POST' && e.path === `/v23.0/${IG_USER}/messages` && JSON.stringify(e).includes('comment_id'),
    );
    assert.equal(privately.length, 1);
    await app.waitForText('inbox-reply-private-unavailable', (t) => t.includes('already has its private reply'), 15_000);
    assert.equal(await app.script(`return document.querySelector('[data-testid="inbox-reply-private"]').disabled`), true);
    // The answer shows in the conversation as the user's, marked as sent privately.
    await app.waitForText('inbox-sent-privately', (t) => t.includes('sent privately'), 15_000);
    await app.screenshot('inbox-meta-private-dark');
    // The answered message, among the done ones.
    await choose(app, 'inbox-filter-sentiment', '');
    await choose(app, 'inbox-filter-state', 'done');
    await app.waitForCount('inbox-item', 1);
    await app.click('inbox-item');
    await app.waitForText('inbox-detail', (t) => t.includes('Direct message') && t.includes('A fresh box'));
    await app.waitFor('reply-window');
    await app.screenshot('inbox-meta-dm-dark');
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-system');
  } finally {
    await app.close();
  }
});

test('Threads: "N of M replies used today" under the reply box, from the quota a reply checks, counted again after a reply', async () => {
  const dataDir = freshDataDir('inbox-threads-quota');
  await threads.admin('user', { id: '7700', name: 'Ada Threads', username: 'adathreads' });
  run(dataDir, `${CLIENT_SECRET}\n`, 'apps', 'set', 'threads', '--client-id', CLIENT_ID, '--client-secret-stdin');
  const uri = JSON.parse(run(dataDir, '', '--json', 'apps', 'redirect-uri', 'threads')).redirect_uri;
  await threads.admin('apps', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [uri] });
  const connected = run(dataDir, '', '--json', 'channels', 'connect', 'threads');
  const channel = JSON.parse(connected.slice(connected.search(/^\[/m)))[0].id;
  await threads.admin('processing', { polls: 0 });
  run(dataDir, '', 'posts', 'create', '--channel', channel, '--text', 'Ask me anything about sourdough');
  run(dataDir, '', 'run', '--once');
  const [post] = await threads.admin('posts');
  await threads.admin('reply', { to: post.id, text: 'How long do you proof it?', username: 'ben.bakes' });
  await threads.admin('quota', { reply_usage: 12, reply_total: 1000 });
  const sync = JSON.parse(run(dataDir, '', '--json', 'inbox', 'sync'));
  assert.equal(sync[0].outcome, 'synced', JSON.stringify(sync));

  const app = await launch({ dataDir });
  try {
    await app.click('nav-inbox');
    await app.waitForCount('inbox-item', 1, 15_000);
    await app.click('inbox-item');
    await app.waitForText('inbox-reply-quota', (t) => t === '12 of 1,000 replies used today', 15_000);
    await app.screenshot('inbox-threads-quota');

    await app.type('inbox-reply-text', 'Overnight in the fridge, about 12 hours.');
    await app.click('inbox-reply-send');
    await waitForDb(dataDir, 'SELECT state FROM inbox_replies', 'sent', 15_000);
    // The emulator counts the reply as Threads does: the line is read again.
    await app.waitForText('inbox-reply-quota', (t) => t === '13 of 1,000 replies used today', 15_000);

    // Used up: said under the box, as the core's refusal would.
    await threads.admin('quota', { reply_usage: 1000, reply_total: 1000 });
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-inbox');
    await app.waitForCount('inbox-item', 1, 15_000);
    await app.click('inbox-item');
    await app.waitForText('inbox-reply-quota', (t) => t.startsWith('1,000 of 1,000 replies used today'), 15_000);
    await app.screenshot('inbox-threads-quota-dark');
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-system');
  } finally {
    await app.close();
  }
});
