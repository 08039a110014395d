// Before/after of a UI change (issue #21: "report before/after for each change"), not a test: two
// builds of the app take turns on one profile in one run, so both see the same machine load. Each
// launch opens each view `OUTPOST_AB_RUNS` times (from Settings, as views.mjs does) and the figures
// of each build are pooled over its launches; the first open of each view in a launch is reported
// apart (it has no data kept from an earlier visit).
//
//   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \
//     node tests/e2e/bench/ab.mjs <before/outpost-desktop> <after/outpost-desktop>
// Environment: OUTPOST_AB_POSTS (default 10000: demo posts, seeded with OUTPOST_CLI_BINARY),
// OUTPOST_AB_LAUNCHES (default 3 of each build), OUTPOST_AB_RUNS (default 7), OUTPOST_AB_VIEWS
// (default "calendar,board,analytics"; empty for none), OUTPOST_AB_START=1 (also each launch's
// start: process start to the calendar filled, as release.mjs measures it), OUTPOST_WEBDRIVER_PORT.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch, stopDriver, freshDataDir, cli } from '../lib/harness.mjs';
import { MEASURE, median } from './views.mjs';
import { findProcess, startedAtMs, waitForMark } from './procs.mjs';

const [before, after] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: node tests/e2e/bench/ab.mjs <before binary> <after binary>');
  process.exit(2);
}
const POSTS = Number(process.env.OUTPOST_AB_POSTS ?? 10_000);
const LAUNCHES = Number(process.env.OUTPOST_AB_LAUNCHES ?? 3);
const RUNS = Number(process.env.OUTPOST_AB_RUNS ?? 7);
const VIEWS = {
  calendar: ['nav-calendar', 'calendar-month'],
  board: ['nav-board', 'board'],
  inbox: ['nav-inbox', 'inbox-item'],
  analytics: ['nav-analytics', 'analytics-cards'],
};
const views = (process.env.OUTPOST_AB_VIEWS ?? 'calendar,board,analytics').split(',').filter(Boolean);
const START = process.env.OUTPOST_AB_START === '1';

const dataDir = freshDataDir('ab');
const seeded = cli(dataDir, 'demo', 'seed', '--posts', String(POSTS), '--json');
if (seeded.status !== 0) throw new Error(`demo seed failed: ${seeded.stderr}`);

const builds = { before: { binary: before, first: {}, runs: {}, starts: [] }, after: { binary: after, first: {}, runs: {}, starts: [] } };
try {
  for (let l = 0; l < LAUNCHES; l++) {
    for (const name of l % 2 === 0 ? ['before', 'after'] : ['after', 'before']) {
      const b = builds[name];
      const app = await launch({ dataDir, binary: b.binary });
      try {
        if (START) {
          const filled = await waitForMark(app.client, 'calendarFilledAt');
          const proc = findProcess(b.binary);
          if (!proc) throw new Error(`no process runs ${b.binary}`);
          b.starts.push(Math.round(filled - startedAtMs(proc)));
        }
        await app.client.setTimeouts(undefined, undefined, 60_000);
        await app.waitFor('nav-calendar', 30_000);
        for (const v of views) {
          const [nav, ready] = VIEWS[v];
          for (let i = 0; i < RUNS; i++) {
            await app.client.executeAsyncScript(MEASURE, ['nav-settings', 'page-settings', 15_000]);
            const ms = await app.client.executeAsyncScript(MEASURE, [nav, ready, 15_000]);
            if (ms < 0) throw new Error(`${v} was not filled in ${name}`);
            if (i === 0) (b.first[v] ??= []).push(ms);
            else (b.runs[v] ??= []).push(ms);
          }
        }
      } finally {
        await app.close();
        // Outpost is single-instance: under load, let this one finish exiting before the next.
        await sleep(2000);
      }
      console.log(`launch ${l + 1} ${name} done (load ${loadavg()[0].toFixed(1)})`);
    }
  }
} finally {
  stopDriver();
}
const f = (xs) => `${median(xs).toFixed(0)} ms (${xs.length} runs)`;
if (START) {
  const [b, a] = [builds.before, builds.after];
  console.log(`start to calendar filled: before ${f(b.starts)} [${b.starts.join(', ')}], after ${f(a.starts)} [${a.starts.join(', ')}], after/before ${(median(a.starts) / median(b.starts)).toFixed(2)}`);
}
for (const v of views) {
  const [b, a] = [builds.before, builds.after];
  console.log(`${v}: before ${f(b.runs[v])}, after ${f(a.runs[v])}, after/before ${(median(a.runs[v]) / median(b.runs[v])).toFixed(2)}; first open: before ${f(b.first[v])}, after ${f(a.first[v])}`);
}
