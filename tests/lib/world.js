// world.js — how the suites build and read the state of a server through the product's
// own interfaces (the portier CLI), never through the database file, so that the same
// suites run whatever database backs the server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { BIN, Client, PATIENCE, sanitizerReports, tempDir } from './server.js';

/** Runs `portier ARGS --db srv.db` synchronously (input: its standard input, if any);
 * returns { code, stdout, stderr }. Any sanitizer report fails the test (under
 * PORTIER_SAN=1). */
export function cli(srv, args, input) {
  const r = spawnSync(BIN, [...args, '--db', srv.db], {
    encoding: 'utf8', timeout: 2 * PATIENCE, input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  assert.deepEqual(sanitizerReports(r.stderr ?? ''), [], `sanitizer report from portier ${args.join(' ')}`);
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The audit events of a server, oldest first (`portier audit list`): objects with seq,
 * at, actor, actor_role, org, object, action, details (an object), source, request_id.
 * actions: exact actions or prefixes ending in '*' ('login.eid.*'); none: every event. */
export function auditEvents(srv, actions = []) {
  const r = cli(srv, ['audit', 'list', ...actions.flatMap((a) => ['--action', a])]);
  assert.equal(r.code, 0, `portier audit list failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

/** How many audit events of these actions a server holds. */
export function auditCount(srv, actions) {
  return auditEvents(srv, actions).length;
}

/** The details of the audit events of these actions, one JSON text a line, oldest first. */
export function auditDetails(srv, actions) {
  return auditEvents(srv, actions).map((e) => JSON.stringify(e.details)).join('\n');
}

/** How many audit events of these actions match where: actor, object, org (compared as
 * text) and details (each key compared as text), e.g. { actor: 2, details: { reason: 'no_role' } }. */
export function auditCountWhere(srv, actions, { details = {}, ...fields } = {}) {
  const same = (a, b) => a !== null && a !== undefined && String(a) === String(b);
  return auditEvents(srv, actions).filter((e) =>
    Object.entries(fields).every(([k, v]) => same(e[k], v)) &&
    Object.entries(details).every(([k, v]) => same(e.details?.[k], v))).length;
}

/** The mails of a server's outbox, oldest first (`portier mail list`): objects with id,
 * kind, recipient, language, subject, body, org, status, attempts, last_error … ;
 * kind: one kind only ('gap_designated' …), or every kind. */
export function mails(srv, kind) {
  const r = cli(srv, ['mail', 'list', ...(kind ? ['--kind', kind] : [])]);
  assert.equal(r.code, 0, `portier mail list failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

/** Gives a known person access codes the way the helpdesk does: an activation code from
 * `portier person activation-code --niss`, redeemed on /activer with username and
 * password (the person's next step, /activer/suite, is left undone). */
export async function giveAccessCodes(srv, niss, username, password) {
  const r = cli(srv, ['person', 'activation-code', '--niss', niss]);
  assert.equal(r.code, 0, `activation code for ${username}: ${r.stderr}`);
  const code = /activation code: ([A-Z0-9-]+)/.exec(r.stdout)?.[1];
  assert.ok(code, r.stdout);
  const c = new Client(srv.url);
  const page = await c.get('/activer');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(csrf, 'the activation form carries a CSRF token');
  const res = await c.get('/activer', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, code, username, password, password2: password }).toString(),
  });
  assert.equal(res.status, 303, `activation of ${username}: ${res.status}`);
}

/** The person id an audit event names as its object ('person:ID'): of the newest event
 * of action (after the step that created the person). */
export function newestPersonOf(srv, action) {
  const e = auditEvents(srv, [action]).at(-1);
  const m = /^person:(\d+)$/.exec(e?.object ?? '');
  assert.ok(m, `no ${action} event naming a person`);
  return Number(m[1]);
}

/** Runs `portier ARGS` and requires success; returns its standard output. */
function must(srv, args, input) {
  const r = cli(srv, args, input);
  assert.equal(r.code, 0, `portier ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The number after word in a command's output ("person 4" -> 4). */
function idAfter(out, word) {
  const m = new RegExp(`${word} (\\d+)`).exec(out);
  assert.ok(m, `no ${word} id in: ${out}`);
  return Number(m[1]);
}

/** Brings a person into portier (`portier person add`): names of the persons register
 * when it knows the NISS, else last/first; with username and password, access codes too
 * (password on standard input). extra: more settings (the server's password cost …).
 * Returns the person id. */
export function addPerson(srv, { niss, last, first, lang, email, username, password, extra = [] }) {
  const args = ['person', 'add', '--niss', niss];
  if (last !== undefined) args.push('--last-name', last, '--first-name', first);
  if (lang) args.push('--lang', lang);
  if (email) args.push('--email', email);
  if (username) args.push('--username', username, '--password-stdin', ...extra);
  return idAfter(must(srv, args, username ? `${password}\n` : undefined), 'person');
}

/** Gives a known person access codes (`portier person set-password`). */
export function setPassword(srv, { niss, username, password, extra = [] }) {
  must(srv, ['person', 'set-password', '--niss', niss, '--username', username,
    '--password-stdin', ...extra], `${password}\n`);
}

/** What portier holds about the person of a NISS (`portier person show`), or null when
 * it does not know them. */
export function personOf(srv, niss) {
  const r = cli(srv, ['person', 'show', '--niss', niss]);
  if (r.code === 1) return null;
  assert.equal(r.code, 0, `portier person show: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A person's names and where they come from (name_source: manager, register or eid),
 * from `portier person show`; null when portier does not know the NISS. */
export function namesOf(srv, niss) {
  const p = personOf(srv, niss);
  return p && { last_name: p.last_name, first_name: p.first_name, name_source: p.name_source };
}

/** Registers an organisation with its GAP (`portier org add`); returns its id. */
export function addOrg(srv, { enterprise, name, gap, email, phone }) {
  const args = ['org', 'add', '--enterprise', enterprise, '--name', name, '--gap', gap];
  if (email) args.push('--contact-email', email);
  if (phone) args.push('--contact-phone', phone);
  return idAfter(must(srv, args), 'organisation');
}

/** Activates a quality of an organisation with its local manager (`portier quality
 * activate`, in the name of the GAP unless as): returns { quality, account } (the GL's). */
export function activateQuality(srv, { org, quality = 'health_related', email, gl, username, userEmail, lang, apps = [], as }) {
  const args = ['quality', 'activate', '--org', String(org), '--quality', quality, '--email', email,
    '--gl', gl, '--username', username, '--user-email', userEmail];
  if (lang) args.push('--lang', lang);
  for (const a of apps) args.push('--app', a);
  if (as) args.push('--as', as);
  const out = must(srv, args);
  return { quality: idAfter(out, 'quality'), account: idAfter(out, 'account') };
}

/** Adds a user (or co-manager) to an activated quality (`portier account add`, in the
 * name of the GAP unless as); returns the account id. */
export function addAccount(srv, { org, quality, niss, username, email, lang, type, apps = [], last, first, as }) {
  const args = ['account', 'add', '--org', String(org), '--quality', String(quality), '--niss', niss,
    '--username', username, '--email', email];
  if (lang) args.push('--lang', lang);
  if (type) args.push('--type', type);
  if (last !== undefined) args.push('--last-name', last, '--first-name', first);
  for (const a of apps) args.push('--app', a);
  if (as) args.push('--as', as);
  return idAfter(must(srv, args), 'account');
}

/** Suspends (suspend true) or reactivates an account (`portier account suspend|reactivate`,
 * in the name of the GAP unless as). */
export function setAccountStatus(srv, { org, quality, account, suspend, as }) {
  const args = ['account', suspend ? 'suspend' : 'reactivate', '--org', String(org),
    '--quality', String(quality), '--account', String(account)];
  if (as) args.push('--as', as);
  must(srv, args);
}

/** Adds a secured application to the catalogue (`portier catalogue add-application`):
 * names { fr, nl, de, en }, descriptions the same unless desc. */
export function addApplication(srv, { code, quality = 'health_related', sort, minLevel, names, desc = names }) {
  const args = ['catalogue', 'add-application', '--code', code, '--quality', quality];
  if (sort !== undefined) args.push('--sort', String(sort));
  if (minLevel !== undefined) args.push('--min-level', String(minLevel));
  for (const l of ['fr', 'nl', 'de', 'en']) args.push(`--name-${l}`, names[l], `--desc-${l}`, desc[l]);
  must(srv, args);
}

/** True when the catalogue holds application code (`portier catalogue list`). */
export function catalogueHas(srv, code) {
  return must(srv, ['catalogue', 'list']).split('\n').some((l) => l.trim().split('\t')[0] === code);
}

/** The users of an organisation's quality (every quality the manager manages without
 * quality), as `portier account list` gives them, in the name of the GAP unless as:
 * objects with account, person, quality, version, niss, names, username, type, status,
 * title, language, email, local_email, applications. */
export function accounts(srv, { org, quality, as }) {
  const args = ['account', 'list', '--org', String(org)];
  if (quality !== undefined) args.push('--quality', String(quality));
  if (as) args.push('--as', as);
  return must(srv, args).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

/** A test clock for a server (`portier serve --test-clock FILE`): start the server with
 * clock.args among its arguments; clock.advance(seconds) moves its time by rewriting the
 * file the server reads at each use. Move it forward: going back leaves what the server
 * stored meanwhile (a slow-down, a session's use) in its future. The CLI keeps the real
 * clock: what it issues (activation codes) is dated from the real time. */
export function testClock() {
  const file = path.join(tempDir(), 'clock');
  let offset = 0;
  writeFileSync(file, '0\n');
  return {
    file,
    args: ['--test-clock', file],
    advance(seconds) {
      offset += seconds;
      writeFileSync(file, `${offset}\n`);
    },
  };
}

/** An organisation as `portier org show` gives it ({ id } or { enterprise }), or null
 * when there is none: id, enterprise, country, foreign_reg, name, address,
 * contact_email, contact_phone, procedure, created_at, managers (the GAP first, then the
 * co-GAPs: person, role, niss, last_name, first_name, since). */
export function orgOf(srv, { id, enterprise }) {
  const r = cli(srv, ['org', 'show', ...(id !== undefined ? ['--id', String(id)] : ['--enterprise', enterprise])]);
  if (r.code === 1) return null;
  assert.equal(r.code, 0, `portier org show: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Every organisation, in the order of their ids (organisations are never deleted: ids
 * 1, 2 … up to the first that is not there). */
export function orgs(srv) {
  const out = [];
  for (let id = 1; ; id++) {
    const o = orgOf(srv, { id });
    if (o === null) return out;
    out.push(o);
  }
}

/** The active qualities of an organisation (`portier quality list`, in the name of the
 * GAP unless as): objects with id, code, name, email, activated_at. */
export function qualities(srv, { org, as }) {
  const args = ['quality', 'list', '--org', String(org)];
  if (as) args.push('--as', as);
  return must(srv, args).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

/** The requests of the exception procedure (`portier helpdesk requests`, in the name of
 * the helpdesk operator of NISS as), oldest first: reference, case_kind, status,
 * company_name, enterprise, country, submitted_at. */
export function exceptionRequests(srv, as, status) {
  const r = must(srv, ['helpdesk', 'requests', '--as', as, ...(status ? ['--status', status] : [])]);
  return r.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

/** One request of the exception procedure with its decisions (`portier helpdesk request
 * REF`): reference, status, decisions (action, reason, at, operator), submitted_by (the
 * person id of who filed it, 0 when not logged in), rep_last_name, rep_first_name,
 * gap_last_name, gap_first_name. */
export function exceptionRequest(srv, as, reference) {
  return JSON.parse(must(srv, ['helpdesk', 'request', reference, '--as', as]));
}

/** The slow-down of failed logins on a user name or an address (`portier login-throttle
 * show`): failures, next_allowed, updated_at, refused, noted_at; null when none. */
export function throttleOf(srv, { username, address }) {
  const r = cli(srv, ['login-throttle', 'show', ...(username ? ['--username', username] : ['--address', address])]);
  if (r.code === 1) return null;
  assert.equal(r.code, 0, `portier login-throttle show: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
