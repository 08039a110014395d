// Where a view's time goes (issue #21), not a test: opens each view from Settings, as views.mjs
// measures it, and prints in ms after the click when the page's DOM changed (a MutationObserver's
// record count: the first batch is the script building the view, later ones its steps), when the
// view was first seen filled, when the first task after the click ran (after the first frame was
// painted) and the next animation frame after it was filled (what views.mjs reports).
//
//   xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- node tests/e2e/bench/split.mjs
// Environment: OUTPOST_APP_BINARY, OUTPOST_CLI_BINARY, OUTPOST_SPLIT_POSTS (default 10000 demo
// posts), OUTPOST_SPLIT_INBOX (inbox items, default 10000), OUTPOST_SPLIT_VIEWS (default
// "calendar,board,inbox,analytics"), OUTPOST_SPLIT_RUNS (default 6), OUTPOST_WEBDRIVER_PORT.
import { launch, stopDriver, freshDataDir, cli } from '../lib/harness.mjs';
import { MEASURE, seedInbox } from './views.mjs';

const VIEWS = {
  calendar: ['nav-calendar', 'calendar-month'],
  board: ['nav-board', 'board'],
  inbox: ['nav-inbox', 'inbox-item'],
  analytics: ['nav-analytics', 'analytics-cards'],
};
const SPLIT = `
const [nav, ready, done] = arguments;
const q = (id) => document.querySelector('[data-testid="' + id + '"]');
const marks = [];
const t0 = performance.now();
const mo = new MutationObserver((recs) => marks.push(['dom ' + recs.length, performance.now() - t0]));
mo.observe(document.body, { childList: true, subtree: true, attributes: true, characterData: true });
q(nav).click();
setTimeout(() => marks.push(['first task', performance.now() - t0]), 0);
function filled(el) {
  return el && el.offsetParent !== null && el.textContent.trim().length > 0 && !el.querySelector('[aria-busy="true"]') && el.getAttribute('aria-busy') !== 'true';
}
function check() {
  if (filled(q(ready))) {
    marks.push(['filled', performance.now() - t0]);
    requestAnimationFrame(() => {
      marks.push(['next frame', performance.now() - t0]);
      mo.disconnect();
      done(marks.map(([k, v]) => k + ' ' + v.toFixed(0)).join(' | '));
    });
    return;
  }
  requestAnimationFrame(check);
}
requestAnimationFrame(check);`;

const dataDir = freshDataDir('split');
const seeded = cli(dataDir, 'demo', 'seed', '--posts', process.env.OUTPOST_SPLIT_POSTS ?? '10000', '--json');
if (seeded.status !== 0) throw new Error(`demo seed failed: ${seeded.stderr}`);
seedInbox(dataDir, Number(process.env.OUTPOST_SPLIT_INBOX ?? 10_000));
const runs = Number(process.env.OUTPOST_SPLIT_RUNS ?? 6);
try {
  const app = await launch({ dataDir });
  await app.client.setTimeouts(undefined, undefined, 60_000);
  for (const v of (process.env.OUTPOST_SPLIT_VIEWS ?? 'calendar,board,inbox,analytics').split(',')) {
    for (let i = 0; i < runs; i++) {
      await app.client.executeAsyncScript(MEASURE, ['nav-settings', 'page-settings', 15_000]);
      await new Promise((r) => setTimeout(r, 400));
      console.log(`${v}: ${await app.client.executeAsyncScript(SPLIT, VIEWS[v])}`);
    }
  }
  await app.close();
} finally {
  stopDriver();
}
