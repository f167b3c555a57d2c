// pg_serve.test.js — portier on PostgreSQL (issue 13): a throw-away cluster
// (tests/lib/pg.sh), `portier migrate --db <connection string>` and `portier serve --db …`,
// then real flows on it: a password login (a wrong password refused), an OpenID Connect
// code flow with PKCE (the code refused the second time, userinfo), the audit chain
// verified. Skipped, with the reason, when PostgreSQL's programs are absent.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { pgAvailable, pgDatabase, psql } from '../lib/pg.js';
import { run, start } from '../lib/server.js';
import * as world from './oidc_lib.js';

const {
  addClient, authorize, browser, csrfOf, login, ORGS, PEOPLE, pkce, tokenRequest,
} = world;

const CB = 'http://127.0.0.1:9/cb';
const skip = pgAvailable() ? false
  : 'PostgreSQL binaries absent (/usr/lib/postgresql/15/bin; apt-get install postgresql-15)';

describe('portier serve on PostgreSQL', { skip }, () => {
  let conn;
  let srv;
  let rp;

  before(async () => {
    conn = pgDatabase();
    const m = await run(['migrate', '--db', conn]);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    assert.match(m.stdout, /^database PostgreSQL at schema version 19$/m);
    srv = await start({ db: conn });
    // The OpenID tests' world: through the portier CLI where oidc_lib builds it so
    // (buildWorld), else with its SQL through psql.
    if (world.buildWorld) world.buildWorld(srv);
    else psql(conn, world.worldSql());
    rp = addClient(srv, 'rp', { redirect: [CB], scope: 'openid profile email' });
  });
  after(async () => {
    await srv?.stop();
  });

  it('migrates once, names no connection string, and keeps no SQLite file', async () => {
    const again = await run(['migrate', '--db', conn]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /schema version 19/);
    assert.doesNotMatch(again.stdout + again.stderr + srv.logs(), /dbname=|host=\//,
      'the connection string (it may hold a password) is never printed');
    assert.equal(existsSync(path.join(srv.dir, 'portier.db')), false);
    assert.equal(psql(conn, 'SELECT max(version) FROM schema_migration;'), '19');
    // The same database named by a URI (postgresql://…): the same answer.
    const kv = Object.fromEntries(conn.split(' ').map((w) => w.split('=')));
    const uri = `postgresql://${kv.user}@/${kv.dbname}?host=${encodeURIComponent(kv.host)}&port=${kv.port}`;
    const byUri = await run(['migrate', '--db', uri]);
    assert.equal(byUri.code, 0, byUri.stderr);
    assert.match(byUri.stdout, /^database PostgreSQL at schema version 19$/m);
    // A database that is not there: refused with libpq's reason, nothing started.
    const bad = await run(['migrate', '--db', conn.replace(/dbname=\S+/, 'dbname=absent')]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /database/);
  });

  it('refuses a wrong password and logs the right one in, the session in PostgreSQL', async () => {
    const wrong = browser(srv);
    const page = await wrong.get('/login?next=/aide');
    const res = await wrong.fetch('/login/password', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrfOf(page.text), username: PEOPLE.claire.user, password: 'not-the-password', next: '/aide',
      }).toString(),
    });
    await res.text();
    assert.notEqual(res.status, 303, 'a wrong password does not log in');
    assert.doesNotMatch((await wrong.get('/aide')).text, /Claire Dubois/);

    const c = browser(srv);
    assert.equal(await login(c, PEOPLE.claire.user, '/aide'), '/aide');
    assert.match((await c.get('/aide')).text, /<span class="who">Claire Dubois<\/span>/);
    const sessions = Number(psql(conn, `SELECT count(*) FROM session WHERE person_id = ${PEOPLE.claire.id};`));
    assert.ok(sessions >= 1, `a session row for Claire in PostgreSQL (${sessions})`);
  });

  it('runs the OpenID Connect code flow with PKCE; a code is good once', async () => {
    const { verifier, challenge } = pkce();
    const url = await authorize(browser(srv), {
      client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile email',
      state: 'st-pg', nonce: 'n-pg', code_challenge: challenge, code_challenge_method: 'S256',
    }, { user: PEOPLE.jan.user, account: world.ACCOUNTS?.jan ?? '301' });
    assert.equal(url.searchParams.get('state'), 'st-pg');
    const code = url.searchParams.get('code');
    assert.match(code ?? '', /^[1-9][0-9]*\.[A-Za-z0-9_-]{43}$/);
    const form = { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier };

    const t = await tokenRequest(srv.url, form, { basic: rp });
    assert.equal(t.status, 200, t.text);
    const id = JSON.parse(Buffer.from(t.json.id_token.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(id.iss, srv.url);
    assert.equal(id.aud, rp.id);
    assert.equal(id.nonce, 'n-pg');
    assert.equal(id.name, 'Jan Peeters');
    assert.equal(id.email, 'jan.peeters@example.be');
    assert.deepEqual(id.organisation, { enterprise_number: ORGS.pharma.enterprise, name: ORGS.pharma.name, country: 'BE' });
    assert.deepEqual(id.applications, ['MEDSEIP', 'TESTAPP', 'TESTONE']);

    const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.json.access_token}` } });
    assert.equal(u.status, 200);
    assert.equal((await u.json()).sub, id.sub);

    const again = await tokenRequest(srv.url, form, { basic: rp });
    assert.equal(again.status, 400, again.text);
    assert.equal(again.json.error, 'invalid_grant');
    // The access token of the family is revoked with the reused code.
    const u2 = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.json.access_token}` } });
    assert.equal(u2.status, 401);
  });

  it('keeps one audit chain in PostgreSQL that portier audit verify accepts', async () => {
    const n = Number(psql(conn, "SELECT count(*) FROM audit_event WHERE action = 'login.password.success';"));
    assert.ok(n >= 2, `password logins recorded (${n})`);
    const ok = await run(['audit', 'verify', '--db', conn]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /audit chain intact: \d+ events/);
  });
});
