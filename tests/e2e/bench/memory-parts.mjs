// Where the idle memory of Outpost's page goes (issue #21), not a test: Outpost (release) with
// 10,000 demo posts shows its calendar; its page is copied (elements and style rules, no script) and
// shown in the empty Tauri window (tests/perf/empty-app) in parts, each in a fresh start of that
// window, idle for OUTPOST_PERF_IDLE_MS (default 5000), and the PSS of all its processes printed
// with the web process's anonymous memory — the part that grows with what a page shows.
//
//   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- node tests/e2e/bench/memory-parts.mjs
// Environment: CARGO_TARGET_DIR, OUTPOST_PERF_PROFILE (default release), OUTPOST_PERF_POSTS
// (default 10000), OUTPOST_WEBDRIVER_PORT; OUTPOST_APP_BINARY, OUTPOST_CLI_BINARY and
// OUTPOST_PERF_EMPTY_BINARY override the builds' paths. Builds nothing: build both apps first (release.mjs does).
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import WebDriver from 'webdriver';
import { findProcess, memory, stat } from './procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const targetDir = resolve(process.env.CARGO_TARGET_DIR ?? join(repoRoot, 'target'));
const outDir = join(targetDir, process.env.OUTPOST_PERF_PROFILE ?? 'release');
process.env.OUTPOST_APP_BINARY ??= join(outDir, 'outpost-desktop');
process.env.OUTPOST_CLI_BINARY ??= join(outDir, 'outpost');
const emptyBinary = process.env.OUTPOST_PERF_EMPTY_BINARY ?? join(outDir, 'outpost-perf-empty-app');
const IDLE_MS = Number(process.env.OUTPOST_PERF_IDLE_MS ?? 5000);
const POSTS = Number(process.env.OUTPOST_PERF_POSTS ?? 10_000);
const { launch, stopDriver, startDriver, freshDataDir, cli } = await import('../lib/harness.mjs');
const { SNAPSHOT, PASTE } = await import('./views.mjs');

const web = (m) => m.parts.find((p) => p.comm.startsWith('WebKitWebProces'));
const anon = (m) => web(m)?.breakdown['anonymous (malloc arenas, thread stacks, JS/bmalloc heaps)'] ?? NaN;
const row = (name, m) => {
  console.log(`${name.padEnd(64)} PSS ${m.mb.toFixed(1)} MB  web process ${(web(m)?.mb ?? NaN).toFixed(1)} MB  its anonymous ${anon(m).toFixed(1)} MB`);
};

const dataDir = freshDataDir('mem');
const seeded = cli(dataDir, 'demo', 'seed', '--posts', String(POSTS), '--json');
if (seeded.status !== 0) throw new Error(`demo seed failed: ${seeded.stderr}`);

let snap;
try {
  const app = await launch({ dataDir });
  try {
    await app.waitFor('calendar-month', 30_000);
    await sleep(IDLE_MS);
    row(`Outpost, calendar, ${POSTS} posts`, memory(findProcess(process.env.OUTPOST_APP_BINARY)));
    snap = await app.client.executeScript(SNAPSHOT, []);
  } finally {
    await app.close();
  }

  // What is added to the copy (a style rule after the page's own, or a change of its elements).
  const variants = [
    ['empty window', null],
    ['style rules only (no elements)', { css: true, html: false }],
    ['elements only (no style rules)', { css: false, html: true }],
    ['static copy (elements and style rules)', { css: true, html: true }],
    ['copy, no shadows/filters/transforms/will-change', { extra: '*,*::before,*::after{box-shadow:none!important;filter:none!important;backdrop-filter:none!important;transform:none!important;will-change:auto!important;transition:none!important;animation:none!important}' }],
    ['copy, no background images', { extra: '*,*::before,*::after{background-image:none!important}' }],
    ['copy, nothing scrolls (overflow visible)', { extra: '*{overflow:visible!important}' }],
    ['copy, no content-visibility', { extra: '*{content-visibility:visible!important}' }],
    ['copy, no border radius', { extra: '*,*::before,*::after{border-radius:0!important}' }],
    ['copy, no svg', { strip: 'svg' }],
    ['copy, body hidden (elements kept, nothing drawn)', { extra: 'body{visibility:hidden!important}' }],
    ['copy, body display none', { extra: 'body{display:none!important}' }],
  ];
  for (const [name, v] of variants) {
    await startDriver();
    const s = await WebDriver.newSession({
      hostname: '127.0.0.1',
      port: Number(process.env.OUTPOST_WEBDRIVER_PORT ?? 4444),
      logLevel: 'warn',
      connectionRetryCount: 0,
      capabilities: { browserName: 'wry', 'wdio:enforceWebDriverClassic': true, 'tauri:options': { application: emptyBinary } },
    });
    try {
      await sleep(1000);
      if (v) {
        const css = v.css === false ? '' : snap.css + '\n' + (v.extra ?? '');
        const html = v.html === false ? '' : snap.html;
        await s.executeScript(PASTE, [html, css, snap.attrs]);
        if (v.strip) await s.executeScript(`for (const e of document.querySelectorAll(arguments[0])) e.remove();`, [v.strip]);
        await s.executeAsyncScript('const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));', []);
      }
      await sleep(IDLE_MS);
      const proc = findProcess(emptyBinary);
      row(name, memory(proc));
      await s.deleteSession();
      const deadline = Date.now() + 15_000;
      while (stat(proc.pid) && Date.now() < deadline) await sleep(100);
    } catch (e) {
      console.log(`${name}: ${e.message}`);
    }
  }
} finally {
  stopDriver();
}
