// uman_lib.js — what the access-management tests share (tests/http/uman*.test.js and
// tests/browser/uman*.test.js): a demo server, logging in with access codes and choosing
// the capacity "Acteur des soins de santé", forms with their CSRF token, the database
// read directly (tests/lib/db.js, either backend), extra people with access codes, and the
// steps of guide §3 and §4 as functions.
import assert from 'node:assert/strict';

import { Client, start } from '../lib/server.js';
import { accounts, addPerson as worldAddPerson, auditCountWhere, qualities } from '../lib/world.js';

export const PASSWORD = 'Demo-portier-2026';
/** Ids in the demo world (src/cmd/demo_seed.c): people in order, the organisation. */
export const ID = { jan: 1, claire: 2, lukas: 3, org: 1 };
export const NISS = {
  jan: '85073003328', claire: '17073003384', lukas: '90022800193',
  els: '72110512256',         // in the demo persons register, not yet a portier person
  marie: '80010100305', paul: '80010100503', sophie: '80010100701', new1: '75050500203',
};
export const HEALTH = 'Institution liée au domaine de la santé';
export const APPS = ['SADM', 'EHEALTH_MONITORING', 'PORTAIL_UNIQUE', 'AUTOCONTROLE', 'SARA', 'SAA',
  'SACEX', 'SANAC', 'MEDSEIP'];

/** A demo server (people, PharmaPlatel with Claire Dubois as GAP), cheap password hashes. */
export function startDemo(extra = []) {
  return start({ args: ['--demo', '--password-ops', '1', '--password-mem-kib', '8', ...extra] });
}

/** The server's database read and written directly (tests/lib/db.js: SQLite or
 *  PostgreSQL): rows(srv, sql, params), scalar(…), sql(srv, statements, params). */
export { exec as sql, query as rows, scalar } from '../lib/db.js';

/** Count of access.denied events (optionally of one actor). */
export function denials(srv, actor) {
  return auditCountWhere(srv, ['access.denied'], actor ? { actor: Number(actor) } : {});
}

/** The password cost of startDemo, for what the CLI hashes for its servers. */
export const DEMO_COST = ['--password-ops', '1', '--password-mem-kib', '8'];

/** A person with access codes (the password of the demo), brought in with `portier
 * person add`. Returns the id. */
export function addPerson(srv, { niss, last, first, username }) {
  return worldAddPerson(srv, { niss, last, first, lang: 'fr', username, password: PASSWORD, extra: DEMO_COST });
}

/** The CSRF token of a page's forms. */
export function csrfOf(html) {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, 'the page has a form with a CSRF token');
  return m[1];
}

/** HTML entities of the template engine back to text. */
export function unescape(s) {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The page's text content (tags removed, entities decoded, spaces collapsed). */
export function text(html) {
  return unescape(html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ');
}

/** The value attribute of the input named name (decoded), or null. */
export function valueOf(html, name) {
  const re = new RegExp(`<input[^>]*name="${name}"[^>]*>`, 'g');
  for (const m of html.matchAll(re)) {
    const v = /value="([^"]*)"/.exec(m[0]);
    if (v) return unescape(v[1]);
  }
  return null;
}

/** The <h1> text of a page. */
export function h1Of(html) {
  const m = /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html);
  return m ? unescape(m[1].replace(/<[^>]+>/g, '').trim()) : null;
}

/** A client logged in with access codes, capacity "Acteur des soins de santé" chosen. */
export async function login(srv, username, lang) {
  const c = new Client(srv.url);
  const headers = lang ? { cookie: `portier_lang=${lang}` } : {};
  if (lang) c.cookies.set('portier_lang', lang);
  const page = await c.get('/login', { headers });
  const r = await c.fetch('/login/password', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrfOf(page.text), username, password: PASSWORD, next: '/acces' }),
  });
  assert.equal(r.status, 303, `login of ${username}`);
  const cap = await c.get('/capacite?next=/acces');
  const r2 = await c.fetch('/capacite', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrfOf(cap.text), capacity: 'health', next: '/acces' }),
  });
  assert.equal(r2.status, 303, 'capacity chosen');
  c.csrf = csrfOf((await c.get('/acces')).text);
  return c;
}

/** POSTs a form (the client's CSRF token added); fields may hold arrays (repeated). */
export async function post(c, path, fields) {
  const body = new URLSearchParams();
  body.append('_csrf', c.csrf);
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const x of v) body.append(k, x);
    else if (v !== undefined && v !== null) body.append(k, v);
  }
  return c.get(path, { method: 'POST', body });
}

/** Guide §3 through the pages: the GAP activates code with a local manager (niss) or
 *  herself (niss null). Returns the activated-quality id. */
export async function activate(srv, c, { code = 'health_related', email = 'sante@pharmaplatel.example.be',
  niss = NISS.lukas, username = 'lukas.schmitz', userEmail = 'lukas.schmitz@example.be',
  apps = ['MEDSEIP', 'SADM'], org = ID.org } = {}) {
  const step1 = await c.get(`/acces/${org}/activer?qualite=${code}`);
  assert.equal(step1.status, 200, `step 1 of ${code}`);
  const mode = niss ? 'gl' : 'self';
  const step2 = await post(c, `/acces/${org}/activer/gestionnaire`,
    { quality: code, email_quality: email, mode, niss: niss ?? '' });
  assert.equal(step2.status, 200, `step 2 of ${code}: ${text(step2.text).slice(0, 300)}`);
  const fields = {
    quality: code, email_quality: email, mode, niss: valueOf(step2.text, 'niss'),
    username, last_name: valueOf(step2.text, 'last_name'),
    first_name: valueOf(step2.text, 'first_name'), title: 'M.', language: 'fr',
    email: userEmail, local_email: '', apps,
  };
  if (/name="locked" value="1"/.test(step2.text)) fields.locked = '1';
  const step3 = await post(c, `/acces/${org}/activer/confirmation`, fields);
  assert.equal(step3.status, 200, `confirmation of ${code}: ${text(step3.text).slice(0, 400)}`);
  const done = await post(c, `/acces/${org}/activer/enregistrer`, fields);
  assert.equal(done.status, 303, `activation of ${code}`);
  assert.equal(done.headers.get('location'), `/acces/${org}?ok=activated`);
  const q = qualities(srv, { org }).find((x) => x.code === code);
  assert.ok(q, `quality ${code} listed by portier quality list`);
  return q.id;
}

/** Guide §4 through the pages: a manager adds a user (type USER or COGL). Returns the
 *  account id. */
export async function addUser(srv, c, q, { niss, type = 'USER', username, email, apps = [],
  last = 'Nouveau', first = 'Nadia', org = ID.org }) {
  const form = await post(c, `/acces/${org}/qualite/${q}/nouveau`, { niss, type });
  assert.equal(form.status, 200, `creation form: ${text(form.text).slice(0, 300)}`);
  const fields = {
    niss: valueOf(form.text, 'niss'), type, username,
    last_name: valueOf(form.text, 'last_name') || last,
    first_name: valueOf(form.text, 'first_name') || first,
    title: 'Mme', language: 'fr', email, local_email: '', apps,
  };
  if (/name="locked" value="1"/.test(form.text)) fields.locked = '1';
  const confirm = await post(c, `/acces/${org}/qualite/${q}/nouveau/confirmation`, fields);
  assert.equal(confirm.status, 200, `confirmation: ${text(confirm.text).slice(0, 300)}`);
  const done = await post(c, `/acces/${org}/qualite/${q}/nouveau/enregistrer`, fields);
  assert.equal(done.status, 303, 'user added');
  const digits = niss.replace(/\D/g, '');
  const u = accounts(srv, { org }).find((x) => x.niss.replace(/\D/g, '') === digits);
  assert.ok(u, `the account of ${digits} listed by portier account list`);
  return u.account;
}
