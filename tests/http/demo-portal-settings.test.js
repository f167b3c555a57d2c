// demo-portal-settings.test.js — in demo mode portier registers the agency portal as an
// OpenID Connect client and writes the portal's settings, with the client secret, into
// portal.conf beside the database (in the working directory on PostgreSQL, whose
// connection string names no folder), readable by its owner only (make run starts the
// portal with it); the secret is not in the log.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { isPg } from '../lib/db.js';
import { BIN, freePort, run, start, waitFor } from '../lib/server.js';
import { settingsOf } from './portal_lib.js';

async function tokenStatus(srv, id, secret) {
  const res = await fetch(`${srv.url}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: '1.nope',
      redirect_uri: `http://127.0.0.1:${srv.port + 1}/callback` }).toString(),
  });
  return { status: res.status, json: await res.json() };
}

describe('demo: the agency portal\'s settings', () => {
  let srv;
  let file;

  before(async () => {
    srv = await start({ args: ['--demo', '--password-ops', '1', '--password-mem-kib', '8'] });
    file = path.join(isPg(srv.db) ? srv.dir : path.dirname(srv.db), 'portal.conf');
  });
  after(() => srv?.stop());

  it('writes portal.conf beside the database, for its owner only, with a working secret', async () => {
    const st = statSync(file);
    assert.equal(st.mode & 0o777, 0o600);
    const s = settingsOf(file);
    assert.equal(s.client_id, 'medseip-portal');
    // Derived from the listen address: the issuer, and the portal on the next port.
    assert.equal(s.issuer, srv.url);
    assert.equal(s.listen, `127.0.0.1:${srv.port + 1}`);
    assert.equal(s.base_url, `http://127.0.0.1:${srv.port + 1}`);
    assert.match(s.client_secret, /^[A-Za-z0-9_-]{40,}$/);
    // The secret authenticates the client: the (bogus) code is what is refused.
    const ok = await tokenStatus(srv, 'medseip-portal', s.client_secret);
    assert.equal(ok.status, 400);
    assert.equal(ok.json.error, 'invalid_grant');
    const bad = await tokenStatus(srv, 'medseip-portal', `${s.client_secret.slice(0, -1)}x`);
    assert.equal(bad.status, 401);
    assert.equal(bad.json.error, 'invalid_client');
    assert.ok(!srv.logs().includes(s.client_secret), 'the secret is not logged');
    assert.match(srv.logs(), /its secret in .*portal\.conf/);
  });

  it('the portal starts with that file, and names the line of a bad one', async () => {
    // A port chosen free may be taken before the portal binds it: then another one.
    let port;
    let child;
    let out;
    let exit;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      child = spawn(BIN, ['portal', '--config', file, '--listen', `127.0.0.1:${port}`,
        '--db', path.join(path.dirname(file), 'portal.db')], { stdio: ['ignore', 'ignore', 'pipe'] });
      const o = { err: '', exited: false };
      out = o;
      child.stderr.on('data', (d) => { o.err += d; });
      exit = new Promise((r) => { child.once('exit', () => { o.exited = true; r(); }); });
      await waitFor(() => o.exited || /listening on/.test(o.err), { what: 'the portal listening' });
      if (!o.exited || !/cannot listen/.test(o.err) || attempt >= 5) break;
    }
    const err = out.err;
    try {
      assert.match(err, new RegExp(`listening on http://127\\.0\\.0\\.1:${port} \\(issuer http://127\\.0\\.0\\.1:${srv.port}, client medseip-portal, CAs [^)]+\\)`));
      const res = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(res.status, 200);
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
    const bad = path.join(path.dirname(file), 'bad.conf');
    writeFileSync(bad, '# portal\nissuer = http://127.0.0.1:8080\ncolour = blue\n');
    const r = await run(['portal', '--config', bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /bad\.conf:3: unknown setting 'colour'/);
    writeFileSync(bad, 'issuer http://127.0.0.1:8080\n');
    const r2 = await run(['portal', '--config', bad]);
    assert.notEqual(r2.code, 0);
    assert.match(r2.stderr, /bad\.conf:1: expected key = value/);
  });
});
