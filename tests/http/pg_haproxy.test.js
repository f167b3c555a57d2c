// pg_haproxy.test.js — two portier nodes on one throw-away PostgreSQL database behind a
// throw-away HAProxy running deploy/haproxy/haproxy.cfg (its "# site" lines replaced as
// tests/deploy/haproxy_check.sh does: round robin per request, no stickiness), walked
// through the proxy: a password login, then the OpenID code flow with the profile choice
// and the token exchange, a user created on /acces by the GAP; the requests land on both nodes (told by the
// X-Request-Id of each response in the nodes' access logs) and `audit verify` passes.
// Skipped without PostgreSQL's programs or haproxy.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { pgAvailable, pgDatabase, psql } from '../lib/pg.js';
import { Client, freePort, run, start, tempDir, waitFor } from '../lib/server.js';
import * as world from './oidc_lib.js';
import * as uman from './uman_lib.js';

const { addClient, authorize, csrfOf, PASSWORD, PEOPLE, pkce, tokenRequest } = world;

const here = path.dirname(fileURLToPath(import.meta.url));
const CFG = path.join(here, '..', '..', 'deploy', 'haproxy', 'haproxy.cfg');
const HAPROXY = '/usr/sbin/haproxy';
const CB = 'http://127.0.0.1:9/cb';
const skip = !pgAvailable() ? 'PostgreSQL binaries absent (/usr/lib/postgresql/15/bin)'
  : !existsSync(HAPROXY) ? 'haproxy absent (apt-get install haproxy)' : false;

/** deploy/haproxy/haproxy.cfg with its site lines for 127.0.0.1 (haproxy_check.sh's seds). */
function renderConfig({ pem, front, plain, eid, p1, p2 }) {
  const out = readFileSync(CFG, 'utf8').split('\n').flatMap((line) => {
    if (!/# site$/.test(line)) return [line];
    if (/^\s*log \/dev\/log/.test(line)) return ['    log stdout format raw local0'];
    if (/^\s*(chroot|user|group|daemon|stats socket) /.test(line)) return [];
    return [line
      .replace(/bind :443 ssl crt \S+ (.*)# site$/, `bind 127.0.0.1:${front} ssl crt ${pem} $1`)
      .replace(/bind :80 .*# site$/, `bind 127.0.0.1:${plain}`)
      .replace(/bind :8443 .*# site$/, `bind 127.0.0.1:${eid}`)
      .replace(/10\.0\.0\.11:8080 .*# site$/, `127.0.0.1:${p1}`)
      .replace(/10\.0\.0\.12:8080 .*# site$/, `127.0.0.1:${p2}`)
      .replace(/10\.0\.0\.11:8443 check port 8080 .*# site$/, `127.0.0.1:${p1} check port ${p1}`)
      .replace(/10\.0\.0\.12:8443 check port 8080 .*# site$/, `127.0.0.1:${p2} check port ${p2}`)];
  }).join('\n');
  assert.doesNotMatch(out, /# site$/m, 'every site line replaced');
  return out;
}

describe('two portier nodes on PostgreSQL behind HAProxy', { skip }, () => {
  let conn;
  let nodes = [];
  let proxy;
  let base;
  const seen = [];   // which node answered each request of the walk

  /** The node whose access log holds the request id of res (null when none yet). */
  function nodeOf(res) {
    const rid = res.headers.get('x-request-id');
    if (!rid) return null;
    const i = nodes.findIndex((n) => n.logs().includes(` ${rid} access `));
    return i < 0 ? null : i;
  }

  /** A Client on the proxy that notes which node answered each of its requests. */
  function client() {
    return track(new Client(base));
  }
  function track(c) {
    const fetchOne = c.fetch.bind(c);
    c.fetch = async (p, init) => {
      const res = await fetchOne(p, init);
      seen.push(res);
      return res;
    };
    return c;
  }

  before(async () => {
    // The proxy's certificate is self-signed: this process's fetch to 127.0.0.1 accepts it.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    conn = pgDatabase();
    const m = await run(['migrate', '--db', conn]);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    const dir = tempDir();
    const [front, plain, eid] = [await freePort(), await freePort(), await freePort()];
    base = `https://127.0.0.1:${front}`;
    nodes = await Promise.all([0, 1].map(() => start({ db: conn, args: ['--issuer', base] })));
    world.buildWorld(nodes[0]);
    const pem = path.join(dir, 'haproxy.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
      '-nodes', '-days', '2', '-subj', '/CN=localhost', '-keyout', path.join(dir, 'key.pem'),
      '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    writeFileSync(pem, readFileSync(path.join(dir, 'cert.pem'), 'utf8') + readFileSync(path.join(dir, 'key.pem'), 'utf8'));
    const cfg = path.join(dir, 'haproxy.cfg');
    writeFileSync(cfg, renderConfig({ pem, front, plain, eid, p1: nodes[0].port, p2: nodes[1].port }));
    execFileSync(HAPROXY, ['-c', '-q', '-f', cfg]);
    proxy = spawn(HAPROXY, ['-db', '-f', cfg], { stdio: 'ignore' });
    // Both nodes up in the proxy's health checks: two health answers through it differ.
    await waitFor(async () => {
      try {
        const a = await fetch(`${base}/healthz`);
        const b = await fetch(`${base}/healthz`);
        await a.text(); await b.text();
        if (a.status !== 200 || b.status !== 200) return false;
        await new Promise((r) => setTimeout(r, 100));
        const na = nodeOf(a);
        const nb = nodeOf(b);
        return na !== null && nb !== null && na !== nb;
      } catch { return false; }
    }, { what: 'both nodes behind the proxy', interval: 200 });
  });
  after(async () => {
    proxy?.kill('SIGTERM');
    await Promise.all(nodes.map((n) => n.stop()));
  });

  it('walks a password login and the OpenID code flow with the profile choice across both nodes', async () => {
    const rp = addClient(nodes[0], 'rp', { redirect: [CB], scope: 'openid profile' });
    // A wrong password refused, then the right one, through the proxy.
    const c = client();
    let page = await c.get('/login?next=/aide');
    assert.equal(page.status, 200);
    const wrong = await c.fetch('/login/password', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), username: PEOPLE.claire.user, password: 'not-it', next: '/aide' }).toString(),
    });
    await wrong.text();
    assert.notEqual(wrong.status, 303);
    page = await c.get('/login?next=/aide');
    const ok = await c.fetch('/login/password', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), username: PEOPLE.claire.user, password: PASSWORD, next: '/aide', level: '1' }).toString(),
    });
    await ok.text();
    assert.equal(ok.status, 303);
    for (let i = 0; i < 3; i++) {
      // The session is read by whichever node answers.
      assert.match((await c.get('/aide')).text, /<span class="who">Claire Dubois<\/span>/);
    }

    const { verifier, challenge } = pkce();
    const url = await authorize(client(), {
      client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
      state: 'st-ha', nonce: 'n-ha', code_challenge: challenge, code_challenge_method: 'S256',
    }, { user: PEOPLE.jan.user, account: world.ACCOUNTS.jan });
    assert.equal(url.searchParams.get('state'), 'st-ha');
    const form = { grant_type: 'authorization_code', code: url.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier };
    const t = await tokenRequest(base, form, { basic: rp });
    assert.equal(t.status, 200, t.text);
    const id = JSON.parse(Buffer.from(t.json.id_token.split('.')[1], 'base64url').toString('utf8'));
    assert.equal(id.iss, base);
    assert.equal(id.name, 'Jan Peeters');
    const again = await tokenRequest(base, form, { basic: rp });
    assert.equal(again.status, 400, 'the code is good once, on either node');

    await new Promise((r) => setTimeout(r, 200));   // access lines follow the responses
    const by = seen.map(nodeOf);
    assert.ok(by.every((n) => n !== null), `every response found in a node's log: ${by}`);
    const switches = by.slice(1).filter((n, i) => n !== by[i]).length;
    assert.ok(by.includes(0) && by.includes(1), `both nodes answered: ${by}`);
    assert.ok(switches >= by.length / 3, `consecutive requests on different nodes (${switches} switches in ${by.length}): ${by}`);
    console.log(`# walk: ${by.length} requests, node sequence ${by.join('')}`);
  });

  it('creates a user on /acces through the proxy, its steps on both nodes, once', async () => {
    const from = seen.length;
    const c = track(await uman.login({ url: base }, PEOPLE.jan.user));
    const q = psql(conn, `SELECT id FROM org_quality WHERE org_id = ${world.ORGS.pharma.id} ORDER BY id LIMIT 1;`);
    const fields0 = { niss: PEOPLE.lukas.niss, type: 'USER' };
    const form = await uman.post(c, `/acces/${world.ORGS.pharma.id}/qualite/${q}/nouveau`, fields0);
    assert.equal(form.status, 200, `creation form: ${uman.text(form.text).slice(0, 300)}`);
    const fields = {
      niss: uman.valueOf(form.text, 'niss'), type: 'USER', username: 'lukas.ha',
      last_name: uman.valueOf(form.text, 'last_name') || 'Schmitz',
      first_name: uman.valueOf(form.text, 'first_name') || 'Lukas',
      title: 'M.', language: 'de', email: 'lukas.ha@example.be', local_email: '', apps: ['TESTAPP'],
    };
    if (/name="locked" value="1"/.test(form.text)) fields.locked = '1';
    const confirm = await uman.post(c, `/acces/${world.ORGS.pharma.id}/qualite/${q}/nouveau/confirmation`, fields);
    assert.equal(confirm.status, 200, `confirmation: ${uman.text(confirm.text).slice(0, 300)}`);
    const done = await uman.post(c, `/acces/${world.ORGS.pharma.id}/qualite/${q}/nouveau/enregistrer`, fields);
    assert.equal(done.status, 303, `user added: ${uman.text(done.text).slice(0, 300)}`);
    assert.equal(psql(conn, `SELECT count(*) FROM account a JOIN person p ON p.id = a.person_id
      WHERE a.org_id = ${world.ORGS.pharma.id} AND p.niss = '${PEOPLE.lukas.niss}';`), '1', 'one account, once');
    await new Promise((r) => setTimeout(r, 200));
    const by = seen.slice(from).map(nodeOf);
    assert.ok(by.length === 3 && by.includes(0) && by.includes(1), `both nodes in the creation: ${by}`);
    console.log(`# user creation: ${by.length} requests, node sequence ${by.join('')}`);
  });

  it('keeps one audit chain that portier audit verify accepts', async () => {
    const ok = await run(['audit', 'verify', '--db', conn]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    for (const n of nodes) assert.doesNotMatch(n.logs(), /access [A-Z]+ \S+ 5\d\d /);
  });
});
