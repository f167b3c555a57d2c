// audit_checkpoint.test.js — signed checkpoints of the audit chain (docs/audit.md): events
// made through a running server (logins), then the database rewritten from outside as whoever
// holds it could (one event changed, every later hash and the head recomputed): the plain
// chain check says intact, the check against the signed checkpoints names the rewrite. Also a
// forged checkpoint (another key), events cut off the end, checkpoints deleted from the
// database, and a server without a key. SQLite, or PostgreSQL with PORTIER_TEST_DB=pg.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import { pgAvailable, pgDatabase, psql } from '../lib/pg.js';
import { Client, TEST_PG, run, start, tempDir } from '../lib/server.js';

const PASSWORD = 'Demo-portier-2026';

async function tryLogin(c, username, password) {
  const page = await c.get('/login');
  const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)?.[1];
  assert.ok(csrf, 'the login form carries a CSRF token');
  const body = new URLSearchParams({ _csrf: csrf, username, password, next: '/aide' });
  return c.get('/login/password', {
    method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

// ---- what an attacker holding the database can do (not something the product does) ----

function sqlite(db, script) {
  return execFileSync('sqlite3', ['-cmd', '.timeout 30000', db], {
    input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

function runSql(db, script) {
  return TEST_PG ? psql(db, script) : sqlite(db, script);
}

const COLS = 'seq, at, actor, actor_role, org, object, action, details, source, request_id, prev_hash, hash';

function rows(db) {
  if (TEST_PG) {
    const out = psql(db, `SELECT coalesce(json_agg(row_to_json(e) ORDER BY seq), '[]') FROM (SELECT ${COLS} FROM audit_event) e;`);
    return JSON.parse(out);
  }
  const out = sqlite(db, `.mode json\nSELECT ${COLS} FROM audit_event ORDER BY seq;`);
  return out === '' ? [] : JSON.parse(out);
}

const q = (v) => (v === null ? 'NULL' : `'${String(v).replaceAll("'", "''")}'`);

/** The chain's hash of one event, as src/audit/audit.c computes it. */
function eventHash(prev, e) {
  const h = createHash('sha256');
  for (const v of [prev, String(e.seq), e.at, e.actor, e.actor_role, e.org, e.object, e.action,
    e.details, e.source, e.request_id]) {
    if (v === null) h.update('-:');
    else h.update(`${Buffer.byteLength(v)}:`).update(v);
  }
  return h.digest('hex');
}

const unguard = () => (TEST_PG
  ? 'ALTER TABLE audit_event DISABLE TRIGGER USER; ALTER TABLE audit_checkpoint DISABLE TRIGGER USER;\n'
  : 'DROP TRIGGER IF EXISTS audit_event_no_update; DROP TRIGGER IF EXISTS audit_event_no_delete;\n'
    + 'DROP TRIGGER IF EXISTS audit_checkpoint_no_delete;\n');

/** Changes event `target`'s source (or cuts the chain after `keep` events), then recomputes
 * every later hash and the recorded head: the chain is consistent again. */
function rewrite(db, { target, source, keep, dropCheckpoints = false }) {
  const all = rows(db);
  let script = unguard();
  let events = all;
  if (keep !== undefined) {
    script += `DELETE FROM audit_event WHERE seq > ${keep};\n`;
    events = all.filter((e) => e.seq <= keep);
  }
  let prev = '0'.repeat(64);
  for (const e of events) {
    if (e.seq === target) {
      e.source = source;
      script += `UPDATE audit_event SET source = ${q(source)} WHERE seq = ${e.seq};\n`;
    }
    const h = eventHash(prev, e);
    if (h !== e.hash || prev !== e.prev_hash) {
      script += `UPDATE audit_event SET prev_hash = ${q(prev)}, hash = ${q(h)} WHERE seq = ${e.seq};\n`;
    }
    prev = h;
  }
  const last = events[events.length - 1];
  script += `UPDATE setting SET value = ${q(`${last.seq}:${prev}`)} WHERE name = 'audit.head';\n`;
  if (dropCheckpoints) script += 'DELETE FROM audit_checkpoint;\n';
  runSql(db, script);
}

// ---- helpers ----

function checkpointsOf(file) {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
    const [tag, seq, hash, at, sig] = l.split(' ');
    return { tag, seq: Number(seq), hash, at: Number(at), sig };
  });
}

async function keygen(dir, name) {
  const key = path.join(dir, `${name}.key`);
  const pub = path.join(dir, `${name}.pub`);
  const r = await run(['audit', 'keygen', '--out', key, '--public', pub]);
  assert.equal(r.code, 0, r.stderr);
  return { key, pub, stdout: r.stdout };
}

/** A server with checkpoints every event, some logins, stopped (its last checkpoint made at
 * the stop): the database, the key and the checkpoint file. */
async function trailWithCheckpoints() {
  const dir = tempDir();
  const k = await keygen(dir, 'audit');
  const file = path.join(dir, 'checkpoints.log');
  const srv = await start({
    args: ['--demo', '--audit-checkpoint-key', k.key, '--audit-checkpoint-file', file,
      '--audit-checkpoint-every', '1'],
  });
  await tryLogin(new Client(srv.url), 'claire.dubois', 'wrong-password-1');
  await tryLogin(new Client(srv.url), 'claire.dubois', PASSWORD);
  await tryLogin(new Client(srv.url), 'lukas.schmitz', 'wrong-password-2');
  await tryLogin(new Client(srv.url), 'claire.dubois', PASSWORD);
  await srv.stop({ keepDir: true });
  return { srv, db: srv.db, dir, file, ...k };
}

const verify = (db, ...more) => run(['audit', 'verify', '--db', db, ...more]);

describe('signed checkpoints of the audit chain', () => {
  test('keygen: a 0600 key, never over an existing file; a public half to give away', async () => {
    const dir = tempDir();
    const k = await keygen(dir, 'k');
    assert.equal(statSync(k.key).mode & 0o777, 0o600);
    assert.match(readFileSync(k.pub, 'utf8'), /^portier-audit-pub-v1 [0-9a-f]{64}\n$/);
    assert.ok(k.stdout.includes(readFileSync(k.pub, 'utf8')));
    const before = readFileSync(k.key, 'utf8');
    const again = await run(['audit', 'keygen', '--out', k.key]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /File exists/);
    assert.equal(readFileSync(k.key, 'utf8'), before);
    const noOut = await run(['audit', 'keygen']);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /^usage: portier audit verify/);
  });

  test('a rewrite of one event with every later hash and the head: intact without checkpoints, REWRITTEN with them', async () => {
    const t = await trailWithCheckpoints();
    const events = rows(t.db);
    const n = events.length;
    assert.ok(n >= 6, `events: ${n}`);
    const cps = checkpointsOf(t.file);
    assert.ok(cps.length >= 1);
    assert.equal(cps[cps.length - 1].seq, n, 'the stop checkpointed the last event');
    // Before the rewrite: intact, and the checkpoints agree (file and database).
    const ok = await verify(t.db, '--public-key', t.pub, '--checkpoints', t.file);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^audit chain intact: \d+ events$/m);
    assert.match(ok.stdout, new RegExp(`checkpoints: \\d+ signed checkpoint\\(s\\) agree, the latest at event ${n}`));

    const target = n - 2;
    rewrite(t.db, { target, source: '10.6.6.6' });
    assert.equal(rows(t.db).find((e) => e.seq === target).source, '10.6.6.6');
    // What verify said before checkpoints (and says without a key): intact.
    const plain = await verify(t.db);
    assert.equal(plain.code, 0, plain.stdout);
    assert.match(plain.stdout, /audit chain intact/);
    assert.match(plain.stderr, /notice: no checkpoint key/);
    // With the key and the external file: rewritten, the event after the last good checkpoint named.
    const lastGood = Math.max(0, ...cps.filter((c) => c.seq < target).map((c) => c.seq));
    const bad = await verify(t.db, '--public-key', t.pub, '--checkpoints', t.file);
    assert.equal(bad.code, 3, bad.stdout + bad.stderr);
    assert.match(bad.stdout, new RegExp(`REWRITTEN: the first event after the last good checkpoint is ${lastGood + 1}: `));
    // The database's own checkpoints (the attacker left them) show it too.
    const dbOnly = await verify(t.db, '--public-key', t.pub);
    assert.equal(dbOnly.code, 3, dbOnly.stdout);
    // The key from the settings (the secret file) verifies as well.
    const bySetting = await run(['audit', 'verify', '--db', t.db, '--audit-checkpoint-key', t.key,
      '--audit-checkpoint-file', t.file]);
    assert.equal(bySetting.code, 3, bySetting.stdout + bySetting.stderr);

    // The attacker deletes the database's checkpoints too: only the external file shows it.
    rewrite(t.db, { target, source: '10.6.6.6', dropCheckpoints: true });
    const gone = await verify(t.db, '--public-key', t.pub);
    assert.equal(gone.code, 0, gone.stdout);
    assert.match(gone.stdout, /notice: no signed checkpoint covers this chain yet/);
    const file = await verify(t.db, '--public-key', t.pub, '--checkpoints', t.file);
    assert.equal(file.code, 3, file.stdout);
    assert.match(file.stdout, new RegExp(`the first event after the last good checkpoint is ${lastGood + 1}: `));
    assert.match(file.stdout, new RegExp(`WARNING: the database's latest checkpoint \\(event 0\\) is older than the checkpoint file's \\(event ${n}\\)`));

    // The attacker signs the rewritten head with a key of their own: refused.
    const evil = await keygen(t.dir, 'evil');
    const forgedFile = path.join(t.dir, 'forged.log');
    const signed = await run(['audit', 'checkpoint', '--db', t.db, '--audit-checkpoint-key', evil.key,
      '--audit-checkpoint-file', forgedFile]);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, new RegExp(`^checkpoint at event ${n} `));
    const forged = await verify(t.db, '--public-key', t.pub, '--checkpoints', forgedFile);
    assert.equal(forged.code, 4, forged.stdout + forged.stderr);
    assert.match(forged.stdout, new RegExp(`checkpoint REFUSED: the one at event ${n} in ${forgedFile.replaceAll('/', '\\/')} is not signed by the checkpoint key`));
    assert.match(forged.stdout, new RegExp(`checkpoint REFUSED: the one at event ${n} in the database`));
    // Refused or not, the genuine file still names the rewrite.
    const both = await verify(t.db, '--public-key', t.pub, '--checkpoints', forgedFile, '--checkpoints', t.file);
    assert.equal(both.code, 3, both.stdout);
  });

  test('a genuine line edited by hand is refused; a line that is not a checkpoint is an error', async () => {
    const t = await trailWithCheckpoints();
    const lines = readFileSync(t.file, 'utf8').split('\n').filter((l) => l !== '');
    const [tag, seq, hash, at, sig] = lines[lines.length - 1].split(' ');
    const other = hash.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const edited = path.join(t.dir, 'edited.log');
    writeFileSync(edited, `${[tag, seq, other, at, sig].join(' ')}\n`);
    const r = await verify(t.db, '--public-key', t.pub, '--checkpoints', edited);
    assert.equal(r.code, 4, r.stdout);
    assert.match(r.stdout, new RegExp(`checkpoint REFUSED: the one at event ${seq} in `));
    appendFileSync(edited, 'cp1 12 not-a-hash\n');
    const junk = await verify(t.db, '--public-key', t.pub, '--checkpoints', edited);
    assert.equal(junk.code, 2);
    assert.match(junk.stderr, /edited\.log:2: not a checkpoint line/);
    const noKey = await verify(t.db, '--checkpoints', t.file);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--checkpoints needs the key that signed them/);
  });

  test('events cut off the end (the head rewritten to match) are found by the external file', async () => {
    const t = await trailWithCheckpoints();
    const n = rows(t.db).length;
    const cps = checkpointsOf(t.file);
    const keep = n - 2;
    rewrite(t.db, { keep });
    const plain = await verify(t.db);
    assert.equal(plain.code, 0, plain.stdout);
    assert.match(plain.stdout, new RegExp(`audit chain intact: ${keep} events`));
    const lastGood = Math.max(0, ...cps.filter((c) => c.seq <= keep).map((c) => c.seq));
    const cut = await verify(t.db, '--public-key', t.pub, '--checkpoints', t.file);
    assert.equal(cut.code, 3, cut.stdout);
    assert.match(cut.stdout, new RegExp(`the first event after the last good checkpoint is ${lastGood + 1}: the chain ends at event ${keep} but a signed checkpoint covers event ${n}`));
  });

  test('without a key: the server says so at start, makes none, and verify is as before plus a notice', async () => {
    const srv = await start({ args: ['--demo'] });
    await tryLogin(new Client(srv.url), 'claire.dubois', PASSWORD);
    await srv.waitForLog((l) => l.includes('audit checkpoints off (no audit_checkpoint_key)'), 'the notice');
    await srv.stop({ keepDir: true });
    assert.equal(runSql(srv.db, 'SELECT count(*) FROM audit_checkpoint;'), '0');
    const r = await verify(srv.db);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^audit chain intact: \d+ events\n$/);
    assert.match(r.stderr, /notice: no checkpoint key/);
    const cp = await run(['audit', 'checkpoint', '--db', srv.db]);
    assert.equal(cp.code, 2);
    assert.match(cp.stderr, /needs the audit_checkpoint_key setting/);
    const dir = tempDir();
    const k = await keygen(dir, 'k');
    const byPub = await run(['audit', 'checkpoint', '--db', srv.db, '--audit-checkpoint-key', k.pub]);
    assert.equal(byPub.code, 2);
    assert.match(byPub.stderr, /is a public key: it cannot sign/);
    const missing = await run(['audit', 'checkpoint', '--db', srv.db, '--audit-checkpoint-key', path.join(dir, 'none.key')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /none\.key: No such file or directory/);
  });

  test('a key others may read, or a public key, is refused at start', async () => {
    const dir = tempDir();
    const k = await keygen(dir, 'k');
    execFileSync('chmod', ['644', k.key]);
    const open = await run(['serve', '--listen', '127.0.0.1:0', '--issuer', 'http://127.0.0.1:1',
      '--db', path.join(dir, 'x.db'),
      '--audit-checkpoint-key', k.key]);
    assert.equal(open.code, 1, open.stderr);
    assert.match(open.stderr, /may be read by others \(mode 644\)/);
    const pub = await run(['serve', '--listen', '127.0.0.1:0', '--issuer', 'http://127.0.0.1:1',
      '--db', path.join(dir, 'y.db'), '--audit-checkpoint-key', k.pub]);
    assert.equal(pub.code, 1, pub.stderr);
    assert.match(pub.stderr, /is a public key: it cannot sign/);
  });
});

describe('two nodes on one PostgreSQL database, both checkpointing', {
  skip: pgAvailable() ? false : 'PostgreSQL binaries absent (apt-get install postgresql-15)',
}, () => {
  test('one checkpoint per position, each in the file of the node that made it; both files verify', async () => {
    const dir = tempDir();
    const k = await keygen(dir, 'audit');
    const conn = pgDatabase();
    const m = await run(['migrate', '--db', conn]);
    assert.equal(m.code, 0, m.stderr);
    const files = [path.join(dir, 'node1.log'), path.join(dir, 'node2.log')];
    const nodes = await Promise.all(files.map((f) => start({
      db: conn, args: ['--audit-checkpoint-key', k.key, '--audit-checkpoint-file', f, '--audit-checkpoint-every', '1'],
    })));
    for (let round = 0; round < 3; round++) {
      await Promise.all(nodes.map((n, i) => tryLogin(new Client(n.url), `nobody${round}${i}`, 'wrong-password-x')));
    }
    await Promise.all(nodes.map((n) => n.stop()));
    const lines = files.flatMap((f) => { try { return checkpointsOf(f); } catch { return []; } });
    const seqs = lines.map((c) => c.seq);
    assert.equal(new Set(seqs).size, seqs.length, `a position checkpointed twice: ${seqs}`);
    assert.equal(psql(conn, 'SELECT count(*) FROM audit_checkpoint;'), String(seqs.length));
    const last = Number(psql(conn, 'SELECT max(seq) FROM audit_event;'));
    assert.equal(Math.max(...seqs), last, 'the last event is checkpointed');
    const present = files.filter((f) => { try { return statSync(f).size > 0; } catch { return false; } });
    const r = await verify(conn, '--public-key', k.pub, ...present.flatMap((f) => ['--checkpoints', f]));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`checkpoints: \\d+ signed checkpoint\\(s\\) agree, the latest at event ${last}`));
  });
});
