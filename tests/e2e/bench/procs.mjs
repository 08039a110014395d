// Processes and their memory, for the release benchmarks (release.mjs, memory-parts.mjs): an app's
// process tree (the main process and WebKit's web and network processes) and its PSS and USS from
// /proc, with a breakdown by kind of mapping.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), ppid: Number(rest[1]), start: Number(rest[19]) };
  } catch {
    return null;
  }
}

/** A process's start as a wall-clock instant (ms), from its start in clock ticks after boot. */
export function startedAtMs(proc) {
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  return Date.now() - (uptime - proc.start / CLK_TCK) * 1000;
}

/** Waits for the page to set `document.documentElement.dataset[attr]` (a wall-clock instant). */
export async function waitForMark(client, attr, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await client.executeScript(`return document.documentElement.dataset.${attr} ?? null`, []);
    if (v) return Number(v);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${attr} mark within ${timeoutMs} ms`);
}

function allProcs() {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(stat)
    .filter(Boolean);
}

/** The newest process running `binary`. */
export function findProcess(binary) {
  const mine = allProcs().filter((p) => {
    try {
      return readlinkSync(`/proc/${p.pid}/exe`) === binary;
    } catch {
      return false;
    }
  });
  mine.sort((a, b) => b.start - a.start);
  return mine[0] ?? null;
}

/** `root` and every process below it. */
function processTree(root) {
  const procs = allProcs();
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const p of procs) if (p.ppid === out[i].pid) out.push(p);
  return out;
}

/** PSS and USS (private: clean + dirty) of a process in kB, from /proc/<pid>/smaps_rollup. */
function rollupKb(pid) {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field) => Number(t.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
    return { pss: kb('Pss'), uss: kb('Private_Clean') + kb('Private_Dirty') };
  } catch {
    return { pss: 0, uss: 0 };
  }
}

/** What a mapping is, for the breakdown of a process's PSS. */
function mappingKind(path) {
  if (path === '[heap]') return 'malloc heap ([heap])';
  if (path === '[stack]') return 'main stack';
  if (path === '') return 'anonymous (malloc arenas, thread stacks, JS/bmalloc heaps)';
  if (path.startsWith('/memfd:') || path.startsWith('/dev/shm')) return 'shared memory (memfd, /dev/shm)';
  if (path.startsWith('[')) return 'kernel ([vdso], [vvar], ...)';
  if (/\.so(\.|$)/.test(path)) return 'libraries (.so)';
  if (/\.sqlite3(-wal|-shm)?$/.test(path)) return 'SQLite file (mapped)';
  if (/\.(ttf|otf|ttc|pcf|woff2?)(\.gz)?$/i.test(path) || path.includes('fontconfig')) return 'fonts';
  return 'other files';
}

/** A process's PSS by kind of mapping (MB), from /proc/<pid>/smaps. */
function pssBreakdown(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  } catch {
    return {};
  }
  const kinds = {};
  let kind = null;
  for (const line of text.split('\n')) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/);
    if (head) kind = mappingKind(head[1].replace(/ \(deleted\)$/, ''));
    else if (kind && line.startsWith('Pss:')) kinds[kind] = (kinds[kind] ?? 0) + Number(line.split(/\s+/)[1]) / 1024;
  }
  const threads = (() => {
    try {
      return readdirSync(`/proc/${pid}/task`).length;
    } catch {
      return 0;
    }
  })();
  return { threads, ...Object.fromEntries(Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v * 10) / 10])) };
}

/** PSS of the app's process tree in MB, and each process's share (with its breakdown). */
export function memory(root) {
  const tree = processTree(root);
  const parts = tree.map((p) => {
    const r = rollupKb(p.pid);
    return { comm: p.comm, mb: r.pss / 1024, uss_mb: r.uss / 1024, breakdown: pssBreakdown(p.pid) };
  });
  return { mb: parts.reduce((a, p) => a + p.mb, 0), uss_mb: parts.reduce((a, p) => a + p.uss_mb, 0), parts };
}

