// Client approvals in the real app: send a post for approval from the composer (the save dialog is
// answered by the test seam), let a "client" answer the sealed file (the page's own algorithm, run
// here with Node's WebCrypto; the real-browser run of the page itself is tests/approvals), paste the
// decision code in the composer and see it land on the post; a changed code is refused with the
// reason; Settings → Client approvals lists the preview with its state and feedback.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { launch, stopDriver, freshDataDir, cli, cliBinary, answerFileDialog, launchSecondInstance, KEY } from '../lib/harness.mjs';

after(() => stopDriver());

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PASSWORD = 'meadow-lantern-7';
const FEEDBACK = 'Approved — lovely photo.';
const enc = new TextEncoder();
const b64d = (s) => Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
const b64e = (b) => Buffer.from(b).toString('base64url');

/** What the client's browser does with the file: unlock, then sign a decision (preview.js). */
async function clientDecision(html, password, decision, feedback) {
  const json = html.split('<script type="application/json" id="sealed">')[1].split('</script>')[0];
  const sealed = JSON.parse(json);
  const header = JSON.parse(sealed.header);
  const aad = enc.encode(sealed.header);
  const { subtle } = globalThis.crypto;
  const base = await subtle.importKey('raw', enc.encode(password), 'PBKDF2', false, ['deriveKey']);
  const kek = await subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: b64d(header.salt), iterations: header.iterations }, base, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
  const raw = await subtle.decrypt({ name: 'AES-GCM', iv: b64d(sealed.wrap_nonce), additionalData: aad }, kek, b64d(sealed.wrapped_key));
  const key = await subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
  const payload = JSON.parse(new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv: b64d(sealed.nonce), additionalData: aad }, key, b64d(sealed.ciphertext))));
  const post = payload.posts[0];
  const mac = await subtle.importKey('raw', b64d(payload.mac_key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const body = enc.encode(JSON.stringify([header.preview_id, post.post_id, decision, feedback]));
  const msg = Buffer.concat([enc.encode(`outpost-approval-v1\n${post.content_hash}\n`), body]);
  const tag = new Uint8Array(await subtle.sign('HMAC', mac, msg));
  return `OA1.${b64e(body)}.${b64e(tag)}`;
}

async function setCode(app, code) {
  // Typing 300 characters key by key is slow in WebKitWebDriver; set the value like a paste does.
  const id = await app.waitFor('approval-code-input');
  await app.client.elementClick(id);
  await app.script(
    `const t = document.querySelector('[data-testid="approval-code-input"]');
     const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
     set.call(t, arguments[0]); t.dispatchEvent(new Event('input', { bubbles: true }));`,
    code,
  );
}

test('send for approval from the composer, paste the decision code, see it on the post', async () => {
  const dataDir = freshDataDir('approvals');
  assert.equal(cli(dataDir, 'demo', 'seed', '--posts', '6').status, 0);
  const channels = JSON.parse(cli(dataDir, 'channels', 'list', '--json').stdout);
  const channel = channels.find((c) => ['x', 'bluesky', 'mastodon', 'linkedin'].includes(c.platform)) ?? channels[0];
  const created = cli(dataDir, 'posts', 'create', '--channel', channel.id, '--text', 'Spring launch: the meadow collection is here', '--draft', '--json');
  assert.equal(created.status, 0, created.stderr);
  const postId = JSON.parse(created.stdout).post.id;

  const app = await launch({ dataDir });
  try {
    // Open the post in the composer (Ctrl-K).
    await app.keys(KEY.CONTROL, 'k');
    await app.type('palette-input', 'meadow collection');
    await app.waitForCount('palette-result', 1);
    await app.keys(KEY.ENTER);
    await app.waitForText('approval-status', (t) => t.includes('Not sent'));
    await app.screenshot('approvals-composer-not-sent');

    // Send for approval: password twice, the save dialog answered by the test.
    const file = join(dataDir, '..', `preview-${process.pid}.html`);
    answerFileDialog(file);
    await app.click('send-for-approval');
    await app.type('approval-password', PASSWORD);
    await app.type('approval-password-confirm', PASSWORD);
    await app.screenshot('approvals-send-dialog');
    await app.click('approval-send-submit');
    await app.waitFor('approval-send-result', 20_000);
    await app.screenshot('approvals-send-done');
    assert.ok(existsSync(file), 'the preview file was written');
    await app.click('approval-send-close');
    await app.waitForText('approval-status', (t) => t.includes('Waiting'));

    const html = readFileSync(file, 'utf8');
    const code = await clientDecision(html, PASSWORD, 'approved', FEEDBACK);

    // A changed code: refused with the reason, nothing changed.
    await app.click('paste-approval-code');
    const forged = await clientDecision(html, PASSWORD, 'approved', 'something else');
    const [, forgedBody] = forged.split('.');
    const [, , goodTag] = code.split('.');
    await setCode(app, `OA1.${forgedBody}.${goodTag}`);
    await app.click('approval-apply-submit');
    await app.waitForText('approval-apply-error', (t) => /changed/i.test(t));
    await app.screenshot('approvals-apply-refused');

    // The real code: applied.
    await setCode(app, code);
    await app.click('approval-apply-submit');
    await app.waitForText('approval-apply-result', (t) => t.includes(FEEDBACK));
    await app.screenshot('approvals-apply-done');
    await app.click('approval-apply-close');
    await app.waitForText('approval-status', (t) => t.includes('Approved'));
    await app.waitForText('approval-feedback', (t) => t.includes(FEEDBACK));
    await app.screenshot('approvals-composer-approved');

    // Settings → Client approvals: the preview with its state.
    await app.click('nav-settings');
    await app.click('settings-approvals');
    await app.waitForCount('approval-preview', 1);
    const state = await app.script(`return document.querySelector('[data-testid="approval-preview"]').dataset.state`);
    assert.equal(state, 'approved');
    await app.screenshot('approvals-settings');

    // A second preview (made with the CLI), answered "changes requested"; the code arrives as a deep
    // link (a click in the client's e-mail): the running window opens the apply dialog with it.
    const file2 = join(dataDir, '..', `preview2-${process.pid}.html`);
    const made = spawnSync(cliBinary, ['--data-dir', dataDir, 'approvals', 'create', postId, '--out', file2, '--password-stdin', '--json'], {
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
    });
    assert.equal(made.status, 0, made.stderr);
    const code2 = await clientDecision(readFileSync(file2, 'utf8'), PASSWORD, 'rejected', 'Warmer colours, please.');
    launchSecondInstance(dataDir, `app.outpost.desktop://approval/${code2}`);
    await app.waitFor('approval-apply-dialog');
    const prefilled = await app.script(`return document.querySelector('[data-testid="approval-code-input"]').value`);
    assert.equal(prefilled, code2);
    await app.click('approval-apply-submit');
    await app.waitForText('approval-apply-result', (t) => t.includes('Warmer colours'));
    await app.screenshot('approvals-deep-link-applied');
    await app.click('approval-apply-close');
    await app.waitForCount('approval-preview', 2);
    await app.screenshot('approvals-settings-two');
    // A link that is not a code is refused with a message.
    launchSecondInstance(dataDir, 'app.outpost.desktop://approval/not%20a%20code');
    await sleep(1500);
    assert.equal(await app.count('approval-apply-dialog'), 0);
  } finally {
    await app.close();
  }
  const list = JSON.parse(cli(dataDir, 'approvals', 'list', '--json').stdout);
  assert.deepEqual(
    list.map((p) => [p.state, p.post_id, p.feedback]),
    [
      ['rejected', postId, 'Warmer colours, please.'],
      ['approved', postId, FEEDBACK],
    ],
  );
});
