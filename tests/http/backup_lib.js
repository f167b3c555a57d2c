// backup_lib.js — what the backup tests share (backup.test.js on SQLite, pg_backup.test.js
// on PostgreSQL): a load of writes (password logins, each a session and audit events, and
// failed ones, each an audit event and a throttle row) from several clients until stopped,
// and the check that a restored copy serves: a server started on it logs Jan in.
import assert from 'node:assert/strict';

import { Client, start } from '../lib/server.js';
import * as world from './oidc_lib.js';

/** Cheap password hashes: the load is about writes, not Argon2. */
export const CHEAP = ['--password-ops', '1', '--password-mem-kib', '8'];

/** Starts `workers` clients logging in and failing to, in a loop, on srv. Returns
 * { stop() → resolves { ok, refused } (acknowledged logins, refused ones), done(n) →
 * resolves once n logins were acknowledged }. */
export function writeLoad(srv, workers = 4) {
  let running = true;
  const counts = { ok: 0, refused: 0 };
  const loop = async (w) => {
    while (running) {
      const c = new Client(srv.url);
      if (w % 2 === 0) {
        await world.login(c, world.PEOPLE.jan.user, '/');
        counts.ok += 1;
      } else {
        const page = await c.get('/login');
        const res = await c.fetch('/login/password', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            _csrf: world.csrfOf(page.text), username: 'nobody.here', password: 'wrong', next: '/',
          }).toString(),
        });
        await res.text();
        counts.refused += 1;
      }
    }
  };
  const all = Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  return {
    counts,
    done: async (n) => { while (counts.ok < n) await new Promise((r) => setTimeout(r, 50)); },
    stop: async () => { running = false; await all; return counts; },
  };
}

/** Starts portier on the restored database db and logs Jan in there with his password:
 * his session opens a page only a logged-in person sees. */
export async function servesLogin(db) {
  const srv = await start({ db, args: CHEAP });
  try {
    const c = new Client(srv.url);
    await world.login(c, world.PEOPLE.jan.user, '/');
    const anon = await new Client(srv.url).get('/capacite');
    const me = await c.get('/capacite');
    assert.equal(me.status, 200, 'Jan logged in on the restored database');
    assert.notEqual(anon.status, 200, 'without a session the page is refused');
  } finally {
    await srv.stop();
  }
}
