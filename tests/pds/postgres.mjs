// A throw-away PostgreSQL cluster for the AppView of @atproto/dev-env (tests/pds/start.mjs --appview):
// initdb into a fresh temp dir, started on a free localhost port with its socket in that dir,
// stopped and deleted on close. Uses Debian's server binaries (package `postgresql`, installed by
// .ci/deps): `initdb`/`pg_ctl` from $PG_BIN, else /usr/lib/postgresql/<newest>/bin, else PATH.
// PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user (created by
// the Debian package) and the commands run through `runuser -u postgres`.
// Durability is off (fsync, synchronous_commit, full_page_writes): the data dies with the test.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

function pgBin() {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  try {
    const versions = fs
      .readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const dir = path.join(root, v, 'bin');
      if (fs.existsSync(path.join(dir, 'initdb'))) return dir;
    }
  } catch {
    // not Debian's layout: PATH below
  }
  return '';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A detached shell that stops the cluster and deletes its dir once this Node process is gone, also
 * when it is killed with SIGKILL (a test harness dropping it) and cannot run `close`.
 */
function watchdog(owner, pgCtl, data, dir) {
  const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;
  const stop = `${owner ? `runuser -u ${owner} -- ` : ''}${q(pgCtl)} -D ${q(data)} -m immediate -w stop`;
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ${stop} >/dev/null 2>&1; rm -rf ${q(dir)}`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}

/** Starts a cluster; returns { url, close }. */
export async function startPostgres() {
  const bin = pgBin();
  const tool = (name) => (bin ? path.join(bin, name) : name);
  const asRoot = process.getuid?.() === 0;
  let owner = null;
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) {
      throw new Error(
        'PostgreSQL refuses to run as root and there is no `postgres` user (install Debian\'s `postgresql`: .ci/deps --test)',
      );
    }
    owner = 'postgres';
  }
  const run = (cmd, args) => {
    const [file, argv] = owner ? ['runuser', ['-u', owner, '--', cmd, ...args]] : [cmd, args];
    try {
      return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const out = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim();
      if (err.code === 'ENOENT') {
        throw new Error(`${cmd} not found (install Debian's \`postgresql\`: .ci/deps --test)`);
      }
      throw new Error(`${path.basename(cmd)} failed: ${out || err.message}`);
    }
  };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-pg-'));
  const data = path.join(dir, 'data');
  if (owner) execFileSync('chown', [owner, dir]);
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  let started = false;
  try {
    run(tool('initdb'), ['-D', data, '-U', 'pg', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    const port = await freePort();
    const opts = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    run(tool('pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
    started = true;
    watchdog(owner, tool('pg_ctl'), data, dir);
    const url = `postgresql://pg@127.0.0.1:${port}/postgres`;
    const close = async () => {
      try {
        run(tool('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        cleanup();
      }
    };
    return { url, port, close };
  } catch (err) {
    if (started) {
      try {
        run(tool('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already down
      }
    }
    let log = '';
    try {
      log = fs.readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n').slice(-10).join('\n');
    } catch {
      // no log yet
    }
    cleanup();
    throw new Error(`${err.message}${log ? `\n${log}` : ''}`);
  }
}
