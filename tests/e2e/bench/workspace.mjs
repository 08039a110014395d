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
//
// Issue #21 (third pass): the profile also gets `OUTPOST_BENCH_INBOX` (default 10,000) inbox items
// (written with SQL into the demo channels' inboxes before the app starts), the inbox page is timed
// like the other views (`nav-inbox` to its first `inbox-item`), and a second table splits each view's
// time into IPC (with each call's command), script, style/layout and paint with element counts
// (breakdown.mjs). Issue #21 (fourth pass): the Analytics page too (`nav-analytics` to its filled
// `analytics-cards`); the views are measured by views.mjs, which the release benchmark shares.
import { launch, stopDriver, freshDataDir, cli } from '../lib/harness.mjs';
import { median, monthQueryFloor, measureViews, seedInbox } from './views.mjs';
import { breakdownViews, breakdownLines } from './breakdown.mjs';

const POSTS = Number(process.env.OUTPOST_BENCH_POSTS ?? 10_000);
const RUNS = Number(process.env.OUTPOST_BENCH_RUNS ?? 5);
const INBOX = Number(process.env.OUTPOST_BENCH_INBOX ?? 10_000);

const TO_SETTINGS = `
const [done] = arguments;
document.querySelector('[data-testid="nav-settings"]').click();
(function wait() { const el = document.querySelector('[data-testid="page-settings"]'); if (el && el.offsetParent !== null) done(); else requestAnimationFrame(wait); })();`;

/** Every view, `RUNS` times each, in one launch of `binary` (this build by default) on `dataDir`. */
async function measureApp(dataDir, binary, shots) {
  const app = await launch({ dataDir, binary });
  const results = [];
  let breakdown = null;
  try {
    results.push(...(await measureViews(app, RUNS, { inbox: INBOX, analytics: true })));
    // The palette search leaves the palette open: close it before the next views.
    const closed = await app.client.executeAsyncScript(`const done = arguments[0]; const t0 = performance.now();
      const input = document.querySelector('[data-testid="palette-input"]');
      input?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      (function wait() { if (!document.querySelector('[data-testid="palette"]')) done(true); else if (performance.now() - t0 > 5000) done(false); else setTimeout(wait, 20); })();`, []);
    if (!closed) throw new Error('the palette did not close');
    const views = [
      { name: 'calendar month view', nav: 'nav-calendar', ready: 'calendar-month' },
      { name: 'board', nav: 'nav-board', ready: 'board' },
    ];
    if (INBOX > 0) views.push({ name: 'inbox page', nav: 'nav-inbox', ready: 'inbox-list' });
    views.push({ name: 'analytics page', nav: 'nav-analytics', ready: 'analytics-cards' });
    breakdown = await breakdownViews(app, views, RUNS);
    // OUTPOST_BENCH_SHOTS=label: screenshots of each view in light and dark (bench-<label>-<view>-<theme>.png
    // in the screenshot folder), to compare how the views look before and after a change.
    if (shots) {
      for (const theme of ['light', 'dark']) {
        await app.client.executeScript('document.documentElement.dataset.theme = arguments[0]', [theme]);
        for (const v of views) {
          await app.client.executeAsyncScript(TO_SETTINGS, []);
          await app.client.executeAsyncScript(`const [nav, ready, done] = arguments; document.querySelector('[data-testid="' + nav + '"]').click(); (function w() { const el = document.querySelector('[data-testid="' + ready + '"]'); if (el && el.offsetParent !== null && !el.querySelector('[aria-busy="true"]')) done(); else requestAnimationFrame(w); })();`, [v.nav, v.ready]);
          await app.screenshot(`bench-${shots}-${v.ready}-${theme}`);
        }
      }
    }
  } finally {
    await app.close();
  }
  return { results, breakdown };
}

/** Two launches' measurements as one: the runs and samples of each view together. */
function merge(a, b) {
  if (!a) return b;
  return {
    results: a.results.map((r) => {
      const o = b.results.find((x) => x.name === r.name);
      return r.missing || !o || o.missing ? { ...r, missing: r.missing ?? o?.missing ?? 'missing' } : { ...r, runs: [...r.runs, ...o.runs] };
    }),
    breakdown: {
      entryTypes: a.breakdown.entryTypes,
      views: a.breakdown.views.map((v) => ({ ...v, samples: [...v.samples, ...(b.breakdown.views.find((x) => x.name === v.name)?.samples ?? [])] })),
    },
  };
}

async function main() {
  const dataDir = freshDataDir('bench');
  const t0 = performance.now();
  const seeded = cli(dataDir, 'demo', 'seed', '--posts', String(POSTS), '--json');
  if (seeded.status !== 0) throw new Error(`demo seed failed: ${seeded.stderr}`);
  const seedMs = performance.now() - t0;
  const floor = monthQueryFloor(dataDir, RUNS);
  if (INBOX > 0) seedInbox(dataDir, INBOX);

  // OUTPOST_BENCH_BEFORE=<binary>: the same measurements with that build too, on the same profile in
  // this run, printed as "before" beside this build's "after"; the two builds take turns
  // (OUTPOST_BENCH_ROUNDS launches each, default 2) so a change of the machine's load hits both.
  const beforeBin = process.env.OUTPOST_BENCH_BEFORE;
  const rounds = beforeBin ? Math.max(1, Number(process.env.OUTPOST_BENCH_ROUNDS ?? 2)) : 1;
  let before = null;
  let after = null;
  for (let i = 0; i < rounds; i++) {
    const last = i === rounds - 1;
    if (beforeBin) before = merge(before, await measureApp(dataDir, beforeBin, last ? process.env.OUTPOST_BENCH_SHOTS && 'before' : undefined));
    after = merge(after, await measureApp(dataDir, undefined, last ? process.env.OUTPOST_BENCH_SHOTS : undefined));
  }
  stopDriver();
  const { results, breakdown } = after;

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
  if (breakdown) lines.push('', ...breakdownLines(breakdown));
  if (before) {
    // Each launch has its own repaint floor (the first entry of measureViews).
    const repaint = (rs) => median(rs.find((r) => r.floor)?.runs ?? []);
    const fb = repaint(before.results);
    const fa = repaint(results);
    lines.push(
      '',
      `Before (${beforeBin}) and after (this build), the same profile, ${rounds} launches each taking turns; medians, and x each build's repaint floor`,
      `${'what'.padEnd(34)}${'before'.padStart(12)}${'after'.padStart(12)}${'x repaint'.padStart(12)}${'x repaint'.padStart(12)}`,
    );
    for (const r of results) {
      const b = before.results.find((x) => x.name === r.name);
      if (!b || r.missing || b.missing) continue;
      const mb = median(b.runs);
      const ma = median(r.runs);
      lines.push(`${r.name.padEnd(34)}${fmt(mb).padStart(12)}${fmt(ma).padStart(12)}${(mb / fb).toFixed(1).padStart(12)}${(ma / fa).toFixed(1).padStart(12)}`);
    }
    if (before.breakdown) lines.push('', 'Before:', ...breakdownLines(before.breakdown));
  }
  console.log(lines.join('\n'));
}

main().catch((e) => {
  stopDriver();
  console.error(`bench: ${e.message}`);
  process.exit(1);
});
