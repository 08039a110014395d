// The AI assistant in the real app against the OpenAI-compatible emulator: the provider is set with
// the CLI, the composer's Assist shows the exact request before anything is sent, consent is asked
// and recorded on first use, the answer comes back as a diff and "Accept" puts it in the composer;
// Settings → AI assistant lists the call in the ledger. The answer streams in (server-sent events):
// the dialog shows it growing, and Stop cancels a stream without touching the draft. Light and dark.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, stopDriver, freshDataDir, cli, dbQuery, startOpenAiEmulator } from '../lib/harness.mjs';

after(() => stopDriver());

test('refine in the composer: exact request first, consent, diff, accept; the call is in the ledger', async () => {
  const dataDir = freshDataDir('ai');
  const seeded = cli(dataDir, 'demo', 'seed', '--posts', '5', '--json');
  assert.equal(seeded.status, 0, seeded.stderr);
  const emu = await startOpenAiEmulator();
  const set = cli(dataDir, 'ai', 'set', '--base-url', `${emu.origin}/v1`, '--model', 'outpost-test-model', '--local-only');
  assert.equal(set.status, 0, set.stderr);
  const persona = cli(dataDir, 'ai', 'persona', 'set', '--tone', 'warm and plain');
  assert.equal(persona.status, 0, persona.stderr);
  await emu.admin('reply', { content: 'Our new roast is out today: bright, sweet and ready to brew.' });
  // Slow enough to see the answer grow (10 words, 0.4 s apart).
  await emu.admin('config', { stream_delay: 0.4 });
  const app = await launch({ dataDir });
  try {
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await app.type('composer-text', 'new roast out today its good');
    await app.click('composer-assist');
    await app.waitFor('assist-dialog');
    await app.click('assist-prepare');
    await app.waitForText('assist-request', (t) => t.includes('new roast out today its good') && t.includes('warm and plain'));
    // Nothing was sent while the request is only shown.
    assert.deepEqual(await emu.admin('log'), []);
    await app.screenshot('ai-assist-request');
    await app.click('assist-consent-send');
    // Part of the answer is shown before the rest has arrived.
    await app.waitForText('assist-stream', (t) => t.startsWith('Our new') && !t.includes('brew'));
    await app.screenshot('ai-assist-streaming');
    await app.waitForText('assist-diff', (t) => t.includes('bright') && t.includes('brew'));
    await app.screenshot('ai-assist-diff');
    await app.click('assist-accept');
    const value = await app.script(`return document.querySelector('[data-testid="composer-text"]').value`);
    assert.equal(value, 'Our new roast is out today: bright, sweet and ready to brew.');

    const sent = await emu.admin('log');
    assert.equal(sent.length, 1);
    assert.equal(JSON.parse(sent[0].body).stream, true);
    const [[body, responseBytes]] = dbQuery(dataDir, 'SELECT request_body, response_bytes FROM ai_calls');
    assert.equal(body, sent[0].body, 'the ledger holds the exact body sent');
    assert.ok(Number(responseBytes) > 500, `the whole stream is counted (${responseBytes} B)`);
    assert.deepEqual(dbQuery(dataDir, "SELECT source FROM consent_records WHERE kind LIKE 'ai_provider:%'"), [['composer']]);

    // Stop: a long answer is cancelled part-way; the draft keeps the accepted text.
    await emu.admin('reply', { content: 'word '.repeat(40).trim() });
    await app.click('composer-assist');
    await app.waitFor('assist-dialog');
    await app.click('assist-prepare');
    await app.click('assist-send');
    await app.waitForText('assist-stream', (t) => t.startsWith('word'));
    await app.click('assist-stop');
    await app.waitForText('assist-cancelled', (t) => t.includes('Cancelled'));
    await app.screenshot('ai-assist-cancelled');
    await app.click('assist-cancel');
    const kept = await app.script(`return document.querySelector('[data-testid="composer-text"]').value`);
    assert.equal(kept, 'Our new roast is out today: bright, sweet and ready to brew.');
    const rows = dbQuery(dataDir, 'SELECT status, length(answer) FROM ai_calls ORDER BY at');
    assert.equal(rows.length, 2);
    assert.equal(rows[1][0], 'error', 'the cancelled call is in the ledger');
    assert.ok(Number(rows[1][1]) < 'word '.repeat(40).trim().length, 'only what had arrived');

    await app.click('nav-settings');
    await app.click('settings-ai');
    await app.waitForCount('ai-ledger-entry', 2);
    await app.screenshot('ai-settings');

    // Dark mode: the streaming dialog and the diff.
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await emu.admin('config', { stream_delay: 0.3 });
    await emu.admin('reply', { content: 'Fresh beans, slow mornings and a cup that tastes of summer fruit.' });
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await app.click('composer-assist');
    await app.waitFor('assist-dialog');
    await app.click('assist-prepare');
    await app.click('assist-send');
    await app.waitForText('assist-stream', (t) => t.startsWith('Fresh') && !t.includes('fruit'));
    await app.screenshot('ai-assist-streaming-dark');
    await app.waitForText('assist-diff', (t) => t.includes('fruit'));
    await app.screenshot('ai-assist-diff-dark');
    await app.click('assist-cancel');
  } finally {
    await app.close();
    emu.stop();
  }
});

test('a board idea expanded into a post with the assistant, shown as a diff, kept in the idea', async () => {
  const dataDir = freshDataDir('ai-idea');
  const emu = await startOpenAiEmulator();
  const set = cli(dataDir, 'ai', 'set', '--base-url', `${emu.origin}/v1`, '--model', 'outpost-test-model', '--local-only');
  assert.equal(set.status, 0, set.stderr);
  const post = 'Autumn tasting night: five single-origin coffees, one long table, Friday at 7.';
  await emu.admin('reply', { content: post });
  const app = await launch({ dataDir });
  try {
    await app.click('nav-board');
    await app.click('new-idea');
    await app.waitFor('idea-dialog');
    await app.type('idea-title', 'coffee tasting evening');
    await app.click('idea-assist');
    await app.waitFor('assist-dialog');
    await app.click('assist-prepare');
    await app.waitForText('assist-request', (t) => t.includes('Expand this idea') && t.includes('coffee tasting evening'));
    await app.click('assist-consent-send');
    await app.waitForText('assist-diff', (t) => t.includes('single-origin'));
    await app.screenshot('ai-idea-expand');
    await app.click('assist-accept');
    const notes = await app.script(`return document.querySelector('[data-testid="idea-notes"] textarea, textarea[data-testid="idea-notes"]').value`);
    assert.equal(notes, post);
    await app.click('idea-save');
    await app.waitForCount('idea-dialog', 0);
    assert.deepEqual(dbQuery(dataDir, "SELECT notes FROM ideas WHERE title = 'coffee tasting evening'"), [[post]]);
    assert.deepEqual(dbQuery(dataDir, "SELECT source FROM consent_records WHERE kind LIKE 'ai_provider:%'"), [['board']]);
    assert.deepEqual(dbQuery(dataDir, 'SELECT action FROM ai_calls'), [['expand']]);
  } catch (e) {
    await app.screenshot('ai-idea-failed');
    throw e;
  } finally {
    await app.close();
    emu.stop();
  }
});

test('the composer makes a template with variables (saved) and generates an image (into the media library)', async () => {
  const dataDir = freshDataDir('ai-template');
  const seeded = cli(dataDir, 'demo', 'seed', '--posts', '2', '--json');
  assert.equal(seeded.status, 0, seeded.stderr);
  const emu = await startOpenAiEmulator();
  for (const args of [
    ['ai', 'set', '--base-url', `${emu.origin}/v1`, '--model', 'outpost-test-model', '--local-only'],
    ['ai', 'consent'],
  ]) {
    const r = cli(dataDir, ...args);
    assert.equal(r.status, 0, r.stderr);
  }
  const template = 'Meet {{product}}: sharper, quieter, ready on {{date}}.';
  await emu.admin('reply', { content: template });
  const app = await launch({ dataDir });
  try {
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await app.type('composer-text', 'a new coffee grinder launch');
    await app.click('composer-assist');
    await app.waitFor('assist-dialog');
    await app.click('assist-action-template');
    await app.click('assist-prepare');
    await app.waitForText('assist-request', (t) => t.includes('reusable post template'));
    await app.click('assist-send');
    await app.waitForText('assist-variables', (t) => t.includes('product, date'));
    await app.type('assist-template-name', 'Grinder launch');
    await app.click('assist-template-save');
    await app.waitForText('assist-template-saved', (t) => t.includes('Grinder launch'));
    await app.screenshot('ai-assist-template');
    assert.deepEqual(dbQuery(dataDir, "SELECT body FROM templates WHERE name = 'Grinder launch'"), [[template]]);
    await app.click('assist-cancel');

    await app.click('composer-assist');
    await app.waitFor('assist-dialog');
    await app.click('assist-action-image');
    await app.click('assist-prepare');
    await app.waitForText('assist-request', (t) => t.includes('gpt-image-1') && t.includes('a new coffee grinder launch'));
    await app.screenshot('ai-assist-image-request');
    await app.click('assist-send');
    await app.waitFor('assist-image', 15_000);
    await app.screenshot('ai-assist-image');
    assert.deepEqual(dbQuery(dataDir, "SELECT mime, width FROM media_assets WHERE original_name LIKE 'ai-image-%'"), [['image/png', 1024]]);
    const [[action, request]] = dbQuery(dataDir, "SELECT action, request_body FROM ai_calls WHERE action = 'image'");
    assert.equal(action, 'image');
    assert.ok(request.includes('a new coffee grinder launch'), 'the prompt is recorded');
    await app.click('assist-cancel');
  } catch (e) {
    await app.screenshot('ai-template-failed');
    throw e;
  } finally {
    await app.close();
    emu.stop();
  }
});
