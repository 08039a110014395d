// Bulk CSV and posting times in the real app, on the demo workspace (`outpost demo seed`): import a
// CSV with one bad row (the preview shows it; the valid rows are created after confirming), export
// every post as CSV, and edit a channel's weekly posting times.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, stopDriver, freshDataDir, cli, dbQuery, answerFileDialog, askedFileDialog, KEY } from '../lib/harness.mjs';

after(() => stopDriver());

function day(offset) {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function seedDemo(label, posts = 60) {
  const dataDir = freshDataDir(label);
  const r = cli(dataDir, 'demo', 'seed', '--posts', String(posts), '--json');
  assert.equal(r.status, 0, r.stderr);
  return dataDir;
}

test('import a CSV with one bad row: the preview shows it, the valid rows are created after confirming; export CSV', async () => {
  const dataDir = seedDemo('csv');
  const before = dbQuery(dataDir, 'SELECT COUNT(*) FROM posts')[0][0];
  const csv = join(dataDir, '..', `bulk-${Date.now()}.csv`);
  writeFileSync(
    csv,
    [
      'text,channels,time,tags,first_comment',
      `"Holiday blend pre-orders open today, ships 1 December",x:lumenroasters;bluesky:lumencoffee.bsky.social,${day(5)} 09:00,promo;holiday,`,
      `Cupping on Saturday — bring a friend,mastodon:lumen@mastodon.social,${day(6)} 10:30,events,`,
      `This one names a channel that does not exist,x:nobody,${day(7)} 12:00,,`,
      `"Brew tip: grind finer before you touch the temperature",linkedin:lumen-coffee-roasters,${day(8)} 17:30,brew-guide,Full recipe on our site`,
    ].join('\n') + '\n',
  );

  const app = await launch({ dataDir });
  try {
    await app.click('nav-settings');
    await app.click('settings-csv');
    await app.waitFor('csv-section');

    // Cancelled file dialog: nothing happens.
    answerFileDialog('');
    await app.click('csv-import-button');
    await app.waitForText('csv-import-button', (t) => /Import CSV/.test(t));
    assert.equal(await app.exists('csv-table'), false);

    answerFileDialog(csv);
    await app.click('csv-import-button');
    await app.waitFor('csv-table');
    assert.match(askedFileDialog(), /^open$/m);
    assert.match(await app.text('csv-counts'), /3 ready.*1 with errors/s);
    assert.equal(await app.count('csv-row-4'), 1);
    const bad = await app.script('return document.querySelector(\'[data-testid="csv-row-4"]\').dataset.valid');
    assert.equal(bad, 'false');
    assert.match(await app.text('csv-cell-4-channels'), /no X channel @nobody/);
    assert.match(await app.text('csv-confirm'), /Import 3 posts, skip 1 row/);
    // The dry run created nothing.
    assert.equal(dbQuery(dataDir, 'SELECT COUNT(*) FROM posts')[0][0], before);
    await app.screenshot('csv-preview');
    await app.click('csv-filter-errors');
    await app.waitForCount('csv-row-2', 0);
    assert.equal(await app.count('csv-row-4'), 1);

    await app.click('csv-confirm');
    await app.waitForText('toast', (t) => /Created 3 posts/.test(t));
    assert.equal(await app.exists('csv-table'), false, 'the preview closed');
  } finally {
    await app.close();
  }
  assert.equal(dbQuery(dataDir, 'SELECT COUNT(*) FROM posts')[0][0], before + 3);
  assert.deepEqual(dbQuery(dataDir, "SELECT COUNT(*) FROM posts WHERE body LIKE '%does not exist%'"), [[0]]);
  assert.deepEqual(dbQuery(dataDir, "SELECT name FROM tags WHERE name = 'holiday'"), [['holiday']]);
  assert.deepEqual(
    dbQuery(dataDir, "SELECT first_comment FROM post_targets WHERE first_comment = 'Full recipe on our site'"),
    [['Full recipe on our site']],
  );

  // Export every post as CSV.
  const app2 = await launch({ dataDir });
  try {
    await app2.click('nav-settings');
    await app2.click('settings-csv');
    const out = join(dataDir, '..', `export-${Date.now()}.csv`);
    answerFileDialog(out);
    await app2.click('csv-export-button');
    await app2.waitForText('toast', (t) => /Exported \d+ posts/.test(t));
    assert.match(askedFileDialog(), /^save outpost-posts-\d{4}-\d{2}-\d{2}\.csv$/m);
    assert.ok(existsSync(out));
    const text = readFileSync(out, 'utf8');
    assert.ok(text.startsWith('text,channels,time,media,tags,first_comment,title,privacy,board,link,thread,native_schedule,category,made_for_kids,thumbnail,disclose,placement,alt\n'), text.slice(0, 120));
    assert.match(text, /Holiday blend pre-orders open today/);
    assert.equal(text.trim().split('\n').length > before, true);

    // The board's first frame draws a column's cards until their least heights (computed from each
    // card's data, `board/onscreen.ts`) fill it: no card on screen may be drawn shorter than that,
    // or the first frame would leave a gap at the bottom of a column.
    await app2.click('nav-board');
    await app2.waitFor('card');
    const cards = await app2.script(`return [...document.querySelectorAll('[data-testid="column"] ol')].flatMap((list) => {
      const box = list.getBoundingClientRect();
      return [...list.querySelectorAll('[data-testid="card"]')]
        .map((c) => ({ r: c.getBoundingClientRect(), least: Number(c.dataset.leastPx), title: c.textContent.trim().slice(0, 40) }))
        .filter(({ r }) => r.top < box.bottom && r.bottom > box.top)
        .map(({ r, least, title }) => ({ height: r.height, least, title }));
    });`);
    assert.ok(cards.length >= 8, `cards on screen: ${cards.length}`);
    for (const c of cards) assert.ok(c.least > 0 && c.height >= c.least, `card "${c.title}" is ${c.height} px high, least ${c.least}`);
  } finally {
    await app2.close();
  }
});

test('posting times: a week grid per channel, add and remove a time (light and dark)', async () => {
  const dataDir = seedDemo('slots', 30);
  const channelId = dbQuery(dataDir, "SELECT id FROM channels WHERE platform = 'x'")[0][0];
  const app = await launch({ dataDir });
  try {
    await app.click('nav-settings');
    await app.click('settings-posting-times');
    await app.waitFor('queue-week');
    await app.click(`queue-channel-${channelId}`);
    await app.waitFor('queue-slot-1-0900');
    await app.waitForText('queue-next-slot', (t) => /Next free slot/.test(t));

    await app.click('queue-add-2');
    await app.type('queue-add-input-2', '7:45 pm');
    await app.keys(KEY.ENTER);
    await app.waitFor('queue-slot-2-1945');
    assert.deepEqual(
      dbQuery(dataDir, `SELECT weekday, local_time FROM posting_slots WHERE channel_id = '${channelId}' AND local_time = '19:45'`),
      [[2, '19:45']],
    );
    // A bad time is refused in place.
    await app.click('queue-add-3');
    await app.type('queue-add-input-3', '25:00');
    await app.keys(KEY.ENTER);
    await app.waitForText('queue-day-3', (t) => /Use a time such as/.test(t));
    await app.keys(KEY.ESCAPE);
    await app.screenshot('slots');

    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('settings-posting-times');
    await app.click(`queue-channel-${channelId}`);
    await app.waitFor('queue-slot-2-1945');
    await app.waitForText('queue-next-slot', (t) => /Next free slot/.test(t));
    await app.screenshot('slots-dark');
    await app.click('settings-appearance');
    await app.click('appearance-system');
  } finally {
    await app.close();
  }
});
