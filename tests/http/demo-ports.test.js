// demo-ports.test.js — `portier demo` on any port: the issuer, the agency portal's client
// (redirect URIs) and the portal's settings (portal.conf) derive from the actual listen
// address and --portal-url, so that a portal started with that file on unusual ports
// logs a person in through portier; a second run on other ports registers the client
// again. Port 0 and a busy port are refused with a clear message, before anything is
// written.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  BIN, Client, closeFetchConnections, freePort, PATIENCE, run, sanitizerReports, start, tempDir,
  waitFor,
} from '../lib/server.js';
import { MEDI, portalLogin, portalWorld, settingsOf } from './portal_lib.js';

const FAST = ['--password-ops', '1', '--password-mem-kib', '8'];

/** `portier demo` with the portal on a free port of its own and a TLS listener. */
async function startDemo(dir) {
  let portalPort;
  let tlsPort;
  const srv = await start({
    command: 'demo',
    args: async () => {
      portalPort = await freePort();
      tlsPort = await freePort();
      return ['--portal-url', `http://127.0.0.1:${portalPort}`, '--tls-listen', `127.0.0.1:${tlsPort}`, ...FAST,
        ...(dir ? ['--db', path.join(dir, 'portier.db')] : [])];
    },
  });
  return { srv, portalPort, tlsPort };
}

/** `portier portal --config portal.conf` as make run starts it: no address of its own. */
async function startPortal(conf, db) {
  const child = spawn(BIN, ['portal', '--config', conf, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { out: '', exit: null };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d) => { state.out += d; });
  child.stderr.on('data', (d) => { state.out += d; });
  const exited = new Promise((r) => { child.on('close', (code, signal) => { state.exit = { code, signal }; r(); }); });
  await waitFor(() => state.exit !== null || /listening on/.test(state.out), { what: 'the portal' });
  assert.equal(state.exit, null, `the portal did not start:\n${state.out}`);
  return {
    logs: () => state.out,
    stop: async () => {
      await closeFetchConnections();
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => { setTimeout(r, PATIENCE); })]);
      assert.deepEqual(sanitizerReports(state.out), []);
      assert.deepEqual(state.exit, { code: 0, signal: null }, state.out);
    },
  };
}

/** A login from the portal at url through portier at srv: the portal's home with the person. */
async function loginThrough(srv, url) {
  const portal = new Client(url);
  const idp = new Client(srv.url);
  const r = await portalLogin(portal, idp, 'Claire', { orgName: MEDI.name });
  assert.equal(r.status, 303, `the portal's callback: ${r.status} ${r.text.slice(0, 300)}`);
  const home = await portal.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /Claire Dubois/);
  assert.match(home.text, /action="\/logout"/);
}

describe('portier demo on unusual ports, with its portal', () => {
  let dir;
  before(() => { dir = tempDir(); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('derives the issuer, the client and portal.conf from --listen and --portal-url; a portal logs in', async () => {
    let { srv, portalPort, tlsPort } = await startDemo(dir);
    const conf = path.join(dir, 'portal.conf');
    try {
      const s = settingsOf(conf);
      assert.equal(s.issuer, srv.url);
      assert.equal(s.listen, `127.0.0.1:${portalPort}`);
      assert.equal(s.base_url, `http://127.0.0.1:${portalPort}`);
      assert.ok(!readFileSync(conf, 'utf8').includes(':8080') && !readFileSync(conf, 'utf8').includes(':8081'));
      const disco = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
      assert.equal(disco.issuer, srv.url);
      assert.match(srv.logs(), new RegExp(`TLS listener on https://127\\.0\\.0\\.1:${tlsPort}`));
      // The eID door sends a visitor of the plain listener to the TLS one, at its port.
      const door = await (await fetch(`${srv.url}/login/eid?next=%2F`)).text();
      assert.match(door, new RegExp(`https://127\\.0\\.0\\.1:${tlsPort}/login/eid`));
      portalWorld({ db: path.join(dir, 'portier.db') });
      const portal = await startPortal(conf, path.join(dir, 'portal.db'));
      try {
        assert.match(portal.logs(), new RegExp(`listening on http://127\\.0\\.0\\.1:${portalPort} \\(issuer ${srv.url.replace(/\./g, '\\.')}`));
        await loginThrough(srv, `http://127.0.0.1:${portalPort}`);
      } finally {
        await portal.stop();
      }
    } finally {
      await srv.stop();
    }

    // Again with the same database on other ports: the client follows, the old address
    // is no longer a redirect URI.
    const old = portalPort;
    ({ srv, portalPort } = await startDemo(dir));
    try {
      assert.notEqual(portalPort, old);
      const s = settingsOf(conf);
      assert.equal(s.issuer, srv.url);
      assert.equal(s.base_url, `http://127.0.0.1:${portalPort}`);
      const stale = await fetch(`${srv.url}/oidc/authorize?${new URLSearchParams({
        response_type: 'code', client_id: 'medseip-portal', scope: 'openid',
        redirect_uri: `http://127.0.0.1:${old}/callback`, state: 'x', nonce: 'y',
      })}`, { redirect: 'manual' });
      await stale.text();
      assert.equal(stale.status, 400, 'the old redirect URI is refused');
      const portal = await startPortal(conf, path.join(dir, 'portal.db'));
      try {
        await loginThrough(srv, `http://127.0.0.1:${portalPort}`);
      } finally {
        await portal.stop();
      }
    } finally {
      await srv.stop();
    }
  });

  it('refuses port 0 and a busy port with a clear message, writing nothing', async () => {
    const d = tempDir();
    const busy = net.createServer();
    await new Promise((r) => { busy.listen(0, '127.0.0.1', r); });
    try {
      const db = path.join(d, 'p.db');
      const zero = await run(['demo', '--listen', '127.0.0.1:0', '--db', db]);
      assert.equal(zero.code, 2, zero.stderr);
      assert.match(zero.stderr, /listen address '127\.0\.0\.1:0': port 0 is refused/);
      const zeroServe = await run(['serve', '--listen', '127.0.0.1:0', '--db', db]);
      assert.equal(zeroServe.code, 2, zeroServe.stderr);
      assert.match(zeroServe.stderr, /port 0 is refused: the issuer derives from it/);
      const { port } = busy.address();
      const taken = await run(['demo', '--listen', `127.0.0.1:${port}`, '--db', db, ...FAST]);
      assert.equal(taken.code, 2, taken.stderr);
      assert.match(taken.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: Address already in use`));
      const tls = await run(['demo', '--listen', `127.0.0.1:${await freePort()}`, '--tls-listen', `127.0.0.1:${port}`, '--db', db, ...FAST]);
      assert.equal(tls.code, 2, tls.stderr);
      assert.match(tls.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
      const badUrl = await run(['demo', '--listen', `127.0.0.1:${await freePort()}`, '--portal-url', 'http://127.0.0.1:1/', '--db', db]);
      assert.equal(badUrl.code, 2, badUrl.stderr);
      assert.match(badUrl.stderr, /portal_url .* is not an http\(s\) address without a trailing slash/);
      assert.equal(existsSync(db), false, 'no database');
      assert.equal(existsSync(path.join(d, 'portal.conf')), false, 'no portal.conf');
    } finally {
      busy.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});
