// oidc_lib.js — what the OpenID Connect tests share: a server with people, organisations,
// accounts and grants written straight into its database (sqlite3), clients registered
// with `portier client add`, a login through the access-codes door, and PKCE helpers.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';

import { BIN, Client, start } from '../lib/server.js';

export const PASSWORD = 'Demo-portier-2026';
// Argon2id of PASSWORD with portier's default cost (libsodium's crypto_pwhash_str).
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$00H7HXawEbo+gRUGsgqkrw$g3l3yRLZNHYRXZsBhVmH+A8jn31Z6xTPe64PsMClTZQ';

/** Runs SQL on a database with the sqlite3 shell; returns its output. */
export function sql(db, text) {
  return execFileSync('sqlite3', ['-bail', db], {
    input: `PRAGMA busy_timeout=30000;\n${text}`, encoding: 'utf8',
  });
}

const q = (s) => `'${String(s).replace(/'/g, "''")}'`;

// The world of the tests: the demo people and Marie; two organisations. Jan is a USER
// with TESTAPP (level 1), TESTONE (level 1) and MEDSEIP in Pharma Test, and with TESTAPP
// in Medi Distribution; he is also the GAP of Pharma Test. Claire is GL in Pharma Test
// without TESTAPP; Lukas has no account anywhere; Marie's account (with TESTAPP) is
// suspended.
export const PEOPLE = {
  jan: { id: 11, niss: '85073003328', first: 'Jan', last: 'Peeters', lang: 'nl', user: 'jan.peeters' },
  claire: { id: 12, niss: '17073003384', first: 'Claire', last: 'Dubois', lang: 'fr', user: 'claire.dubois' },
  lukas: { id: 13, niss: '90022800193', first: 'Lukas', last: 'Schmitz', lang: 'de', user: 'lukas.schmitz' },
  marie: { id: 14, niss: '93051822361', first: 'Marie', last: 'Lambert', lang: 'fr', user: 'marie.lambert' },
};
export const ORGS = {
  pharma: { id: 101, enterprise: '0552627113', name: 'Pharma Test SA', shown: '0552.627.113' },
  medi: { id: 102, enterprise: '0417497106', name: 'Medi Distribution SPRL', shown: '0417.497.106' },
};

/** The SQL that writes the test world into a migrated database. */
export function worldSql() {
  const p = Object.values(PEOPLE);
  return [
    'BEGIN;',
    ...p.map((x) => `INSERT INTO person(id, niss, last_name, first_name, language, email) VALUES (${x.id}, ${q(x.niss)}, ${q(x.last)}, ${q(x.first)}, ${q(x.lang)}, ${q(`${x.user}@example.be`)});`),
    ...p.map((x) => `INSERT INTO credential_password(person_id, username, hash) VALUES (${x.id}, ${q(x.user)}, ${q(HASH)});`),
    "INSERT INTO application(code, quality, sort, min_level, name_fr, name_nl, name_de, name_en, desc_fr, desc_nl, desc_de, desc_en) VALUES ('TESTAPP', 'health_related', 998, 1, 'Application de test', 'Testtoepassing', 'Testanwendung', 'Test application', '', '', '', ''), ('TESTONE', 'health_related', 999, 1, 'Application unique', 'Enige toepassing', 'Einzige Anwendung', 'Single application', '', '', '', '');",
    ...Object.values(ORGS).map((o) => `INSERT INTO organisation(id, enterprise, name, contact_email, contact_phone, procedure) VALUES (${o.id}, ${q(o.enterprise)}, ${q(o.name)}, 'contact@example.be', '02 000 00 00', 'standard');`),
    "INSERT INTO org_quality(id, org_id, quality, email) VALUES (201, 101, 'health_related', 'q@example.be'), (202, 102, 'health_related', 'q2@example.be');",
    `INSERT INTO account(id, org_id, person_id, username, email, status) VALUES (301, 101, ${PEOPLE.jan.id}, 'jan', 'jan@example.be', 'active'), (302, 102, ${PEOPLE.jan.id}, 'jan', 'jan@example.be', 'active'), (303, 101, ${PEOPLE.claire.id}, 'claire', 'claire@example.be', 'active'), (304, 101, ${PEOPLE.marie.id}, 'marie', 'marie@example.be', 'suspended');`,
    "INSERT INTO quality_member(org_quality_id, account_id, type) VALUES (201, 301, 'USER'), (202, 302, 'USER'), (201, 303, 'GL'), (201, 304, 'USER');",
    "INSERT INTO app_grant(org_quality_id, account_id, application) VALUES (201, 301, 'TESTAPP'), (201, 301, 'TESTONE'), (201, 301, 'MEDSEIP'), (202, 302, 'TESTAPP'), (201, 304, 'TESTAPP');",
    `INSERT INTO org_manager(org_id, person_id, role) VALUES (101, ${PEOPLE.jan.id}, 'GAP');`,
    'COMMIT;',
  ].join('\n');
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

/** Starts a server and writes the test world into its database. */
export async function startWorld(options = {}) {
  const srv = await start(options);
  sql(srv.db, worldSql());
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
