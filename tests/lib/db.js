// db.js — a test's direct look into the server's database, on either backend: the sqlite3
// shell on a SQLite file, psql on a PostgreSQL connection string. Only for what no service
// shows or may do (hashes at rest, tampering with the audit trail, bulk rows with fixed
// dates): docs/testing.md lists the users and why.
import { execFileSync } from 'node:child_process';

import { psql } from './pg.js';

/** True when db (srv.db, or --db) names a PostgreSQL database rather than a SQLite file. */
export function isPg(db) {
  return /^postgres(ql)?:\/\//.test(db) || /(^|\s)(dbname|host)=/.test(db);
}

/** The backend of a server's database: 'pg' or 'sqlite'. */
export function backendOf(srv) {
  return isPg(srv.db) ? 'pg' : 'sqlite';
}

/** sql itself, or its text for the server's backend when sql is { sqlite, pg }: for the few
 *  statements that cannot be written once for both (hex(), strftime(), a trigger's name). */
export function dialect(srv, sql) {
  if (typeof sql === 'string') return sql;
  const text = sql[backendOf(srv)];
  if (typeof text !== 'string') throw new Error(`no ${backendOf(srv)} text for this statement`);
  return text;
}

/** A value as an SQL literal: strings quoted (quotes doubled), numbers, null, booleans as
 *  0/1. Values come from the test itself; this only saves hand-quoting. */
function literal(v) {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'string') {
    if (v.includes('\0')) throw new Error('a NUL byte in an SQL text');
    return `'${v.replaceAll("'", "''")}'`;
  }
  throw new Error(`no SQL literal for ${typeof v}`);
}

/** sql with each ? outside quotes replaced by the literal of the next of params. */
function bind(sql, params) {
  if (!params || params.length === 0) return sql;
  let out = '';
  let quote = null;
  let n = 0;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      if (n >= params.length) throw new Error('more ? than parameters');
      out += literal(params[n]);
      n += 1;
    } else {
      out += ch;
    }
  }
  if (n !== params.length) throw new Error(`${params.length} parameters for ${n} ?`);
  return out;
}

function sqlite(db, args, script) {
  return execFileSync('sqlite3', ['-bail', '-cmd', '.timeout 30000', ...args, db], {
    input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20,
  });
}

/**
 * The rows of one SELECT (no trailing semicolon) on the server's database, as objects
 * keyed by column name; integers come back as numbers on both backends (sqlite3 -json,
 * json_agg on PostgreSQL). sql may be { sqlite, pg } (dialect()); ? takes params in order.
 */
export function query(srv, sql, params = []) {
  const text = bind(dialect(srv, sql), params).trim().replace(/;$/, '');
  if (isPg(srv.db)) {
    const out = psql(srv.db, `SELECT coalesce(json_agg(q), '[]') FROM (${text}) AS q;`);
    return JSON.parse(out);
  }
  const out = sqlite(srv.db, ['-json'], `${text};\n`);
  return out.trim() === '' ? [] : JSON.parse(out);
}

/** The first column of the first row of query(), or null when no row. */
export function scalar(srv, sql, params = []) {
  const r = query(srv, sql, params);
  return r.length ? Object.values(r[0])[0] : null;
}

/** Runs statements (a script; stops at the first error, which it throws) on the server's
 *  database. sql may be { sqlite, pg } (dialect()); ? takes params in order. */
export function exec(srv, sql, params = []) {
  const text = bind(dialect(srv, sql), params);
  if (isPg(srv.db)) psql(srv.db, text);
  else sqlite(srv.db, [], `${text}\n`);
}
