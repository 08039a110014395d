// Publishing options of Instagram and Bluesky in the real app (#15). Instagram fetches media from a
// public URL: the media host is the S3 test server (moto behind a strict SigV4 check, tests/s3),
// set through `outpost media-host set`; Bluesky is the reference PDS (tests/pds). The composer sets
// the image's alt text and Instagram's first comment, and Bluesky's language and a thread reply;
// "Publish now" sends them and the Instagram emulator and the PDS hold exactly those fields.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { launch, stopDriver, freshDataDir, cliBinary, repoRoot, startEmulator, answerFileDialog } from '../lib/harness.mjs';
import { fill, openTab, publishNow, setChips, until } from '../lib/compose.mjs';

const CLIENT_ID = 'e2e-media-client';
const CLIENT_SECRET = 'e2e-media-secret-not-real';
const helpers = [];
let instagram;

/** Starts a helper that prints one JSON line once up and serves until its stdin closes. */
async function helper(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  helpers.push(child);
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code})`)));
  });
  return JSON.parse(line);
}

function run(dataDir, input, ...args) {
  const r = spawnSync(cliBinary, ['--data-dir', dataDir, ...args], { encoding: 'utf8', input });
  assert.equal(r.status, 0, `outpost ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function image(path, format) {
  const r = spawnSync('convert', ['-size', '800x800', 'gradient:#0e7490-#a5f3fc', `${format}:${path}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`convert failed: ${r.stderr}`);
  return path;
}




const installed = existsSync(join(repoRoot, 'tests/s3/.venv/bin/python')) && existsSync(join(repoRoot, 'tests/pds/node_modules'));

before(async () => {
  if (!installed) return;
  instagram = await startEmulator('instagram');
  process.env.OUTPOST_ENDPOINT_INSTAGRAM = instagram.origin;
  process.env.OUTPOST_BROWSER = `python3 ${join(repoRoot, 'tests/emulators/browser.py')}`;
  process.env.OUTPOST_TEST_BROWSER_LOG = join(tmpdir(), `outpost-e2e-media-browser-${process.pid}.log`);
});

after(() => {
  stopDriver();
  instagram?.stop();
  // Each helper stops by itself when its standard input closes.
  for (const h of helpers) h.stdin.end();
});

test('Instagram alt text and first comment, Bluesky language, alt text and thread set in the composer reach the platforms', { skip: !installed && 'tests/s3 or tests/pds is not installed' }, async () => {
  const dataDir = freshDataDir('publish-media');
  const [s3, pds] = await Promise.all([
    helper(join(repoRoot, 'tests/s3/.venv/bin/python'), [join(repoRoot, 'tests/s3/start.py'), 'outpost-media']),
    helper(join(repoRoot, 'tests/pds/run.sh'), []),
  ]);
  run(dataDir, `${s3.secret_access_key}\n`, 'media-host', 'set', '--endpoint', s3.endpoint, '--bucket', 'outpost-media', '--region', s3.region, '--access-key-id', s3.access_key_id, '--secret-access-key-stdin', '--path-style');
  // Instagram: the developer app, then sign-in through the CLI.
  await instagram.admin('user', { id: '7700', name: 'Ada instagram', username: 'adainstagram' });
  run(dataDir, `${CLIENT_SECRET}\n`, 'apps', 'set', 'instagram', '--client-id', CLIENT_ID, '--client-secret-stdin');
  const uri = JSON.parse(run(dataDir, '', '--json', 'apps', 'redirect-uri', 'instagram')).redirect_uri;
  await instagram.admin('apps', { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [uri] });
  run(dataDir, '', '--json', 'channels', 'connect', 'instagram');
  run(dataDir, `${pds.appPassword}\n`, '--json', 'channels', 'connect', 'bluesky', '--instance', pds.pds, '--handle', pds.handle, '--app-password-stdin');
  const photo = image(join(dataDir, 'cold-brew.jpg'), 'jpg');

  const app = await launch({ dataDir });
  try {
    await app.click('nav-compose');
    await app.waitFor('composer-text');
    await setChips(app, { instagram: true, bluesky: true });
    await app.type('composer-text', 'Cold brew season');
    answerFileDialog(photo);
    await app.click('add-media');
    await app.waitForCount('media-item', 1, 20_000);

    await openTab(app, 'instagram');
    await fill(app, 'option-alt', 'A glass of cold brew with ice');
    await fill(app, 'variant-first-comment', '#coldbrew');
    await app.screenshot('options-instagram');
    await openTab(app, 'bluesky');
    await fill(app, 'option-language', 'en');
    await app.click('variant-add-thread-part');
    await fill(app, 'variant-thread-part', 'Steeped for 18 hours');
    await app.screenshot('options-bluesky');

    await publishNow(app);

    const ig = await until('the Instagram post', async () => (await instagram.admin('posts'))[0], 60_000);
    assert.equal(ig.media_type, 'IMAGE');
    assert.equal(ig.text, 'Cold brew season');
    assert.equal(ig.items[0].alt_text, 'A glass of cold brew with ice');
    await until('the Instagram first comment', async () => ((await instagram.admin('posts'))[0].comments ?? []).some((c) => c.message === '#coldbrew'));

    const records = await until('the Bluesky thread', async () => {
      const res = await fetch(`${pds.pds}/xrpc/com.atproto.repo.listRecords?repo=${pds.did}&collection=app.bsky.feed.post&limit=100`);
      const v = await res.json();
      return v.records?.length === 2 && v.records;
    }, 60_000);
    records.sort((a, b) => a.value.createdAt.localeCompare(b.value.createdAt));
    const [root, reply] = records;
    assert.equal(root.value.text, 'Cold brew season');
    assert.deepEqual(root.value.langs, ['en']);
    assert.equal(root.value.embed.images[0].alt, 'A glass of cold brew with ice');
    assert.equal(reply.value.text, 'Steeped for 18 hours');
    assert.equal(reply.value.reply.parent.uri, root.uri);
  } finally {
    await app.close();
  }
});
