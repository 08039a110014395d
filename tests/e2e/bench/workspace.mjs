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
import { launch, stopDriver, freshDataDir, cli } from '../lib/harness.mjs';
import { median, monthQueryFloor, measureViews } from './views.mjs';

const POSTS = Number(process.env.OUTPOST_BENCH_POSTS ?? 10_000);
const RUNS = Number(process.env.OUTPOST_BENCH_RUNS ?? 5);

async function main() {
  const dataDir = freshDataDir('bench');
  const t0 = performance.now();
  const seeded = cli(dataDir, 'demo', 'seed', '--posts', String(POSTS), '--json');
  if (seeded.status !== 0) throw new Error(`demo seed failed: ${seeded.stderr}`);
  const seedMs = performance.now() - t0;
  const floor = monthQueryFloor(dataDir, RUNS);

  const app = await launch({ dataDir });
  const results = [];
  try {
    results.push(...(await measureViews(app, RUNS)));
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
