// portal_lib.js — what the agency portal's tests share: `portier portal` started on a free
// port against a running portier (a client registered for it with `portier client add`),
// its logs, and the browser side of a login: the portal's /login, portier's authorization
// flow (login, profile choice), back to the portal's /callback.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  BIN, Client, closeFetchConnections, freePort, PATIENCE, sanitizerReports, waitFor,
} from '../lib/server.js';
import {
  activateQuality, addAccount, addApplication, addOrg, addPerson, catalogueHas,
} from '../lib/world.js';
import { addClient, csrfOf, profileOptions, refreshTarget } from './oidc_lib.js';
import { personalData } from '../lib/pii.js';

export { csrfOf };

/** The demo people's NISS (demo_seed.c). */
export const NISS = { jan: '85073003328', claire: '17073003384', lukas: '90022800193' };
/** MediDistri Belgium in the demo registry (demo/kbo): two establishments. */
export const MEDI = { enterprise: '1099002278', shown: '1099.002.278', vat: 'BE1099002278', name: 'MediDistri Belgium' };
/** Zorgtech Distributie in the demo registry. */
export const ZORG = { enterprise: '1099001189', shown: '1099.001.189', name: 'Zorgtech Distributie' };

/** The settings of a portal.conf (`name = value` lines) as an object. */
export function settingsOf(file) {
  const out = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([a-z_]+) = (.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** The managers of the portal's organisations (GAP and local manager), people without
 * access codes: Paul Lambert for MediDistri Belgium, Sophie Martin for Zorgtech. */
const MANAGERS = {
  medi: { niss: '80010100503', last: 'Lambert', first: 'Paul' },
  zorg: { niss: '80010100701', last: 'Martin', first: 'Sophie' },
};

/**
 * The portal's world in portier (a demo server: the demo people exist), built through
 * the portier CLI: MediDistri Belgium where Claire holds MEDSEIP (and Lukas holds only
 * TESTAPP), Zorgtech Distributie where Jan holds MEDSEIP.
 */
export function portalWorld(srv) {
  if (!catalogueHas(srv, 'TESTAPP')) {
    addApplication(srv, { code: 'TESTAPP', sort: 998, minLevel: 1,
      names: { fr: 'Application de test', nl: 'Testtoepassing', de: 'Testanwendung', en: 'Test application' } });
  }
  const org = (o, m, email) => {
    addPerson(srv, { niss: m.niss, last: m.last, first: m.first, lang: 'fr' });
    const id = addOrg(srv, { enterprise: o.enterprise, name: o.name, gap: m.niss, email: 'contact@example.be', phone: '02 000 00 00' });
    const { quality } = activateQuality(srv, {
      org: id, email, gl: m.niss, username: m.first.toLowerCase(), userEmail: `${m.first.toLowerCase()}@example.be`,
    });
    return { id, quality };
  };
  const user = (where, niss, name, app) => addAccount(srv, {
    org: where.id, quality: where.quality, niss, username: name, email: `${name}@example.be`, apps: [app],
  });
  const medi = org(MEDI, MANAGERS.medi, 'q@example.be');
  const zorg = org(ZORG, MANAGERS.zorg, 'q2@example.be');
  user(medi, NISS.claire, 'claire', 'MEDSEIP');
  user(medi, NISS.lukas, 'lukas', 'TESTAPP');
  user(zorg, NISS.jan, 'jan', 'MEDSEIP');
}

/**
 * Starts `portier portal` for portier server srv ({ url, db }) on a free port, with a
 * client of its own registered at portier; for another provider pass srv = { url,
 * register: false } and opts.clientId / opts.secret. opts: { application ('MEDSEIP'),
 * clientApplication, args, env, secret (overrides the registered one), clientId }.
 * Returns { url, port, db, client, logs(), stop() }.
 */
export async function startPortal(srv, opts = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-portal-'));
  const db = path.join(dir, 'portal.db');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const id = opts.clientId ?? `portal-${port}`;
    // Against portier, a client of its own; against another provider (srv.register false),
    // the caller's.
    const client = srv.register === false ? { id, secret: opts.secret } : addClient(srv, id, {
      application: opts.clientApplication ?? 'MEDSEIP',
      redirect: [`${url}/callback`], postLogout: [`${url}/`],
      minLevel: opts.minLevel,
    });
    const args = ['portal', '--listen', `127.0.0.1:${port}`, '--issuer', srv.url, '--db', db,
      '--client-id', id, ...(opts.application ? ['--application', opts.application] : []),
      ...(opts.args ?? [])];
    const child = spawn(BIN, args, {
      cwd: dir,
      env: { ...process.env, PORTIER_PORTAL_CLIENT_SECRET: opts.secret ?? client.secret, ...(opts.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const state = { out: '', exit: null };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { state.out += d; });
    child.stderr.on('data', (d) => { state.out += d; });
    const exited = new Promise((resolve) => {
      child.on('close', (code, signal) => { state.exit = { code, signal }; resolve(state.exit); });
    });
    const ready = await Promise.race([
      waitFor(() => /listening on/.test(state.out), { timeout: PATIENCE, what: 'the portal' }).then(() => true, () => false),
      exited.then(() => false),
    ]);
    if (ready) {
      let stopped = null;
      return {
        url, port, db, dir, client, exited,
        logs: () => state.out,
        stop: () => {
          if (!stopped) stopped = stopPortal(child, state, exited, dir);
          return stopped;
        },
      };
    }
    if (state.exit === null) {
      child.kill('SIGKILL');
      await exited;
    }
    if (/cannot listen/i.test(state.out) && attempt < 3) continue;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`portier portal did not start:\n${state.out}`);
  }
}

async function stopPortal(child, state, exited, dir) {
  await closeFetchConnections();
  if (state.exit === null) child.kill('SIGTERM');
  let timer;
  const exit = await Promise.race([exited, new Promise((r) => { timer = setTimeout(() => r(null), PATIENCE); })]);
  clearTimeout(timer);
  if (exit === null) {
    child.kill('SIGKILL');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
  assert.ok(exit !== null, `the portal did not exit after SIGTERM:\n${state.out}`);
  assert.deepEqual(sanitizerReports(state.out), [], `sanitizer report from the portal:\n${state.out}`);
  // The portal's log carries no personal data either (tests/lib/pii.js).
  const pii = personalData(state.out);
  assert.deepEqual(pii, [], `personal data in the portal's log:\n${pii.map((h) => `${h.kind} ${h.match}: ${h.line}`).join('\n')}`);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null },
    `the portal did not exit cleanly:\n${state.out.slice(-4000)}`);
  return state.out;
}

/** Logs portier's cookie jar in with the demo card reader (eID, level 3) of a demo card. */
export async function eidDemoLogin(idp, firstName, next) {
  const page = await idp.get(`/login/eid/demo?next=${encodeURIComponent(next)}`);
  assert.equal(page.status, 200, `the demo card reader: ${page.status}`);
  const cards = [...page.text.matchAll(/name="card" id="card-([0-9a-f]{16})" value="\1"[^>]*> <label for="card-\1">([^<]*)<\/label>/g)]
    .map((m) => ({ id: m[1], label: m[2] }));
  const card = cards.find((x) => x.label.startsWith(firstName));
  assert.ok(card, `no demo card of ${firstName}: ${cards.map((x) => x.label).join(', ')}`);
  const res = await idp.fetch('/login/eid/demo', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrfOf(page.text), card: card.id, next }).toString(),
  });
  await res.text();
  assert.equal(res.status, 303, 'eID demo login');
  return res.headers.get('location');
}

/**
 * Walks a login from the portal: the portal's /login, portier's flow (eID login of
 * firstName with the demo card reader when needed, profile choice of the organisation
 * named orgName or the first), back to the portal. Returns the portal's answer to the
 * callback ({ status, location, text, callback }).
 */
export async function portalLogin(portal, idp, firstName, { orgName, next = '/' } = {}) {
  const start = await portal.fetch(`/login?next=${encodeURIComponent(next)}`);
  await start.text();
  assert.equal(start.status, 303, 'the portal sends the browser to portier');
  const authz = new URL(start.headers.get('location'));
  assert.equal(authz.origin, new URL(idp.base).origin, 'to portier');
  let res = await idp.fetch(authz.pathname + authz.search);
  await res.text();
  assert.equal(res.status, 303, 'authorize answers with a redirect');
  let loc = res.headers.get('location');
  let callback;
  if (loc.startsWith('/oidc/continue/')) {
    const flow = loc;
    let page = await idp.get(flow);
    if (page.status === 303) {
      const to = new URL(page.headers.get('location'), idp.base);
      const back = await eidDemoLogin(idp, firstName, to.searchParams.get('next') ?? flow);
      assert.equal(back, flow, 'the eID login returns to the flow');
      page = await idp.get(flow);
    }
    assert.equal(page.status, 200, `the profile choice: ${page.status} ${page.text.slice(0, 400)}`);
    const opts = profileOptions(page.text);
    const chosen = orgName ? opts.find((o) => o.label.includes(orgName)) : opts[0];
    assert.ok(chosen, `no profile for ${orgName}: ${JSON.stringify(opts)}`);
    res = await idp.fetch(flow, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfOf(page.text), org: chosen.value }).toString(),
    });
    const text = await res.text();
    assert.equal(res.status, 200, 'the choice answers with the page that goes back');
    callback = new URL(refreshTarget(text));
  } else {
    callback = new URL(loc);
  }
  assert.equal(callback.origin, new URL(portal.base).origin, 'back to the portal');
  const cb = await portal.fetch(callback.pathname + callback.search);
  const text = await cb.text();
  return { status: cb.status, location: cb.headers.get('location'), text, callback };
}

/** Two cookie jars: the person's browser at the portal and at portier. */
export function browsers(portal, srv) {
  return { portal: new Client(portal.url), idp: new Client(srv.url) };
}
