// pg.js — a throw-away PostgreSQL cluster for the HTTP tests (tests/lib/pg.sh): one per
// test process, started at the first use and stopped at exit, with a database of its own
// for each server (PORTIER_TEST_DB=pg in server.js) and psql to look into it. With
// PORTIER_TEST_PG_CLUSTER (the connection string pg.sh printed; make http-pg) every test
// process shares that one cluster instead: no initdb per file; each process drops the
// databases it made when it exits.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const PG_SH = path.join(here, 'pg.sh');
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const PSQL = existsSync(path.join(PG_BIN, 'psql')) ? path.join(PG_BIN, 'psql') : 'psql';

let cluster = null;   // { dir, conn } once started, false when PostgreSQL is absent
let databases = 0;

/** True when PostgreSQL's programs are here (pg.sh would exit 77 otherwise). */
export function pgAvailable() {
  return existsSync(path.join(PG_BIN, 'initdb')) && existsSync(path.join(PG_BIN, 'pg_ctl'));
}

/** Drops this process's databases in a shared cluster (at exit: servers and commands
 *  are gone by then; FORCE ends a connection left behind). */
function dropDatabases(conn) {
  for (let n = 1; n <= databases; n++) {
    spawnSync(PSQL, ['-X', '-q', '-d', conn, '-c', `DROP DATABASE IF EXISTS t${process.pid}_${n} WITH (FORCE);`],
      { stdio: 'ignore' });
  }
}

/** Starts this process's cluster (once), or takes the shared one of
 *  PORTIER_TEST_PG_CLUSTER; returns its connection string. */
export function pgCluster() {
  if (cluster) return cluster.conn;
  const shared = process.env.PORTIER_TEST_PG_CLUSTER;
  if (shared) {
    cluster = { dir: null, conn: shared };
    process.on('exit', () => dropDatabases(shared));
    return cluster.conn;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-pg-'));
  const r = spawnSync('sh', [PG_SH, 'start', dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`tests/lib/pg.sh start exited ${r.status}: ${r.stderr}`);
  }
  cluster = { dir, conn: r.stdout.trim() };
  const stop = () => { if (cluster) spawnSync('sh', [PG_SH, 'stop', cluster.dir]); cluster = false; };
  process.on('exit', stop);
  // The test runner ends a file that hangs with a signal: the cluster goes with it.
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.once(sig, () => { stop(); process.exit(128 + (sig === 'SIGTERM' ? 15 : 2)); });
  }
  return cluster.conn;
}

/** Runs SQL (a script: several statements, BEGIN/COMMIT allowed) with psql on conn;
 *  returns its output (unaligned, tuples only), throws on the first error. */
export function psql(conn, text) {
  return execFileSync(PSQL, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', conn], {
    input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  }).trim();
}

/** A new empty database in the cluster; returns its connection string. */
export function pgDatabase() {
  const base = pgCluster();
  databases += 1;
  const name = `t${process.pid}_${databases}`;
  psql(base, `CREATE DATABASE ${name};`);
  return base.replace(/dbname=\S+/, `dbname=${name}`);
}
