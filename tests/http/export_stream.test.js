// export_stream.test.js — the CSV exports streamed from the database (hardening part 6):
// a quality of 80,000 users and a trail of 5,000 events (many buffers) come out chunked,
// byte for byte as the format of docs/csv-export.md says; a client that leaves mid-file
// frees the stream (its read transaction and its place: later exports still run; under
// PORTIER_SAN=1 no leak is reported at exit) and the cut export is on record as
// incomplete; more exports at once than the database pool allows answer 503.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';

import { assertSecurityHeaders } from '../lib/checks.js';
import { backendOf } from '../lib/db.js';
import { PATIENCE } from '../lib/server.js';
import { activate, login, rows, scalar, sql, startDemo } from './uman_lib.js';

// Users: about 11 MB of CSV, more than the kernel buffers of a loopback connection (up to
// 4 MiB sent + what the reader took before it paused) can absorb.
const N = 80000;
const EVENTS = 5000;
const FIRST = ['Ann', 'Jo "le" Grand', 'Léa;Marie', '=SUM(A1)', 'Émile', 'Line\nBreak'];
const TITLES = ['', 'M.', 'Mme'];
const HEAD = ['Nom', 'Prénom', "Nom d'utilisateur", 'Type', 'NISS', 'Statut', 'Titre',
  'Choix linguistique', 'Adresse e-mail utilisateur', 'Adresse e-mail locale', 'Date création',
  'Date modification', 'Applications sécurisées'];

/** One field as RFC 4180 with the writer's formula defusing, written independently. */
function field(s, sep) {
  const quote = s.includes(sep) || s.includes('"') || s.includes('\r') || s.includes('\n');
  const defuse = /^[=+\-@\t]/.test(s);
  const body = (defuse ? "'" : '') + s.replace(/"/g, '""');
  return quote ? `"${body}"` : body;
}

function csv(lines, sep) {
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(lines.map((l) => `${l.map((f) => field(f, sep)).join(sep)}\r\n`).join(''), 'utf8')]);
}

const pad = (i, n) => String(i).padStart(n, '0');
const niss = (i) => `99${pad(i, 9)}`;

/** The rows the set-up below writes, in name order, as the export shows them. */
function expectedUsers() {
  const out = [];
  for (let i = 1; i <= N; i++) {
    const d = niss(i);
    out.push([`Zstream${pad(i, 5)}`, FIRST[i % FIRST.length], `zs${i}`, 'USER',
      `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}-${d.slice(6, 9)}.${d.slice(9)}`,
      i % 7 === 0 ? 'Suspendu' : 'Actif', TITLES[i % 3], i % 2 ? 'nl' : 'fr', `zs${i}@example.be`,
      i % 5 === 0 ? '+32 local' : '', '2025-01-02', '2025-02-03', i % 3 === 0 ? 'MEDSEIP SAA' : '']);
  }
  return out;
}

/** SQL of the integer expression e zero-padded to w digits, on the server's backend
 * (SQLite's printf(), PostgreSQL's lpad()). */
function zpad(srv, e, w) {
  return backendOf(srv) === 'pg' ? `lpad(CAST(${e} AS text), ${w}, '0')` : `printf('%0${w}d', ${e})`;
}

/** N users in quality q (test set-up through SQL: 80,000 through the forms would take long). */
function addUsers(srv, q) {
  const first = FIRST.map((f, k) => `WHEN ${k} THEN '${f.replace(/'/g, "''")}'`).join(' ');
  sql(srv, `BEGIN;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N})
    INSERT INTO person(niss, last_name, first_name, language, created_at)
      SELECT '99' || ${zpad(srv, 'i', 9)}, 'Zstream' || ${zpad(srv, 'i', 5)}, CASE i % ${FIRST.length} ${first} END, 'fr',
        '2025-01-02T03:04:05Z' FROM n;
    INSERT INTO account(org_id, person_id, username, title, language, email, local_email, status,
        created_at, modified_at)
      SELECT 1, p.id, 'zs' || CAST(substr(p.niss, 3) AS INTEGER),
        CASE CAST(substr(p.niss, 3) AS INTEGER) % 3 WHEN 0 THEN '' WHEN 1 THEN 'M.' ELSE 'Mme' END,
        CASE CAST(substr(p.niss, 3) AS INTEGER) % 2 WHEN 1 THEN 'nl' ELSE 'fr' END,
        'zs' || CAST(substr(p.niss, 3) AS INTEGER) || '@example.be',
        CASE CAST(substr(p.niss, 3) AS INTEGER) % 5 WHEN 0 THEN '+32 local' END,
        CASE CAST(substr(p.niss, 3) AS INTEGER) % 7 WHEN 0 THEN 'suspended' ELSE 'active' END,
        '2025-01-02T03:04:05Z', '2025-02-03T04:05:06Z'
      FROM person p WHERE p.last_name LIKE 'Zstream%';
    INSERT INTO quality_member(org_quality_id, account_id, type, since)
      SELECT ${q}, a.id, 'USER', '2025-01-02T03:04:05Z' FROM account a WHERE a.username LIKE 'zs%';
    INSERT INTO app_grant(org_quality_id, account_id, application, granted_at)
      SELECT ${q}, a.id, app.code, '2025-01-02T03:04:05Z' FROM account a, (SELECT 'SAA' AS code UNION ALL SELECT 'MEDSEIP') app
      WHERE a.username LIKE 'zs%' AND CAST(substr(a.username, 3) AS INTEGER) % 3 = 0;
    COMMIT;`);
}

/** EVENTS events of the organisation's trail, action test.stream (set-up through SQL; the
 * numbers follow on, as the trail gives them: PostgreSQL's identity is not what counts). */
function addEvents(srv) {
  sql(srv, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${EVENTS})
    INSERT INTO audit_event(seq, at, actor, actor_role, org, object, action, details, prev_hash, hash)
      SELECT (SELECT max(seq) FROM audit_event) + i, '2025-03-01T00:00:' || ${zpad(srv, 'i % 60', 2)} || '.' || ${zpad(srv, 'i % 1000', 3)} || 'Z',
        'system', 'GAP', (SELECT org FROM audit_event WHERE action = 'quality.activate' LIMIT 1),
        '=obj-' || i, 'test.stream', '{"note":"a;b \\"' || i || '\\""}',
        '${'0'.repeat(64)}', 'stream' || ${zpad(srv, 'i', 58)} FROM n;`);
}

/** A POST without reading the answer: resolves { res, req } at the headers. */
function open(srv, c, path, fields) {
  const body = new URLSearchParams({ _csrf: c.csrf, ...fields }).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(`${srv.url}${path}`, {
      method: 'POST', agent: false,
      headers: { cookie: c.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    }, (res) => resolve({ res, req }));
    req.on('error', reject);
    req.end(body);
  });
}

/** Reads the first bytes of a response, then stops reading (TCP pushes back on the server). */
function firstChunk(res) {
  return new Promise((resolve) => {
    res.once('data', (d) => { res.pause(); resolve(d); });
  });
}

async function until(what, fn) {
  const end = Date.now() + 2 * PATIENCE;
  for (;;) {
    const v = fn();
    if (v) return v;
    assert.ok(Date.now() < end, `waited too long for ${what}`);
    await new Promise((r) => { setTimeout(r, 50); });
  }
}

const lastExport = (srv, action) => rows(srv,
  `SELECT details FROM audit_event WHERE action = '${action}' ORDER BY seq DESC LIMIT 1`)
  .map((r) => JSON.parse(r.details))[0];

describe('streamed CSV exports', () => {
  let srv;
  let gap;
  let q;
  let expected;

  before(async () => {
    srv = await startDemo();
    gap = await login(srv, 'claire.dubois');
    q = await activate(srv, gap, {});
    addUsers(srv, q);
    addEvents(srv);
    expected = expectedUsers();
  });
  after(() => srv?.stop());

  it('80,000 users come out chunked, byte for byte, with the security headers', async () => {
    const body = new URLSearchParams({ _csrf: gap.csrf, sep: ';', f_last_name: 'Zstream' });
    const res = await gap.fetch(`/acces/1/qualite/${q}/export`, { method: 'POST', body });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    assert.equal(res.headers.get('content-length'), null, 'a streamed body has no length');
    assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="utilisateurs-1-${q}.csv"`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assertSecurityHeaders(res.headers, 'CSV export');
    const got = Buffer.from(await res.arrayBuffer());
    const want = csv([HEAD, ...expected], ';');
    assert.ok(want.length > 8 * 1024 * 1024, `${want.length} bytes: many buffers`);
    assert.equal(got.length, want.length);
    assert.ok(got.equals(want), 'the bytes differ from the expected file');
    assert.deepEqual(lastExport(srv, 'users.export'), { quality: q, rows: N });
  });

  it('the export of all users (sorted in the database) holds the same rows, with ","', async () => {
    const body = new URLSearchParams({ _csrf: gap.csrf, sep: ',' });
    const res = await gap.fetch(`/acces/1/qualite/${q}/export`, { method: 'POST', body });
    assert.equal(res.status, 200);
    const got = Buffer.from(await res.arrayBuffer());
    const mine = csv(expected, ',').subarray(3);
    const at = got.indexOf(mine);
    assert.ok(at > 0, 'the 80,000 rows in order, in one piece');
    const members = scalar(srv, `SELECT count(*) FROM quality_member WHERE org_quality_id = ${q}`);
    const lines = got.subarray(3).toString('utf8').match(/\r\n/g).length;
    // One "Line\nBreak" first name in six holds a bare LF, not a CRLF.
    assert.equal(lines, members + 1);
  });

  it('5,000 events of the trail come out chunked, newest first, byte for byte', async () => {
    const res = await gap.fetch('/acces/1/journal.csv?action=test.stream&sep=%3B');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    assertSecurityHeaders(res.headers, 'audit CSV');
    const got = Buffer.from(await res.arrayBuffer());
    // Inserted in order: event i has seq first + i - 1.
    const first = scalar(srv, "SELECT min(seq) FROM audit_event WHERE action = 'test.stream'");
    const events = [];
    for (let i = EVENTS; i >= 1; i--) {
      events.push([String(first + i - 1), `2025-03-01T00:00:${pad(i % 60, 2)}.${pad(i % 1000, 3)}Z`,
        'system', 'GAP', 'test.stream', `=obj-${i}`, `{"note":"a;b \\"${i}\\""}`]);
    }
    const want = csv([['Numéro', 'Date', 'Acteur', 'Rôle', 'Action', 'Objet', 'Détails'], ...events], ';');
    assert.ok(got.equals(want), `the bytes differ:\n${got.subarray(0, 400)}\n---\n${want.subarray(0, 400)}`);
    assert.deepEqual(lastExport(srv, 'audit.export'), { rows: EVENTS });
  });

  it('a client gone mid-file ends the stream: recorded as incomplete, its place freed', async () => {
    const before_ = scalar(srv, "SELECT count(*) FROM audit_event WHERE action = 'users.export'");
    const { res, req } = await open(srv, gap, `/acces/1/qualite/${q}/export`, { sep: ';' });
    assert.equal(res.statusCode, 200);
    const first = await firstChunk(res);
    assert.deepEqual([...first.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    req.destroy();
    const cut = await until('the record of the cut export', () => scalar(srv,
      "SELECT count(*) FROM audit_event WHERE action = 'users.export'") > before_ &&
      lastExport(srv, 'users.export'));
    assert.equal(cut.incomplete, true, JSON.stringify(cut));
    assert.ok(cut.rows < N, `${cut.rows} rows written of ${N + 3}`);
    // Its place (a pooled connection) is back: more exports than places run one after another.
    for (let k = 0; k < 3; k++) {
      const body = new URLSearchParams({ _csrf: gap.csrf, sep: ';', f_last_name: 'Zstream0000' });
      const r = await gap.fetch(`/acces/1/qualite/${q}/export`, { method: 'POST', body });
      assert.equal(r.status, 200);
      assert.ok(Buffer.from(await r.arrayBuffer()).equals(csv([HEAD, ...expected.slice(0, 9)], ';')));
    }
  });

  it('a HEAD request or a client gone before the first byte leaves no record', async () => {
    const before_ = scalar(srv, "SELECT count(*) FROM audit_event WHERE action = 'audit.export'");
    const head = await gap.fetch('/acces/1/journal.csv?action=test.stream', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'text/csv; charset=utf-8');
    // The stream's place is given back (two places with the default pool): three more.
    for (let k = 0; k < 3; k++) {
      const r = await gap.fetch('/acces/1/journal.csv?action=test.stream', { method: 'HEAD' });
      assert.equal(r.status, 200);
    }
    assert.equal(scalar(srv, "SELECT count(*) FROM audit_event WHERE action = 'audit.export'"), before_);
  });

  it('more exports at once than the pool allows: 503 with Retry-After, nothing recorded', async () => {
    // The default pool has 8 connections: two exports may hold one each.
    const held = [];
    for (let k = 0; k < 2; k++) {
      const o = await open(srv, gap, `/acces/1/qualite/${q}/export`, { sep: ';' });
      assert.equal(o.res.statusCode, 200);
      await firstChunk(o.res);
      held.push(o);
    }
    const before_ = scalar(srv, "SELECT count(*) FROM audit_event WHERE action = 'users.export'");
    const busy = await gap.get(`/acces/1/qualite/${q}/export`, {
      method: 'POST', body: new URLSearchParams({ _csrf: gap.csrf, sep: ';' }),
    });
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '30');
    assert.equal(scalar(srv, "SELECT count(*) FROM audit_event WHERE action = 'users.export'"), before_);
    for (const o of held) o.req.destroy();
    await until('both cut exports recorded', () => scalar(srv,
      "SELECT count(*) FROM audit_event WHERE action = 'users.export'") === before_ + 2);
    const again = await gap.fetch('/acces/1/journal.csv?action=test.stream');
    assert.equal(again.status, 200);
    await again.arrayBuffer();
  });
});
