// scim_lib.js — what the SCIM suites share: a server with the machine world, system
// certificates registered by a chosen manager, their access tokens (client_credentials with
// private_key_jwt on the plain listener: unbound tokens), persons in the register, and a
// SCIM request helper.
import { exec, scalar } from '../lib/db.js';
import { ASSERTION_TYPE, ORGS, PEOPLE, assertion, assertionKey, plainPost, registerCert, registerJwks,
  startMachines } from './machines_lib.js';

export const SCIM_JSON = 'application/scim+json';
export const URN_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const URN_EXT = 'urn:portier:params:scim:schemas:extension:2.0:User';
export const URN_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const URN_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A valid NISS born in 19YY-MM-DD with serial s (check digits computed). */
export function makeNiss(yy, mm, dd, s) {
  const base = `${String(yy).padStart(2, '0')}${String(mm).padStart(2, '0')}${String(dd).padStart(2, '0')}${String(s).padStart(3, '0')}`;
  return base + String(97 - (Number(base) % 97)).padStart(2, '0');
}

/** Persons of the register the suites add (the demo register has few). */
export function seedRegister(srv, persons) {
  persons.forEach((p, i) => exec(srv, 'INSERT INTO reg_person(niss, last_name, first_names, country, '
    + 'source_line) VALUES (?, ?, ?, ?, ?);', [p.niss, p.last, p.first, 'BE', 800000 + i]));
}

/** Starts the machine world (machines_lib.js) with its certificate CA. */
export async function startScim(ca) {
  const srv = await startMachines(ca);
  srv.pharmaQuality = Number(scalar(srv, 'SELECT id FROM org_quality WHERE org_id = ?', [ORGS.pharma.id]));
  return srv;
}

/** Registers certificate c for org's quality as registered by person (an id), with
 * private_key_jwt keys; returns { id, key }. */
export function machine(srv, c, { org = ORGS.pharma.id, apps, by, status }) {
  const id = registerCert(srv, c, { org, apps, ...(status ? { status } : {}) });
  if (by !== undefined) exec(srv, 'UPDATE system_cert SET registered_by = ? WHERE public_id = ?;', [by, id]);
  const key = assertionKey('ES256');
  registerJwks(srv, id, [key]);
  return { id, key };
}

/** An access token of machine m (scope: a space-separated list, or all its apps). */
export async function tokenOf(srv, m, scope) {
  const form = { grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion(m.key, m.id, srv.url) };
  if (scope) form.scope = scope;
  const r = await plainPost(srv, '/oidc/token', form);
  if (r.status !== 200) throw new Error(`token: ${r.status} ${r.text}`);
  return r.json.access_token;
}

/** A SCIM request: resolves { status, json, headers, text }. */
export async function scim(srv, token, method, path, body, headers = {}) {
  const h = { Accept: SCIM_JSON, ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    h['Content-Type'] = SCIM_JSON;
    payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  }
  const res = await fetch(`${srv.url}/scim/v2${path}`, { method, headers: h, body: payload });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, headers: res.headers, text };
}

export { ORGS, PEOPLE };
