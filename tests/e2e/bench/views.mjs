// What the workspace and release benchmarks measure in the app's page: how long a view takes from
// a click to being filled, and the month query alone as the floor (see workspace.mjs, release.mjs).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}

/** `n` inbox items (comments, mentions, replies and messages, a third unread) over the profile's
 * channels, one thread per 20 items, written in one transaction (the inbox's FTS triggers run). */
export function seedInbox(dataDir, n) {
  const code = `
import sqlite3, sys, time, random
con = sqlite3.connect(sys.argv[1])
n = int(sys.argv[2])
channels = [r[0] for r in con.execute("SELECT id FROM channels ORDER BY id")]
if not channels: sys.exit("no channels to give an inbox")
now = int(time.time() * 1000)
rnd = random.Random(21)
words = "thanks love this when is the next batch coming my order arrived late grinder setting for cold brew great taste not happy with the roast".split()
kinds = [("comment", "comments"), ("reply", "comments"), ("mention", "mentions"), ("dm", "dm")]
with con:
    for i in range(n):
        ch = channels[i % len(channels)]
        kind, tkind = kinds[i % 4]
        t = i // 20
        tid = "bench-thread-%d-%s" % (t, tkind)
        at = now - i * 60000
        con.execute("INSERT OR IGNORE INTO inbox_threads (id, channel_id, platform_thread_id, kind, subject, last_message_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
            (tid, ch, tid, tkind, "", at, at, at))
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(6, 24)))
        con.execute("INSERT INTO inbox_messages (id, thread_id, platform_message_id, author_id, author_name, author_handle, text, kind, sentiment, sentiment_source, is_read, received_at, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ("bench-msg-%d" % i, tid, "m%d" % i, "a%d" % (i % 300), "Person %d" % (i % 300), "person%d" % (i % 300), text, kind,
             ("positive", "neutral", "negative")[i % 3], "local", 0 if i % 3 == 0 else 1, at, at))
`;
  const r = spawnSync('python3', ['-c', code, join(dataDir, 'outpost.sqlite3'), String(n)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seeding the inbox failed: ${r.stderr}`);
}

/** The store's month query (`outpost_store::posts::calendar`) on the profile's file, in ms per run. */
export function monthQueryFloor(dataDir, runs = 5) {
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
  const r = spawnSync('python3', ['-c', code, join(dataDir, 'outpost.sqlite3'), String(runs * 3)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the floor query failed: ${r.stderr}`);
  const [ms, rows] = r.stdout.trim().split(/\s+/).map(Number);
  return { ms, rows };
}

// In the page: optionally click `navTestId`, then wait (animation frames) until `readyTestId` is
// filled; resolves with the elapsed ms, or -1 when it never appeared within the timeout.
export const MEASURE = `
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

// In the page: as MEASURE, untimed, and returns what <main> holds at the moment the view is first
// filled (before that frame is painted and before any later step draws more): the view's first frame.
const FIRST_FRAME = `
const [navTestId, readyTestId, timeoutMs, done] = arguments;
const q = (id) => document.querySelector('[data-testid="' + id + '"]');
const t0 = performance.now();
q(navTestId).click();
function filled(el) {
  return el && el.offsetParent !== null && el.textContent.trim().length > 0 && !el.querySelector('[aria-busy="true"]') && el.getAttribute('aria-busy') !== 'true';
}
function check() {
  if (filled(q(readyTestId))) { done((document.querySelector('main') ?? document.body).innerHTML); return; }
  if (performance.now() - t0 > timeoutMs) { done(null); return; }
  requestAnimationFrame(check);
}
check();`;

/** `view`: the view's nav and ready test ids, to copy its first frame as well as its whole. */
async function measure(app, runs, once, { still = true, view = null } = {}) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const ms = await once(i);
    if (ms < 0) return { missing: ms === -2 ? 'not in this build' : 'not in this build (or not filled in 15 s)', runs: out };
    out.push(ms);
  }
  if (!still) return { runs: out };
  // The view's own floors, with it shown, filled and still: one full repaint of it (what WebKit
  // needs to paint this view's pixels once), and drawing a static copy of it from another page
  // (its elements and styles inserted at once: style, layout and paint, no script, no data).
  const own = [];
  for (let i = 0; i < runs; i++) own.push(await app.client.executeAsyncScript(REPAINT, []));
  const html = await app.client.executeScript(`return (document.querySelector('main') ?? document.body).innerHTML;`, []);
  const copy = [];
  for (let i = 0; i < runs; i++) {
    await app.client.executeAsyncScript(MEASURE, ['nav-settings', 'page-settings', 15_000]);
    copy.push(await app.client.executeAsyncScript(STATIC_COPY, [html]));
  }
  // The view's first frame only (what it draws before its later steps), copied the same way: the
  // least its first frame costs without script.
  const first = [];
  if (view) {
    await app.client.executeAsyncScript(MEASURE, ['nav-settings', 'page-settings', 15_000]);
    const firstHtml = await app.client.executeAsyncScript(FIRST_FRAME, [view.nav, view.ready, 15_000]);
    for (let i = 0; firstHtml && i < runs; i++) {
      await app.client.executeAsyncScript(MEASURE, ['nav-settings', 'page-settings', 15_000]);
      first.push(await app.client.executeAsyncScript(STATIC_COPY, [firstHtml]));
    }
  }
  return { runs: out, still_repaint_runs: own, static_copy_runs: copy, first_frame_copy_runs: first };
}

// In the page (another page shown): the view's copied elements put in <main> at once, the page's
// own hidden meanwhile; from the insertion to two animation frames later (as MEASURE waits for),
// in ms. The copy is taken out and the page shown again afterwards.
const STATIC_COPY = `
const [html, done] = arguments;
const main = document.querySelector('main') ?? document.body;
const kids = [...main.children];
for (const k of kids) k.style.display = 'none';
const copy = document.createElement('div');
copy.style.display = 'contents';
const t0 = performance.now();
copy.innerHTML = html;
main.append(copy);
requestAnimationFrame(() => requestAnimationFrame(() => {
  const ms = performance.now() - t0;
  copy.remove();
  for (const k of kids) k.style.display = '';
  requestAnimationFrame(() => done(ms));
}));`;


// In the page: one full repaint of what is shown (a change of the page root's background colour,
// which makes WebKit paint all of <main> again, then two animation frames: the frame that draws it
// and the next one, as MEASURE waits for) in ms. Until 2026-12-07 this toggled `opacity: 0.999`,
// which also makes WebKit paint <main> into a transparency layer and blend it: that costs more than
// the view's own paint (the month view 154-157 ms against 74-78 ms for a plain repaint, the board
// 68-88 against 43-57 on the same run), so it was a floor the view could never reach.
const REPAINT = `
const done = arguments[0];
const main = document.querySelector('main') ?? document.body;
const t0 = performance.now();
main.style.backgroundColor = main.style.backgroundColor ? '' : 'rgb(254, 254, 254)';
requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));`;

/** The month view, the board, optionally the inbox page (`inbox`: the number of items seeded with
 * `seedInbox`, 0 to leave it out) and the Analytics page (`analytics`), and a palette search in a
 * launched app: `runs` timings each. The first entry (`floor: true`) is the floor of any view: a
 * full repaint of the still Settings page (about 300 elements), which is what a view costs at the
 * least after its data arrived. */
export async function measureViews(app, runs, { inbox = 0, analytics = false } = {}) {
  const out = [];
  const exec = (script, ...args) => app.client.executeAsyncScript(script, args);
  await app.client.setTimeouts(undefined, undefined, 60_000);
  await app.waitFor('nav-calendar', 30_000);
  await exec(MEASURE, 'nav-settings', 'page-settings', 15_000);
  const repaints = [];
  for (let i = 0; i < runs; i++) repaints.push(await exec(REPAINT));
  out.push({ name: 'floor: a repaint of a still page (UI)', floor: true, runs: repaints });
  // Calendar month view: from the sidebar click (coming from the board) to a filled month grid.
  out.push({
    name: 'calendar month view (UI)',
    ...(await measure(app, runs, async () => {
      await exec(MEASURE, 'nav-settings', 'page-settings', 15_000);
      return exec(MEASURE, 'nav-calendar', 'calendar-month', 15_000);
    }, { view: { nav: 'nav-calendar', ready: 'calendar-month' } })),
  });
  out.push({
    name: 'board (UI)',
    ...(await measure(app, runs, async () => {
      await exec(MEASURE, 'nav-settings', 'page-settings', 15_000);
      return exec(MEASURE, 'nav-board', 'board', 15_000);
    }, { view: { nav: 'nav-board', ready: 'board' } })),
  });
  // The inbox page: from the sidebar click to its list showing its first item.
  if (inbox > 0) {
    out.push({
      name: `inbox page, ${inbox} items (UI)`,
      ...(await measure(app, runs, async () => {
        await exec(MEASURE, 'nav-settings', 'page-settings', 15_000);
        return exec(MEASURE, 'nav-inbox', 'inbox-item', 15_000);
      }, { view: { nav: 'nav-inbox', ready: 'inbox-item' } })),
    });
  }
  // The Analytics page: from the sidebar click to its overview's figures (the cards above the charts).
  if (analytics) {
    out.push({
      name: 'analytics page (UI)',
      ...(await measure(app, runs, async () => {
        await exec(MEASURE, 'nav-settings', 'page-settings', 15_000);
        return exec(MEASURE, 'nav-analytics', 'analytics-cards', 15_000);
      }, { view: { nav: 'nav-analytics', ready: 'analytics-cards' } })),
    });
  }
  const words = ['Guji', 'cold brew', 'grinder', 'subscription', 'Kenya'];
  out.push({
    name: 'search (palette, UI)',
    ...(await measure(
      app,
      runs,
      async (i) => {
        await app.client.executeScript('document.activeElement?.blur(); window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }))', []);
        return exec(SEARCH, words[i % words.length], 15_000);
      },
      { still: false },
    )),
  });
  return out;
}

// The page as it stands, without its scripts: the elements (body and the root element's
// attributes) and every style rule the page applies, for a static copy in the empty window.
export const SNAPSHOT = `
const css = [...document.styleSheets].map((sheet) => {
  try { return [...sheet.cssRules].map((r) => r.cssText).join('\\n'); } catch { return ''; }
}).join('\\n');
const body = document.body.cloneNode(true);
for (const el of body.querySelectorAll('script')) el.remove();
const attrs = [...document.documentElement.attributes].map((a) => [a.name, a.value]);
return { html: body.innerHTML, css, attrs, elements: document.getElementsByTagName('*').length };`;

export const PASTE = `
const [html, css, attrs] = arguments;
for (const [k, v] of attrs) document.documentElement.setAttribute(k, v);
const style = document.createElement('style');
style.textContent = css;
document.head.append(style);
document.body.innerHTML = html;
return document.getElementsByTagName('*').length;`;

