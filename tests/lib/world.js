// world.js — how the suites build and read the state of a server through the product's
// own interfaces (the portier CLI), never through the database file, so that the same
// suites run whatever database backs the server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { BIN, Client, PATIENCE, sanitizerReports } from './server.js';

/** Runs `portier ARGS --db srv.db` synchronously; returns { code, stdout, stderr }. Any
 * sanitizer report fails the test (under PORTIER_SAN=1). */
export function cli(srv, args) {
  const r = spawnSync(BIN, [...args, '--db', srv.db], {
    encoding: 'utf8', timeout: 2 * PATIENCE, stdio: ['ignore', 'pipe', 'pipe'],
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
