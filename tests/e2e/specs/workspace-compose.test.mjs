// The composer and the calendar in the real app: with two connected channels (X and Bluesky, seeded
// into the profile like any connected account), write a post for both with an image, see both
// previews and their counters, schedule it, find it in the calendar, drag it to another day (the
// time of day is kept), and look at month, week and list views in light and dark.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, stopDriver, freshDataDir, seedProfile, dbQuery, cli, answerFileDialog, KEY } from '../lib/harness.mjs';

after(() => stopDriver());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A local date `days` from today in UTC (the test machine's and so the profile's zone). */
function day(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Past posts that went out (the CLI refuses past times, as it should): written like the scheduler would. */
function seedPublished(dataDir, rows) {
  const code = `
import json, sqlite3, sys, uuid, datetime
db, rows = sys.argv[1], json.loads(sys.argv[2])
con = sqlite3.connect(db)
with con:
    for r in rows:
        at = int(datetime.datetime.fromisoformat(r['at'] + '+00:00').timestamp() * 1000)
        pid = str(uuid.uuid4())
        con.execute("INSERT INTO posts (id, body, status, scheduled_at, time_zone, local_time, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                    (pid, r['text'], 'published', at, 'UTC', r['at'], at, at))
        tid = str(uuid.uuid4())
        con.execute("INSERT INTO post_targets (id, post_id, channel_id, created_at, updated_at) VALUES (?,?,?,?,?)", (tid, pid, r['channel'], at, at))
        con.execute("INSERT INTO publish_jobs (id, post_target_id, state, due_at, attempt_count, published_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                    (str(uuid.uuid4()), tid, 'published', at, 1, at, at, at))
`;
  const r = spawnSync('python3', ['-c', code, join(dataDir, 'outpost.sqlite3'), JSON.stringify(rows)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seeding published posts failed: ${r.stderr}`);
}

const W3C = 'element-6066-11e4-a52e-4f735466cecf';

/** Drags element `from` onto element `to` with real pointer events (press, move, release). */
async function drag(app, from, to) {
  await app.client.performActions([
    {
      type: 'pointer',
      id: 'mouse',
      parameters: { pointerType: 'mouse' },
      actions: [
        { type: 'pointerMove', origin: { [W3C]: from }, x: 0, y: 0 },
        { type: 'pointerDown', button: 0 },
        { type: 'pointerMove', origin: 'pointer', x: 10, y: 4, duration: 50 },
        { type: 'pointerMove', origin: { [W3C]: to }, x: 0, y: 10, duration: 200 },
        { type: 'pointerUp', button: 0 },
      ],
    },
  ]);
  await app.client.releaseActions();
}

function image(dataDir, name, from, to) {
  const path = join(dataDir, name);
  const r = spawnSync('convert', ['-size', '1200x800', `gradient:${from}-${to}`, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`convert failed: ${r.stderr}`);
  return path;
}

test('write a post for two channels with an image, schedule it, find it in the calendar and drag it to another day', async () => {
  const dataDir = freshDataDir('compose');
  seedProfile(dataDir, {
    channels: [
      { id: 'ch-x', platform: 'x', account: '2244994945', name: 'Ada Studio', handle: 'adastudio' },
      { id: 'ch-bsky', platform: 'bluesky', account: 'did:plc:ada', name: 'Ada Studio', handle: 'ada.bsky.social', instance_url: 'https://bsky.social' },
      { id: 'ch-li', platform: 'linkedin', account: 'urn:li:person:ada', name: 'Ada Lovelace', handle: '' },
    ],
  });
  // A realistic month: posts already out, and scheduled ones through the CLI (rules checked).
  seedPublished(dataDir, [
    { at: `${day(-2)}T09:00:00`, text: 'Behind the scenes of our studio move 📦 #buildinpublic', channel: 'ch-x' },
    { at: `${day(-1)}T17:30:00`, text: 'Thanks for 10k followers! Here is what is next.', channel: 'ch-bsky' },
    { at: `${day(-5)}T12:15:00`, text: 'New case study: how a two-person team ships weekly', channel: 'ch-li' },
  ]);
  const photo = image(dataDir, 'launch.png', '#4b4fd6', '#f2c4ff');
  const seeded = spawnSync(
    'sqlite3',
    [join(dataDir, 'outpost.sqlite3'), "INSERT INTO templates (id, name, body, created_at, updated_at) VALUES ('tpl-sign-off', 'Sign-off', ' See you there, {{name}}!', 0, 0)"],
    { encoding: 'utf8' },
  );
  assert.equal(seeded.status, 0, seeded.stderr);
  const planned = [
    [1, '08:30', ['ch-x'], 'Morning thread: five tools we use every day 🧵'],
    [1, '16:00', ['ch-li'], 'We are hiring a product designer — remote, EU time zones.'],
    [3, '11:00', ['ch-x', 'ch-bsky'], 'Live Q&A on Thursday at 18:00 CET. Bring your questions! @adastudio'],
    [4, '09:45', ['ch-bsky'], 'Reading list for the weekend 📚 https://example.com/reading'],
    [6, '14:00', ['ch-li', 'ch-x'], 'Our pricing is changing next month. Here is why.'],
    [8, '10:00', ['ch-x'], 'Poll: light mode or dark mode?'],
  ];
  for (const [d, t, chans, text] of planned) {
    const args = ['posts', 'create', '--text', text, '--at', `${day(d)} ${t}`];
    for (const c of chans) args.push('--channel', c);
    if (d === 3) args.push('--media', photo);
    const r = cli(dataDir, ...args);
    assert.equal(r.status, 0, r.stderr);
  }

  // A posting time for X only (Bluesky has none).
  const slot = cli(dataDir, 'slots', 'add', '--channel', 'ch-x', '--weekday', 'wed', '--time', '07:45', '--json');
  assert.equal(slot.status, 0, slot.stderr);
  const next = cli(dataDir, 'slots', 'next', '--channel', 'ch-x', '--channel', 'ch-bsky', '--json');
  assert.equal(next.status, 0, next.stderr);
  const freeSlot = JSON.parse(next.stdout.slice(next.stdout.indexOf('{')));

  const app = await launch({ dataDir });
  try {
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    // Pick X and Bluesky, not LinkedIn (the composer preselects the first two channels).
    const want = { x: 'true', bluesky: 'true', linkedin: 'false' };
    for (const platform of Object.keys(want)) {
      const pressed = await app.script(`return document.querySelector('[data-testid="channel-chip"][data-platform="${platform}"]').getAttribute('aria-pressed')`);
      if (pressed !== want[platform]) {
        const el = await app.client.findElement('css selector', `[data-testid="channel-chip"][data-platform="${platform}"]`);
        await app.client.elementClick(el[W3C] ?? el.ELEMENT);
      }
    }
    const chips = await app.script(
      `return [...document.querySelectorAll('[data-testid="channel-chip"]')].map(c => c.dataset.platform + ':' + c.getAttribute('aria-pressed')).sort()`,
    );
    assert.deepEqual(chips, ['bluesky:true', 'linkedin:false', 'x:true']);

    // "Next free slot" fills the picker with X's posting time; Bluesky alone has none and says so.
    await app.click('next-free-slot');
    for (const deadline = Date.now() + 10_000; ; ) {
      const value = await app.script(`return document.querySelector('[data-testid="schedule-at"]').value`);
      if (value === freeSlot.local_time.slice(0, 16)) break;
      if (Date.now() > deadline) throw new Error(`the picker shows ${value}, not the free slot ${freeSlot.local_time}`);
      await sleep(100);
    }
    const xChip = async () => {
      const el = await app.client.findElement('css selector', '[data-testid="channel-chip"][data-platform="x"]');
      return el[W3C] ?? el.ELEMENT;
    };
    await app.client.elementClick(await xChip());
    await app.click('next-free-slot');
    await app.waitForText('no-slots', (t) => t.includes('Settings → Posting times'));
    await app.screenshot('composer-no-slots');
    await app.client.elementClick(await xChip());

    const text = 'Our new studio opens today! Tour at https://example.com/studio #launch';
    await app.type('composer-text', text);
    answerFileDialog(photo);
    await app.click('add-media');
    await app.waitForCount('media-item', 1, 20_000);
    const thumb = await app.script(`return document.querySelector('[data-testid="media-item"] img')?.getAttribute('src') ?? ''`);
    assert.ok(thumb.startsWith('data:image/jpeg;base64,'), 'a thumbnail of the image');

    // Both previews with exact counters: X counts the URL as 23, Bluesky counts graphemes.
    await app.waitFor('preview-x');
    await app.waitFor('preview-bluesky');
    await app.waitForText('counter-x', (t) => t === '67 / 280');
    await app.waitForText('counter-bluesky', (t) => t === `${[...text].length} / 300`);
    const previewImages = await app.script(`return document.querySelectorAll('[data-testid="preview-x"] img, [data-testid="preview-bluesky"] img').length`);
    assert.ok(previewImages >= 2, 'both previews show the image');

    // Schedule in two days at 10:30 in the creator's zone.
    const target = day(2);
    await app.script(
      `const el = document.querySelector('[data-testid="schedule-at"]'); el.value = arguments[0]; el.dispatchEvent(new Event('input', { bubbles: true }));`,
      `${target}T10:30`,
    );
    assert.match(await app.script(`return document.querySelector('[data-testid="schedule-zone"]').value`), /UTC$/, "the creator's zone");
    // A tag and a campaign from the side panel, both created on the spot.
    await app.type('tag-input', 'launch');
    await app.click('tag-create');
    await app.waitForText('tag-picker', (t) => t.includes('launch'));
    await app.click('campaign-trigger');
    await app.type('campaign-input', 'Studio opening');
    await app.click('campaign-create');
    await app.waitForText('campaign-trigger', (t) => t.includes('Studio opening'));
    await app.screenshot('composer');

    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-compose');
    // What was typed is still there (autosaved and restored on the way back).
    await app.waitForText('composer-restored', (t) => t.length > 0);
    await app.waitForCount('media-item', 1);
    await app.waitForText('counter-x', (t) => t === '67 / 280');
    // The unsaved tag and campaign came back too.
    await app.waitForText('tag-picker', (t) => t.includes('launch'));
    await app.waitForText('campaign-trigger', (t) => t.includes('Studio opening'));
    await app.screenshot('composer-dark');
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-light');
    await app.click('nav-compose');
    await app.waitForCount('media-item', 1);
    const at = await app.script(`return document.querySelector('[data-testid="schedule-at"]').value`);
    assert.equal(at, `${target}T10:30`);

    await app.click('composer-submit');
    await app.waitFor('calendar-month', 15_000);
    const rows = dbQuery(dataDir, `SELECT id, status, local_time, time_zone FROM posts WHERE body LIKE 'Our new studio%'`);
    assert.equal(rows.length, 1);
    const [postId, status, localTime, zone] = rows[0];
    assert.equal(status, 'scheduled');
    assert.equal(localTime, `${target}T10:30:00`);
    assert.match(zone, /UTC$/);
    assert.equal(dbQuery(dataDir, `SELECT COUNT(*) FROM post_targets WHERE post_id = '${postId}'`)[0][0], 2);
    assert.equal(dbQuery(dataDir, `SELECT COUNT(*) FROM post_media WHERE post_id = '${postId}'`)[0][0], 1);
    assert.deepEqual(dbQuery(dataDir, `SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = '${postId}'`), [['launch']]);
    assert.deepEqual(dbQuery(dataDir, `SELECT c.name FROM posts p JOIN campaigns c ON c.id = p.campaign_id WHERE p.id = '${postId}'`), [['Studio opening']]);
    assert.equal(dbQuery(dataDir, `SELECT COUNT(*) FROM settings WHERE key = 'composer.autosave'`)[0][0], 0, 'the autosave is cleared once sent');

    // Found in the calendar on its day.
    const card = `[data-testid="day-${target}"] [data-post-id="${postId}"]`;
    for (const deadline = Date.now() + 10_000; ; ) {
      if (await app.script(`return document.querySelector(arguments[0]) !== null`, card)) break;
      if (Date.now() > deadline) throw new Error('the post is not on its day in the calendar');
      await sleep(100);
    }
    await app.screenshot('calendar-month');

    // Drag it two days later: a confirmation, then it moves keeping 10:30.
    const dest = day(4);
    const element = async (css) => {
      const el = await app.client.findElement('css selector', css);
      return el[W3C] ?? el.ELEMENT;
    };
    const from = await element(card);
    const to = await element(`[data-testid="day-${dest}"]`);
    await drag(app, from, to);
    await app.waitFor('move-dialog');
    await app.screenshot('calendar-move-dialog');
    await app.click('move-confirm');
    for (const deadline = Date.now() + 10_000; ; ) {
      const [lt] = dbQuery(dataDir, `SELECT local_time FROM posts WHERE id = '${postId}'`)[0];
      if (lt === `${dest}T10:30:00`) break;
      if (Date.now() > deadline) throw new Error(`not moved: ${lt}`);
      await sleep(100);
    }
    const due = dbQuery(dataDir, `SELECT DISTINCT j.due_at = p.scheduled_at FROM publish_jobs j JOIN post_targets t ON t.id = j.post_target_id JOIN posts p ON p.id = t.post_id WHERE p.id = '${postId}'`);
    assert.deepEqual(due, [[1]], 'both jobs follow the post');
    for (const deadline = Date.now() + 10_000; ; ) {
      if (await app.script(`return document.querySelector(arguments[0]) !== null`, `[data-testid="day-${dest}"] [data-post-id="${postId}"]`)) break;
      if (Date.now() > deadline) throw new Error('the calendar did not refresh after the move');
      await sleep(100);
    }

    // A drop on a past day is refused with a message and changes nothing.
    const past = day(-1);
    if (await app.script(`return document.querySelector(arguments[0]) !== null`, `[data-testid="day-${past}"]`)) {
      const card2 = await element(`[data-testid="day-${dest}"] [data-post-id="${postId}"]`);
      const pastCell = await element(`[data-testid="day-${past}"]`);
      await drag(app, card2, pastCell);
      await app.waitForText('toast', (t) => t.includes('has already passed'));
      assert.equal(dbQuery(dataDir, `SELECT local_time FROM posts WHERE id = '${postId}'`)[0][0], `${dest}T10:30:00`);
    }

    // Quick preview, then the composer opens the post.
    await app.script(`document.querySelector(arguments[0]).click()`, `[data-post-id="${postId}"]`);
    await app.waitFor('post-preview');
    await app.click('open-in-composer');
    await app.waitForText('composer-text', () => true);
    const opened = await app.script(`return document.querySelector('[data-testid="composer-text"]').value`);
    assert.equal(opened, text);
    // It comes back with its tag and campaign; a template goes in at the cursor.
    await app.waitForText('tag-picker', (t) => t.includes('launch'));
    await app.waitForText('campaign-trigger', (t) => t.includes('Studio opening'));
    await app.script(`const el = document.querySelector('[data-testid="composer-text"]'); el.focus(); el.setSelectionRange(el.value.length, el.value.length);`);
    await app.click('template-picker-open');
    await app.click('template-choice');
    await app.type('template-var-name', 'Ada');
    await app.click('template-insert');
    for (const deadline = Date.now() + 10_000; ; ) {
      const value = await app.script(`return document.querySelector('[data-testid="composer-text"]').value`);
      if (value === `${text} See you there, Ada!`) break;
      if (Date.now() > deadline) throw new Error(`template not inserted: ${value}`);
      await sleep(100);
    }
    await app.screenshot('composer-template-labels');
    // Ctrl-K finds another post and opens it in the composer.
    await app.keys(KEY.CONTROL, 'k');
    await app.type('palette-input', 'pricing');
    await app.waitForCount('palette-result', 1);
    await app.keys(KEY.ENTER);
    for (const deadline = Date.now() + 10_000; ; ) {
      const value = await app.script(`return document.querySelector('[data-testid="composer-text"]')?.value ?? ''`);
      if (value === 'Our pricing is changing next month. Here is why.') break;
      if (Date.now() > deadline) throw new Error(`the palette did not open the post: ${value}`);
      await sleep(100);
    }
    await app.click('nav-calendar');

    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') {
        await app.click('nav-settings');
        await app.click('settings-appearance');
        await app.click('appearance-dark');
        await app.click('nav-calendar');
      }
      const suffix = theme === 'dark' ? '-dark' : '';
      await app.click('view-month');
      await app.waitFor('calendar-month');
      await app.waitForCount('calendar-post', 10, 10_000).catch(() => undefined);
      if (theme === 'dark') await app.screenshot('calendar-month-dark');
      await app.click('view-week');
      await app.waitFor('calendar-week');
      await app.screenshot(`calendar-week${suffix}`);
      await app.click('view-list');
      await app.waitFor('calendar-list');
      await app.screenshot(`calendar-list${suffix}`);
    }
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-system');
  } catch (error) {
    await app.screenshot('workspace-compose-failure').catch(() => undefined);
    throw error;
  } finally {
    await app.close();
  }
});
