// Board, ideas, templates, tags and search in the real app: create ideas, move a card across
// columns by pointer drag and by keyboard, rename and delete a column (its cards move, undo
// brings it back), manage templates/tags/campaigns, and find an idea with Ctrl-K.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { launch, stopDriver, freshDataDir, dbQuery, answerFileDialog, askedFileDialog, repoRoot, KEY } from '../lib/harness.mjs';

after(() => stopDriver());

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** The card element whose title is `title` (a WebDriver element reference). */
async function card(app, title) {
  const el = await app.script(
    `return [...document.querySelectorAll('[data-testid="card"]')].find((e) => e.querySelector('[data-testid="card-title"]')?.textContent.trim() === arguments[0]) ?? null;`,
    title,
  );
  assert.ok(el, `a card titled ${title}`);
  return el;
}

/** Column ids in board order, and the titles of each column's cards. */
async function board(app) {
  return app.script(`return [...document.querySelectorAll('[data-testid="column"]')].map((c) => ({
    id: c.dataset.columnId,
    name: c.querySelector('[data-testid="column-name"]').textContent.trim(),
    count: c.querySelector('[data-testid="column-count"]').textContent.trim(),
    cards: [...c.querySelectorAll('[data-testid="card-title"]')].map((t) => t.textContent.trim()),
  }));`);
}

async function waitForBoard(app, predicate, what) {
  const deadline = Date.now() + 10_000;
  let last;
  while (Date.now() < deadline) {
    last = await board(app);
    if (predicate(last)) return last;
    await sleep(100);
  }
  throw new Error(`board never showed ${what}: ${JSON.stringify(last)}`);
}

const ideaColumn = (dataDir, title) => dbQuery(dataDir, `SELECT board_column_id, board_position FROM ideas WHERE title = '${title}'`)[0];

async function addIdea(app, title, notes) {
  await app.click('new-idea');
  await app.waitFor('idea-dialog');
  await app.type('idea-title', title);
  if (notes) await app.type('idea-notes', notes);
  await app.click('idea-save');
  await app.waitForCount('idea-dialog', 0);
}

async function typeInto(app, testId, text) {
  const id = await app.waitFor(testId);
  await app.client.elementClear(id);
  await app.client.elementSendKeys(id, text);
}

test('board: ideas, drag and keyboard moves, columns, library, Ctrl-K search (light and dark)', async () => {
  const dataDir = freshDataDir('board');
  const app = await launch({ dataDir });
  try {
    await app.click('nav-board');
    await app.waitFor('page-board');
    // A fresh board welcomes with its first step.
    await app.waitFor('empty-state');
    await app.click('empty-new-idea');
    await app.waitFor('idea-dialog');
    // Bad input: an idea without a title is refused with a reason, nothing is created.
    await app.click('idea-save');
    await app.waitForText('idea-error', (t) => /title/i.test(t));
    await app.type('idea-title', 'Launch teaser video');
    await app.type('idea-notes', 'Thirty seconds of the quokka mascot unboxing the product');
    // An attachment from a file (the native dialog is answered by the test).
    answerFileDialog(join(repoRoot, 'icons/128x128.png'));
    await app.click('idea-attach');
    await app.waitForText('idea-media', (t) => t.includes('128x128.png'));
    assert.match(askedFileDialog(), /open-media/);
    await app.click('idea-save');
    await app.waitForCount('idea-dialog', 0);
    await addIdea(app, 'Customer story: Ana', 'Interview notes and three quotes');
    await addIdea(app, 'Behind the scenes', 'The workshop on a Friday');

    let cols = await waitForBoard(app, (b) => b.length === 5 && b[0].cards.length === 3, 'three ideas in the first column');
    assert.deepEqual(cols.map((c) => c.name), ['Ideas', 'Drafting', 'In review', 'Scheduled', 'Published']);
    assert.deepEqual(cols[0].cards, ['Launch teaser video', 'Customer story: Ana', 'Behind the scenes']);
    assert.equal(cols[0].count, '3');
    assert.equal(dbQuery(dataDir, "SELECT COUNT(*) FROM idea_media m JOIN ideas i ON i.id = m.idea_id WHERE i.title = 'Launch teaser video'")[0][0], 1);

    // Drag with the pointer: "Customer story" to the second column.
    const source = await card(app, 'Customer story: Ana');
    const target = await app.script('return document.querySelectorAll(\'[data-testid="column"]\')[1];');
    await app.client.performActions([
      {
        type: 'pointer',
        id: 'mouse',
        parameters: { pointerType: 'mouse' },
        actions: [
          { type: 'pointerMove', origin: { [ELEMENT]: source[ELEMENT] }, x: 0, y: 0, duration: 0 },
          { type: 'pointerDown', button: 0 },
          { type: 'pointerMove', origin: 'pointer', x: 20, y: 5, duration: 100 },
          { type: 'pointerMove', origin: { [ELEMENT]: target[ELEMENT] }, x: 0, y: 0, duration: 200 },
          { type: 'pointerMove', origin: { [ELEMENT]: target[ELEMENT] }, x: 2, y: 10, duration: 100 },
          { type: 'pointerUp', button: 0 },
        ],
      },
    ]);
    await app.client.releaseActions();
    cols = await waitForBoard(app, (b) => b[1].cards.includes('Customer story: Ana'), 'the dragged card in Drafting');
    assert.deepEqual(cols[0].cards, ['Launch teaser video', 'Behind the scenes']);
    assert.equal(ideaColumn(dataDir, 'Customer story: Ana')[0], cols[1].id, 'the move is stored');
    assert.equal(await app.exists('idea-dialog'), false, 'a drag does not open the card');

    // Keyboard: Space picks up, → → moves two columns right, Space drops.
    await app.script('arguments[0].focus();', await card(app, 'Launch teaser video'));
    await app.keys(' ');
    await app.keys('\uE014'); // ArrowRight
    await app.keys('\uE014');
    await app.keys(' ');
    cols = await waitForBoard(app, (b) => b[2].cards.includes('Launch teaser video'), 'the keyboard-moved card in In review');
    await app.waitForText('board-live', (t) => t.includes('Moved'));
    const stored = ideaColumn(dataDir, 'Launch teaser video');
    assert.deepEqual(stored, [cols[2].id, 0]);
    // ↑/↓ within a column: Behind the scenes goes below nothing (already alone): Escape cancels a move.
    await app.script('arguments[0].focus();', await card(app, 'Behind the scenes'));
    await app.keys(' ');
    await app.keys('\uE014');
    await app.keys(KEY.ESCAPE);
    cols = await board(app);
    assert.deepEqual(cols[0].cards, ['Behind the scenes'], 'Escape put the card back');

    // Rename a column.
    await app.script('document.querySelectorAll(\'[data-testid="column-menu"]\')[2].click();');
    await app.click('column-rename');
    await app.waitFor('column-dialog');
    await typeInto(app, 'column-name-input', 'Client review');
    await app.click('column-save');
    cols = await waitForBoard(app, (b) => b[2].name === 'Client review', 'the renamed column');

    // Delete "Drafting": the dialog says what happens to its card; it moves to the chosen column.
    await app.script('document.querySelectorAll(\'[data-testid="column-menu"]\')[1].click();');
    await app.click('column-delete');
    await app.waitFor('delete-column-dialog');
    assert.match(await app.text('delete-column-what'), /1 card will not be deleted/);
    await app.script(
      `const s = document.querySelector('[data-testid="delete-column-target"]'); s.value = arguments[0]; s.dispatchEvent(new Event('change', { bubbles: true }));`,
      cols[3].id,
    );
    await app.click('delete-column-confirm');
    cols = await waitForBoard(app, (b) => b.length === 4, 'four columns');
    assert.deepEqual(cols.map((c) => c.name), ['Ideas', 'Client review', 'Scheduled', 'Published']);
    assert.deepEqual(cols[2].cards, ['Customer story: Ana'], 'the card moved to the chosen column');
    assert.equal(dbQuery(dataDir, 'SELECT COUNT(*) FROM ideas')[0][0], 3, 'no card was lost');
    await app.waitForText('toast', (t) => t.includes('moved to “Scheduled”'));
    await app.screenshot('board');

    // Undo brings the column back with its card.
    await app.script(`[...document.querySelectorAll('[data-testid="toast"] button')].find((b) => b.textContent.trim() === 'Undo').click();`);
    cols = await waitForBoard(app, (b) => b.length === 5 && b[1].name === 'Drafting', 'the restored column');
    assert.deepEqual(cols[1].cards, ['Customer story: Ana']);

    // Templates, tags and campaigns.
    await app.click('board-tab-templates');
    await app.waitFor('templates-view');
    await app.click('template-new');
    await app.type('template-name', 'Product launch');
    await app.type('template-body', '{{product}} is here! Get it on {{date}} at our shop.');
    await app.waitForText('template-variables', (t) => t.includes('{{product}}') && t.includes('{{date}}'));
    await app.click('template-save');
    await app.waitForCount('template-item', 1);
    await app.screenshot('templates');
    await app.click('board-tab-labels');
    await app.waitFor('labels-view');
    await app.click('tag-new');
    await app.type('label-name', 'launch');
    await app.click('label-save');
    await app.waitForCount('tag-row', 1);
    await app.click('tag-new');
    await app.type('label-name', 'LAUNCH');
    await app.click('label-save');
    await app.waitForText('label-dialog', (t) => t.includes('already a tag called “launch”'));
    await typeInto(app, 'label-name', 'evergreen');
    await app.click('label-save');
    await app.waitForCount('tag-row', 2);
    await app.click('campaign-new');
    await app.type('label-name', 'Spring launch');
    await app.click('label-save');
    await app.waitForCount('campaign-row', 1);
    await app.screenshot('tags-campaigns');
    await app.click('board-tab-board');
    await waitForBoard(app, (b) => b.length === 5, 'the board again');

    // Ctrl-K: search, results highlight the match, Enter opens the idea.
    await app.keys(KEY.CONTROL, 'k');
    await app.waitFor('palette');
    await app.type('palette-input', 'quokka');
    await app.waitForCount('palette-result', 1);
    const marked = await app.script('return document.querySelector(\'[data-testid="palette-snippet"] mark\')?.textContent ?? "";');
    assert.equal(marked.toLowerCase(), 'quokka');
    await app.waitForText('palette', (t) => t.includes('Launch teaser video'));
    await sleep(300);
    await app.screenshot('palette');
    await app.keys(KEY.ENTER);
    await app.waitFor('idea-dialog');
    const title = await app.script('return document.querySelector(\'[data-testid="idea-title"]\').value;');
    assert.equal(title, 'Launch teaser video');
    await app.waitForText('idea-media', (t) => t.includes('128x128.png'));
    await app.screenshot('idea-dialog');
    await app.keys(KEY.ESCAPE);
    await app.waitForCount('idea-dialog', 0);
    // A command from the palette.
    await app.keys(KEY.CONTROL, 'k');
    await app.type('palette-input', 'templates');
    await app.keys(KEY.ENTER);
    await app.waitFor('templates-view');
    await app.click('board-tab-board');

    // Dark.
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-board');
    await waitForBoard(app, (b) => b.length === 5, 'the board in dark');
    await app.screenshot('board-dark');
    await app.keys(KEY.CONTROL, 'k');
    await app.type('palette-input', 'launch');
    await app.waitFor('palette-result');
    await app.screenshot('palette-dark');
    await app.keys(KEY.ESCAPE);
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-system');
  } finally {
    await app.close();
  }
});
