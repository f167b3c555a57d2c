// oidc_lib.js — what the OpenID Connect tests share: a server with people, organisations,
// accounts and grants built through the portier CLI (tests/lib/world.js), clients registered
// with `portier client add`, a login through the access-codes door, and PKCE helpers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';

import { BIN, Client, start } from '../lib/server.js';
import {
  activateQuality, addAccount, addApplication, addOrg, addPerson, setAccountStatus,
} from '../lib/world.js';

export const PASSWORD = 'Demo-portier-2026';

// The world of the tests: the demo people and Marie; two organisations. Jan is a USER
// with TESTAPP (level 1), TESTONE (level 1) and MEDSEIP in Pharma Test, and with TESTAPP
// in Medi Distribution; he is also the GAP of Pharma Test. Claire is GL in Pharma Test
// without TESTAPP; Lukas has no account anywhere; Marie's account (with TESTAPP) is
// suspended. Paul Lambert is the GAP and GL of Medi Distribution (without access codes).
export const PEOPLE = {
  jan: { niss: '85073003328', first: 'Jan', last: 'Peeters', lang: 'nl', user: 'jan.peeters' },
  claire: { niss: '17073003384', first: 'Claire', last: 'Dubois', lang: 'fr', user: 'claire.dubois' },
  lukas: { niss: '90022800193', first: 'Lukas', last: 'Schmitz', lang: 'de', user: 'lukas.schmitz' },
  marie: { niss: '93051822361', first: 'Marie', last: 'Lambert', lang: 'fr', user: 'marie.lambert' },
};
const MEDI_MANAGER = { niss: '80010100503', first: 'Paul', last: 'Lambert', lang: 'fr' };
export const ORGS = {
  pharma: { enterprise: '0552627113', name: 'Pharma Test SA', shown: '0552.627.113' },
  medi: { enterprise: '0417497106', name: 'Medi Distribution SPRL', shown: '0417.497.106' },
};
/** The accounts of the world (ids as the profile choice sends them), set by buildWorld:
 * jan (Pharma Test), janMedi (Medi Distribution), claire, marie. */
export const ACCOUNTS = {};

/** Builds the test world in a started server through the portier CLI (people, the
 * applications TESTAPP and TESTONE, organisations, qualities, accounts and grants).
 * claireApps: Claire's applications in Pharma Test (none unless said). */
export function buildWorld(srv, { claireApps = [] } = {}) {
  for (const x of [...Object.values(PEOPLE), MEDI_MANAGER]) {
    const id = addPerson(srv, {
      niss: x.niss, last: x.last, first: x.first, lang: x.lang,
      ...(x.user ? { email: `${x.user}@example.be`, username: x.user, password: PASSWORD } : {}),
    });
    x.id = id;
  }
  addApplication(srv, { code: 'TESTAPP', sort: 998, minLevel: 1,
    names: { fr: 'Application de test', nl: 'Testtoepassing', de: 'Testanwendung', en: 'Test application' } });
  addApplication(srv, { code: 'TESTONE', sort: 999, minLevel: 1,
    names: { fr: 'Application unique', nl: 'Enige toepassing', de: 'Einzige Anwendung', en: 'Single application' } });
  const contact = { email: 'contact@example.be', phone: '02 000 00 00' };
  ORGS.pharma.id = addOrg(srv, { ...ORGS.pharma, gap: PEOPLE.jan.niss, ...contact });
  ORGS.medi.id = addOrg(srv, { ...ORGS.medi, gap: MEDI_MANAGER.niss, ...contact });
  const pharma = activateQuality(srv, {
    org: ORGS.pharma.id, email: 'q@example.be', gl: PEOPLE.claire.niss, username: 'claire',
    userEmail: 'claire@example.be', lang: 'fr', apps: claireApps,
  });
  const user = (org, quality, x, name, apps) => addAccount(srv, {
    org, quality, niss: x.niss, username: name, email: `${name}@example.be`, lang: x.lang, apps,
  });
  ACCOUNTS.claire = String(pharma.account);
  ACCOUNTS.jan = String(user(ORGS.pharma.id, pharma.quality, PEOPLE.jan, 'jan', ['TESTAPP', 'TESTONE', 'MEDSEIP']));
  ACCOUNTS.marie = String(user(ORGS.pharma.id, pharma.quality, PEOPLE.marie, 'marie', ['TESTAPP']));
  setAccountStatus(srv, { org: ORGS.pharma.id, quality: pharma.quality, account: ACCOUNTS.marie, suspend: true });
  const medi = activateQuality(srv, {
    org: ORGS.medi.id, email: 'q2@example.be', gl: MEDI_MANAGER.niss, username: 'paul',
    userEmail: 'paul@example.be', lang: 'fr',
  });
  ACCOUNTS.janMedi = String(user(ORGS.medi.id, medi.quality, PEOPLE.jan, 'jan', ['TESTAPP']));
  ORGS.medi.quality = medi.quality;
}

/** Suspends (suspend true) or reactivates Jan's account in Medi Distribution, in the
 * name of its GAP. */
export function setJanMedi(srv, suspend) {
  setAccountStatus(srv, { org: ORGS.medi.id, quality: ORGS.medi.quality, account: ACCOUNTS.janMedi, suspend });
}

/** Runs the portier binary; returns stdout, throws with stderr on failure. */
export function portier(args) {
  return execFileSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Registers a client in the server's database; returns { id, secret } (secret undefined
 * for a public client). opts: redirect (array), postLogout (array), scope, application,
 * minLevel, public, nationalNumber, idTokenAlg.
 */
export function addClient(srv, id, opts = {}) {
  const args = ['client', 'add', '--db', srv.db, '--id', id,
    '--application', opts.application ?? 'TESTAPP',
    '--scope', opts.scope ?? 'openid profile'];
  for (const u of opts.redirect ?? ['http://127.0.0.1:9/cb']) args.push('--redirect-uri', u);
  for (const u of opts.postLogout ?? []) args.push('--post-logout-uri', u);
  if (opts.minLevel) args.push('--min-level', String(opts.minLevel));
  if (opts.public) args.push('--public');
  if (opts.nationalNumber) args.push('--allow-national-number');
  if (opts.idTokenAlg) args.push('--id-token-alg', opts.idTokenAlg);
  const out = portier(args);
  const m = /client_secret: (\S+)/.exec(out);
  return { id, secret: m ? m[1] : undefined };
}

/** Starts a server and builds the test world in it (world: buildWorld's options). */
export async function startWorld(options = {}, world = {}) {
  const srv = await start(options);
  buildWorld(srv, world);
  return srv;
}

/** The value of a hidden _csrf field in a page. */
export function csrfOf(html) {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, 'no CSRF token on the page');
  return m[1];
}

/** Logs a cookie-jar client in with the access codes; next is where the login returns. */
export async function login(c, user, next = '/') {
  const page = await c.get(`/login?next=${encodeURIComponent(next)}`);
  assert.equal(page.status, 200, 'login page');
  const res = await c.fetch('/login/password', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      _csrf: csrfOf(page.text), username: user, password: PASSWORD, next, level: '1',
    }).toString(),
  });
  await res.text();
  assert.equal(res.status, 303, `login of ${user}`);
  return res.headers.get('location');
}

/** A PKCE pair: { verifier, challenge } (S256). */
export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** The authorization URL of a client with the given parameters. */
export function authorizeUrl(params) {
  return `/oidc/authorize?${new URLSearchParams(params).toString()}`;
}

/** The URL a page sends the browser to (meta refresh after our own forms). */
export function refreshTarget(html) {
  const m = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(html);
  assert.ok(m, 'no meta refresh on the page');
  return m[1].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** The profile choices of the page: [{ value, label }]. */
export function profileOptions(html) {
  const sel = /<select id="org"[\s\S]*?<\/select>/.exec(html);
  assert.ok(sel, 'no organisation list on the page');
  return [...sel[0].matchAll(/<option value="(\d+)"[^>]*>([^<]*)<\/option>/g)]
    .map((m) => ({ value: m[1], label: m[2] }));
}

/**
 * Runs the browser side of an authorization for a logged-in (or not) client c:
 * GET authorize → (login) → profile choice (account value or the first) → redirect.
 * Returns the URL the client's redirect URI receives, as a URL object.
 */
export async function authorize(c, params, { user, account } = {}) {
  let res = await c.fetch(authorizeUrl(params));
  await res.text();
  assert.equal(res.status, 303, 'authorize answers with a redirect');
  let loc = res.headers.get('location');
  if (!loc.startsWith('/oidc/continue/')) return new URL(loc);
  const flow = loc;
  let page = await c.get(flow);
  if (page.status === 303 && user) {
    const back = await login(c, user, new URL(page.headers.get('location'), c.base).searchParams.get('next'));
    assert.equal(back, flow, 'the login returns to the flow');
    page = await c.get(flow);
  }
  assert.equal(page.status, 200, `the profile choice (got ${page.status}): ${page.text.slice(0, 300)}`);
  const opts = profileOptions(page.text);
  const value = account ?? opts[0].value;
  res = await c.fetch(flow, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfOf(page.text), org: value }).toString(),
  });
  const text = await res.text();
  assert.equal(res.status, 200, 'the choice answers with the page that goes back');
  loc = refreshTarget(text);
  return new URL(loc);
}

/** POSTs a form to the token endpoint; returns { status, json, headers }. */
export async function tokenRequest(base, form, { basic } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  const res = await fetch(new URL('/oidc/token', base), {
    method: 'POST', headers, body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, headers: res.headers, text };
}

/** Decodes the payload of a JWT (no verification). */
export function jwtPayload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/** A fresh cookie jar on the server. */
export function browser(srv) {
  return new Client(srv.url);
}
