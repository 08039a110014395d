// Drives the real Outpost binary through WebDriver: tauri-driver in front of Debian's WebKitWebDriver.
// Each test gets its own data directory; screenshots go to tests/e2e/screenshots/ for people to look at.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import WebDriver from 'webdriver';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
export const screenshotDir = process.env.OUTPOST_SCREENSHOT_DIR ?? join(repoRoot, 'tests/e2e/screenshots');
const targetDir = process.env.CARGO_TARGET_DIR ?? join(repoRoot, 'target');
export const appBinary = process.env.OUTPOST_APP_BINARY ?? join(targetDir, 'debug/outpost-desktop');
export const cliBinary = process.env.OUTPOST_CLI_BINARY ?? join(targetDir, 'debug/outpost');
const driverPort = Number(process.env.OUTPOST_WEBDRIVER_PORT ?? 4444);

let driverProcess = null;
const dialogAnswer = join(tmpdir(), `outpost-e2e-dialog-${process.pid}`);

/** The next file dialog of the app answers with `path` ('' = the user cancels). */
export function answerFileDialog(path) {
  writeFileSync(dialogAnswer, path);
  writeFileSync(`${dialogAnswer}.asked`, '');
}

/** What the app asked its file dialogs since the last answerFileDialog (one line per dialog). */
export function askedFileDialog() {
  return existsSync(`${dialogAnswer}.asked`) ? readFileSync(`${dialogAnswer}.asked`, 'utf8') : '';
}

/** The tauri-driver the harness runs: the exact version pinned in tests/e2e/tools.json, installed by
 * `.ci/deps --test` into a root of its own (OUTPOST_TAURI_DRIVER overrides the path). */
export function pinnedDriver() {
  const version = JSON.parse(readFileSync(join(here, '../tools.json'), 'utf8'))['tauri-driver'];
  const root = join(process.env.OUTPOST_TOOLS_DIR ?? join(homedir(), '.cache/outpost-tools'), `tauri-driver-${version}`);
  const bin = process.env.OUTPOST_TAURI_DRIVER ?? join(root, 'bin/tauri-driver');
  if (!process.env.OUTPOST_TAURI_DRIVER) {
    const installed = existsSync(join(root, '.crates2.json')) ? readFileSync(join(root, '.crates2.json'), 'utf8') : '';
    if (!existsSync(bin) || !installed.includes(`"tauri-driver ${version} `)) {
      throw new Error(`tauri-driver ${version} is not installed in ${root}: run .ci/deps --test`);
    }
  }
  return bin;
}

// Set once the driver has died or stopped answering: every later launch fails at once with it,
// instead of each test waiting for its own WebDriver timeout.
let driverBroken = null;

/** Starts tauri-driver once for the whole run. */
export async function startDriver() {
  if (driverBroken) throw new Error(driverBroken);
  if (driverProcess) return;
  if (!existsSync(appBinary)) throw new Error(`The app binary ${appBinary} does not exist: build it first.`);
  const bin = pinnedDriver();
  const child = spawn(bin, ['--port', String(driverPort), '--native-port', String(driverPort + 1)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    // The app inherits this environment: file dialogs are answered by tests (see answerFileDialog).
    env: { ...process.env, OUTPOST_FILE_DIALOG: join(here, 'file-dialog.sh'), OUTPOST_E2E_DIALOG_ANSWER: dialogAnswer },
  });
  driverProcess = child;
  child.once('exit', (code, signal) => {
    if (driverProcess === child) {
      driverBroken = `tauri-driver (${bin}) exited (${signal ?? `code ${code}`}); the remaining end-to-end tests of this file cannot run`;
      driverProcess = null;
    }
  });
  child.once('error', (e) => {
    driverBroken = `tauri-driver (${bin}) could not be started: ${e.message}`;
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (driverBroken) throw new Error(driverBroken);
    try {
      const res = await fetch(`http://127.0.0.1:${driverPort}/status`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok || res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  driverBroken = 'tauri-driver did not start within 20 s';
  throw new Error(driverBroken);
}

/** Fails fast, with one clear error, when the driver died or stopped answering (a hung driver
 * otherwise costs every later test its full WebDriver timeout). */
async function checkDriver() {
  if (driverBroken) throw new Error(driverBroken);
  try {
    await fetch(`http://127.0.0.1:${driverPort}/status`, { signal: AbortSignal.timeout(5_000) });
  } catch (e) {
    driverBroken = `tauri-driver stopped answering on 127.0.0.1:${driverPort} (${e.name === 'TimeoutError' ? 'no answer to /status within 5 s' : e.message}); the remaining end-to-end tests of this file cannot run`;
    stopDriver();
    throw new Error(driverBroken);
  }
}

export function stopDriver() {
  const child = driverProcess;
  driverProcess = null;
  child?.kill('SIGTERM');
}

export function freshDataDir(label = 'e2e') {
  return mkdtempSync(join(tmpdir(), `outpost-${label}-`));
}

/** Launches the app on a data directory and returns a small page-object client (`binary`: another
 * build of the app, e.g. the benchmark's "before"). */
export async function launch({ dataDir = freshDataDir(), args = [], onboarding = false, binary = appBinary } = {}) {
  await startDriver();
  await checkDriver();
  const client = await WebDriver.newSession({
    hostname: '127.0.0.1',
    port: driverPort,
    logLevel: 'warn',
    connectionRetryCount: 0,
    // One command never legitimately takes this long; a driver that stopped answering fails the
    // command here (and checkDriver then fails the later launches at once) instead of after 120 s.
    connectionRetryTimeout: 45_000,
    capabilities: {
      browserName: 'wry',
      'wdio:enforceWebDriverClassic': true,
      'tauri:options': { application: binary, args: ['--data-dir', dataDir, ...args] },
    },
  });
  const app = new App(client, dataDir);
  // Started means: the app frame is shown, or the designed error screen (some tests expect it).
  const deadline = Date.now() + 15_000;
  while (!(await app.exists('nav-calendar')) && !(await app.exists('core-error'))) {
    if (Date.now() > deadline) throw new Error('the app did not show its window content within 15 s');
    await sleep(100);
  }
  // A fresh profile opens on the first-run onboarding (tests/e2e/specs/onboarding.test.mjs); other
  // specs go through it the way a user would, declining update checks, unless they test it.
  if (!onboarding && (await app.exists('onboarding'))) await app.finishOnboarding();
  return app;
}

const sel = (id) => `[data-testid="${id}"]`;

export class App {
  constructor(client, dataDir) {
    this.client = client;
    this.dataDir = dataDir;
  }

  async find(testId) {
    const el = await this.client.findElement('css selector', sel(testId));
    const id = el && (el['element-6066-11e4-a52e-4f735466cecf'] ?? el.ELEMENT);
    if (!id) throw new Error(`no element with data-testid="${testId}"`);
    return id;
  }

  async exists(testId) {
    const els = await this.client.findElements('css selector', sel(testId));
    return els.length > 0;
  }

  async waitFor(testId, timeout = 10_000) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        const id = await this.find(testId);
        if (await this.client.isElementDisplayed(id)) return id;
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    throw new Error(`timed out after ${timeout} ms waiting for data-testid="${testId}"${last ? `: ${last.message}` : ''}`);
  }

  async waitForText(testId, predicate, timeout = 10_000) {
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      try {
        text = await this.text(testId);
        if (predicate(text)) return text;
      } catch {
        /* not there yet */
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for the text of data-testid="${testId}" (last: ${JSON.stringify(text)})`);
  }

  async count(testId) {
    return (await this.client.findElements('css selector', sel(testId))).length;
  }

  async waitForCount(testId, n, timeout = 10_000) {
    const deadline = Date.now() + timeout;
    while ((await this.count(testId)) !== n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} × data-testid="${testId}", found ${await this.count(testId)}`);
      await sleep(100);
    }
  }

  async enabled(testId) {
    return this.client.isElementEnabled(await this.find(testId));
  }

  /** Types into an input like a user (real key events). */
  async type(testId, text) {
    const id = await this.waitFor(testId);
    await this.client.elementClick(id);
    await this.client.elementSendKeys(id, text);
  }

  async click(testId) {
    await this.client.elementClick(await this.waitFor(testId));
  }

  /** The element's text content (also for text clipped by CSS, which WebDriver's getText drops). */
  async text(testId) {
    const value = await this.client.executeScript(
      'const el = document.querySelector(arguments[0]); return el === null ? null : el.textContent;',
      [sel(testId)],
    );
    if (value === null) throw new Error(`no element with data-testid="${testId}"`);
    return value.replace(/\s+/g, ' ').trim();
  }

  /** Sends keys to the focused element (WebDriver Actions: real key events). */
  async keys(...keys) {
    const down = keys.map((value) => ({ type: 'keyDown', value }));
    const up = [...keys].reverse().map((value) => ({ type: 'keyUp', value }));
    await this.client.performActions([{ type: 'key', id: 'keyboard', actions: [...down, ...up] }]);
    await this.client.releaseActions();
  }

  async script(body, ...args) {
    return this.client.executeScript(body, args);
  }

  async screenshot(name) {
    mkdirSync(screenshotDir, { recursive: true });
    await sleep(250); // let transitions settle
    const file = join(screenshotDir, `${name}.png`);
    if (screenshotsFromX()) {
      // The window as the X server shows it (the app's window fills the Xvfb screen).
      const r = spawnSync('import', ['-window', 'root', file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`the screenshot ${name} failed (ImageMagick import): ${r.stderr || r.error}`);
      return file;
    }
    const png = await this.client.takeScreenshot();
    writeFileSync(file, Buffer.from(png, 'base64'));
    return file;
  }

  /** Goes through the first-run onboarding: data folder, keychain, privacy statement (update
   * checks left off), "Later" for the first channel. */
  async finishOnboarding() {
    await this.click('onboarding-next');
    await this.click('onboarding-next');
    await this.click('onboarding-accept');
    await this.click('onboarding-later');
    const deadline = Date.now() + 5_000;
    while (await this.exists('onboarding')) {
      if (Date.now() > deadline) throw new Error('onboarding did not close');
      await sleep(50);
    }
  }

  async close() {
    try {
      await this.client.deleteSession();
    } catch {
      /* already gone */
    }
    // Let the process exit fully so the next launch is not taken for a second instance.
    await sleep(500);
  }
}

// Where the app draws without WebKit's compositing (it turns it off where no GPU render node exists:
// `outpost doctor` names its choice), WebKitWebDriver's screenshot never answers (its page snapshot
// does not come back, and the driver then refuses every later session), so screenshots are taken
// from the X server instead (ImageMagick's `import`, installed by .ci/deps).
let fromX = null;
function screenshotsFromX() {
  if (fromX === null) {
    const own = process.env.WEBKIT_DISABLE_COMPOSITING_MODE;
    if (own !== undefined) fromX = own !== '0';
    else {
      const r = spawnSync(cliBinary, ['--data-dir', freshDataDir('rendering'), 'doctor', '--json'], { encoding: 'utf8' });
      let rendering = '';
      try {
        rendering = JSON.parse(r.stdout).rendering ?? '';
      } catch {
        throw new Error(`outpost doctor --json did not answer: ${r.stderr}`);
      }
      fromX = rendering.startsWith('compositing off');
    }
  }
  return fromX;
}

/** Runs the `outpost` CLI synchronously on a data directory. */
export function cli(dataDir, ...args) {
  const r = spawnSync(cliBinary, ['--data-dir', dataDir, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Creates a profile with the CLI, then writes rows into its database (see seed.py). */
export function seedProfile(dataDir, spec) {
  const doctor = cli(dataDir, 'doctor');
  if (!existsSync(join(dataDir, 'outpost.sqlite3'))) throw new Error(`outpost doctor did not create the profile: ${doctor.stderr}`);
  const r = spawnSync('python3', [join(here, 'seed.py'), join(dataDir, 'outpost.sqlite3'), JSON.stringify(spec)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`seeding failed: ${r.stderr}`);
}

/** Reads a profile's database (read-only) and returns rows as arrays. */
export function dbQuery(dataDir, sql) {
  const code = 'import json,sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro", uri=True); print(json.dumps(c.execute(sys.argv[2]).fetchall()))';
  const r = spawnSync('python3', ['-c', code, join(dataDir, 'outpost.sqlite3'), sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`query failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Starts a strict platform emulator (tests/emulators/serve.py) on a free port.
 * Returns its origin, an `admin(path, body?)` for its `/__emulator/` test controls, and `stop()`. */
/** Waits until the SQL's first cell equals `want` (the core writes asynchronously to the UI). */
export async function waitForDb(dataDir, sql, want, timeout = 10_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = dbQuery(dataDir, sql)[0]?.[0];
    if (last === want) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${sql}: ${last} (wanted ${want})`);
}

export function startEmulator(platform) {
  return startServer([join(repoRoot, 'tests/emulators/serve.py'), '--platform', platform, '--port', '0'], `the ${platform} emulator`);
}

/** The strict OpenAI-compatible emulator (tests/emulators/openai_compat.py). */
export function startOpenAiEmulator() {
  return startServer([join(repoRoot, 'tests/emulators/openai_compat.py'), '--port', '0'], 'the OpenAI-compatible emulator');
}

/** A Python emulator that prints `{"origin": …}` on its first line, with its `/__emulator/` admin calls. */
async function startServer(args, name) {
  const child = spawn('python3', args, {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
  const origin = JSON.parse(line).origin;
  const admin = async (path, body) => {
    const res = await fetch(`${origin}/__emulator/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`emulator ${path}: HTTP ${res.status}`);
    return res.json();
  };
  const stop = () => {
    child.stdin.end();
    child.kill('SIGTERM');
  };
  return { origin, admin, stop };
}

/** Launches a second instance of the app with a deep link exactly as the OS does on a click
 * (`Exec=outpost-desktop %u`: the URL is the only argument). */
export function launchSecondInstance(dataDir, url) {
  return spawnSync(appBinary, [url], {
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...process.env, OUTPOST_DATA_DIR: dataDir },
  });
}

export const KEY = { CONTROL: '\uE009', SHIFT: '\uE008', ENTER: '\uE007', ESCAPE: '\uE00C', DOWN: '\uE015', UP: '\uE013' };
export const PAGES = ['calendar', 'board', 'compose', 'inbox', 'analytics', 'channels', 'settings'];
