// pg_backup.test.js — the PostgreSQL backup procedure of docs/deploy.md (issue 18 part 6),
// command for command: pg_dump -Fc of the live database while a load of logins writes,
// pg_restore into a fresh database, `portier audit verify --db` on it, and a server
// started on the restored database logs Jan in. `portier backup` on PostgreSQL refuses,
// pointing to this procedure. Skipped without PostgreSQL's programs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { pgAvailable, pgCluster, psql } from '../lib/pg.js';
import { run, tempDir } from '../lib/server.js';
import * as world from './oidc_lib.js';
import { CHEAP, servesLogin, writeLoad } from './backup_lib.js';

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const skip = pgAvailable() && existsSync(path.join(PG_BIN, 'pg_dump')) ? false : 'PostgreSQL absent';

const eventsOf = (stdout) => Number(/audit chain intact: (\d+) events/.exec(stdout)?.[1]);

describe('PostgreSQL: pg_dump -Fc, pg_restore into a fresh database, audit verify', { skip }, () => {
  it('a dump taken under a load of writes restores, verifies and serves a login', async () => {
    const base = pgCluster();
    const live = base.replace(/dbname=\S+/, `dbname=bk_live_${process.pid}`);
    const fresh = base.replace(/dbname=\S+/, `dbname=bk_restored_${process.pid}`);
    psql(base, `CREATE DATABASE bk_live_${process.pid};`);
    const dir = tempDir();
    const dump = path.join(dir, 'portier.pgdump');
    const srv = await world.startWorld({ db: live, args: CHEAP });
    let load;
    try {
      load = writeLoad(srv);
      await load.done(4);
      const refused = await run(['backup', '--to', path.join(dir, 'x.db'), '--db', live]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /pg_dump -Fc/);
      assert.doesNotMatch(refused.stderr, /dbname=/, 'the connection string is not printed');
      // The procedure: a custom-format dump of the running database (one snapshot).
      execFileSync(path.join(PG_BIN, 'pg_dump'), ['-Fc', '-f', dump, '-d', live]);
      await load.done(load.counts.ok + 4);
      const counts = await load.stop();
      load = null;
      assert.ok(counts.ok >= 8, JSON.stringify(counts));
    } finally {
      if (load) await load.stop();
      await srv.stop();
    }
    try {
      // Into a fresh database, then the chain verified on it.
      psql(base, `CREATE DATABASE bk_restored_${process.pid};`);
      execFileSync(path.join(PG_BIN, 'pg_restore'), ['--no-owner', '--exit-on-error', '-d', fresh, dump]);
      const v = await run(['audit', 'verify', '--db', fresh]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      const restored = eventsOf(v.stdout);
      const l = await run(['audit', 'verify', '--db', live]);
      assert.equal(l.code, 0, l.stdout + l.stderr);
      assert.ok(restored > 0 && restored < eventsOf(l.stdout),
        `the dump's snapshot (${restored} events) before the writes that followed (${eventsOf(l.stdout)})`);
      await servesLogin(fresh);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
