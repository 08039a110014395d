// Starts the reference Bluesky PDS + a local PLC directory (@atproto/dev-env TestNetworkNoAppView)
// on localhost, creates test accounts with an app password each, prints ONE JSON line to stdout,
// then runs until stdin reaches EOF (or SIGTERM/SIGINT) and shuts the network down.
//
// Usage: node start.mjs [--accounts N] [--port PORT] [--appview] [--no-stdin]
//   --accounts N  create N accounts (alice.test, bob.test, ...); adds "accounts":[...] to the line
//   --port PORT   PDS port (default: a free port)
//   --appview     the full network (dev-env TestNetwork): PDS + AppView (+ its bsync, Ozone) on a
//                 throw-away PostgreSQL cluster (postgres.mjs); adds "appview" and "appviewDid"
//   --no-stdin    do not watch stdin; run until SIGTERM/SIGINT (for `run.sh &` with no stdin)
//
// stdout carries only the JSON line; all logging goes to stderr. Exit 1 if start fails.
// Run it with the bundled Node 22: tests/pds/run.sh.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startPostgres } from './postgres.mjs';

const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
export const APP_PASSWORD_NAME = 'outpost-test';

function parseArgs(argv) {
  const opts = { accounts: null, port: undefined, watchStdin: true, appview: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--accounts') {
      opts.accounts = Number.parseInt(val(), 10);
      if (!(opts.accounts >= 1)) throw new Error('--accounts must be >= 1');
    } else if (a === '--port') {
      opts.port = Number.parseInt(val(), 10);
      if (!(opts.port > 0 && opts.port < 65536)) throw new Error('--port must be 1..65535');
    } else if (a === '--appview') {
      opts.appview = true;
    } else if (a === '--no-stdin') {
      opts.watchStdin = false;
    } else {
      throw new Error(`unknown argument: ${a}`);
    }
  }
  return opts;
}

async function xrpc(base, nsid, body, accessJwt) {
  const headers = { 'content-type': 'application/json' };
  if (accessJwt) headers.authorization = `Bearer ${accessJwt}`;
  const res = await fetch(`${base}/xrpc/${nsid}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${nsid} -> HTTP ${res.status}: ${text}`);
  return text ? JSON.parse(text) : {};
}

// The package entry (dist/index.js) also loads the AppView, Ozone etc. (seconds of start-up on
// this 2-core machine); the no-AppView network's own module loads much less. Falls back to the
// entry if the pinned package's layout ever changes.
async function importNetwork(appview) {
  if (appview) {
    return import(new URL('./node_modules/@atproto/dev-env/dist/network.js', import.meta.url).href);
  }
  try {
    return await import(
      new URL('./node_modules/@atproto/dev-env/dist/network-no-appview.js', import.meta.url).href
    );
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    return import('@atproto/dev-env');
  }
}

async function createTestAccount(network, i) {
  const short = i < NAMES.length ? NAMES[i] : `user${i}`;
  const handle = `${short}.test`;
  const email = `${short}@test.invalid`;
  const password = `${short}-password`;
  const sc = network.getSeedClient();
  const acct = await sc.createAccount(short, { handle, email, password });
  const base = network.pds.url;
  // App passwords must be created from a main-password (full-access) session.
  const session = await xrpc(base, 'com.atproto.server.createSession', {
    identifier: handle,
    password,
  });
  const ap = await xrpc(
    base,
    'com.atproto.server.createAppPassword',
    { name: APP_PASSWORD_NAME },
    session.accessJwt,
  );
  return {
    handle,
    did: acct.did,
    email,
    password,
    appPassword: ap.password,
    appPasswordName: ap.name,
  };
}

/**
 * Starts the network and accounts; returns { network, info, close }.
 * Exported for in-process use; start.mjs as a program wraps it.
 */
export async function startPds({ accounts = 1, port, appview = false } = {}) {
  // dev-env puts the PDS data and blob dirs under os.tmpdir() and never removes them:
  // give this run its own temp dir and delete it on close.
  // PostgreSQL first, in the system temp dir: as root its cluster belongs to `postgres`, who cannot
  // enter the 0700 temp dir below.
  const pg = appview ? await startPostgres() : null;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-pds-'));
  const prevTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  const mod = await importNetwork(appview);
  let network;
  const cleanupTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const params = port ? { pds: { port } } : {};
    if (appview) {
      // TestNetwork asserts REDIS_HOST although nothing in it connects to Redis (0.6.7).
      process.env.REDIS_HOST ||= 'localhost:6379';
      network = await mod.TestNetwork.create({
        ...params,
        dbPostgresUrl: pg.url,
        dbPostgresSchema: 'outpost',
      });
    } else {
      network = await mod.TestNetworkNoAppView.create(params);
    }
    const created = [];
    for (let i = 0; i < accounts; i++) created.push(await createTestAccount(network, i));
    const info = { pds: network.pds.url, plc: network.plc.url, ...created[0] };
    if (appview) {
      await network.processAll();
      info.appview = network.bsky.url;
      info.appviewDid = network.bsky.ctx.cfg.serverDid;
    }
    const close = async () => {
      try {
        await network.close();
      } finally {
        if (pg) await pg.close().catch(() => {});
        cleanupTmp();
        if (prevTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = prevTmp;
      }
    };
    return { network, info, accounts: created, close };
  } catch (err) {
    if (network) await network.close().catch(() => {});
    if (pg) await pg.close().catch(() => {});
    cleanupTmp();
    throw err;
  }
}

async function main() {
  // ---- keep stdout clean: everything but our one line goes to stderr ----
  const realStdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, encoding, cb) => process.stderr.write(chunk, encoding, cb);
  for (const k of ['log', 'info', 'debug']) console[k] = console.error;
  // pino (@atproto/common) logs to stdout when LOG_ENABLED is set; send it to stderr instead.
  // Must be set before @atproto/* is imported (it reads the env at module load).
  if (!process.env.LOG_DESTINATION) process.env.LOG_DESTINATION = '/dev/stderr';

  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`start.mjs: ${err.message}\n`);
    process.exit(2);
  }

  let started;
  try {
    started = await startPds({
      accounts: opts.accounts ?? 1,
      port: opts.port,
      appview: opts.appview,
    });
  } catch (err) {
    process.stderr.write(`start.mjs: failed to start the PDS: ${err?.stack ?? err}\n`);
    process.exit(1);
  }

  const line = { ...started.info };
  if (opts.accounts !== null) line.accounts = started.accounts;

  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`start.mjs: ${why}; shutting down\n`);
    const force = setTimeout(() => {
      process.stderr.write('start.mjs: shutdown took over 10 s; exiting\n');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await started.close();
      process.stderr.write('start.mjs: stopped\n');
      process.exit(0);
    } catch (err) {
      process.stderr.write(`start.mjs: error while shutting down: ${err?.stack ?? err}\n`);
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => stop('SIGHUP'));

  await new Promise((resolve) => realStdoutWrite(JSON.stringify(line) + '\n', resolve));
  process.stderr.write(`start.mjs: PDS ready at ${line.pds} (${line.handle} ${line.did})\n`);

  if (opts.watchStdin) {
    process.stdin.on('data', () => {});
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('error', () => stop('stdin error'));
    process.stdin.resume();
  }
}

// Only run as a program, not when imported.
if (import.meta.url === new URL(`file://${fs.realpathSync(process.argv[1] ?? '.')}`).href) {
  main();
}
