// Every post on the board, status marks, and deciding unconfirmed posts, in the real app (#15).
// X and Mastodon are connected through the CLI on their strict emulators. While the app runs, the
// CLI creates posts in the same data directory: a draft, a post for 2099, one due now, two due now
// whose answers X never sends (so they are unconfirmed: X has no idempotency key), and a Mastodon
// post handed to Mastodon's own scheduler. Without touching the UI, the app notices (the core's
// change watch), publishes what is due, and the board places every post in the column for its
// status. Calendar and board cards carry the status marks and the handoff mark; one unconfirmed
// post is marked published from the Needs attention list, the other from `outpost posts resolve`
// while the app shows it. Screenshots in light and dark mode.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, stopDriver, freshDataDir, cli, repoRoot, startEmulator } from '../lib/harness.mjs';
import { until } from '../lib/compose.mjs';

const CLIENT_ID = 'e2e-attention-client';
const REDIRECT = 'http://127.0.0.1:47863/oauth/x/callback';
let x;
let mastodon;

before(async () => {
  x = await startEmulator('x');
  await x.admin('apps', { client_id: CLIENT_ID, redirect_uris: [REDIRECT] });
  await x.admin('user', { id: '2244994945', name: 'Ada Studio', username: 'adastudio' });
  mastodon = await startEmulator('mastodon');
  await mastodon.admin('user', { id: '7001', name: 'Ada Studio', username: 'ada' });
  // The app (through tauri-driver) and the CLI inherit this environment.
  process.env.OUTPOST_ENDPOINT_X = x.origin;
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = join(tmpdir(), `outpost-e2e-attention-browser-${process.pid}.log`);
});

after(() => {
  stopDriver();
  x?.stop();
  mastodon?.stop();
});

/** Runs the CLI (`--json`) and returns its parsed output; a failure fails the test. */
function json(dataDir, ...args) {
  const r = cli(dataDir, '--json', ...args);
  assert.equal(r.status, 0, `outpost ${args.join(' ')}: ${r.stderr}`);
  // The headless browser the CLI may start shares its stdout: the JSON starts on its own line.
  return JSON.parse(r.stdout.slice(r.stdout.search(/^[[{]/m)));
}

function create(dataDir, channel, text, ...extra) {
  return json(dataDir, 'posts', 'create', '--channel', channel, '--text', text, ...extra).post.id;
}


/** Board: { column name: [card titles] }. */
const boardColumns = (app) =>
  app.script(`const out = {};
    for (const col of document.querySelectorAll('[data-testid="column"]')) {
      out[col.querySelector('[data-testid="column-name"]').textContent.trim()] =
        [...col.querySelectorAll('[data-testid="card-title"]')].map((t) => t.textContent.trim());
    }
    return out;`);

/** The marks of the card showing `text` in the view: { status, handoff }. */
const marksOf = (app, selector, text) =>
  app.script(
    `const card = [...document.querySelectorAll(arguments[0])].find((c) => c.textContent.includes(arguments[1]));
     if (!card) return null;
     return { status: card.querySelector('[data-testid="status-mark"]')?.dataset.status ?? '',
              handoff: card.querySelector('[data-testid="handoff-mark"]') !== null };`,
    selector,
    text,
  );

const jobOf = (dataDir, postId) => json(dataDir, 'posts', 'show', postId).targets[0].job;

test('posts made by the CLI while the app runs are on the board and calendar with their marks; unconfirmed posts are resolved from the UI and the CLI', async () => {
  const dataDir = freshDataDir('attention');
  assert.equal(cli(dataDir, 'apps', 'set', 'x', '--client-id', CLIENT_ID).status, 0);
  const xChannel = json(dataDir, 'channels', 'connect', 'x')[0].id;
  const mastoChannel = json(dataDir, 'channels', 'connect', 'mastodon', '--instance', mastodon.origin)[0].id;

  const app = await launch({ dataDir });
  try {
    await app.click('nav-board');
    await app.waitFor('board-tab-board');
    // An empty board first welcomes; set up the columns to see them.
    if (await app.exists('empty-show-columns')) await app.click('empty-show-columns');
    await app.waitFor('board');

    // --- The CLI writes posts while the app runs.
    const draft = create(dataDir, xChannel, 'Draft from the terminal', '--draft');
    const later = create(dataDir, xChannel, 'Scheduled for the far future', '--at', '2099-03-01T09:00:00Z');
    const now = create(dataDir, xChannel, 'Published right away');
    await until('the published tweet', async () => jobOf(dataDir, now).state === 'published');
    // X creates the next two tweets but the answers never arrive: unconfirmed.
    await x.admin('delay', { path: '/2/tweets', drop_after: true, times: 2 });
    const lost1 = create(dataDir, xChannel, 'Lost answer one');
    const lost2 = create(dataDir, xChannel, 'Lost answer two');
    const at = new Date(Date.now() + 2 * 3600_000).toISOString();
    const handed = create(dataDir, mastoChannel, 'Handed to Mastodon', '--at', at, '--native-schedule');
    await until('both unconfirmed', async () => jobOf(dataDir, lost1).state === 'unconfirmed' && jobOf(dataDir, lost2).state === 'unconfirmed', 60_000);
    await until('the handoff', async () => typeof jobOf(dataDir, handed).native_schedule_id === 'string');
    assert.equal((await mastodon.admin('scheduled')).length, 1, 'Mastodon holds the handed-off post');

    // --- The board placed every post in the column for its status, without a click.
    const cols = await until('every post on the board', async () => {
      const c = await boardColumns(app);
      const all = Object.values(c).flat();
      const want = ['Draft from the terminal', 'Scheduled for the far future', 'Published right away', 'Lost answer one', 'Lost answer two', 'Handed to Mastodon'];
      return want.every((t) => all.includes(t)) && c;
    });
    assert.ok(cols.Drafting.includes('Draft from the terminal'), JSON.stringify(cols));
    for (const t of ['Scheduled for the far future', 'Handed to Mastodon']) assert.ok(cols.Scheduled.includes(t), `${t}: ${JSON.stringify(cols)}`);
    assert.ok(cols.Published.includes('Published right away'), JSON.stringify(cols));
    const card = '[data-testid="card"]';
    await until('the board marks', async () => (await marksOf(app, card, 'Lost answer one'))?.status === 'unconfirmed');
    assert.deepEqual(await marksOf(app, card, 'Published right away'), { status: 'published', handoff: false });
    assert.deepEqual(await marksOf(app, card, 'Handed to Mastodon'), { status: '', handoff: true });
    assert.deepEqual(await marksOf(app, card, 'Draft from the terminal'), { status: '', handoff: false });
    await app.screenshot('attention-board');

    // --- The calendar: the month grid, then the list (every post of the range, full cards).
    await app.click('nav-calendar');
    await app.waitFor('needs-attention', 20_000);
    await app.waitForCount('attention-item', 2, 20_000);
    const cal = '[data-testid="calendar-post"]';
    await until('the month cards', async () => (await marksOf(app, cal, 'Published right away'))?.status === 'published');
    await app.screenshot('attention-calendar-month');
    await app.click('view-list');
    await until('the calendar cards', async () => (await marksOf(app, cal, 'Lost answer two'))?.status === 'unconfirmed');
    assert.deepEqual(await marksOf(app, cal, 'Published right away'), { status: 'published', handoff: false });
    await until('the handoff mark', async () => (await marksOf(app, cal, 'Handed to Mastodon'))?.handoff === true);
    assert.deepEqual(await marksOf(app, cal, 'Handed to Mastodon'), { status: '', handoff: true });
    await app.screenshot('attention-calendar');

    // --- One unconfirmed post marked published from the Needs attention list, with its URL.
    const job1 = jobOf(dataDir, lost1).id;
    await app.script(`document.querySelector('[data-testid="attention-item"][data-job-id="${job1}"] [data-testid="attention-mark"]').click()`);
    await app.waitFor('attention-mark-dialog');
    const tweets = await x.admin('posts');
    const url1 = `https://x.com/adastudio/status/${tweets.find((t) => t.text === 'Lost answer one').id}`;
    await app.script(`const i = document.querySelector('[data-testid="attention-url"]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));`);
    await app.type('attention-url', url1);
    await app.screenshot('attention-mark-dialog');
    await app.click('attention-mark-confirm');
    await app.waitForCount('attention-item', 1, 20_000);
    const j1 = jobOf(dataDir, lost1);
    assert.equal(j1.state, 'published');
    assert.equal(j1.platform_url, url1);
    await until('the card published', async () => (await marksOf(app, cal, 'Lost answer one'))?.status === 'published');

    // --- The other from the CLI while the app shows it: the list and the card follow.
    const job2 = jobOf(dataDir, lost2).id;
    const url2 = `https://x.com/adastudio/status/${tweets.find((t) => t.text === 'Lost answer two').id}`;
    const resolved = json(dataDir, 'posts', 'resolve', job2, 'mark-published', '--url', url2);
    assert.equal(resolved.targets[0].job.state, 'published');
    await until('the list emptied by the CLI', async () => !(await app.exists('needs-attention')), 20_000);
    await until('the card published by the CLI', async () => (await marksOf(app, cal, 'Lost answer two'))?.status === 'published');
    assert.equal((await x.admin('posts')).length, 3, 'nothing was sent twice');

    // --- Dark mode: the same views.
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-calendar');
    await until('the calendar cards (dark)', async () => (await marksOf(app, cal, 'Published right away'))?.status === 'published');
    await app.screenshot('attention-calendar-dark');
    await app.click('nav-board');
    await app.waitFor('board');
    await until('the board marks (dark)', async () => (await marksOf(app, card, 'Lost answer two'))?.status === 'published');
    await app.screenshot('attention-board-dark');
    assert.ok(draft && later);
  } finally {
    await app.close();
  }
});
