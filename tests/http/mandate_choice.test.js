// mandate_choice.test.js — issue 16 part 3: the profile choice with mandates. A person of a
// social secretariat B acts for a mandator A ("mandataire de A (via B)"): the mandators
// they serve for the asking application are offered beside their own organisations, with
// a search (name or number) and pages; tokens and userinfo say organisation A via B; a
// mandate ended or a member removed stops the refresh at once; a forged choice is refused
// with nothing stored. Mandates are rows put in the database directly (their pages are
// another part of the issue). Both backends (PORTIER_TEST_DB=pg).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { exec, scalar } from '../lib/db.js';
import { activateQuality, addAccount, addOrg, auditCountWhere } from '../lib/world.js';
import {
  addClient, authorizeUrl, browser, csrfOf, jwtPayload, login, ORGS, PEOPLE, pkce, profileOptions,
  refreshTarget, startWorld, tokenRequest,
} from './oidc_lib.js';

const CB = 'http://127.0.0.1:9/cb';

/** A Belgian enterprise number with its check digits (97 - first 8 digits mod 97). */
function enterprise(n) {
  const first8 = String(2000000 + n).padStart(8, '0');   // 02xxxxxx
  return `${first8}${String(97 - (Number(first8) % 97)).padStart(2, '0')}`;
}
/** 0123.456.789 */
const shown = (e) => `${e.slice(0, 4)}.${e.slice(4, 7)}.${e.slice(7)}`;

/** The quarter of a date as mandates count them (year * 10 + quarter), UTC. */
function quarterOf(d) {
  return d.getUTCFullYear() * 10 + Math.floor(d.getUTCMonth() / 3) + 1;
}
const NOW_Q = quarterOf(new Date());
const NEXT_YEAR_Q = NOW_Q + 10;
const LAST_YEAR_Q = NOW_Q - 10;

/** The text of an HTML attribute value (the writer escapes & and = among others). */
function unescapeHtml(s) {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
}

/** The mandate choices of a page: [{ value, label }] ("m:<public id>"). */
function mandateOptions(html) {
  const sel = /<select id="org"[\s\S]*?<\/select>/.exec(html);
  assert.ok(sel, 'no organisation list on the page');
  return [...sel[0].matchAll(/<option value="(m:[^"]+)"[^>]*>([^<]*)<\/option>/g)]
    .map((m) => ({ value: unescapeHtml(m[1]), label: unescapeHtml(m[2]) }));
}

describe('issue 16: the profile choice with mandates', () => {
  let srv;
  let rp;
  let one;
  let b;                 // the social secretariat (mandatary)
  const A = {};          // mandators by key
  const M = {};          // mandates by key: { id, pub }
  const acc = {};        // accounts in B: lukas (serves all), marie (named member)
  let serial = 0;

  /** A mandator organisation with the quality health_related, put in directly. */
  function mandator(key, name) {
    serial += 1;
    const e = enterprise(serial);
    exec(srv, `INSERT INTO organisation(enterprise, country, name, contact_email, contact_phone,
      procedure, created_at) VALUES (?, 'BE', ?, 'a@example.be', '02 000 00 00', 'standard',
      '2026-01-01T00:00:00Z')`, [e, name]);
    const id = scalar(srv, 'SELECT id FROM organisation WHERE enterprise = ?', [e]);
    exec(srv, `INSERT INTO org_quality(org_id, quality, email, activated_at)
      VALUES (?, 'health_related', 'q@example.be', '2026-01-01T00:00:00Z')`, [id]);
    A[key] = { id, enterprise: e, name };
    return A[key];
  }

  /** A mandate of A[key] to B: apps, quarters, status, serve_all; members: { account: [apps] }. */
  function mandate(key, { apps = ['TESTAPP'], start = NOW_Q - 10, end = null, status = 'active',
    serveAll = 1, members = {} } = {}) {
    const pub = `pub-${key}-${serial}`;
    exec(srv, `INSERT INTO mandate(public_id, mandator_org, mandatary_org, quality, start_quarter,
      end_quarter, status, proposed_side, proposed_by, serve_all, created_at, changed_at)
      VALUES (?, ?, ?, 'health_related', ?, ?, ?, 'mandator', ?, ?, '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00Z')`,
    [pub, A[key].id, b, start, end, status, PEOPLE.claire.id, serveAll]);
    const id = scalar(srv, 'SELECT id FROM mandate WHERE public_id = ?', [pub]);
    for (const app of apps) exec(srv, 'INSERT INTO mandate_app(mandate_id, application) VALUES (?, ?)', [id, app]);
    for (const [account, granted] of Object.entries(members)) {
      exec(srv, `INSERT INTO mandate_member(mandate_id, account_id, since)
        VALUES (?, ?, '2026-01-01T00:00:00Z')`, [id, Number(account)]);
      for (const app of granted) {
        exec(srv, `INSERT INTO mandate_grant(mandate_id, account_id, application, granted_at)
          VALUES (?, ?, ?, '2026-01-01T00:00:00Z')`, [id, Number(account), app]);
      }
    }
    M[key] = { id, pub };
    return M[key];
  }

  before(async () => {
    srv = await startWorld();
    rp = addClient(srv, 'rp', { redirect: [CB], scope: 'openid profile' });
    one = addClient(srv, 'one', { application: 'TESTONE', redirect: [CB] });
    // B: Lukas its GAP and GL (with TESTAPP: his own profile), Marie a user (no TESTAPP of her own).
    b = addOrg(srv, { enterprise: '0403170701', name: 'Secrétariat Social Test', gap: PEOPLE.lukas.niss,
      email: 'b@example.be', phone: '02 000 00 00' });
    const q = activateQuality(srv, { org: b, email: 'qb@example.be', gl: PEOPLE.lukas.niss,
      username: 'lukas.b', userEmail: 'lukas.b@example.be', lang: 'de', apps: ['TESTAPP'] });
    acc.lukas = q.account;
    acc.marie = addAccount(srv, { org: b, quality: q.quality, niss: PEOPLE.marie.niss,
      username: 'marie.b', email: 'marie.b@example.be', lang: 'fr', apps: [] });
    mandator('a1', 'Alpha Boulangerie');
    mandator('a2', 'Beta Construction');
    mandator('a3', 'Gamma Transport');
    mandator('a4', 'Delta Sans Testapp');
    mandator('a5', 'Epsilon Futur');
    mandator('a6', 'Zeta Terminé');
    mandator('a7', 'Eta Échu');
    mandator('a8', 'Theta Proposé');
    mandator('a9', 'Iota Marie Seule');
    mandator('a10', 'Kappa Autre Application');
    mandator('a11', 'Lambda Expiré');
    mandate('a1', { apps: ['TESTAPP', 'TESTONE'] });
    mandate('a2');
    mandate('a3', { serveAll: 0, members: { [acc.lukas]: ['TESTAPP'], [acc.marie]: ['TESTAPP'] } });
    mandate('a4', { apps: ['TESTONE'] });
    mandate('a5', { start: NEXT_YEAR_Q });
    mandate('a6', { status: 'ended' });
    mandate('a7', { start: LAST_YEAR_Q - 10, end: LAST_YEAR_Q });
    mandate('a8', { status: 'proposed' });
    mandate('a9', { serveAll: 0, members: { [acc.marie]: ['TESTAPP'] } });
    mandate('a10', { apps: ['TESTAPP', 'TESTONE'], serveAll: 0, members: { [acc.lukas]: ['TESTONE'] } });
    mandate('a11', { status: 'expired' });
  });
  after(async () => {
    await srv?.stop();
  });

  const params = (c, extra = {}) => ({
    client_id: c.id, redirect_uri: CB, response_type: 'code', scope: 'openid profile', state: 'st', ...extra,
  });

  /** Logs user in a new browser and starts a flow of client c; returns { jar, flow }. */
  async function flowOf(user, c = rp, extra = {}) {
    const jar = browser(srv);
    await login(jar, user);
    const r = await jar.get(authorizeUrl(params(c, extra)));
    assert.equal(r.status, 303);
    const flow = r.headers.get('location');
    assert.match(flow, /^\/oidc\/continue\//);
    return { jar, flow };
  }

  /** Posts a choice on the flow's page; returns the response. */
  async function choose(jar, flow, page, org, extra = {}) {
    return jar.get(flow, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org, ...extra }).toString(),
    });
  }

  /** Chooses the mandate of A[key] and exchanges the code; returns the token response json. */
  async function tokensFor(user, key) {
    const { verifier, challenge } = pkce();
    const { jar, flow } = await flowOf(user, rp, { code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await jar.get(`${flow}?q=${encodeURIComponent(A[key].name)}`);
    const opt = mandateOptions(page.text).find((o) => o.value === `m:${M[key].pub}`);
    assert.ok(opt, `the mandate of ${A[key].name} is offered to ${user}`);
    const res = await choose(jar, flow, page, opt.value);
    assert.equal(res.status, 200, res.text.slice(0, 300));
    const to = new URL(refreshTarget(res.text));
    const t = await tokenRequest(srv.url, {
      grant_type: 'authorization_code', code: to.searchParams.get('code'), redirect_uri: CB, code_verifier: verifier,
    }, { basic: rp });
    assert.equal(t.status, 200, t.text);
    return t.json;
  }

  it('offers the mandators a person serves, as "mandataire de A (via B)", beside their own organisation', async () => {
    const { jar, flow } = await flowOf(PEOPLE.lukas.user);
    const page = await jar.get(flow);
    assert.equal(page.status, 200);
    // Own organisation as before.
    assert.deepEqual(profileOptions(page.text).map((o) => o.label), ['Secrétariat Social Test (0403.170.701)']);
    const labels = mandateOptions(page.text).map((o) => o.label);
    const via = 'Secrétariat Social Test (0403.170.701)';
    assert.deepEqual(labels, ['a1', 'a2', 'a3'].map((k) =>
      `mandataire de ${A[k].name} (${shown(A[k].enterprise)}) (via ${via})`));
    // The search field comes with the mandates.
    assert.match(page.text, /<input id="q" name="q" type="search"/);
  });

  it('does not list a mandate without the asking application, not begun, ended, expired or proposed', async () => {
    const { jar, flow } = await flowOf(PEOPLE.lukas.user);
    const page = await jar.get(flow);
    const listed = mandateOptions(page.text).map((o) => o.value);
    for (const k of ['a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'a10', 'a11']) {
      assert.ok(!listed.includes(`m:${M[k].pub}`), `${A[k].name} must not be offered`);
      assert.ok(!page.text.includes(A[k].name), `${A[k].name} must not appear`);
    }
    // For TESTONE the mandate covering it (a4, serve all) is offered, and a10 where Lukas has TESTONE.
    const o = await flowOf(PEOPLE.lukas.user, one);
    const p1 = await o.jar.get(o.flow);
    assert.equal(p1.status, 200);
    assert.deepEqual(mandateOptions(p1.text).map((x) => x.value).sort(),
      [M.a1.pub, M.a4.pub, M.a10.pub].map((p) => `m:${p}`).sort());
  });

  it('shows a named member only the mandates they are a member of (and those serving all)', async () => {
    const { jar, flow } = await flowOf(PEOPLE.marie.user);
    const page = await jar.get(flow);
    assert.equal(page.status, 200, 'Marie has no own profile but mandates: the choice, not the page without profile');
    assert.deepEqual(profileOptions(page.text), []);
    assert.deepEqual(mandateOptions(page.text).map((o) => o.value),
      ['a1', 'a2', 'a3', 'a9'].map((k) => `m:${M[k].pub}`));
  });

  it('shows no mandate to a person of another organisation', async () => {
    const { jar, flow } = await flowOf(PEOPLE.jan.user);
    const page = await jar.get(flow);
    assert.equal(page.status, 200);
    assert.equal(profileOptions(page.text).length, 2);
    assert.deepEqual(mandateOptions(page.text), []);
    assert.ok(!page.text.includes('name="q"'), 'no search without mandates');
  });

  it('searches the mandators by name and by enterprise number', async () => {
    const { jar, flow } = await flowOf(PEOPLE.lukas.user);
    const byName = await jar.get(`${flow}?q=beta`);
    assert.equal(byName.status, 200);
    assert.deepEqual(mandateOptions(byName.text).map((o) => o.value), [`m:${M.a2.pub}`]);
    assert.match(byName.text, /name="q" type="search" value="beta"/);
    // The own organisation stays.
    assert.equal(profileOptions(byName.text).length, 1);
    for (const q of [shown(A.a3.enterprise), A.a3.enterprise, `BE${A.a3.enterprise}`, A.a3.enterprise.slice(3, 8)]) {
      const byNumber = await jar.get(`${flow}?q=${encodeURIComponent(q)}`);
      assert.deepEqual(mandateOptions(byNumber.text).map((o) => o.value), [`m:${M.a3.pub}`], `search ${q}`);
    }
    // Nothing found: said, the search field stays; LIKE's own characters are plain text.
    for (const q of ['Nothing Like This', '%', '_']) {
      const none = await jar.get(`${flow}?q=${encodeURIComponent(q)}`);
      assert.equal(none.status, 200);
      assert.deepEqual(mandateOptions(none.text), [], q);
      assert.match(none.text, /id="mandate-none"/);
      assert.match(none.text, /name="q" type="search"/);
    }
  });

  it('pages the mandators, 20 a page, by name', async () => {
    const keys = [];
    for (let i = 1; i <= 30; i++) {
      const k = `p${i}`;
      mandator(k, `Paged Client ${String(i).padStart(2, '0')}`);
      mandate(k);
      keys.push(k);
    }
    const { jar, flow } = await flowOf(PEOPLE.lukas.user);
    const all = [...['a1', 'a2', 'a3'].map((k) => A[k].name), ...keys.map((k) => A[k].name)].sort();
    const names = (html) => mandateOptions(html).map((o) => /^mandataire de (.*?) \(\d{4}/.exec(o.label)[1]);
    const link = (html, rel) => {
      const m = new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html);
      return m ? unescapeHtml(m[1]) : null;
    };
    const p1 = await jar.get(flow);
    assert.deepEqual(names(p1.text), all.slice(0, 20));
    assert.match(p1.text, /Page 1</);
    assert.equal(link(p1.text, 'prev'), null);
    const p2 = await jar.get(link(p1.text, 'next'));
    assert.deepEqual(names(p2.text), all.slice(20));
    assert.match(p2.text, /Page 2</);
    assert.equal(link(p2.text, 'next'), null);
    // Back: the first page again, and no page before it.
    const back = await jar.get(link(p2.text, 'prev'));
    assert.deepEqual(names(back.text), all.slice(0, 20));
    assert.equal(link(back.text, 'prev'), null);
    assert.ok(link(back.text, 'next'));
    // Pages within a search keep the search.
    const s1 = await jar.get(`${flow}?q=paged`);
    assert.equal(names(s1.text).length, 20);
    const s2 = await jar.get(link(s1.text, 'next'));
    assert.deepEqual(names(s2.text), keys.map((k) => A[k].name).sort().slice(20));
    assert.match(s2.text, /name="q" type="search" value="paged"/);
    // A key that is no mandate: nothing there, said, the search stays; a malformed one is
    // not looked up (the first page).
    const none = await jar.get(`${flow}?after=no-such-mandate&page=7`);
    assert.deepEqual(mandateOptions(none.text), []);
    assert.match(none.text, /id="mandate-none"/);
    const bad = await jar.get(`${flow}?after=${encodeURIComponent("x' OR 1=1 --")}&page=-1x`);
    assert.deepEqual(names(bad.text), all.slice(0, 20));
  });

  it('gives tokens and userinfo saying the organisation acted for (A) and the chain (via B)', async () => {
    const t = await tokensFor(PEOPLE.lukas.user, 'a1');
    const id = jwtPayload(t.id_token);
    assert.deepEqual(id.organisation, { enterprise_number: A.a1.enterprise, name: A.a1.name, country: 'BE' });
    assert.deepEqual(id.via, { enterprise_number: '0403170701', name: 'Secrétariat Social Test', country: 'BE' });
    assert.equal(id.quality.code, 'health_related');
    assert.deepEqual(id.applications, ['TESTAPP', 'TESTONE']);
    const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${t.access_token}` } });
    assert.equal(u.status, 200);
    const info = await u.json();
    assert.deepEqual(info.organisation, id.organisation);
    assert.deepEqual(info.via, id.via);
    // The grant keeps the mandate.
    assert.equal(scalar(srv, 'SELECT count(*) FROM oidc_grant WHERE mandate_id = ?', [M.a1.id]), 1);
    // The audit trail names the mandator and the mandate.
    assert.equal(auditCountWhere(srv, ['oidc.code.issued'], { org: A.a1.enterprise, details: { mandate: M.a1.id } }), 1);
    // A named member's applications are theirs under the mandate.
    const tm = await tokensFor(PEOPLE.marie.user, 'a3');
    assert.deepEqual(jwtPayload(tm.id_token).applications, ['TESTAPP']);
    // The own organisation's tokens have no via.
    const { verifier, challenge } = pkce();
    const { jar, flow } = await flowOf(PEOPLE.lukas.user, rp, { code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await jar.get(flow);
    const res = await choose(jar, flow, page, profileOptions(page.text)[0].value);
    const code = new URL(refreshTarget(res.text)).searchParams.get('code');
    const own = await tokenRequest(srv.url, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier }, { basic: rp });
    assert.equal(own.status, 200);
    assert.equal(jwtPayload(own.json.id_token).via, undefined);
    assert.equal(jwtPayload(own.json.id_token).organisation.enterprise_number, '0403170701');
  });

  it('refuses the refresh at once when the mandate ends', async () => {
    const t = await tokensFor(PEOPLE.lukas.user, 'a2');
    const r1 = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
    assert.equal(r1.status, 200, 'a refresh while the mandate is active');
    assert.equal(jwtPayload(r1.json.id_token).via.name, 'Secrétariat Social Test');
    exec(srv, "UPDATE mandate SET status = 'ended' WHERE id = ?", [M.a2.id]);
    const r2 = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: r1.json.refresh_token }, { basic: rp });
    assert.equal(r2.status, 400);
    assert.equal(r2.json.error, 'invalid_grant');
    // The access token of the grant stops too.
    const u = await fetch(`${srv.url}/oidc/userinfo`, { headers: { authorization: `Bearer ${r1.json.access_token}` } });
    assert.equal(u.status, 401);
  });

  it('refuses the refresh at once when the member is removed from the mandate', async () => {
    const t = await tokensFor(PEOPLE.marie.user, 'a9');
    const r1 = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { basic: rp });
    assert.equal(r1.status, 200);
    exec(srv, 'DELETE FROM mandate_member WHERE mandate_id = ? AND account_id = ?', [M.a9.id, acc.marie]);
    const r2 = await tokenRequest(srv.url, { grant_type: 'refresh_token', refresh_token: r1.json.refresh_token }, { basic: rp });
    assert.equal(r2.status, 400);
    assert.equal(r2.json.error, 'invalid_grant');
  });

  it('refuses the code exchange when the mandate ended between the choice and the exchange', async () => {
    const k = 'late';
    mandator(k, 'Omega Fin Rapide');
    mandate(k);
    const { verifier, challenge } = pkce();
    const { jar, flow } = await flowOf(PEOPLE.lukas.user, rp, { code_challenge: challenge, code_challenge_method: 'S256' });
    const page = await jar.get(`${flow}?q=omega`);
    const res = await choose(jar, flow, page, `m:${M[k].pub}`);
    assert.equal(res.status, 200);
    const code = new URL(refreshTarget(res.text)).searchParams.get('code');
    // Its end quarter passed (the clock's expiry has not marked it yet): the date alone ends it.
    exec(srv, 'UPDATE mandate SET start_quarter = ?, end_quarter = ? WHERE id = ?', [LAST_YEAR_Q - 10, LAST_YEAR_Q, M[k].id]);
    const t = await tokenRequest(srv.url, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier }, { basic: rp });
    assert.equal(t.status, 400);
    assert.equal(t.json.error, 'invalid_grant');
  });

  it('refuses a forged choice (a mandate the person does not serve) with nothing stored', async () => {
    const { jar, flow } = await flowOf(PEOPLE.lukas.user);
    const page = await jar.get(flow);
    const grants = () => Number(scalar(srv, 'SELECT count(*) FROM oidc_grant'));
    const before = grants();
    for (const forged of [`m:${M.a9.pub}`, `m:${M.a5.pub}`, `m:${M.a6.pub}`, `m:${M.a4.pub}`,
      `m:${M.a10.pub}`, 'm:nope', 'm:', `m:${'x'.repeat(300)}`, "m:' OR 1=1 --"]) {
      const res = await choose(jar, flow, page, forged);
      assert.equal(res.status, 422, forged);
      assert.match(res.text, /Choisissez l(&#39;|')organisation/);
      assert.equal(grants(), before, `nothing stored for ${forged}`);
    }
    assert.ok(auditCountWhere(srv, ['oidc.authorize.refused'], { details: { reason: 'mandate' } }) >= 9);
    // The flow is still usable with a real choice.
    const ok = await choose(jar, flow, page, `m:${M.a1.pub}`);
    assert.equal(ok.status, 200);
    assert.equal(grants(), before + 1);
    // Another person's browser cannot use the mandates of Lukas either (Jan, no account in B).
    const j = await flowOf(PEOPLE.jan.user);
    const jp = await j.jar.get(j.flow);
    const res = await choose(j.jar, j.flow, jp, `m:${M.a1.pub}`);
    assert.equal(res.status, 422);
  });
});
