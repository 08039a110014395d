// Where a view's click-to-filled time goes (issue #21, third pass), measured inside the real app's
// page: the IPC calls (the page's `__TAURI_INTERNALS__.invoke`, timed from call to answer), the
// script that draws the answer (from the last answer to the last DOM change of that flush, seen by
// a MutationObserver), the style and layout of what was drawn (forced once, right after the
// flush that filled the view), and the paint (from the next animation frame to the one after).
// It also counts the elements the view holds. Used by workspace.mjs; it asserts nothing.

// In the page: click `navTestId`, wait until `readyTestId` is filled (the same test as views.mjs),
// resolve with the phases in ms.
export const PROFILE = `
const [navTestId, readyTestId, timeoutMs, done] = arguments;
const q = (id) => document.querySelector('[data-testid="' + id + '"]');
function filled(el) {
  return el && el.offsetParent !== null && el.textContent.trim().length > 0 && !el.querySelector('[aria-busy="true"]') && el.getAttribute('aria-busy') !== 'true';
}
// IPC: \`invoke\` cannot be replaced (a read-only property), but each call registers its answer's
// callback in \`__TAURI_INTERNALS__.callbacks\` (a Map): wrapping its \`set\` times each call from its
// start to its answer (an error callback that never runs and an event listener that does not run
// before the view is filled are left out).
const T = window.__TAURI_INTERNALS__;
const cbs = T && T.callbacks;
const ipc = [];
let patched = false;
// The command's name: Tauri's IPC posts each call with \`fetch\` to ipc://localhost/<command>
// right after registering its callbacks, so the calls registered since the last fetch get its name.
let unnamed = [];
const origFetch = window.fetch;
window.fetch = function (input, init) {
  const url = typeof input === 'string' ? input : String(input && input.url);
  const at = url.indexOf('localhost/');
  const m = (url.startsWith('ipc:') || url.startsWith('http://ipc.')) && at > 0 ? [url, url.slice(at + 10).split('?')[0]] : null;
  if (m) { for (const r of unnamed) r.cmd = decodeURIComponent(m[1]); unnamed = []; }
  return origFetch.call(this, input, init);
};
const origSet = cbs && typeof cbs.set === 'function' ? cbs.set : null;
if (origSet) {
  cbs.set = function (id, fn) {
    if (typeof fn !== 'function') return origSet.call(this, id, fn);
    const rec = { cmd: 'call', s: performance.now(), e: NaN };
    unnamed.push(rec);
    ipc.push(rec);
    return origSet.call(this, id, function (...a) { if (Number.isNaN(rec.e)) rec.e = performance.now(); return fn.apply(this, a); });
  };
  patched = true;
}
let firstMut = NaN, lastMut = NaN, mutations = 0, finished = false;
let layoutMs = NaN, filledAt = NaN;
const t0 = performance.now();
function finish(result) {
  if (finished) return;
  finished = true;
  mo.disconnect();
  if (origSet) delete cbs.set;
  window.fetch = origFetch;
  done(result);
}
// Busy stretches of the main thread after the view is filled (a 0 ms timer chain: a gap between
// two timers is work the page did, or a frame).
const gaps = [];
let lastTick = NaN;
function tick() {
  const t = performance.now();
  if (!Number.isNaN(lastTick) && t - lastTick > 8) gaps.push([lastTick - t0, t - t0]);
  lastTick = t;
  if (!finished) setTimeout(tick, 0);
}
const flushes = [];
const mo = new MutationObserver((records) => {
  const t = performance.now();
  if (Number.isNaN(firstMut)) firstMut = t;
  lastMut = t;
  mutations += records.length;
  flushes.push(t - t0);
  if (!Number.isNaN(filledAt)) return;
  const a = performance.now();
  void document.body.offsetHeight;
  const l = performance.now() - a;
  const el = q(readyTestId);
  if (!filled(el)) return;
  filledAt = t;
  layoutMs = l;
  lastTick = NaN;
  setTimeout(tick, 0);
  requestAnimationFrame(() => {
    const r1 = performance.now();
    requestAnimationFrame(() => {
      const r2 = performance.now();
      const view = q(readyTestId);
      const answered = ipc.filter((c) => c.e <= filledAt);
      const lastAnswer = answered.length ? Math.max(...answered.map((c) => c.e)) : t0;
      finish({
        total: r2 - t0,
        firstCall: ipc.length ? Math.min(...ipc.map((c) => c.s)) - t0 : NaN,
        ipcWait: lastAnswer - t0,
        calls: answered.map((c) => c.cmd + ' at ' + (c.s - t0).toFixed(0) + '+' + (c.e - c.s).toFixed(0)).join(', '),
        script: filledAt - lastAnswer,
        layout: layoutMs,
        beforeFrame: r1 - filledAt,
        paint: r2 - r1,
        elements: view ? view.querySelectorAll('*').length : 0,
        svgs: view ? view.querySelectorAll('svg').length : 0,
        page: document.querySelectorAll('*').length,
        patched,
        flushes: flushes.map((x) => x.toFixed(0)).join(' '),
        gaps: gaps.map(([a, b]) => a.toFixed(0) + '-' + b.toFixed(0)).join(' '),
        filled: filledAt - t0,
      });
    });
  });
});
mo.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
setTimeout(() => finish(null), timeoutMs);
const nav = q(navTestId);
if (!nav) finish(null); else nav.click();`;

const SUPPORTED = `return (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes || []).join(' ')`;

/** Each view of `views` ({ name, nav, ready }), `runs` times from the Settings page: the phases. */
export async function breakdownViews(app, views, runs) {
  const exec = (script, ...args) => app.client.executeAsyncScript(script, args);
  const entryTypes = await app.client.executeScript(SUPPORTED, []);
  const out = [];
  for (const v of views) {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      await exec(PROFILE, 'nav-settings', 'page-settings', 15_000);
      const s = await exec(PROFILE, v.nav, v.ready, 15_000);
      if (!s) break;
      samples.push(s);
    }
    out.push({ name: v.name, samples });
  }
  return { entryTypes, views: out };
}

const med = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** The breakdown as printable lines (medians of each phase). */
export function breakdownLines(result) {
  const f = (ms) => (Number.isFinite(ms) ? `${ms.toFixed(0)}` : '-');
  const cols = ['total', 'firstCall', 'ipcWait', 'script', 'layout', 'beforeFrame', 'paint'];
  const lines = [
    `Where the time goes (medians, ms; PerformanceObserver entry types here: ${result.entryTypes || 'none'})`,
    `${'view'.padEnd(26)}${cols.map((c) => c.padStart(12)).join('')}${'elements'.padStart(10)}${'svg'.padStart(6)}`,
  ];
  for (const v of result.views) {
    if (v.samples.length === 0) {
      lines.push(`${v.name.padEnd(26)}not filled`);
      continue;
    }
    const row = cols.map((c) => f(med(v.samples.map((s) => s[c]))).padStart(12)).join('');
    const last = v.samples[v.samples.length - 1];
    lines.push(`${v.name.padEnd(26)}${row}${String(last.elements).padStart(10)}${String(last.svgs).padStart(6)}`);
    lines.push(`${''.padEnd(26)}last run: calls ${last.calls || '-'}${last.patched ? '' : ' (IPC not timed)'}; filled at ${last.filled.toFixed(0)}; DOM flushes at ${last.flushes}; busy after filled ${last.gaps || '-'}`);
  }
  lines.push(
    'total: click to two frames after filled; firstCall: click to the first IPC call; ipcWait: click to the last answer before filled;',
    'script: last answer to the DOM flush that filled the view (without layout); layout: style+layout forced right after that flush; beforeFrame: filled to the next frame; paint: that frame to the next.',
  );
  return lines;
}
