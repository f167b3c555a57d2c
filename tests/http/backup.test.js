// backup.test.js — `portier backup --to FILE` on SQLite (issue 18 part 6): a copy taken
// while a load of logins writes, checked by the command (integrity, audit chain), then
// restored: `portier audit verify` passes on it and a server started on it logs Jan in.
// Refusals: an existing FILE (left as it was), no --to, a missing database, PostgreSQL
// (pointing to pg_dump; pg_backup.test.js does that procedure).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { TEST_PG, run, tempDir } from '../lib/server.js';
import * as world from './oidc_lib.js';
import { CHEAP, servesLogin, writeLoad } from './backup_lib.js';

const sha = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');

describe('portier backup on SQLite', { skip: TEST_PG ? 'SQLite only' : false }, () => {
  it('a copy taken under a load of writes is checked, restores, verifies and serves a login', async () => {
    const dir = tempDir();
    const copy = path.join(dir, 'copy.db');
    const srv = await world.startWorld({ args: CHEAP });
    let load;
    try {
      // Ballast, so that the copy takes many steps while the logins write: ~20 MiB.
      execFileSync('sqlite3', [srv.db, `CREATE TABLE test_ballast(b BLOB);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
        INSERT INTO test_ballast SELECT randomblob(4000) FROM n;`]);
      load = writeLoad(srv);
      await load.done(4);
      const okBefore = load.counts.ok;
      const b = await run(['backup', '--to', copy, '--db', srv.db]);
      assert.equal(b.code, 0, b.stdout + b.stderr);
      const cp = /^copied .* to .*copy\.db: (\d+) pages in (\d+) steps, integrity check ok$/m.exec(b.stdout);
      assert.ok(cp, b.stdout);
      const [pages, steps] = [Number(cp[1]), Number(cp[2])];
      assert.ok(pages > 5000, b.stdout);
      // One snapshot: the logins' writes meanwhile never made the copy start again.
      assert.equal(steps, Math.ceil(pages / 256), b.stdout);
      assert.ok(load.counts.ok > okBefore, 'logins were acknowledged while the copy ran');
      const m = /^audit chain intact: (\d+) events$/m.exec(b.stdout);
      assert.ok(m && Number(m[1]) > 0, b.stdout);
      await load.done(load.counts.ok + 4);   // writes go on after the copy
      const counts = await load.stop();
      load = null;
      assert.ok(counts.ok >= 8 && counts.refused > 0, JSON.stringify(counts));
      // Nothing beside the copy: no temporary file, no -wal or -shm.
      assert.deepEqual(readdirSync(dir), ['copy.db']);
      // One self-contained file: the header's write and read versions say rollback journal
      // (1), not WAL (2), although the command reopened the copy for its audit check.
      const head = readFileSync(copy).subarray(18, 20);
      assert.deepEqual([...head], [1, 1], 'the copy is left in rollback-journal mode');

      // A second backup to the same file is refused and leaves it as it was.
      const before = sha(copy);
      const again = await run(['backup', '--to', copy, '--db', srv.db]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /exists already \(a backup never overwrites a file\)/);
      assert.equal(sha(copy), before);
      assert.deepEqual(readdirSync(dir), ['copy.db']);

      // The live database has more events than the copy's snapshot.
      const live = await run(['audit', 'verify', '--db', srv.db]);
      assert.equal(live.code, 0, live.stdout + live.stderr);
      assert.ok(Number(/(\d+) events/.exec(live.stdout)[1]) > Number(m[1]));
    } finally {
      if (load) await load.stop();
      await srv.stop();
    }
    // Restored (the copy, moved where a node's database lives): verified, and it serves.
    const restored = path.join(dir, 'portier.db');
    writeFileSync(restored, readFileSync(copy), { mode: 0o600 });
    const v = await run(['audit', 'verify', '--db', restored]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /audit chain intact/);
    await servesLogin(restored);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses without --to, a database that is not there, and PostgreSQL (pointing to pg_dump)', async () => {
    const dir = tempDir();
    try {
      const none = await run(['backup', '--db', path.join(dir, 'x.db')]);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /usage: portier backup --to FILE/);
      const missing = await run(['backup', '--to', path.join(dir, 'c.db'), '--db', path.join(dir, 'x.db')]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /x\.db/);
      assert.equal(existsSync(path.join(dir, 'x.db')), false, 'the missing database is not created');
      assert.deepEqual(readdirSync(dir), []);
      const pg = await run(['backup', '--to', path.join(dir, 'c.db'), '--db', 'host=/nonexistent dbname=portier']);
      assert.equal(pg.code, 2);
      assert.match(pg.stderr, /pg_dump -Fc/);
      assert.match(pg.stderr, /docs\/deploy\.md/);
      assert.doesNotMatch(pg.stderr, /nonexistent/, 'the connection string is not printed');
      assert.deepEqual(readdirSync(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
