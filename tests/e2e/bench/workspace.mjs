// Workspace benchmark (issue #8 part 9): with the demo workspace at 10,000 posts (`outpost demo
// seed --posts N`), how long the real app takes — measured inside the page, from the click to the
// view being filled — to open the calendar's month view, the board and a search, each against the
// month query alone (the store's calendar SQL on the same database file) as the floor, measured in
// the same run. It prints figures and ratios; it asserts nothing.
//
// Run (after `cargo build --workspace --bins` and `npm --prefix ui run build`), under Xvfb:
//   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- npm --prefix tests/e2e run bench
// Environment: OUTPOST_BENCH_POSTS (default 10000), OUTPOST_BENCH_RUNS (default 5).
//
// Selectors (stable data-testid names the views agree on): the sidebar links `nav-calendar`,
// `nav-board`; the month grid `calendar-month`, the board `board`; the command palette opens with
// Ctrl+K, its input is `palette-input` and its result list `palette-result` items. A view is "filled"
// when its element is shown, has text, and holds nothing `aria-busy="true"`. A view that does not
// exist in this build is reported as "not in this build".
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, stopDriver, freshDataDir, cli } from '../lib/harness.mjs';

const POSTS = Number(process.env.OUTPOST_BENCH_POSTS ?? 10_000);
const RUNS = Number(process.env.OUTPOST_BENCH_RUNS ?? 5);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}

/** The store's month query (`outpost_store::posts::calendar`) on the profile's file, in ms per run. */
function monthQueryFloor(dataDir) {
  const code = `
import sqlite3, sys, time, statistics
con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
now = int(time.time() * 1000)
lo = now - now % 86400000 - 15 * 86400000
hi = lo + 42 * 86400000
sql = """SELECT p.id, p.status, p.scheduled_at, p.time_zone, substr(p.body, 1, 140) AS excerpt, p.campaign_id,
  (SELECT group_concat(t.channel_id, ',') FROM post_targets t WHERE t.post_id = p.id) AS channel_list
  FROM posts p WHERE p.scheduled_at >= ? AND p.scheduled_at < ? ORDER BY p.scheduled_at, p.id"""
times, rows = [], 0
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); rows = len(con.execute(sql, (lo, hi)).fetchall()); times.append((time.perf_counter() - t) * 1000)
print(statistics.median(times), rows)
`;
  const r = spawnSync('python3', ['-c', code, join(dataDir, 'outpost.sqlite3'), String(RUNS * 3)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the floor query failed: ${r.stderr}`);
  const [ms, rows] = r.stdout.trim().split(/\s+/).map(Number);
  return { ms, rows };
}

// In the page: optionally click `navTestId`, then wait (animation frames) until `readyTestId` is
// filled; resolves with the elapsed ms, or -1 when it never appeared within the timeout.
const MEASURE = `
const [navTestId, readyTestId, timeoutMs, done] = arguments;
const q = (id) => document.querySelector('[data-testid="' + id + '"]');
const t0 = performance.now();
if (navTestId) { const nav = q(navTestId); if (!nav) { done(-2); return; } nav.click(); }
function filled(el) {
  return el && el.offsetParent !== null && el.textContent.trim().length > 0 && !el.querySelector('[aria-busy="true"]') && el.getAttribute('aria-busy') !== 'true';
}
function check() {
  if (filled(q(readyTestId))) { requestAnimationFrame(() => done(performance.now() - t0)); return; }
  if (performance.now() - t0 > timeoutMs) { done(-1); return; }
  requestAnimationFrame(check);
}
check();`;

// In the page: open the palette (Ctrl+K), type `query`, wait for results.
const SEARCH = `
const [query, timeoutMs, done] = arguments;
const q = (id) => document.querySelector('[data-testid="' + id + '"]');
const t0 = performance.now();
window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true, bubbles: true }));
document.dispatchEvent(new KeyboardEvent('keydown', { key: 'k', ctrlKey: true, bubbles: true }));
let typed = false;
function check() {
  const input = q('palette-input');
  if (input && !typed) {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    setter.call(input, query);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    typed = true;
  }
  const results = document.querySelectorAll('[data-testid="palette-result"]');
  if (typed && results.length > 0 && results[0].textContent.trim().length > 0) {
    requestAnimationFrame(() => done(performance.now() - t0));
    return;
  }
  if (performance.now() - t0 > timeoutMs) { done(typed ? -1 : -2); return; }
  requestAnimationFrame(check);
}
check();`;

async function measure(app, runs, once) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const ms = await once(i);
    if (ms < 0) return { missing: ms === -2 ? 'not in this build' : 'not in this build (or not filled in 15 s)', runs: out };
    out.push(ms);
  }
  return { runs: out };
}

async function main() {
  const dataDir = freshDataDir('bench');
  const t0 = performance.now();
  const seeded = cli(dataDir, 'demo', 'seed', '--posts', String(POSTS), '--json');
  if (seeded.status !== 0) throw new Error(`demo seed failed: ${seeded.stderr}`);
  const seedMs = performance.now() - t0;
  const floor = monthQueryFloor(dataDir);

  const app = await launch({ dataDir });
  const results = [];
  try {
    const exec = (script, ...args) => app.client.executeAsyncScript(script, args);
    await app.client.setTimeouts(undefined, undefined, 60_000);
    await app.waitFor('nav-calendar', 30_000);
    // Calendar month view: from the sidebar click (coming from the board) to a filled month grid.
    results.push({
      name: 'calendar month view (UI)',
      ...(await measure(app, RUNS, async () => {
        await exec(MEASURE, 'nav-settings', 'page-settings', 15_000);
        return exec(MEASURE, 'nav-calendar', 'calendar-month', 15_000);
      })),
    });
    results.push({
      name: 'board (UI)',
      ...(await measure(app, RUNS, async () => {
        await exec(MEASURE, 'nav-settings', 'page-settings', 15_000);
        return exec(MEASURE, 'nav-board', 'board', 15_000);
      })),
    });
    const words = ['Guji', 'cold brew', 'grinder', 'subscription', 'Kenya'];
    results.push({
      name: 'search (palette, UI)',
      ...(await measure(app, RUNS, async (i) => {
        await app.client.executeScript('document.activeElement?.blur(); window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }))', []);
        return exec(SEARCH, words[i % words.length], 15_000);
      })),
    });
  } finally {
    await app.close();
    stopDriver();
  }

  const fmt = (ms) => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : '-');
  const lines = [
    `Outpost workspace benchmark: ${POSTS} posts (demo seed took ${(seedMs / 1000).toFixed(1)} s), ${RUNS} runs each, medians`,
    `${'what'.padEnd(34)}${'median'.padStart(12)}${'min'.padStart(12)}${'max'.padStart(12)}${'x floor'.padStart(10)}`,
    `${'floor: month query alone (SQL)'.padEnd(34)}${fmt(floor.ms).padStart(12)}${''.padStart(12)}${''.padStart(12)}${'-'.padStart(10)}   ${floor.rows} posts in the month`,
  ];
  for (const r of results) {
    if (r.missing) {
      lines.push(`${r.name.padEnd(34)}${r.missing.padStart(12 + 12 + 12 + 10)}`);
      continue;
    }
    const med = median(r.runs);
    lines.push(
      `${r.name.padEnd(34)}${fmt(med).padStart(12)}${fmt(Math.min(...r.runs)).padStart(12)}${fmt(Math.max(...r.runs)).padStart(12)}${(med / floor.ms).toFixed(1).padStart(10)}`,
    );
  }
  console.log(lines.join('\n'));
}

main().catch((e) => {
  stopDriver();
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
