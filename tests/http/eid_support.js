// eid_support.js — what the eID tests share: a test CA with cards made by
// `portier eid test-ca`, a server with its TLS listener asking for client certificates,
// HTTPS requests with a card, and the audit events read from the server's database.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';

import { freePort, run, start, tempDir } from '../lib/server.js';
import { auditEvents } from '../lib/world.js';

/** The demo people (demo_seed.c) and a few more. */
export const PEOPLE = {
  jan: { niss: '85073003328', last: 'Peeters', first: 'Jan' },
  claire: { niss: '17073003384', last: 'Dubois', first: 'Claire' },
  lukas: { niss: '90022800193', last: 'Schmitz', first: 'Lukas' },
  // valid NISS, not a demo person: created at first eID login
  sofie: { niss: '93051822361', last: 'Janssens', first: 'Sofie' },
};

/**
 * Runs the portier binary with args: lib/server.js's run (kept under this name for the eID
 * tests); resolves { code, signal, stdout, stderr } and fails on a sanitizer report.
 */
export const runCli = run;

async function portier(args) {
  const r = await runCli(args);
  assert.equal(r.code, 0, `portier ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r;
}

/**
 * A test CA in a fresh folder. cards: { name: { niss, last, first, ec, expired } }.
 * Returns { dir, ca, card(name), revoke(name), remove() }.
 */
export async function makeCA(cards = {}) {
  const dir = tempDir();
  const ca = path.join(dir, 'ca');
  await portier(['eid', 'test-ca', '--dir', ca]);
  await portier(['eid', 'test-ca', 'server', '--dir', ca]);
  const issue = async (name, c) => {
    const args = ['eid', 'test-ca', 'card', '--dir', ca, '--name', name, '--niss', c.niss,
      '--last', c.last, '--first', c.first];
    if (c.ec) args.push('--ec');
    if (c.expired) args.push('--expired');
    await portier(args);
  };
  for (const [name, c] of Object.entries(cards)) await issue(name, c);
  return {
    dir,
    ca,
    issue,
    /** TLS options presenting the card: its certificate and key. */
    card: (name) => ({
      cert: readFileSync(path.join(ca, 'cards', `${name}.pem`)),
      key: readFileSync(path.join(ca, 'cards', `${name}.key.pem`)),
    }),
    pem: (name) => readFileSync(path.join(ca, 'cards', `${name}.pem`), 'utf8'),
    pfx: (name) => readFileSync(path.join(ca, 'cards', `${name}.p12`)),
    revoke: (name) => portier(['eid', 'test-ca', 'revoke', '--dir', ca, '--name', name]),
    root: readFileSync(path.join(ca, 'root.pem')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Starts `portier serve` with a TLS listener on a free port and the CA as eID anchors. */
export async function startTLS(ca, { args = [], env = {} } = {}) {
  let tlsPort;
  // A function: the harness calls it again, with a new TLS port, when a port it chose was
  // taken before the server bound it.
  const srv = await start({
    args: async () => {
      tlsPort = await freePort();
      return ['--tls-listen', `127.0.0.1:${tlsPort}`,
        '--tls-cert', path.join(ca.ca, 'server.pem'), '--tls-key', path.join(ca.ca, 'server.key.pem'),
        '--eid-trust', path.join(ca.ca, 'trust.pem'), '--eid-crl', path.join(ca.ca, 'crl.pem'),
        ...args];
    },
    env,
  });
  srv.tlsPort = tlsPort;
  srv.tlsUrl = `https://127.0.0.1:${tlsPort}`;
  return srv;
}

/**
 * One HTTPS request on a new connection (so the handshake sends this card).
 * opts: { card: { cert, key } | { pfx, passphrase }, headers, method, body, ca }.
 * Resolves { status, headers, text }.
 */
export function tlsRequest(srv, pathname, opts = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1',
      port: srv.tlsPort,
      path: pathname,
      method: opts.method ?? 'GET',
      headers: opts.headers ?? {},
      agent: false,
      ca: opts.ca,
      rejectUnauthorized: Boolean(opts.ca),
      servername: 'localhost',
      ...(opts.card ?? {}),
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(opts.body ?? undefined);
  });
}

/** The cookies of a response's Set-Cookie headers (the last value of each name). */
export function cookiesOf(headers) {
  const jar = {};
  for (const sc of headers['set-cookie'] ?? []) {
    const [pair] = sc.split(';');
    const eq = pair.indexOf('=');
    jar[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return jar;
}

/** The text of an HTML fragment without tags, entities decoded (the few the writer uses). */
export function textOf(html) {
  return html.replace(/<[^>]*>/g, ' ')
    .replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&#61;/g, '=')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#96;/g, '`').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The alert (refusal message) of an eID page, or null. */
export function alertOf(html) {
  const m = /<p[^>]*role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return m ? textOf(m[1]).trim() : null;
}

/** The person's name in the page header, or null. */
export function whoOf(html) {
  const m = /<span class="who">([\s\S]*?)<\/span>/.exec(html);
  return m ? textOf(m[1]).trim() : null;
}

/** The eID audit events of a server (portier audit list): [{ action, actor, source, details }]. */
export function eidEvents(srv) {
  return auditEvents(srv, ['login.eid.*', 'person.create'])
    .map(({ action, actor, source, details }) => ({ action, actor, source, details }));
}

/** nginx's $ssl_client_escaped_cert: the PEM, URL-escaped. */
export function escapedPem(pem) {
  return encodeURIComponent(pem);
}
