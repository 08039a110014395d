// The signed-update test (README "Releases" → "What the update test covers"). One release build:
//   1. a throwaway key pair A (and a second one, B) made now; version N built by .ci/release with A;
//   2. N+1 and an older release made by repackaging the same binaries (`.ci/release --repackage`),
//      signed with A; N+1's package also signed with B;
//   3. N installed with apt and started from /usr/bin under Xvfb through WebDriver, with
//      OUTPOST_UPDATE_ENDPOINT pointing at a local HTTP server;
//   4. refused, each with its own message while N keeps running (same process, still version N):
//      a flipped byte, a swapped signature, a different key, an older release offered as newer,
//      and a manifest offering an older version;
//   5. then the genuine N+1: version and notes shown, downloaded with a progress bar, installed
//      (dpkg now reports N+1) and relaunched (a new process from /usr/bin/outpost-desktop).
// Run from the repository root (as root or with sudo), inside Xvfb and a D-Bus session:
//   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- node tests/dist/update.mjs
// OUTPOST_DIST_SKIP_BUILD=1 (with OUTPOST_DIST_KEYS, below) repackages the release binaries already
// in $CARGO_TARGET_DIR as N instead of building them.
import { spawnSync, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const target = resolve(process.env.CARGO_TARGET_DIR ?? join(root, 'target'));
const tauri = join(root, 'ui/node_modules/.bin/tauri');
const conf = JSON.parse(readFileSync(join(root, 'tauri.conf.json'), 'utf8'));
const N = conf.version;
const [maj, min, pat] = N.split('.').map(Number);
const NEXT = `${maj}.${min}.${pat + 1}`;
const OLD = pat > 0 ? `${maj}.${min}.${pat - 1}` : `${maj}.${min - 1 >= 0 ? min - 1 : 0}.99`;
const SUDO = process.getuid() === 0 ? [] : ['sudo'];
const work = mkdtempSync(join(tmpdir(), 'outpost-update-'));
const t0 = performance.now();
const log = (m) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

// OUTPOST_DIST_KEYS=<dir> keeps the throwaway keys there between runs, so that
// OUTPOST_DIST_SKIP_BUILD=1 can repackage a build made with them (the public key is built in).
const keyDir = process.env.OUTPOST_DIST_KEYS ?? work;
function keypair(name) {
  const file = join(keyDir, `${name}.key`);
  if (!existsSync(file)) execFileSync(tauri, ['signer', 'generate', '--ci', '-p', '', '-w', file], { stdio: 'ignore' });
  return { private: readFileSync(file, 'utf8'), pub: readFileSync(`${file}.pub`, 'utf8').trim() };
}

const server = { manifest: null, files: new Map(), requests: [] };
const http = createServer((req, res) => {
  server.requests.push(req.url);
  if (req.url === '/latest.json' && server.manifest) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(server.manifest));
  }
  const body = server.files.get(req.url);
  if (!body) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  // In chunks, so the progress bar has something to show.
  let i = 0;
  const step = Math.ceil(body.length / 20);
  const next = () => {
    if (i >= body.length) return res.end();
    res.write(body.subarray(i, i + step));
    i += step;
    setTimeout(next, 25);
  };
  next();
});
await new Promise((r) => http.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${http.address().port}`;

function release(version, key, pubkey, extra = [], bundles = 'deb') {
  const out = join(work, `release-${version}`);
  run(join(root, '.ci/release'), extra, {
    env: {
      ...process.env,
      TAURI_SIGNING_PRIVATE_KEY: key.private,
      TAURI_SIGNING_PRIVATE_KEY_PASSWORD: '',
      OUTPOST_UPDATER_PUBKEY: pubkey,
      OUTPOST_RELEASE_VERSION: version,
      OUTPOST_RELEASE_BASE_URL: base,
      OUTPOST_RELEASE_NOTES: `Outpost ${version}: the test release.\n- signed with a throwaway key`,
      OUTPOST_RELEASE_OUT: out,
      OUTPOST_RELEASE_BUNDLES: bundles,
    },
  });
  const manifest = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
  const deb = readdirSync(out).find((f) => f.endsWith('.deb'));
  return { manifest, deb: join(out, deb), sig: readFileSync(join(out, `${deb}.sig`), 'utf8').trim() };
}

function entry(m) {
  return m.platforms['linux-x86_64-deb'];
}

function dpkgVersion() {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'outpost'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function desktopPids() {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readlinkSync(`/proc/${d}/exe`).startsWith('/usr/bin/outpost-desktop');
      } catch {
        return false;
      }
    })
    .map(Number);
}

let app;
let harness;
// WebKit's screenshot can show the frame before the last click's: let it paint first.
const shot = async (name) => {
  await sleep(700);
  return app.screenshot(name);
};
try {
  log('throwaway signing keys A and B');
  const A = keypair('a');
  const B = keypair('b');

  log(`version N = ${N}: release build signed with A`);
  // N as shipped: both Linux packages (the .rpm is built, not installed here).
  const n = release(N, A, A.pub, process.env.OUTPOST_DIST_SKIP_BUILD === '1' ? ['--repackage'] : [], 'deb,rpm');
  log(`version N+1 = ${NEXT} and an older ${OLD}: the same binaries repackaged, signed with A`);
  const next = release(NEXT, A, A.pub, ['--repackage']);
  const old = release(OLD, A, A.pub, ['--repackage']);
  const nextFile = `/${basename(next.deb)}`;
  server.files.set(nextFile, readFileSync(next.deb));
  server.files.set(`/${basename(old.deb)}`, readFileSync(old.deb));
  const flipped = Buffer.from(readFileSync(next.deb));
  flipped[Math.floor(flipped.length / 2)] ^= 0x01;
  server.files.set('/flipped.deb', flipped);
  // N+1's package signed with B (same version, so only the key differs).
  copyFileSync(next.deb, join(work, 'b.deb'));
  execFileSync(tauri, ['signer', 'sign', '-k', B.private, '-p', '', '--app-version', NEXT, join(work, 'b.deb')], { stdio: 'ignore' });
  const sigB = readFileSync(join(work, 'b.deb.sig'), 'utf8').trim();

  log(`installing N (${basename(n.deb)}) with apt`);
  if (dpkgVersion()) throw new Error('a package "outpost" is already installed here; remove it first');
  run(...[SUDO.length ? 'sudo' : 'apt-get'], [...(SUDO.length ? ['apt-get'] : []), 'install', '-y', '-qq', n.deb], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: 'ignore',
  });
  assert.equal(dpkgVersion(), N);

  process.env.OUTPOST_APP_BINARY = '/usr/bin/outpost-desktop';
  process.env.OUTPOST_CLI_BINARY = '/usr/bin/outpost';
  process.env.OUTPOST_UPDATE_ENDPOINT = `${base}/latest.json`;
  harness = await import('../e2e/lib/harness.mjs');
  app = await harness.launch();
  const [pidN] = desktopPids();
  assert.ok(pidN, 'the installed app runs from /usr/bin/outpost-desktop');
  log(`N runs (pid ${pidN}); Settings → About → Updates`);
  await app.click('nav-settings');
  await app.click('settings-about');
  await app.waitFor('update-key-id');
  const keyId = await app.text('update-key-id');
  const aId = Buffer.from(A.pub, 'base64').toString().match(/public key: ([0-9A-F]+)/)[1];
  assert.equal(keyId, aId, 'About shows the id of the key the build trusts');
  assert.match(await app.text('update-endpoint'), /127\.0\.0\.1/);

  const checkAndInstall = async (manifest, expect, shotName) => {
    server.manifest = manifest;
    await app.click('update-check-now');
    await app.waitForText('update-last-check', (t) => t.includes(`${manifest.version} is available`));
    await app.click('update-install');
    const text = await app.waitForText('update-last-check', (t) => /refused|not installed/i.test(t), 30_000);
    assert.match(text, expect);
    await shot(shotName);
    assert.deepEqual(desktopPids(), [pidN], 'N keeps running');
    assert.equal(dpkgVersion(), N, 'nothing was installed');
    log(`refused: ${text.split(' · ')[0]}`);
  };

  const good = next.manifest;
  await checkAndInstall(
    { ...good, platforms: { 'linux-x86_64-deb': { ...entry(good), url: `${base}/flipped.deb` } } },
    /does not match its signature/,
    'update-refused-flipped-byte',
  );
  await checkAndInstall(
    { ...good, platforms: { 'linux-x86_64-deb': { ...entry(good), signature: entry(old.manifest).signature } } },
    /does not match its signature/,
    'update-refused-swapped-signature',
  );
  await checkAndInstall(
    { ...good, platforms: { 'linux-x86_64-deb': { ...entry(good), signature: sigB } } },
    new RegExp(`signed with key [0-9A-F]{16} but this Outpost trusts only key ${aId}`),
    'update-refused-other-key',
  );
  await checkAndInstall(
    { ...good, platforms: { 'linux-x86_64-deb': entry(old.manifest) } },
    new RegExp(`signed as version ${OLD.replaceAll('.', '\\.')} but was offered as ${NEXT.replaceAll('.', '\\.')}`),
    'update-refused-older-release',
  );
  server.manifest = old.manifest;
  await app.click('update-check-now');
  const notNewer = await app.waitForText('update-last-check', (t) => t.includes('not newer'));
  assert.match(notNewer, new RegExp(`offers ${OLD.replaceAll('.', '\\.')}, which is not newer`));
  assert.equal(await app.exists('update-install'), false, 'an older version is not offered');
  log(`refused: ${notNewer.split(' · ')[0]}`);

  log('the genuine N+1');
  server.manifest = good;
  await app.click('update-check-now');
  await app.waitForText('update-last-check', (t) => t.includes(`${NEXT} is available`));
  assert.match(await app.text('update-notes'), /the test release/);
  await shot('update-available');
  await app.click('update-install');
  await app.waitFor('update-progress', 10_000);
  await shot('update-downloading');
  const deadline = Date.now() + 120_000;
  let relaunched = [];
  while (Date.now() < deadline) {
    relaunched = desktopPids().filter((p) => p !== pidN);
    if (dpkgVersion() === NEXT && relaunched.length > 0 && !desktopPids().includes(pidN)) break;
    await sleep(250);
  }
  assert.equal(dpkgVersion(), NEXT, 'dpkg reports N+1 installed');
  assert.ok(!desktopPids().includes(pidN), 'N exited');
  assert.ok(relaunched.length > 0, 'Outpost relaunched from /usr/bin/outpost-desktop');
  assert.ok(server.requests.includes(nextFile), 'the package came from the update server');
  const rows = harness.dbQuery(app.dataDir, "SELECT value FROM settings WHERE key = 'updates.last_check'");
  assert.equal(JSON.parse(rows[0][0]).outcome, 'installed');
  log(`N+1 installed (dpkg ${dpkgVersion()}), relaunched as pid ${relaunched.join(',')}`);
  for (const p of relaunched) process.kill(p, 'SIGTERM');
  console.log('PASS: N → N+1, and a flipped byte, a swapped signature, a different key and an older release refused');
} finally {
  await app?.close().catch(() => {});
  harness?.stopDriver();
  for (const p of desktopPids()) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  http.close();
  if (dpkgVersion()) {
    spawnSync(SUDO.length ? 'sudo' : 'apt-get', [...(SUDO.length ? ['apt-get'] : []), 'remove', '-y', '-qq', 'outpost'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  writeFileSync(join(work, 'requests.txt'), server.requests.join('\n'));
}
