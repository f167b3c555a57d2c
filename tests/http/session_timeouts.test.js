// session_timeouts.test.js — sessions end after the idle timeout and after the absolute
// timeout, whatever the activity; the database row goes with them. Time is moved by
// editing the stored timestamps, not by waiting.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { Client, start } from '../lib/server.js';

function sql(db, query) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 30000', db, query], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

async function login(srv) {
  const c = new Client(srv.url);
  const page = await c.get('/login');
  const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)[1];
  const res = await c.get('/login/password', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrf, username: 'claire.dubois', password: 'Demo-portier-2026', next: '/' }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(res.status, 303);
  assert.match((await c.get('/aide')).text, /Claire Dubois/);
  return c;
}

describe('session timeouts', () => {
  let srv;
  before(async () => {
    srv = await start({ args: ['--demo', '--session-idle', '600', '--session-absolute', '3600'] });
  });
  after(async () => { await srv.stop(); });

  test('a session idle for longer than session_idle is over', async () => {
    const c = await login(srv);
    const n = Number(sql(srv.db, 'SELECT count(*) FROM session WHERE person_id IS NOT NULL'));
    sql(srv.db, "UPDATE session SET seen_at = seen_at - 601 WHERE person_id IS NOT NULL");
    const page = await c.get('/aide');
    assert.doesNotMatch(page.text, /Claire Dubois/);
    assert.match(page.text, /Se connecter/);
    assert.equal(Number(sql(srv.db, 'SELECT count(*) FROM session WHERE person_id IS NOT NULL')), n - 1);
  });

  test('a session just under the idle timeout goes on, and is touched', async () => {
    const c = await login(srv);
    // Last seen a minute short of the timeout, counted from now (not from the login: the
    // time a slow machine takes to get here would eat a margin of seconds).
    const t0 = Number(sql(srv.db, "SELECT strftime('%s','now')"));
    sql(srv.db, `UPDATE session SET seen_at = ${t0} - 540 WHERE person_id IS NOT NULL`);
    assert.match((await c.get('/aide')).text, /Claire Dubois/);
    const seen = Number(sql(srv.db, 'SELECT max(seen_at) FROM session WHERE person_id IS NOT NULL'));
    assert.ok(seen >= t0, `seen_at was refreshed (${seen}, set to ${t0 - 540} at ${t0})`);
  });

  test('an active session older than session_absolute is over', async () => {
    const c = await login(srv);
    sql(srv.db, "UPDATE session SET created_at = created_at - 3601 WHERE person_id IS NOT NULL");
    assert.doesNotMatch((await c.get('/aide')).text, /Claire Dubois/);
  });

  test('a forged or malformed session cookie is ignored', async () => {
    const c = new Client(srv.url);
    c.cookies.set('portier_sid', 'A'.repeat(43));
    assert.doesNotMatch((await c.get('/aide')).text, /Se déconnecter/);
    c.cookies.set('portier_sid', "x'; DROP TABLE session;--");
    assert.equal((await c.get('/aide')).status, 200);
    assert.ok(Number(sql(srv.db, 'SELECT count(*) FROM session')) >= 0);
  });
});
