// Release benchmark (issue #21; a benchmark, not a test: it prints figures and ratios, it asserts
// nothing). In one run, under Xvfb, it builds Outpost and a minimal Tauri 2 app showing an empty
// window (tests/perf/empty-app) with the same profile, then measures side by side:
//   - start: process start to the empty window's first paint (the floor), and to Outpost's calendar
//     filled with data (`data-calendar-filled-at`, set by the calendar page) with 10,000 demo posts;
//   - memory: PSS of every process of each app (the main process and WebKit's web and network
//     processes, from /proc/<pid>/smaps_rollup), idle after the first view;
//   - the month view, the board, the inbox page (OUTPOST_PERF_INBOX items, default 10,000, written
//     into the demo channels' inboxes as workspace.mjs does), the Analytics page (to its filled
//     overview figures) and a palette search at 10,000 and 100,000 posts, against a repaint
//     of a still page (the least any view costs once its data arrived) measured in the same app;
//     the month query alone on the same file is printed as well (as in workspace.mjs).
// Start instants are wall-clock: the process start from /proc/<pid>/stat, the mark from the page's
// performance.timeOrigin + performance.now().
//
// Run from the repository root:
//   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- node tests/e2e/bench/release.mjs
// Environment: OUTPOST_PERF_PROFILE (cargo profile, default `bench`: the release profile without
// its slow whole-program LTO; `release` for the shipped one), OUTPOST_PERF_SKIP_BUILD=1,
// OUTPOST_PERF_POSTS (default "10000,100000"), OUTPOST_PERF_STARTS (default 3, of each app
// at each size: the empty window is started again before each size, as the load of a shared machine drifts),
// OUTPOST_BENCH_RUNS (default 5), OUTPOST_PERF_INBOX (default 10000; 0 leaves the inbox page out), OUTPOST_PERF_IDLE_MS (default 5000), OUTPOST_PERF_SKIP_VIEWS=1 (start
// and memory only), OUTPOST_PERF_OUT (results file name, default <date>-<profile>), OUTPOST_WEBDRIVER_PORT.
// Results go to tests/perf/results/<date>-<profile>.json.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import WebDriver from 'webdriver';
import { findProcess, memory, startedAtMs, stat, waitForMark } from './procs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const PROFILE = process.env.OUTPOST_PERF_PROFILE ?? 'bench';
const POSTS = (process.env.OUTPOST_PERF_POSTS ?? '10000,100000').split(',').map(Number);
const STARTS = Number(process.env.OUTPOST_PERF_STARTS ?? 3);
const RUNS = Number(process.env.OUTPOST_BENCH_RUNS ?? 5);
const IDLE_MS = Number(process.env.OUTPOST_PERF_IDLE_MS ?? 5000);
const targetDir = resolve(process.env.CARGO_TARGET_DIR ?? join(repoRoot, 'target'));
// Cargo puts the `bench` profile's output in `release` (and `dev`'s in `debug`).
const outDir = join(targetDir, { dev: 'debug', bench: 'release' }[PROFILE] ?? PROFILE);
const emptyApp = join(repoRoot, 'tests/perf/empty-app');
const emptyBinary = join(outDir, 'outpost-perf-empty-app');
process.env.OUTPOST_APP_BINARY = join(outDir, 'outpost-desktop');
process.env.OUTPOST_CLI_BINARY = join(outDir, 'outpost');
const { launch, stopDriver, startDriver, freshDataDir, cli } = await import('../lib/harness.mjs');
const { median, monthQueryFloor, measureViews, seedInbox, SNAPSHOT, PASTE } = await import('./views.mjs');
const INBOX = Number(process.env.OUTPOST_PERF_INBOX ?? 10_000);

function run(cmd, args, cwd = repoRoot) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
  return (performance.now() - t0) / 1000;
}

function build() {
  if (process.env.OUTPOST_PERF_SKIP_BUILD === '1') return {};
  const ui = run('npm', ['--prefix', 'ui', 'run', 'build']);
  const outpost = run('cargo', ['build', '--profile', PROFILE, '-p', 'outpost-desktop', '-p', 'outpost-cli']);
  const empty = run('cargo', ['build', '--profile', PROFILE, '--manifest-path', join(emptyApp, 'Cargo.toml')]);
  return { ui_s: ui, outpost_s: outpost, empty_app_s: empty };
}

// ---- processes -------------------------------------------------------------------------------

/** One start of an app: start-to-mark and the idle memory of its processes. */
async function startOnce(binary, open, attr, keep) {
  const session = await open();
  const client = session.client ?? session;
  const mark = await waitForMark(client, attr);
  const proc = findProcess(binary);
  if (!proc) throw new Error(`no process runs ${binary}`);
  const startedAt = startedAtMs(proc);
  const startMs = mark - startedAt;
  const timeline = await pageTimeline(client, startedAt);
  await sleep(IDLE_MS);
  const page = await pageFacts(client);
  const mem = memory(proc);
  if (!keep) {
    await (session.close ? session.close() : client.deleteSession());
    // The next start must not meet this one still exiting (Outpost is single-instance).
    const deadline = Date.now() + 15_000;
    while (stat(proc.pid) && Date.now() < deadline) await sleep(100);
  }
  return { startMs, mem, session, timeline, page };
}

// Where the start went, in ms after the process start: the page's navigation (its time origin is
// when the webview began loading the page), the HTML and script arrived, and the marks the UI sets
// (`performance.mark`: outpost:script once the entry script ran, outpost:core-ready, outpost:shell).
const TIMELINE = `
const [procStart] = arguments;
const o = performance.timeOrigin - procStart;
const nav = performance.getEntriesByType('navigation')[0];
const out = { page_load_began: o };
if (nav) for (const k of ['responseEnd', 'domInteractive', 'domContentLoadedEventEnd', 'loadEventEnd']) out[k] = o + nav[k];
for (const m of performance.getEntriesByType('mark')) out[m.name] = o + m.startTime;
for (const r of performance.getEntriesByType('resource')) if (/\\.(js|css)$/.test(r.name)) out['loaded ' + r.name.split('/').pop()] = o + r.responseEnd;
return out;`;

async function pageTimeline(client, procStart) {
  const t = await client.executeScript(TIMELINE, [procStart]);
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]));
}

// What the page holds once idle: its elements, the scripts and styles it loaded, the JS heap where
// the engine reports it (WebKit does not expose performance.memory).
const FACTS = `
const res = performance.getEntriesByType('resource');
const size = (re) => res.filter((r) => re.test(r.name)).reduce((a, r) => a + (r.decodedBodySize || r.encodedBodySize || 0), 0);
return {
  elements: document.getElementsByTagName('*').length,
  script_kb: Math.round(size(/\\.js$/) / 1024),
  style_kb: Math.round(size(/\\.css$/) / 1024),
  fonts_loaded: [...document.fonts].filter((f) => f.status === 'loaded').length,
  js_heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null,
};`;

async function pageFacts(client) {
  try {
    return await client.executeScript(FACTS, []);
  } catch (e) {
    return { error: String(e.message ?? e) };
  }
}

/**
 * The floor for a page like Outpost's: the empty window holding a static copy of it (the same
 * elements and style rules, no scripts and no data behind them), idle, its PSS of all processes.
 */
async function staticCopyMemory(snap, application = emptyBinary) {
  const session = await openEmpty(application);
  try {
    await waitForMark(session, 'paintedAt');
    // How long the empty window takes to build and draw that page (paste, then the frame that
    // paints it and the next): what any start showing this page costs on top of a first paint.
    const t0 = performance.now();
    const elements = await session.executeScript(PASTE, [snap.html, snap.css, snap.attrs]);
    await session.executeAsyncScript('const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));', []);
    const drawMs = performance.now() - t0;
    await sleep(IDLE_MS);
    const proc = findProcess(emptyBinary);
    if (!proc) throw new Error(`no process runs ${emptyBinary}`);
    return { elements, drawMs, mem: memory(proc) };
  } finally {
    await session.deleteSession();
  }
}

async function openEmpty(application = emptyBinary) {
  await startDriver();
  return WebDriver.newSession({
    hostname: '127.0.0.1',
    port: Number(process.env.OUTPOST_WEBDRIVER_PORT ?? 4444),
    logLevel: 'warn',
    connectionRetryCount: 0,
    capabilities: { browserName: 'wry', 'wdio:enforceWebDriverClassic': true, 'tauri:options': { application } },
  });
}

/**
 * The empty window drawing as Outpost draws on this machine: Outpost turns WebKit's compositing off
 * where no GPU render node exists (`outpost_app::rendering`, `outpost doctor` names its choice); a
 * minimal Tauri app does not. A wrapper that starts the empty app with the same switch, when
 * Outpost made it here, else the empty app itself.
 */
function emptyDrawingAsOutpost() {
  const r = cli(freshDataDir('doctor'), 'doctor', '--json');
  const rendering = JSON.parse(r.stdout || '{}').rendering ?? '';
  if (!/^compositing off/.test(rendering)) return { application: emptyBinary, rendering };
  const dir = freshDataDir('empty-nocomp');
  const script = join(dir, 'empty-app-compositing-off.sh');
  writeFileSync(script, `#!/bin/sh\nWEBKIT_DISABLE_COMPOSITING_MODE=1 exec "${emptyBinary}" "$@"\n`, { mode: 0o755 });
  return { application: script, rendering };
}

function seed(posts) {
  const dataDir = freshDataDir(`perf-${posts}`);
  const t0 = performance.now();
  const r = cli(dataDir, 'demo', 'seed', '--posts', String(posts), '--json');
  if (r.status !== 0) throw new Error(`demo seed failed: ${r.stderr}`);
  return { dataDir, seedMs: performance.now() - t0 };
}

// ---- the run ---------------------------------------------------------------------------------

async function main() {
  const buildTimes = build();
  for (const b of [process.env.OUTPOST_APP_BINARY, process.env.OUTPOST_CLI_BINARY, emptyBinary]) {
    if (!existsSync(b)) throw new Error(`${b} does not exist: build it (or drop OUTPOST_PERF_SKIP_BUILD)`);
  }
  const rows = [];
  const add = (name, value, unit, floorName, floor, extra = {}) =>
    rows.push({ name, value, unit, floor_name: floorName ?? null, floor: floor ?? null, ratio: floor ? value / floor : null, ...extra });

  const sizes = [];
  const sameDrawing = emptyDrawingAsOutpost();
  add(`how Outpost draws on this machine (outpost doctor)`, NaN, '', null, null, { rendering: sameDrawing.rendering });
  try {
    for (const posts of POSTS) {
      // Other work on a shared machine inflates every figure, floors too: the load is part of the result.
      add(`machine load (1-minute average) at the ${posts}-post runs`, loadavg()[0], 'load');
      // The floor app, an empty window, started just before Outpost at this size.
      const empty = [];
      for (let i = 0; i < STARTS; i++) empty.push(await startOnce(emptyBinary, openEmpty, 'paintedAt', false));
      const emptyStart = median(empty.map((r) => r.startMs));
      const emptyMem = median(empty.map((r) => r.mem.mb));
      add(`empty window: start to first paint (before the ${posts}-post runs)`, emptyStart, 'ms', null, null, { runs: empty.map((r) => Math.round(r.startMs)), timeline: empty.at(-1).timeline });
      add(`empty window: idle memory (PSS, all processes)`, emptyMem, 'MB', null, null, { processes: empty.at(-1).mem.parts, page: empty.at(-1).page });
      // PSS splits a shared library among every process mapping it, other apps' too, so it moves
      // with what else runs on the machine; private memory (USS) does not.
      const emptyUss = median(empty.map((r) => r.mem.uss_mb));
      add(`empty window: idle private memory (USS, all processes)`, emptyUss, 'MB');
      // The same empty window drawing as Outpost draws here (compositing off where Outpost turns
      // it off): the floor for what Outpost's page itself costs, apart from how WebKit draws.
      const same = [];
      if (sameDrawing.application !== emptyBinary) {
        for (let i = 0; i < STARTS; i++) same.push(await startOnce(emptyBinary, () => openEmpty(sameDrawing.application), 'paintedAt', false));
        add(`empty window drawing as Outpost does here (${sameDrawing.rendering}): start to first paint`, median(same.map((r) => r.startMs)), 'ms', null, null, { runs: same.map((r) => Math.round(r.startMs)) });
        add(`empty window drawing as Outpost does here: idle memory (PSS, all processes)`, median(same.map((r) => r.mem.mb)), 'MB', null, null, { processes: same.at(-1).mem.parts });
      }
      const sameStart = same.length ? median(same.map((r) => r.startMs)) : null;
      const sameMem = same.length ? median(same.map((r) => r.mem.mb)) : null;
      const { dataDir, seedMs } = seed(posts);
      add(`demo seed of ${posts} posts (CLI)`, seedMs, 'ms');
      const floor = monthQueryFloor(dataDir, RUNS);
      add(`floor: month query alone (SQL), ${posts} posts`, floor.ms, 'ms', null, null, { rows: floor.rows });
      if (INBOX > 0) seedInbox(dataDir, INBOX);
      // Start and memory with the calendar open; the last start stays open for the views.
      const starts = STARTS;
      const runs = [];
      for (let i = 0; i < starts; i++) {
        runs.push(await startOnce(process.env.OUTPOST_APP_BINARY, () => launch({ dataDir }), 'calendarFilledAt', i === starts - 1));
      }
      const app = runs.at(-1).session;
      let snapshot;
      try {
        add(`Outpost: start to calendar filled, ${posts} posts`, median(runs.map((r) => r.startMs)), 'ms', 'empty window first paint', emptyStart, {
          runs: runs.map((r) => Math.round(r.startMs)),
          timeline: runs.at(-1).timeline,
        });
        add(`Outpost: idle memory (PSS, all processes), ${posts} posts`, median(runs.map((r) => r.mem.mb)), 'MB', 'empty window', emptyMem, {
          processes: runs.at(-1).mem.parts,
          page: runs.at(-1).page,
        });
        add(`Outpost: idle private memory (USS, all processes), ${posts} posts`, median(runs.map((r) => r.mem.uss_mb)), 'MB', 'empty window', emptyUss);
        if (sameMem !== null) {
          add(`Outpost: start to calendar filled against the empty window drawing the same way, ${posts} posts`, median(runs.map((r) => r.startMs)), 'ms', 'empty window first paint, same drawing', sameStart);
          add(`Outpost: idle memory against the empty window drawing the same way, ${posts} posts`, median(runs.map((r) => r.mem.mb)), 'MB', 'empty window, same drawing', sameMem);
        }
        snapshot = await app.client.executeScript(SNAPSHOT, []);
        // Each view against a repaint of a still page (the least a view costs once its data
        // arrived); the month query alone is its own row above.
        const views = process.env.OUTPOST_PERF_SKIP_VIEWS === '1' ? [] : await measureViews(app, RUNS, { inbox: INBOX, analytics: true });
        const repaint = median(views.find((v) => v.floor)?.runs ?? []);
        for (const v of views) {
          if (v.missing) add(`${v.name}, ${posts} posts`, NaN, 'ms', null, null, { missing: v.missing });
          else if (v.floor) add(`${v.name}, ${posts} posts`, median(v.runs), 'ms', null, null, { runs: v.runs });
          else {
            add(`${v.name}, ${posts} posts`, median(v.runs), 'ms', 'repaint of a still page', repaint, { runs: v.runs, month_query_ms: floor.ms });
            // The same figure against a repaint of that view itself, still: the least drawing it
            // costs on this machine (Xvfb draws in software), whatever the code does.
            if (v.still_repaint_runs?.length) {
              const own = median(v.still_repaint_runs);
              add(`  floor: a repaint of that view, still, ${posts} posts`, own, 'ms', null, null, { runs: v.still_repaint_runs });
              add(`  ${v.name.replace(' (UI)', '')} against its own repaint, ${posts} posts`, median(v.runs), 'ms', 'repaint of that view', own);
            }
            // And against drawing a static copy of that view (its elements inserted at once).
            if (v.static_copy_runs?.length) {
              const copy = median(v.static_copy_runs);
              add(`  floor: drawing a static copy of that view, ${posts} posts`, copy, 'ms', null, null, { runs: v.static_copy_runs });
              add(`  ${v.name.replace(' (UI)', '')} against its static copy, ${posts} posts`, median(v.runs), 'ms', 'static copy drawn', copy);
            }
            // And against drawing a static copy of its first frame only (what the view draws before
            // its later steps): what that frame costs without script or data.
            if (v.first_frame_copy_runs?.length) {
              const first = median(v.first_frame_copy_runs);
              add(`  floor: drawing a static copy of its first frame, ${posts} posts`, first, 'ms', null, null, { runs: v.first_frame_copy_runs });
              add(`  ${v.name.replace(' (UI)', '')} against its first frame's static copy, ${posts} posts`, median(v.runs), 'ms', 'first frame copy drawn', first);
            }
          }
        }
      } finally {
        await app.close();
      }
      // One app at a time (the native driver holds one session): the static copy after Outpost closed.
      const copy = await staticCopyMemory(snapshot);
      add(`floor: empty window holding a static copy of the page (${copy.elements} elements, no scripts), ${posts} posts`, copy.mem.mb, 'MB', null, null, {
        processes: copy.mem.parts,
      });
      add(`Outpost: idle memory against that static copy, ${posts} posts`, median(runs.map((r) => r.mem.mb)), 'MB', 'static copy of the page', copy.mem.mb);
      if (sameDrawing.application !== emptyBinary) {
        const sameCopy = await staticCopyMemory(snapshot, sameDrawing.application);
        add(`floor: empty window drawing as Outpost does, holding the static copy of the page, ${posts} posts`, sameCopy.mem.mb, 'MB', null, null, { processes: sameCopy.mem.parts, draw_ms: sameCopy.drawMs });
        add(`Outpost: idle memory against that static copy drawn the same way, ${posts} posts`, median(runs.map((r) => r.mem.mb)), 'MB', 'static copy, same drawing', sameCopy.mem.mb);
      }
      add(`Outpost: idle private memory (USS) against the static copy's, ${posts} posts`, median(runs.map((r) => r.mem.uss_mb)), 'MB', 'static copy of the page', copy.mem.uss_mb);
      // A start floor that includes drawing this page: the empty window's first paint plus the
      // time it takes to build and paint the static copy of Outpost's calendar page.
      add(`floor: empty window's first paint + drawing the static copy of the page, ${posts} posts`, emptyStart + copy.drawMs, 'ms', null, null, { draw_ms: copy.drawMs });
      add(`Outpost: start to calendar filled against that, ${posts} posts`, median(runs.map((r) => r.startMs)), 'ms', 'first paint + static page drawn', emptyStart + copy.drawMs);
      sizes.push(posts);
    }
  } finally {
    stopDriver();
  }

  const fmt = (v, unit) => (Number.isFinite(v) ? `${v.toFixed(unit === 'MB' ? 1 : 1)} ${unit}` : '-');
  const lines = [
    `Outpost release benchmark (cargo profile \`${PROFILE}\`), ${STARTS} starts, ${RUNS} runs a view, medians; idle ${IDLE_MS / 1000} s before memory`,
    `${'what'.padEnd(58)}${'figure'.padStart(12)}   ${'floor'.padEnd(26)}${'floor fig.'.padStart(12)}${'x floor'.padStart(9)}`,
  ];
  for (const r of rows) {
    lines.push(
      `${r.name.padEnd(58)}${(r.missing ?? fmt(r.value, r.unit)).padStart(12)}   ${(r.floor_name ?? '-').padEnd(26)}${(r.floor ? fmt(r.floor, r.unit) : '-').padStart(12)}${(r.ratio ? r.ratio.toFixed(2) : '-').padStart(9)}`,
    );
  }
  for (const r of rows) {
    if (r.timeline) lines.push(`  ${r.name}: ${Object.entries(r.timeline).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const p of r.processes ?? []) {
      const { threads, ...kinds } = p.breakdown ?? {};
      lines.push(`  ${p.comm.padEnd(16)} ${p.mb.toFixed(1).padStart(7)} MB (USS ${p.uss_mb.toFixed(1)}), ${threads} threads: ${Object.entries(kinds).map(([k, v]) => `${k} ${v}`).join('; ')}`);
    }
    if (r.page) lines.push(`  page: ${JSON.stringify(r.page)}`);
  }
  console.log(lines.join('\n'));
  const resultsDir = join(repoRoot, 'tests/perf/results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${process.env.OUTPOST_PERF_OUT ?? `${new Date().toISOString().slice(0, 10)}-${PROFILE}`}.json`);
  writeFileSync(file, `${JSON.stringify({ profile: PROFILE, at: new Date().toISOString(), build_s: buildTimes, sizes, rows }, null, 2)}\n`);
  console.log(`written to ${file}`);
}

main().catch((e) => {
  stopDriver();
  console.error(`release bench: ${e.stack ?? e.message}`);
  process.exit(1);
});
