// db_mode.test.js — the database holds password hashes, TOTP secrets, NISS and the audit
// trail: `portier serve` creates it with its -wal and -shm for its own user only (0600),
// whatever the umask it was started with, and says at start when an existing file lets
// others read or change it (the server still starts: the operator decides). A SQLite
// file's property: with PORTIER_TEST_DB=pg the first test is skipped (the server has no
// file of its own there), the second still runs on a file of its own.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { TEST_PG, run, start, tempDir } from '../lib/server.js';

const modeOf = (p) => (statSync(p).mode & 0o777).toString(8).padStart(4, '0');
const WARNING = /has mode \d{4}: others may read or change the database/;

describe('database file modes', () => {
  it('serve: a new database, its -wal and -shm are 0600, without a warning', {
    skip: TEST_PG && 'a PostgreSQL database is no file of the server: the cluster owns its files',
  }, async () => {
    const old = process.umask(0o022);   // what the server's umask would give: 0644
    let srv;
    try {
      srv = await start();
    } finally {
      process.umask(old);
    }
    try {
      for (const p of [srv.db, `${srv.db}-wal`, `${srv.db}-shm`]) {
        assert.ok(existsSync(p), `${p} does not exist while the server runs`);
        assert.equal(modeOf(p), '0600', `mode of ${p}`);
      }
      assert.doesNotMatch(srv.logs(), WARNING);
    } finally {
      await srv.stop();
    }
  });

  it('migrate creates 0600; serve warns once the file is 0644 or 0640, not when 0600', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'kept.db');
    try {
      const m = await run(['migrate', '--db', db], { cwd: dir });
      assert.equal(m.code, 0, m.stderr);
      assert.equal(modeOf(db), '0600');

      for (const [mode, warned] of [[0o644, true], [0o640, true], [0o600, false]]) {
        chmodSync(db, mode);
        const srv = await start({ db });
        try {
          const logs = srv.logs();
          const shown = mode.toString(8).padStart(4, '0');
          if (warned) {
            assert.match(logs, WARNING, `no warning for mode ${shown}`);
            assert.ok(logs.includes(`${db} has mode ${shown}`),
              `the warning does not name ${db} and its mode ${shown}:\n${logs}`);
          } else {
            assert.doesNotMatch(logs, WARNING);
          }
          // Only said: the mode is the operator's to change.
          assert.equal(modeOf(db), shown);
        } finally {
          await srv.stop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
