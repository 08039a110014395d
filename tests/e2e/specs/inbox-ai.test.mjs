// The AI assistant on an inbox item in the real app: "Suggest a reply" shows the exact request (the
// item's text, with the e-mail address and phone number removed when that switch is on), streams the
// answer into the reply box on Accept, and "Ask the assistant" suggests a sentiment label that Accept
// keeps as the user's correction. Both calls are in the ledger with source "inbox" for the consent.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, stopDriver, freshDataDir, dbQuery, cli, repoRoot, startEmulator, startOpenAiEmulator } from '../lib/harness.mjs';

let mastodon;
let openai;

before(async () => {
  mastodon = await startEmulator('mastodon');
  await mastodon.admin('user', { id: '109000000000000001', name: 'Ada Studio', username: 'ada' });
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = join(tmpdir(), `outpost-e2e-inbox-ai-browser-${process.pid}.log`);
  openai = await startOpenAiEmulator();
});

after(() => {
  stopDriver();
  mastodon?.stop();
  openai?.stop();
});

test('suggest a reply and a sentiment label for an inbox item; contact details never sent', async () => {
  const dataDir = freshDataDir('inbox-ai');
  const c = cli(dataDir, '--json', 'channels', 'connect', 'mastodon', '--instance', mastodon.origin);
  assert.equal(c.status, 0, c.stderr);
  await mastodon.admin('notify', {
    content: '<p>@ada My bag arrived torn. Write to jo.doe@example.org or call 415 555 0132.</p>',
    username: 'jo',
    acct: 'jo@j.example',
    display_name: 'Jo',
  });
  const sync = cli(dataDir, 'inbox', 'sync', '--json');
  assert.equal(sync.status, 0, sync.stderr);
  const set = cli(dataDir, 'ai', 'set', '--base-url', `${openai.origin}/v1`, '--model', 'outpost-test-model', '--local-only', '--strip-contacts');
  assert.equal(set.status, 0, set.stderr);

  const app = await launch({ dataDir });
  try {
    await app.click('nav-inbox');
    await app.waitForCount('inbox-item', 1, 15_000);
    await app.click('inbox-item');
    await app.waitFor('inbox-reply-text');

    // A suggested reply: the request shows the item's text without the e-mail address or phone number.
    await openai.admin('reply', { content: 'So sorry, Jo. A new bag is on its way today.' });
    await app.click('inbox-ai-reply');
    await app.waitFor('assist-dialog');
    await app.click('assist-prepare');
    await app.waitForText('assist-request', (t) => t.includes('arrived torn') && t.includes('[email]') && t.includes('[phone]'));
    assert.deepEqual(await openai.admin('log'), [], 'nothing is sent while the request is only shown');
    await app.screenshot('inbox-ai-request');
    await app.click('assist-consent-send');
    await app.waitForText('assist-diff', (t) => t.includes('new bag'));
    await app.screenshot('inbox-ai-reply');
    await app.click('assist-accept');
    const draft = await app.script(`return document.querySelector('[data-testid="inbox-reply-text"]').value`);
    assert.equal(draft, 'So sorry, Jo. A new bag is on its way today.');

    // A suggested sentiment label, accepted as the user's correction.
    await openai.admin('reply', { content: 'negative' });
    await app.click('sentiment-chip');
    await app.click('inbox-ai-sentiment');
    await app.waitFor('assist-dialog');
    await app.click('assist-action-sentiment');
    await app.click('assist-prepare');
    await app.waitForText('assist-request', (t) => t.includes('arrived torn'));
    await app.click('assist-send');
    await app.waitForText('assist-sentiment', (t) => t.includes('negative'));
    await app.screenshot('inbox-ai-sentiment');
    await app.click('assist-accept');
    await app.waitForText('sentiment-chip', (t) => t.includes('(set by you)'));
  } finally {
    await app.close();
  }

  const sent = await openai.admin('log');
  assert.equal(sent.length, 2);
  for (const s of sent) {
    for (const secret of ['jo.doe', 'example.org', '415', '555 0132']) {
      assert.ok(!s.body.includes(secret), `"${secret}" must not reach the provider`);
    }
  }
  assert.deepEqual(dbQuery(dataDir, 'SELECT action FROM ai_calls ORDER BY at'), [['reply'], ['sentiment']]);
  assert.deepEqual(dbQuery(dataDir, "SELECT source FROM consent_records WHERE kind LIKE 'ai_provider:%'"), [['inbox']]);
  const [item] = JSON.parse(cli(dataDir, 'inbox', 'list', '--json').stdout);
  assert.equal(item.sentiment, 'negative');
  assert.equal(item.sentiment_source, 'user');
  assert.equal((await mastodon.admin('posts'))?.length ?? 0, 0, 'a suggestion is never sent as a reply by itself');
});
