// session_timeouts.test.js — sessions end after the idle timeout and after the absolute
// timeout, whatever the activity, and an ended session does not come back. Time is moved
// with the server's test clock (--test-clock), not by waiting.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Client, start } from '../lib/server.js';
import { testClock } from '../lib/world.js';

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

/** A client holding only the session cookie c had. */
function sameSession(srv, c) {
  const again = new Client(srv.url);
  again.cookies.set('portier_sid', c.cookies.get('portier_sid'));
  return again;
}

describe('session timeouts', () => {
  let srv;
  const clock = testClock();
  before(async () => {
    srv = await start({ args: ['--demo', '--session-idle', '600', '--session-absolute', '3600', ...clock.args] });
  });
  after(async () => { await srv.stop(); });

  test('a session idle for longer than session_idle is over, and stays over', async () => {
    const c = await login(srv);
    const old = sameSession(srv, c);
    clock.advance(601);
    const page = await c.get('/aide');
    assert.doesNotMatch(page.text, /Claire Dubois/);
    assert.match(page.text, /Se connecter/);
    // Back in time the cookie would be young again: it is not, the session is gone.
    clock.advance(-601);
    assert.doesNotMatch((await old.get('/aide')).text, /Claire Dubois/);
  });

  test('a session just under the idle timeout goes on, and is touched', async () => {
    const c = await login(srv);
    clock.advance(540);
    assert.match((await c.get('/aide')).text, /Claire Dubois/);
    // 1,080 s after the login, 540 after the last request: still on only if that request
    // moved the session's last use.
    clock.advance(540);
    assert.match((await c.get('/aide')).text, /Claire Dubois/);
  });

  test('an active session older than session_absolute is over', async () => {
    const c = await login(srv);
    for (let i = 0; i < 7; i++) {
      clock.advance(500);
      assert.match((await c.get('/aide')).text, /Claire Dubois/, `${(i + 1) * 500} s after the login`);
    }
    clock.advance(500);
    assert.doesNotMatch((await c.get('/aide')).text, /Claire Dubois/);
  });

  test('a forged or malformed session cookie is ignored', async () => {
    const c = new Client(srv.url);
    c.cookies.set('portier_sid', 'A'.repeat(43));
    assert.doesNotMatch((await c.get('/aide')).text, /Se déconnecter/);
    c.cookies.set('portier_sid', "x'; DROP TABLE session;--");
    assert.equal((await c.get('/aide')).status, 200);
    // The sessions are still kept: a login holds.
    await login(srv);
  });
});
