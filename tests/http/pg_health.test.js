// pg_health.test.js — the probes (issue 18 part 8) on PostgreSQL: a node on a cluster of
// its own (tests/lib/pg.sh), the cluster stopped under the running node: /readyz 503
// naming the database, /healthz still 200 (a liveness probe must not restart a node for
// its database); started again: /readyz 200. A database behind on migrations: 503 naming
// the schema. Skipped without PostgreSQL's programs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { pgAvailable, psql } from '../lib/pg.js';
import { SHARE_DIR, start, waitFor } from '../lib/server.js';

const PG_SH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'pg.sh');
const pgsh = (...args) => execFileSync('sh', [PG_SH, ...args], { encoding: 'utf8' }).trim();
const NUMBERS = [...readdirSync(path.join(SHARE_DIR, 'migrations', 'pg'))
  .filter((f) => /^\d+_.*\.sql$/.test(f)).map((f) => parseInt(f, 10))].sort((a, b) => a - b);
const NEWEST = NUMBERS.at(-1);
const PREVIOUS = NUMBERS.at(-2); // numbers may have gaps: the one before the newest

async function ready(srv) {
  const r = await fetch(`${srv.url}/readyz`);
  return { status: r.status, body: await r.json() };
}

describe('/healthz and /readyz on PostgreSQL', { skip: pgAvailable() ? false : 'PostgreSQL absent' }, () => {
  let dir;
  let conn;
  let srv;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'portier-pg-'));
    conn = pgsh('start', dir);
    srv = await start({ db: conn });
  });
  after(async () => {
    try { pgsh('resume', dir); } catch { /* already running */ }
    await srv?.stop();
    pgsh('stop', dir);
  });

  it('ready: 200 naming each check', async () => {
    assert.deepEqual(await ready(srv), {
      status: 200,
      body: {
        status: 'ready', checks: { database: 'ok', schema: 'ok', keys: 'ok' },
        schema_version: NEWEST, binary_schema_version: NEWEST,
      },
    });
  });

  it('behind on migrations: 503 naming the schema', async () => {
    // The record of the newest migration set aside (a negative number: the version is the
    // highest recorded), so that the one before it is the schema's version.
    assert.equal(psql(conn, `SELECT count(*) FROM schema_migration WHERE version = ${NEWEST};`), '1');
    psql(conn, `UPDATE schema_migration SET version = -${NEWEST} WHERE version = ${NEWEST};`);
    try {
      const r = await ready(srv);
      assert.equal(r.status, 503);
      assert.equal(r.body.failed, 'schema');
      assert.equal(r.body.checks.schema, `behind: ${PREVIOUS} of ${NEWEST}`);
      assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
    } finally {
      psql(conn, `UPDATE schema_migration SET version = ${NEWEST} WHERE version = -${NEWEST};`);
    }
    assert.equal((await ready(srv)).status, 200);
  });

  it('the cluster stopped under the running node: /readyz 503 naming the database, /healthz 200; back: 200', async () => {
    pgsh('halt', dir);
    const r = await ready(srv);
    assert.equal(r.status, 503);
    assert.equal(r.body.failed, 'database');
    assert.equal(r.body.checks.database, 'failed');
    const h = await fetch(`${srv.url}/healthz`);
    assert.equal(h.status, 200);
    assert.equal(await h.text(), 'ok\n');
    pgsh('resume', dir);
    // The pool reconnects on the next use.
    await waitFor(async () => (await ready(srv)).status === 200, { what: '/readyz 200 after the restart' });
  });
});
