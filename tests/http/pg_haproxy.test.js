// pg_haproxy.test.js — two portier nodes on one throw-away PostgreSQL database behind a
// throw-away HAProxy running deploy/haproxy/haproxy.cfg (its "# site" lines replaced as
// tests/deploy/haproxy_check.sh does: round robin per request, no stickiness), walked
// through the proxy: a password login, then the OpenID code flow with the profile choice
// and the token exchange, a user created on /acces by the GAP; the requests land on both nodes (told by the
// X-Request-Id of each response in the nodes' access logs) and `audit verify` passes.
// Skipped without PostgreSQL's programs or haproxy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { haproxyAvailable, startProxy } from '../lib/haproxy.js';
import { pgAvailable, pgDatabase, psql } from '../lib/pg.js';
import { Client, freePort, run, start } from '../lib/server.js';
import * as world from './oidc_lib.js';
import * as uman from './uman_lib.js';

const { addClient, authorize, csrfOf, PASSWORD, PEOPLE, pkce, tokenRequest } = world;

const CB = 'http://127.0.0.1:9/cb';
const skip = !pgAvailable() ? 'PostgreSQL binaries absent (/usr/lib/postgresql/15/bin)'
  : !haproxyAvailable() ? 'haproxy absent (apt-get install haproxy)' : false;

describe('two portier nodes on PostgreSQL behind HAProxy', { skip }, () => {
  let conn;
  let nodes = [];
  let proxy;
  let base;
  const seen = [];   // which node answered each request of the walk

  /** The node whose access log holds the request id of res (null when none yet). */
  const nodeOf = (res) => proxy.nodeOf(res);

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
    // The issuer is the proxy's HTTPS front: its port is chosen first, then HAProxy on it.
    const front = await freePort();
    base = `https://127.0.0.1:${front}`;
    nodes = await Promise.all([0, 1].map(() => start({ db: conn, args: ['--issuer', base] })));
    world.buildWorld(nodes[0]);
    proxy = await startProxy(nodes, { front });
  });
  after(async () => {
    await proxy?.stop();
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
