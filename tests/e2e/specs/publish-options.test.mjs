// Publishing options in the real app: TikTok, YouTube and Pinterest connected (through the CLI) on
// their strict emulators; the composer's per-channel options panel sets YouTube's title and
// category, TikTok's privacy (from the creator's own options, no default) and its commercial-content
// disclosure with TikTok's declaration, Pinterest's board (loaded from the account), link and the
// image's alt text; "Publish now" sends them and each emulator received exactly those fields.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, stopDriver, freshDataDir, cliBinary, repoRoot, startEmulator, answerFileDialog } from '../lib/harness.mjs';
import { fill, openTab, publishNow, setChips, until } from '../lib/compose.mjs';

const CLIENT_ID = 'e2e-options-client';
const CLIENT_SECRET = 'e2e-options-secret-not-real';
const PLATFORMS = ['tiktok', 'youtube', 'pinterest', 'facebook', 'linkedin', 'threads'];
const emulators = {};

/** Runs the CLI with `input` on stdin; exits non-zero → the test fails with its stderr. */
function run(dataDir, input, ...args) {
  const r = spawnSync(cliBinary, ['--data-dir', dataDir, ...args], { encoding: 'utf8', input });
  assert.equal(r.status, 0, `outpost ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Saves the developer app, registers it in the emulator, signs in through the CLI. */
async function connect(dataDir, platform, userId) {
  const emu = emulators[platform];
  await emu.admin('user', { id: userId, name: `Ada ${platform}`, username: `ada${platform}` });
  run(dataDir, `${CLIENT_SECRET}\n`, 'apps', 'set', platform, '--client-id', CLIENT_ID, '--client-secret-stdin');
  const uri = JSON.parse(run(dataDir, '', '--json', 'apps', 'redirect-uri', platform)).redirect_uri;
  await emu.admin('apps', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [uri] });
  const out = run(dataDir, '', '--json', 'channels', 'connect', platform);
  return JSON.parse(out.slice(out.search(/^\[/m)))[0].id;
}

/** An MP4 whose header says it lasts `seconds`. */
function mp4(path, seconds) {
  const mvhd = Buffer.alloc(108);
  mvhd.writeUInt32BE(108, 0);
  mvhd.write('mvhd', 4);
  mvhd.writeUInt32BE(1000, 20);
  mvhd.writeUInt32BE(seconds * 1000, 24);
  mvhd.writeUInt32BE(0x00010000, 28);
  mvhd.writeUInt16BE(0x0100, 32);
  [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].forEach((m, i) => mvhd.writeUInt32BE(m, 44 + i * 4));
  mvhd.writeUInt32BE(2, 104);
  const ftyp = Buffer.from('000000186674797069736f6d0000020069736f6d6d703432', 'hex');
  const moov = Buffer.concat([Buffer.from([0, 0, 0, 116]), Buffer.from('moov'), mvhd]);
  const body = Buffer.alloc(40_000, 7);
  const mdat = Buffer.concat([Buffer.alloc(4), Buffer.from('mdat'), body]);
  mdat.writeUInt32BE(mdat.length, 0);
  writeFileSync(path, Buffer.concat([ftyp, moov, mdat]));
  return path;
}

function png(path) {
  const r = spawnSync('convert', ['-size', '800x600', 'gradient:#c2410c-#fde68a', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`convert failed: ${r.stderr}`);
  return path;
}




/** Chooses `value` in the select `testId` once it offers it (options load from the platform). */
async function choose(app, testId, value, timeout = 20_000) {
  for (const deadline = Date.now() + timeout; ; ) {
    const ok = await app.script(
      `const s = document.querySelector('[data-testid="${testId}"]');
       if (!s || s.disabled || ![...s.options].some(o => o.value === arguments[0])) return false;
       s.value = arguments[0]; s.dispatchEvent(new Event('change', { bubbles: true })); return true;`,
      value,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${testId} never offered ${value}`);
    await sleep(200);
  }
}


before(async () => {
  for (const p of PLATFORMS) {
    emulators[p] = await startEmulator(p);
    // The app (through tauri-driver) and the CLI inherit this environment.
    process.env[`OUTPOST_ENDPOINT_${p.toUpperCase()}`] = emulators[p].origin;
  }
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = join(tmpdir(), `outpost-e2e-options-browser-${process.pid}.log`);
});

after(() => {
  stopDriver();
  for (const e of Object.values(emulators)) e.stop();
});

test('TikTok, YouTube and Pinterest options set in the composer reach each platform', async () => {
  const dataDir = freshDataDir('publish-options');
  await connect(dataDir, 'tiktok', '7100');
  await connect(dataDir, 'youtube', '7200');
  const pinterest = await connect(dataDir, 'pinterest', '7300');
  // TikTok offers this creator followers and only-me; comments are off in the creator's settings.
  await emulators.tiktok.admin('tiktok-publishing', { creator: { privacy_level_options: ['FOLLOWER_OF_CREATOR', 'SELF_ONLY'], comment_disabled: true } });
  const boards = JSON.parse(run(dataDir, '', '--json', 'channels', 'boards', pinterest));
  const video = mp4(join(dataDir, 'tour.mp4'), 30);
  const photo = png(join(dataDir, 'menu.png'));

  const app = await launch({ dataDir });
  try {
    // --- A video for TikTok and YouTube
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await setChips(app, { tiktok: true, youtube: true, pinterest: false });
    await app.type('composer-text', 'A tour of the new roastery');
    answerFileDialog(video);
    await app.click('add-media');
    await app.waitForCount('media-item', 1, 20_000);

    await openTab(app, 'youtube');
    await app.type('variant-title', 'Roastery tour');
    await choose(app, 'option-category', '19');
    assert.equal(await app.script(`return document.querySelector('[data-testid="option-not-for-kids"]').checked`), true, 'not made for kids unless said');
    await app.screenshot('options-youtube');

    await openTab(app, 'tiktok');
    // No default privacy: only the creator's own levels are offered.
    await app.waitForText('target-options-tiktok', (t) => t.includes('Posting as'), 20_000);
    const offered = await app.script(`return [...document.querySelector('[data-testid="option-privacy"]').options].filter(o => !o.disabled).map(o => o.value)`);
    assert.deepEqual(offered, ['followers', 'only_me']);
    assert.equal(await app.script(`return document.querySelector('[data-testid="option-privacy"]').value`), '');
    // Comments are off in the creator's settings: the switch is greyed and off.
    assert.equal(await app.script(`const c = document.querySelector('[data-testid="option-disable_comment"]'); return c.disabled && !c.checked`), true);
    await choose(app, 'option-privacy', 'followers');
    await app.click('option-disclose');
    await app.waitFor('disclose-missing');
    await app.click('option-branded-content');
    await app.waitForText('disclose-label', (t) => t.includes('Paid partnership'));
    await app.waitForText('tiktok-declaration', (t) => t.includes("Branded Content Policy and Music Usage Confirmation"));
    await app.screenshot('options-tiktok');

    await publishNow(app);
    const tiktok = await until('the TikTok post', async () => (await emulators.tiktok.admin('posts'))[0]);
    assert.equal(tiktok.post_info.privacy_level, 'FOLLOWER_OF_CREATOR');
    assert.equal(tiktok.post_info.brand_content_toggle, true);
    assert.equal(tiktok.post_info.brand_organic_toggle, false);
    assert.equal(tiktok.post_info.disable_comment, true);
    const yt = await until('the YouTube video', async () => (await emulators.youtube.admin('videos'))[0]);
    assert.equal(yt.snippet.title, 'Roastery tour');
    assert.equal(yt.snippet.categoryId, '19');
    assert.equal(yt.metadata.status.selfDeclaredMadeForKids, false);

    // --- An image for Pinterest
    await app.click('nav-calendar');
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await setChips(app, { tiktok: false, youtube: false, pinterest: true });
    await app.type('composer-text', 'Our spring menu');
    answerFileDialog(photo);
    await app.click('add-media');
    await app.waitForCount('media-item', 1, 20_000);
    await openTab(app, 'pinterest');
    await choose(app, 'option-board', boards[1].id);
    await app.type('option-link', 'https://example.com/menu');
    await app.script(`document.querySelector('[data-testid="option-link"]').dispatchEvent(new Event('change', { bubbles: true }))`);
    await app.type('option-alt', 'A chalkboard menu with spring drinks');
    await app.screenshot('options-pinterest');
    await publishNow(app);
    const pin = await until('the Pin', async () => (await emulators.pinterest.admin('pins'))[0]);
    assert.equal(pin.board_id, boards[1].id);
    assert.equal(pin.link, 'https://example.com/menu');
    assert.equal(pin.alt_text, 'A chalkboard menu with spring drinks');

    // --- The options panels in dark mode (a new post: YouTube's and TikTok's options).
    await app.click('nav-settings');
    await app.click('settings-appearance');
    await app.click('appearance-dark');
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await setChips(app, { tiktok: true, youtube: true, pinterest: true });
    await app.type('composer-text', 'Dark mode check');
    await openTab(app, 'youtube');
    await app.screenshot('options-youtube-dark');
    await openTab(app, 'tiktok');
    await app.waitForText('target-options-tiktok', (t) => t.includes('Posting as'), 20_000);
    await app.screenshot('options-tiktok-dark');
    await openTab(app, 'pinterest');
    await choose(app, 'option-board', boards[0].id);
    await app.screenshot('options-pinterest-dark');
  } finally {
    await app.close();
  }
});

test('a Facebook link post with a first comment, a LinkedIn first comment and a Threads thread set in the composer reach each platform', async () => {
  const dataDir = freshDataDir('publish-options-2');
  await connect(dataDir, 'facebook', '7400');
  await connect(dataDir, 'linkedin', '7500');
  await connect(dataDir, 'threads', '7600');
  const app = await launch({ dataDir });
  try {
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await setChips(app, { facebook: true, linkedin: true, threads: true });
    await app.type('composer-text', 'Our spring menu is here');

    await openTab(app, 'facebook');
    await fill(app, 'option-link', 'https://example.com/spring');
    await fill(app, 'variant-first-comment', 'Order ahead at example.com');
    await app.screenshot('options-facebook');
    await openTab(app, 'linkedin');
    await fill(app, 'variant-first-comment', 'We are hiring baristas too');
    await openTab(app, 'threads');
    await app.click('variant-add-thread-part');
    await fill(app, 'variant-thread-part', 'Oat milk at no extra cost');
    await app.screenshot('options-threads');

    await publishNow(app);

    // The account has two Pages, both chosen: only the first one's tab set the link.
    const pagePosts = await until('both Pages posted', async () => {
      const p = await emulators.facebook.admin('posts');
      return p.length === 2 && p;
    });
    assert.deepEqual(pagePosts.map((p) => p.link ?? null).sort(), ['https://example.com/spring', null].sort(), JSON.stringify(pagePosts));
    const fbComments = await until('the Facebook first comment', async () => {
      const c = await emulators.facebook.admin('comments');
      return c.length > 0 && c;
    });
    assert.ok(JSON.stringify(fbComments).includes('Order ahead at example.com'), JSON.stringify(fbComments));
    await until('the LinkedIn post', async () => (await emulators.linkedin.admin('posts')).length === 1);
    const liComments = await until('the LinkedIn first comment', async () => {
      const c = await emulators.linkedin.admin('comments');
      return c.length > 0 && c;
    });
    assert.ok(JSON.stringify(liComments).includes('We are hiring baristas too'), JSON.stringify(liComments));
    const threads = await until('the Threads thread', async () => {
      const t = await emulators.threads.admin('posts');
      return t.length === 2 && t;
    });
    assert.deepEqual(threads.map((t) => t.text), ['Our spring menu is here', 'Oat milk at no extra cost']);
    assert.equal(threads[1].reply_to, threads[0].id);
  } finally {
    await app.close();
  }
});
