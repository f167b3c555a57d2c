// cli.test.js — the portier command line: version, --help of every command, migrate,
// audit verify, exit codes, and where settings come from (file < environment < flags).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { freePort, run, SHARE_DIR, start, tempDir } from '../lib/server.js';

/** The highest migration number in <share>/migrations (NNN_name.sql). */
function latestMigration() {
  const nums = readdirSync(path.join(SHARE_DIR, 'migrations'))
    .map((f) => /^(\d+)_.*\.sql$/.exec(f))
    .filter(Boolean)
    .map((m) => Number(m[1]));
  assert.ok(nums.length > 0, 'no migrations found');
  return Math.max(...nums);
}

/** True when something answers HTTP on 127.0.0.1:port. */
async function answers(port) {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(30000) });
    return r.status === 200;
  } catch {
    return false;
  }
}

describe('command line', () => {
  let dir;

  before(() => { dir = tempDir(); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('portier version prints the version and libraries', async () => {
    const r = await run(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^portier \d+\.\d+\.\d+\S*\n/);
    assert.match(r.stdout, /libmicrohttpd [\d.]+, SQLite [\d.]+, libsodium [\d.]+/);
    const r2 = await run(['--version']);
    assert.equal(r2.code, 0);
    assert.equal(r2.stdout, r.stdout);
  });

  for (const cmd of [['serve'], ['demo'], ['migrate'], ['audit'], ['version']]) {
    it(`portier ${cmd.join(' ')} --help exits 0 with "usage:"`, async () => {
      const r = await run([...cmd, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^usage: portier ${cmd[0]}\\b`));
    });
  }

  it('portier --help lists the commands', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: portier COMMAND/);
    for (const c of ['serve', 'demo', 'migrate', 'audit', 'version']) {
      assert.match(r.stdout, new RegExp(`^  ${c} `, 'm'));
    }
  });

  it('portier with no command exits 2 with the usage on stderr', async () => {
    const r = await run([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /usage: portier COMMAND/);
  });

  it('an unknown command exits 2 and names it', async () => {
    const r = await run(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.equal(r.stdout, '');
  });

  it('portier migrate prints the schema version, twice the same', async () => {
    const db = path.join(dir, 'migrate.db');
    const want = `database ${db} at schema version ${latestMigration()}\n`;
    const a = await run(['migrate', '--db', db]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, want);
    const b = await run(['migrate', '--db', db]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, want);
    assert.ok(!/applied/.test(b.stderr), `second migrate applied something: ${b.stderr}`);
  });

  it('portier audit verify on the database of a fresh server: exit 0, intact', async () => {
    const srv = await start();
    try {
      const h = await fetch(`${srv.url}/healthz`);
      assert.equal(h.status, 200);
    } finally {
      await srv.stop({ keepDir: true });
    }
    try {
      const r = await run(['audit', 'verify', '--db', srv.db]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'audit chain intact: 0 events\n');
    } finally {
      rmSync(srv.dir, { recursive: true, force: true });
    }
  });

  it('portier audit without "verify" exits 2 with its usage', async () => {
    const r = await run(['audit', '--db', path.join(dir, 'migrate.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^usage: portier audit verify/);
  });

  it('portier audit list prints the events as JSON lines, filtered by --action', async () => {
    const db = path.join(dir, 'auditlist.db');
    const q = ['--name-fr', 'a', '--name-nl', 'b', '--name-de', 'c', '--name-en', 'd', '--db', db];
    assert.equal((await run(['catalogue', 'add-quality', '--code', 'QLIST', '--domain', 'health', ...q])).code, 0);
    const all = await run(['audit', 'list', '--db', db]);
    assert.equal(all.code, 0, all.stderr);
    const events = all.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => [e.seq, e.action, e.object]), [[1, 'catalogue.quality.add', 'quality:QLIST']]);
    assert.deepEqual(events[0].details, {});
    assert.equal(events[0].source, null);
    const some = await run(['audit', 'list', '--action', 'catalogue.*', '--db', db]);
    assert.equal(some.stdout, all.stdout);
    const none = await run(['audit', 'list', '--action', 'catalogue.quality', '--action', 'login.*', '--db', db]);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');
    const bad = await run(['audit', 'verify', '--action', 'x', '--db', db]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^usage: portier audit verify/);
    const missing = await run(['audit', 'list', '--db', path.join(dir, 'no-such.db')]);
    assert.equal(missing.code, 2);
    assert.ok(!existsSync(path.join(dir, 'no-such.db')), 'audit list created the database');
  });

  it('portier mail list reads the outbox without creating a database, and refuses bad usage', async () => {
    const db = path.join(dir, 'auditlist.db');
    const empty = await run(['mail', 'list', '--db', db]);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, '');
    for (const args of [['mail'], ['mail', 'send'], ['mail', 'list', '--kind=']]) {
      const r = await run([...args, '--db', db]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /usage: portier mail list/);
    }
    const missing = await run(['mail', 'list', '--db', path.join(dir, 'no-mail.db')]);
    assert.equal(missing.code, 2);
    assert.ok(!existsSync(path.join(dir, 'no-mail.db')), 'mail list created the database');
  });

  it('serve --listen nonsense exits non-zero and says why', async () => {
    const r = await run(['serve', '--listen', 'nonsense', '--db', path.join(dir, 'nonsense.db')]);
    assert.notEqual(r.code, 0);
    assert.equal(r.signal, null);
    assert.match(r.stderr, /listen address 'nonsense' is not ADDR:PORT/);
    assert.ok(!/listening on/.test(r.stderr));
  });

  it('serve --threads 0 exits 2 naming the setting and its range', async () => {
    const r = await run(['serve', '--threads', '0', '--db', path.join(dir, 'threads.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /threads: expected a number from 1 to 256/);
  });

  it('serve --no-such-option exits 2 naming it', async () => {
    const r = await run(['serve', '--no-such-option', 'x', '--db', path.join(dir, 'opt.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no_such_option/);
  });

  it('a config file with an unknown key: exit 2 and file:line in the message', async () => {
    const file = path.join(dir, 'bad.conf');
    writeFileSync(file, '# portier settings\nlisten = 127.0.0.1:1\n\nbogus_key = 1\n');
    const r = await run(['serve', '--config', file, '--db', path.join(dir, 'bad.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: unknown setting 'bogus_key'`));
    assert.ok(!existsSync(path.join(dir, 'bad.db')), 'the database was opened despite the bad config');
  });

  it('a config file line without "=": exit 2 and file:line', async () => {
    const file = path.join(dir, 'noeq.conf');
    writeFileSync(file, 'listen 127.0.0.1:1\n');
    const r = await run(['serve', '--config', file, '--db', path.join(dir, 'noeq.db')]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`${file}:1: expected key = value`), r.stderr);
  });

  it('a config file line longer than the reader takes: exit 2, never cut', async () => {
    // The reader takes 2047 bytes a line; what is beyond must not become a cut value
    // followed by a new "line" (here a comment, so that the cut value would pass).
    const file = path.join(dir, 'long.conf');
    const head = 'eid_crl = /tmp/';
    writeFileSync(file, head + 'a'.repeat(2047 - head.length) + '# tail\n');
    const r = await run(['serve', '--config', file, '--db', path.join(dir, 'long.db')]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`${file}:1: line too long`), r.stderr);
    assert.ok(!existsSync(path.join(dir, 'long.db')), 'the database was opened despite the bad config');
  });

  it('a missing config file: exit 2 and its name', async () => {
    const file = path.join(dir, 'missing.conf');
    const r = await run(['serve', '--config', file, '--db', path.join(dir, 'missing.db')]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(file), r.stderr);
  });

  describe('settings precedence: file < PORTIER_LISTEN < --listen', () => {
    /**
     * Chooses three free ports and writes a config file naming the first; starts with the
     * args, env and port `want` that setup({ p1, p2, p3, file }) gives, and checks that
     * exactly port `want` answers. The ports are chosen again when the one to bind was
     * taken between its choice and the server's start (another test, an outgoing
     * connection's ephemeral port).
     */
    async function check(setup) {
      for (let attempt = 1; ; attempt++) {
        const p1 = await freePort();
        let p2;
        let p3;
        do p2 = await freePort(); while (p2 === p1);
        do p3 = await freePort(); while (p3 === p1 || p3 === p2);
        const file = path.join(dir, 'listen.conf');
        writeFileSync(file, `# test\nlisten = 127.0.0.1:${p1}\nlog_level = info\n`);
        const { args, env, want } = setup({ p1, p2, p3, file });
        let srv;
        try {
          srv = await start({ listen: false, port: want, args, env });
        } catch (e) {
          if (attempt < 5 && /cannot listen/.test(e.message)) continue;
          throw e;
        }
        try {
          assert.match(srv.logs(), new RegExp(`listening on http://127\\.0\\.0\\.1:${want}\\b`));
          for (const p of [p1, p2, p3]) {
            assert.equal(await answers(p), p === want, `port ${p} ${p === want ? 'does not answer' : 'answers'}`);
          }
        } finally {
          await srv.stop();
        }
        return;
      }
    }

    it('the config file alone (--config)', () =>
      check(({ p1, file }) => ({ args: ['--config', file], env: {}, want: p1 })));
    it('the config file alone (PORTIER_CONFIG)', () =>
      check(({ p1, file }) => ({ args: [], env: { PORTIER_CONFIG: file }, want: p1 })));
    it('PORTIER_LISTEN overrides the file', () =>
      check(({ p2, file }) => ({ args: ['--config', file], env: { PORTIER_LISTEN: `127.0.0.1:${p2}` }, want: p2 })));
    it('--listen overrides PORTIER_LISTEN and the file', () =>
      check(({ p2, p3, file }) => ({
        args: ['--config', file, '--listen', `127.0.0.1:${p3}`], env: { PORTIER_LISTEN: `127.0.0.1:${p2}` }, want: p3,
      })));
    it('--listen=ADDR:PORT form works too', () =>
      check(({ p2, p3, file }) => ({
        args: [`--listen=127.0.0.1:${p3}`, '--config', file], env: { PORTIER_LISTEN: `127.0.0.1:${p2}` }, want: p3,
      })));
  });
});
