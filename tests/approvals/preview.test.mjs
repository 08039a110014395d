// The sealed approval preview in a real browser: Debian's chromium, driven headless through
// chromium-driver (WebDriver), opening the file from file:// with every network route blocked (a
// proxy that does not exist, no background services) and Chrome's network log checked afterwards:
// the only request is the file itself. Wrong password: refused, nothing shown. Right password: the
// post, per platform. Approve with feedback, read the decision code, apply it with the outpost CLI.
//
// Needs: `apt-get install chromium chromium-driver`; the CLI built (`cargo build --bin outpost`;
// OUTPOST_BIN, else $CARGO_TARGET_DIR/debug/outpost, else target/debug/outpost).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebDriver from 'webdriver';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN =
  process.env.OUTPOST_BIN ??
  [join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug/outpost'), join(ROOT, 'target/debug/outpost')].find(existsSync);
const CHROMIUM = process.env.OUTPOST_CHROMIUM ?? '/usr/bin/chromium';
const DRIVER = process.env.OUTPOST_CHROMEDRIVER ?? '/usr/bin/chromedriver';
const PASSWORD = 'tulip-harbour-42';
// Next to the app's screenshots (look at them): tests/e2e/screenshots/approval-page-*.png.
const SHOTS = process.env.OUTPOST_SCREENSHOT_DIR ?? join(ROOT, 'tests/e2e/screenshots');
const FEEDBACK = 'Love it — but please say “Monday”, not “Mon”.';

const work = mkdtempSync(join(tmpdir(), 'outpost-approvals-'));
const dataDir = join(work, 'data');
let driver;
let client;
after(async () => {
  try {
    await client?.deleteSession();
  } catch {}
  driver?.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
});

function outpost(args, input) {
  assert.ok(BIN, 'the outpost CLI is not built (cargo build --bin outpost, or set OUTPOST_BIN)');
  const r = spawnSync(BIN, ['--data-dir', dataDir, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, OUTPOST_VAULT_PASSPHRASE: 'browser test vault', TZ: 'UTC' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(r) {
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

async function startBrowser() {
  const port = await freePort();
  driver = spawn(DRIVER, [`--port=${port}`], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/status`);
      if ((await r.json()).value.ready) break;
    } catch {}
    if (Date.now() > deadline) throw new Error('chromedriver did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return WebDriver.newSession({
    hostname: '127.0.0.1',
    port,
    logLevel: 'warn',
    connectionRetryCount: 0,
    capabilities: {
      browserName: 'chrome',
      'wdio:enforceWebDriverClassic': true,
      'goog:loggingPrefs': { performance: 'ALL', browser: 'ALL' },
      'goog:chromeOptions': {
        binary: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-dev-shm-usage',
          // Any network request would go to a proxy that is not there, and fail.
          '--proxy-server=http://127.0.0.1:9',
          '--proxy-bypass-list=<-loopback>',
          `--user-data-dir=${join(work, 'chromium-profile')}`,
        ],
      },
    },
  });
}

const sel = (id) => `[data-testid="${id}"]`;
const elementId = (el) => el['element-6066-11e4-a52e-4f735466cecf'] ?? el.ELEMENT;
async function all(testId) {
  return (await client.findElements('css selector', sel(testId))).map(elementId);
}
async function one(testId) {
  const els = await all(testId);
  assert.equal(els.length, 1, `exactly one data-testid="${testId}"`);
  return els[0];
}
async function waitUntil(what, fn, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
async function visible(testId) {
  const els = await all(testId);
  for (const id of els) if (await client.isElementDisplayed(id)) return id;
  return null;
}
async function shot(name) {
  mkdirSync(SHOTS, { recursive: true });
  await new Promise((r) => setTimeout(r, 200));
  writeFileSync(join(SHOTS, `approval-page-${name}.png`), Buffer.from(await client.takeScreenshot(), 'base64'));
}
async function type(id, text) {
  await client.elementClear(id);
  await client.elementSendKeys(id, text);
}

test('a client opens the sealed preview offline, approves with feedback, and the CLI applies the code', async () => {
  // A profile with posts (the demo workspace: channels that never publish) and one post to approve.
  json(outpost(['demo', 'seed', '--posts', '12', '--json']));
  const posts = json(outpost(['posts', 'list', '--json']));
  const target = posts.find((p) => ['draft', 'scheduled'].includes(p.post.status) && p.post.text.trim().length > 10);
  assert.ok(target, 'the demo workspace has a draft or scheduled post');
  const postId = target.post.id;
  const firstLine = target.post.text.split('\n')[0].trim();

  const file = join(work, 'preview.html');
  const created = json(outpost(['approvals', 'create', postId, '--out', file, '--password-stdin', '--expires-in', '2h', '--json'], `${PASSWORD}\n`));
  assert.equal(created.preview.state, 'waiting');
  assert.equal(created.preview.post_id, postId);
  assert.ok(Math.abs(created.preview.expires_at - created.preview.created_at - 2 * 3600 * 1000) < 1000);
  const html = readFileSync(file, 'utf8');
  assert.ok(!html.includes(firstLine), 'the post text is not readable in the file');
  assert.ok(!html.includes(PASSWORD));

  client = await startBrowser();
  await client.navigateTo(pathToFileURL(file).href);
  await client.setWindowRect(null, null, 1100, 900);
  await waitUntil('the unlock form', () => visible('password'));
  await shot('locked');

  // Wrong password: refused, nothing shown.
  await type(await one('password'), 'not-the-password');
  await client.elementClick(await one('unlock'));
  const error = await waitUntil('the error', () => visible('error'));
  assert.match(await client.getElementText(error), /password is not right/i);
  assert.equal((await all('post')).length, 0, 'no post is shown after a wrong password');
  await shot('wrong-password');
  const pageText = await client.executeScript('return document.body.innerText', []);
  assert.ok(!pageText.includes(firstLine));

  // Right password: the post, as each of its platforms shows it.
  await type(await one('password'), PASSWORD);
  const t0 = Date.now();
  await client.elementClick(await one('unlock'));
  await waitUntil('the post', () => visible('post'));
  const unlockMs = Date.now() - t0;
  const shown = await all('post');
  assert.equal(shown.length, 1);
  const postText = await client.getElementText(shown[0]);
  assert.ok(postText.includes(firstLine), `the post text is shown: ${postText.slice(0, 200)}`);
  const cards = await client.executeScript('return document.querySelectorAll(\'[data-testid="post"] article.card\').length', []);
  assert.ok(cards >= 1, 'one card per channel');
  assert.equal(await visible('error'), null, 'the error is gone');
  await shot('unlocked');

  // Approve with feedback; the page shows the decision code.
  await type(await one('feedback'), FEEDBACK);
  await client.elementClick(await one('approve'));
  const codeEl = await waitUntil('the decision code', () => visible('decision-code'));
  const code = await client.getElementProperty(codeEl, 'value');
  assert.match(code, /^OA1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  await shot('decided');
  const mailto = await client.executeScript('return document.querySelector(\'[data-testid="decision-mailto"]\').href', []);
  assert.ok(mailto.startsWith('mailto:') && mailto.includes(encodeURIComponent(code)));

  // Not one network request: the file is the only thing Chrome fetched.
  const perf = await client.getLogs('performance');
  const requests = perf
    .map((e) => JSON.parse(e.message).message)
    .filter((m) => m.method === 'Network.requestWillBeSent')
    .map((m) => ({ url: m.params.request.url, document: m.params.documentURL ?? '' }));
  const ours = requests.filter((r) => r.document.startsWith('file://'));
  assert.ok(ours.some((r) => r.url === pathToFileURL(file).href), 'the network log works');
  assert.deepEqual(
    ours.filter((r) => !r.url.startsWith('file://') && !r.url.startsWith('data:')).map((r) => r.url),
    [],
    'the page requested nothing but itself (and its inline data: images)',
  );
  assert.deepEqual(
    requests.filter((r) => /^(https?|wss?|ftp):/i.test(r.url)).map((r) => r.url),
    [],
    'no network request at all',
  );
  const consoleLog = await client.getLogs('browser');
  assert.deepEqual(consoleLog.filter((e) => e.level === 'SEVERE'), [], 'no errors (CSP violations included) in the console');

  // A changed code is refused with a reason, and changes nothing.
  const tampered = code.replace(/\.([A-Za-z0-9_-])/, (_, c) => `.${c === 'A' ? 'B' : 'A'}`);
  const refused = outpost(['approvals', 'apply', tampered]);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /^outpost: /);
  const cut = outpost(['approvals', 'apply', code.slice(0, -10)]);
  assert.match(cut.stderr, /cut off|damaged/);
  assert.equal(json(outpost(['approvals', 'list', '--json']))[0].state, 'waiting');

  // The code, applied with the CLI, lands on the post.
  const applied = json(outpost(['approvals', 'apply', code, '--json']));
  assert.equal(applied.decision, 'approved');
  assert.equal(applied.post_id, postId);
  assert.equal(applied.feedback, FEEDBACK);
  const list = json(outpost(['approvals', 'list', '--json']));
  assert.equal(list[0].state, 'approved');
  assert.equal(list[0].feedback, FEEDBACK);
  const again = outpost(['approvals', 'apply', code]);
  assert.match(again.stderr, /already recorded/);
  process.stdout.write(`# unlock in chromium (PBKDF2-SHA256 600,000 iterations + AES-GCM): ${unlockMs} ms\n`);
});
