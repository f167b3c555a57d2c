// pg_guide.test.js — the guide walked through HAProxy (deploy/haproxy/haproxy.cfg: round
// robin per request, no stickiness) in front of two portier nodes on one PostgreSQL
// database (issue 13 part 7): the eID login of a legal representative on the proxy's eID
// door (HAProxy asks for the card and hands it to the node in X-SSL-Client-Cert), the
// designation of the GAP, the quality's activation with a local manager, a user's creation
// with an application grant, and the OpenID code flow of that user (eID login, profile
// choice, token exchange), and the agency portal (`portier portal`, guide §5) where that
// user logs in: the portal trusts the proxy's certificate (ca_file) and its back-channel
// (discovery, JWKS, token, userinfo, registry API) goes through HAProxy to the nodes too.
// Each response is traced to the node that answered it (its
// X-Request-Id in the nodes' access logs): consecutive requests alternate between the
// nodes. Then what the eID door refuses: a forged header, a revoked card, no card.
// Skipped without PostgreSQL's programs or haproxy.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { cardRequest, haproxyAvailable, startProxy } from '../lib/haproxy.js';
import { pgAvailable, pgDatabase, psql } from '../lib/pg.js';
import { Client, freePort, run, start, waitFor } from '../lib/server.js';
import { auditEvents, mails, orgOf } from '../lib/world.js';
import { E, P, formFields, loadRegistry } from './csam_support.js';
import { makeCA } from './eid_support.js';
import { addClient, jwtPayload, pkce, profileOptions, refreshTarget, tokenRequest } from './oidc_lib.js';
import { startPortal } from './portal_lib.js';
import * as uman from './uman_lib.js';

const CB = 'http://127.0.0.1:9/cb';
const skip = !pgAvailable() ? 'PostgreSQL binaries absent (/usr/lib/postgresql/15/bin)'
  : !haproxyAvailable() ? 'haproxy absent (apt-get install haproxy)' : false;

describe('the guide through HAProxy and two nodes on PostgreSQL', { skip }, () => {
  let conn;
  let ca;
  let nodes = [];
  let proxy;
  let portal;
  let base;
  const seen = [];        // every response of the walk, in order
  const steps = [];       // [step name, index in seen where it starts]

  /** Notes res as a response of the walk. */
  const note = (res) => { seen.push(res); return res; };
  /** A Client on the HTTPS front whose responses are noted. */
  function client() {
    const c = new Client(base);
    const fetchOne = c.fetch.bind(c);
    c.fetch = async (p, init) => note(await fetchOne(p, init));
    return c;
  }
  /** GET url on the eID door presenting the card of name (none: no card). */
  async function onEidDoor(c, url, name, opts) {
    const r = await cardRequest(c, new URL(url, proxy.eidBase), name ? ca.card(name) : null, opts);
    return note(r);
  }
  /** The eID login of name from c's page on the HTTPS front: /login/eid there sends the
   * browser to the eID door (HAProxy's redirect, not a node's answer), the door logs in. */
  async function eidLogin(c, name, next) {
    const hop = await new Client(base).fetch(`/login/eid?next=${encodeURIComponent(next)}`);
    await hop.text();
    assert.equal(hop.status, 302, 'HAProxy sends /login/eid to the eID door');
    const door = new URL(hop.headers.get('location'));
    assert.equal(door.origin, proxy.eidBase);
    const res = await onEidDoor(c, door.pathname + door.search, name);
    assert.equal(res.status, 303, `eID login of ${name}: ${res.text.slice(0, 300)}`);
    assert.equal(res.headers.get('location'), next);
    assert.match(res.headers.getSetCookie().join('\n'), /portier_sid=[^;]+;.*Secure/, 'a Secure session cookie');
    return res;
  }
  const step = (name) => steps.push([name, seen.length]);

  before(async () => {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';   // the proxy's self-signed certificate
    conn = pgDatabase();
    const m = await run(['migrate', '--db', conn]);
    assert.equal(m.code, 0, m.stdout + m.stderr);
    await loadRegistry(conn);
    ca = await makeCA({ ...P, revoked: { niss: '93051822361', last: 'Janssens', first: 'Sofie' } });
    await ca.revoke('revoked');
    const front = await freePort();
    base = `https://127.0.0.1:${front}`;
    const args = ['--issuer', base, '--trusted-proxies', '127.0.0.1',
      '--eid-trust', path.join(ca.ca, 'trust.pem'), '--eid-crl', path.join(ca.ca, 'crl.pem')];
    nodes = await Promise.all([0, 1].map(() => start({ db: conn, args })));
    proxy = await startProxy(nodes, { front, eidCa: path.join(ca.ca, 'trust.pem') });
  });
  after(async () => {
    if (process.env.PG_GUIDE_DEBUG) console.log(proxy?.logs());
    await portal?.stop();
    await proxy?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    ca?.remove();
  });

  it('walks eID login, designation, activation, user creation and the OpenID flow, alternating nodes', async () => {
    const srv = nodes[0];
    // 1. Jan Peeters, administrator of Zorgtech Distributie, logs in with his card.
    step('eID login');
    const jan = client();
    const gapPage = await jan.get('/csam/gap');
    assert.equal(gapPage.status, 200);
    assert.match(gapPage.text, /href="\/login\/eid\?next&#61;\/csam\/gap"/, 'the page offers the eID door');
    await eidLogin(jan, 'jan', '/csam/gap');

    // 2. He designates himself GAP of Zorgtech Distributie (guide §2.2.1).
    step('designation');
    let page = await jan.get('/csam/gap');
    assert.match(page.text, /Enregistrer mon entreprise dans CSAM/, 'the page of an eID session');
    let res = await post(jan, '/csam/gap', { _csrf: uman.csrfOf(page.text), enterprise: E.zorgtech });
    assert.equal(res.status, 303, uman.text(res.text).slice(0, 300));
    const form = await jan.get(res.headers.get('location'));
    assert.equal(form.status, 200);
    const fields = formFields(form.text, '/csam/gap/enregistrement');
    res = await post(jan, '/csam/gap/enregistrement',
      { ...fields, choice: 'self', email: 'direction@zorgtech.example', phone: '+32 9 123 45 67' });
    assert.equal(res.status, 200, uman.text(res.text).slice(0, 300));
    const confirm = formFields(res.text, '/csam/gap/confirmation');
    res = await post(jan, '/csam/gap/confirmation', { ...confirm, confirm: '1', accept: 'yes' });
    assert.equal(res.status, 303, uman.text(res.text).slice(0, 300));
    assert.equal((await jan.get(res.headers.get('location'))).status, 200);
    const org = orgOf(srv, { enterprise: E.zorgtech });
    assert.ok(org, 'Zorgtech Distributie registered');
    assert.deepEqual(org.managers.filter((x) => x.role === 'GAP').map((x) => x.niss), [P.jan.niss]);

    // 3. As GAP he activates the health quality with Lukas Schmitz as local manager (§3).
    step('activation');
    page = await jan.get('/capacite?next=/acces');
    res = await post(jan, '/capacite', { _csrf: uman.csrfOf(page.text), capacity: 'health', next: '/acces' });
    assert.equal(res.status, 303, 'capacity chosen');
    jan.csrf = uman.csrfOf((await jan.get('/acces')).text);
    const q = await uman.activate(srv, jan, {
      org: org.id, niss: P.lukas.niss, username: 'lukas.zorg', email: 'sante@zorgtech.example',
      userEmail: 'lukas@zorgtech.example', apps: ['MEDSEIP'],
    });

    // 4. And adds Els Van den Broeck as a user with the application MEDSEIP (§4).
    step('user creation');
    const els = await uman.addUser(srv, jan, q, {
      niss: P.els.niss, username: 'els.zorg', email: 'els@zorgtech.example', apps: ['MEDSEIP'], org: org.id,
    });
    assert.equal(psql(conn, `SELECT count(*) FROM account a JOIN person p ON p.id = a.person_id
      WHERE a.org_id = ${org.id} AND p.niss IN ('${P.els.niss}', '${P.lukas.niss}');`), '2', 'GL and user, once each');

    // 5. Els goes to an application: the OpenID flow, her eID login, her profile choice.
    step('OpenID flow');
    const rp = addClient(srv, 'rp-guide', { redirect: [CB], scope: 'openid profile', application: 'MEDSEIP' });
    const { verifier, challenge } = pkce();
    const browser = client();
    res = await browser.fetch(`/oidc/authorize?${new URLSearchParams({
      client_id: rp.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile',
      state: 'st-guide', nonce: 'n-guide', code_challenge: challenge, code_challenge_method: 'S256',
    })}`);
    await res.text();
    assert.equal(res.status, 303);
    const flow = res.headers.get('location');
    assert.match(flow, /^\/oidc\/continue\//);
    page = await browser.get(flow);
    assert.equal(page.status, 303, 'not logged in: to the login');
    await eidLogin(browser, 'els', flow);
    page = await browser.get(flow);
    assert.equal(page.status, 200, `the profile choice: ${uman.text(page.text).slice(0, 300)}`);
    const choice = profileOptions(page.text).find((o) => o.label.includes('Zorgtech'));
    assert.ok(choice, `Zorgtech among the profiles: ${page.text.slice(0, 200)}`);
    res = await post(browser, flow, { _csrf: uman.csrfOf(page.text), org: choice.value });
    assert.equal(res.status, 200);
    const back = new URL(refreshTarget(res.text));
    assert.equal(back.searchParams.get('state'), 'st-guide');
    const tokenForm = { grant_type: 'authorization_code', code: back.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier };
    const t = await tokenRequest(base, tokenForm, { basic: rp });
    note({ headers: t.headers });
    assert.equal(t.status, 200, t.text);
    const id = jwtPayload(t.json.id_token);
    assert.equal(id.iss, base);
    assert.equal(id.nonce, 'n-guide');
    assert.equal(id.name, 'Els Maria Van den Broeck');
    const again = await tokenRequest(base, tokenForm, { basic: rp });
    note({ headers: again.headers });
    assert.equal(again.status, 400, 'the code is good once, on either node');
    assert.ok(els > 0);

    // 6. Els opens the agency portal (guide §5). The portal knows portier by the proxy's
    // address, whose certificate it trusts through ca_file; a new browser: her eID login
    // at the proxy's door, her profile choice, back to the portal.
    step('portal');
    portal = await startPortal({ url: base, db: conn }, { args: ['--ca-file', proxy.certFile] });
    // Its discovery at start (document, then JWKS) done before the browser goes on, so that
    // the two do not interleave in the round robin.
    await waitFor(() => proxy.logs().includes(`"GET ${base}/oidc/jwks HTTP/2.0"`), { what: 'the portal\'s JWKS' });
    const atPortal = new Client(portal.url);
    const elsBrowser = client();
    res = await atPortal.fetch('/login?next=/entreprise');
    await res.text();
    assert.equal(res.status, 303, `the portal sends the browser to portier: ${portal.logs()}`);
    const authz = new URL(res.headers.get('location'));
    assert.equal(authz.origin, base, 'to the proxy\'s HTTPS front');
    res = await elsBrowser.fetch(authz.pathname + authz.search);
    await res.text();
    assert.equal(res.status, 303);
    const portalFlow = res.headers.get('location');
    assert.match(portalFlow, /^\/oidc\/continue\//);
    page = await elsBrowser.get(portalFlow);
    assert.equal(page.status, 303, 'a new browser: to the login');
    await eidLogin(elsBrowser, 'els', portalFlow);
    page = await elsBrowser.get(portalFlow);
    assert.equal(page.status, 200, `the profile choice: ${uman.text(page.text).slice(0, 300)}`);
    const zorg = profileOptions(page.text).find((o) => o.label.includes('Zorgtech Distributie'));
    assert.ok(zorg, `Zorgtech among the profiles: ${JSON.stringify(profileOptions(page.text))}`);
    res = await post(elsBrowser, portalFlow, { _csrf: uman.csrfOf(page.text), org: zorg.value });
    assert.equal(res.status, 200);
    const portalBack = new URL(refreshTarget(res.text));
    assert.equal(portalBack.origin, portal.url, 'back to the portal');
    // The callback: the code exchanged, the ID token checked against the JWKS, userinfo.
    res = await atPortal.get(portalBack.pathname + portalBack.search);
    assert.equal(res.status, 303, `the portal lets Els in: ${uman.text(res.text).slice(0, 300)}\n${portal.logs()}`);
    assert.equal(res.headers.get('location'), '/entreprise');
    const home = await atPortal.get('/');
    assert.equal(home.status, 200);
    assert.match(home.text, /<span class="person">Els Maria Van den Broeck<\/span>/);
    assert.match(home.text, /<span class="bce">BCE: 1099\.001\.189<\/span>/, 'the organisation chosen');
    assert.match(home.text, /<p class="company-name">Zorgtech Distributie<\/p>/);
    // Mon entreprise: the registry's card read through the proxy (registry API).
    const company = await atPortal.get('/entreprise');
    assert.equal(company.status, 200);
    assert.ok(company.text.includes('BE1099001189'), 'the VAT number of the registry card');
    assert.ok(!company.text.includes('ne sont pas disponibles'), 'the registry card is shown');
    assert.doesNotMatch(portal.logs(), /not reachable|not trusted|provider unavailable|registry API/);
    // The portal's back-channel went through HAProxy's TLS front ("fe_https~", libcurl
    // asks for HTTP/2 and HAProxy logs the whole URL), round robin like the rest.
    await new Promise((r) => setTimeout(r, 300));
    const backChannel = ['GET /.well-known/openid-configuration', 'GET /oidc/jwks', 'POST /oidc/token',
      'GET /oidc/userinfo', 'GET /api/registry/enterprises/1099001189?lang=fr'];
    const servedBy = backChannel.map((req) => {
      const [method, where] = req.split(' ');
      const line = new RegExp(`fe_https~ be_portier/(node[12]) .* 200 .*"${method} ${(base + where).replace(/[.?/]/g, '\\$&')} HTTP/2\\.0"`)
        .exec(proxy.logs());
      assert.ok(line, `the portal's ${req} through the proxy, answered 200`);
      return line[1];
    });
    assert.deepEqual([...new Set(servedBy)].sort(), ['node1', 'node2'], `back-channel on both nodes: ${servedBy}`);

    // Which node answered each request: consecutive requests alternate.
    await new Promise((r) => setTimeout(r, 300));   // access lines follow the responses
    const by = seen.map((r) => proxy.nodeOf(r));
    assert.ok(by.every((n) => n !== null), `every response found in a node's log: ${by}`);
    for (const [name, from] of steps) {
      const part = by.slice(from, (steps.find(([, f]) => f > from)?.[1]) ?? by.length);
      assert.ok(part.includes(0) && part.includes(1), `${name}: both nodes answered (${part.join('')})`);
    }
    const switches = by.slice(1).filter((n, i) => n !== by[i]).length;
    // Round robin gives strict alternation; HAProxy's own retries may shift it by one.
    assert.ok(switches >= (by.length - 1) * 0.8, `consecutive requests on different nodes: ${by.join('')}`);
    console.log(`# guide walk: ${by.length} requests, ${switches} node switches: ${by.join('')}`);
    // Once each: the designation's mail, the audit of each step.
    assert.equal(mails(srv, 'gap_designated').length, 1);
    const actions = auditEvents(srv).map((e) => e.action);
    for (const a of ['login.eid.success', 'org.register', 'org.gap.designate', 'user.add']) {
      assert.ok(actions.includes(a), `audited: ${a}`);
    }
  });

  it('the eID door refuses a forged header, a revoked card, and says when no card came', async () => {
    // A client's own X-SSL-Client-Cert (with a valid card's PEM) is dropped by HAProxy.
    const forged = await onEidDoor(new Client(base), '/login/eid?next=/aide', null,
      { headers: { 'X-SSL-Client-Cert': encodeURIComponent(ca.pem('jan')) } });
    assert.equal(forged.status, 200);
    assert.match(uman.text(forged.text), /Votre navigateur n'a transmis aucun certificat/);
    assert.equal(forged.headers.getSetCookie().some((s) => /portier_sid=.*Max-Age=0/i.test(s)), false);
    // A revoked card: chain valid for HAProxy, refused by the node (CRL), audited.
    const before = auditEvents(nodes[0], ['login.eid.failure']).length;
    const revoked = await onEidDoor(new Client(base), '/login/eid?next=/aide', 'revoked');
    assert.equal(revoked.status, 403);
    const ev = auditEvents(nodes[0], ['login.eid.failure']);
    assert.equal(ev.length, before + 1);
    assert.equal(ev.at(-1).details.via, 'proxy');
    assert.equal(ev.at(-1).details.reason, 'revoked');
    // The header straight to a node from an address not in trusted_proxies is refused:
    // tests/http/eid.test.js (the nodes here trust 127.0.0.1, where this test runs).
  });

  it('keeps one audit chain that portier audit verify accepts, no 5xx', async () => {
    const ok = await run(['audit', 'verify', '--db', conn]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    for (const n of nodes) assert.doesNotMatch(n.logs(), /access [A-Z]+ \S+ 5\d\d /);
  });
});

/** POSTs fields as a form with client c. */
function post(c, pathname, fields) {
  return c.get(pathname, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}
