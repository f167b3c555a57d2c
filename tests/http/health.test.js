// health.test.js — the probes (issue 18 part 8) on SQLite: /healthz says the process
// answers and nothing more; /readyz checks the database, its schema version against the
// newest migration this binary knows, and the signing keys: 200 naming each check, 503
// naming the failing one. The PostgreSQL side (a cluster stopped under a running node) is
// pg_health.test.js.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SHARE_DIR, TEST_PG, start } from '../lib/server.js';

const NUMBERS = readdirSync(path.join(SHARE_DIR, 'migrations'))
  .filter((f) => /^\d+_.*\.sql$/.test(f)).map((f) => parseInt(f, 10)).sort((a, b) => a - b);
const NEWEST = NUMBERS.at(-1);
const PREVIOUS = NUMBERS.at(-2); // numbers may have gaps: the one before the newest

const sqlite = (db, sql) => execFileSync('sqlite3', [db, sql], { encoding: 'utf8' }).trim();

describe('/healthz and /readyz on SQLite', { skip: TEST_PG ? 'SQLite only' : false }, () => {
  let srv;
  before(async () => { srv = await start(); });
  after(() => srv?.stop());

  it('a ready node: /readyz 200 naming each check, /healthz 200', async () => {
    const r = await fetch(`${srv.url}/readyz`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(await r.json(), {
      status: 'ready',
      checks: { database: 'ok', schema: 'ok', keys: 'ok' },
      schema_version: NEWEST,
      binary_schema_version: NEWEST,
    });
    const h = await fetch(`${srv.url}/healthz`);
    assert.equal(h.status, 200);
    assert.equal(await h.text(), 'ok\n');
  });

  it('a database behind on migrations: /readyz 503 naming the schema, /healthz 200', async () => {
    const row = sqlite(srv.db, `SELECT name FROM schema_migration WHERE version = ${NEWEST};`);
    assert.ok(row.length > 0, `migration ${NEWEST} recorded`);
    sqlite(srv.db, `DELETE FROM schema_migration WHERE version = ${NEWEST};`);
    try {
      const r = await fetch(`${srv.url}/readyz`);
      assert.equal(r.status, 503);
      const body = await r.json();
      assert.equal(body.status, 'unavailable');
      assert.equal(body.failed, 'schema');
      assert.equal(body.checks.database, 'ok');
      assert.equal(body.checks.schema, `behind: ${PREVIOUS} of ${NEWEST}`);
      assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
      assert.equal(body.schema_version, PREVIOUS);
      // Ahead is ready: in a rolling upgrade the new release migrates first and the old
      // nodes serve on (expand-only migrations, docs/deploy.md).
      sqlite(srv.db, `INSERT INTO schema_migration VALUES (${NEWEST + 1}, 'future.sql', 'now'), (${NEWEST}, '${row}', 'now');`);
      const a = await fetch(`${srv.url}/readyz`);
      const ab = await a.json();
      assert.equal(a.status, 200, JSON.stringify(ab));
      assert.deepEqual([ab.checks.schema, ab.schema_version, ab.binary_schema_version], ['ok', NEWEST + 1, NEWEST]);
    } finally {
      sqlite(srv.db, `DELETE FROM schema_migration WHERE version = ${NEWEST + 1};
        INSERT OR IGNORE INTO schema_migration VALUES (${NEWEST}, '${row}', 'now');`);
    }
    assert.equal((await fetch(`${srv.url}/readyz`)).status, 200, 'ready again once current');
  });

  it('a database that cannot be read: /readyz 503 naming the database, /healthz still 200', async () => {
    // The table every check reads first is gone (a damaged or foreign file).
    sqlite(srv.db, 'ALTER TABLE schema_migration RENAME TO schema_migration_away;');
    try {
      const r = await fetch(`${srv.url}/readyz`);
      assert.equal(r.status, 503);
      const body = await r.json();
      assert.equal(body.failed, 'database');
      assert.deepEqual(body.checks, { database: 'failed', schema: 'not checked', keys: 'not checked' });
      assert.equal(body.schema_version, -1);
      const h = await fetch(`${srv.url}/healthz`);
      assert.equal(h.status, 200);
      assert.equal(await h.text(), 'ok\n');
    } finally {
      sqlite(srv.db, 'ALTER TABLE schema_migration_away RENAME TO schema_migration;');
    }
    assert.equal((await fetch(`${srv.url}/readyz`)).status, 200);
  });

});

describe('/readyz when the signing keys cannot be loaded', { skip: TEST_PG ? 'SQLite only' : false }, () => {
  let srv;
  before(async () => { srv = await start(); });
  after(() => srv?.stop());

  it('503 naming the keys; 200 once they load', async () => {
    // The keys load at their first use: before any request, their table goes away.
    sqlite(srv.db, 'ALTER TABLE oidc_key RENAME TO oidc_key_away;');
    let r;
    try {
      r = await fetch(`${srv.url}/readyz`);
      assert.equal(r.status, 503);
      const body = await r.json();
      assert.equal(body.failed, 'keys', JSON.stringify(body));
      assert.deepEqual(body.checks, { database: 'ok', schema: 'ok', keys: 'failed' });
    } finally {
      sqlite(srv.db, 'ALTER TABLE oidc_key_away RENAME TO oidc_key;');
    }
    r = await fetch(`${srv.url}/readyz`);
    assert.equal(r.status, 200, await r.text());
  });
});
