// machines_lib.js — what the machine tests share (machines, machines_interop, the bench):
// a test CA and system certificates made with openssl, their rows in system_cert (the
// registration pages are another module's: rows go in directly, on either backend), client
// assertions signed with node's crypto, and a server with a TLS listener asking for them.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

import { exec, scalar } from '../lib/db.js';
import { freePort, start } from '../lib/server.js';
import { ORGS, PEOPLE, buildWorld, portier } from './oidc_lib.js';

export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A folder with a test CA (ca.pem), the TLS listener's certificate and machine
 * certificates signed by the CA: certs(name) → { cert, key, pem, x5t, file }. */
export function makeMachineCA(names) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'portier-machines-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30',
    '-subj', '/CN=Machine test CA', '-addext', 'basicConstraints=critical,CA:TRUE'], dir);
  openssl(['req', '-x509', ...ec, '-keyout', 'server.key', '-out', 'server.pem', '-days', '30',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], dir);
  const certs = {};
  for (const name of names) {
    openssl(['req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`,
      '-subj', `/O=Test/CN=${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key',
      '-CAcreateserial', '-out', `${name}.pem`, '-days', '30'], dir);
    const pem = readFileSync(path.join(dir, `${name}.pem`), 'utf8');
    const x509 = new crypto.X509Certificate(pem);
    certs[name] = {
      pem,
      cert: pem,
      key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
      x5t: crypto.createHash('sha256').update(x509.raw).digest('base64url'),
      serial: x509.serialNumber,
      subject: x509.subject.replace(/\n/g, ','),
      issuer: x509.issuer.replace(/\n/g, ','),
    };
  }
  return { dir, certs, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A time as the store writes it, seconds from now. */
export function isoIn(seconds) {
  return new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Registers a certificate as the registration pages would (a row in system_cert with its
 * applications) by the manager by (a person id; Jan unless said); returns its public_id
 * (the machine's client_id). */
export function registerCert(srv, c, { org, quality = 'health_related', apps, status = 'active',
  notBefore = isoIn(-3600), notAfter = isoIn(30 * 86400), id, by }) {
  const publicId = id ?? crypto.randomBytes(16).toString('hex');
  exec(srv, 'INSERT INTO system_cert(public_id, org_id, quality, name, subject, issuer, serial, '
    + 'thumbprint, pem, by_portier, not_before, not_after, status, revoked_at, registered_by, '
    + 'created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?);',
  [publicId, org, quality, `machine ${publicId.slice(0, 6)}`, c.subject, c.issuer, c.serial,
    c.x5t, c.pem, notBefore, notAfter, status, status === 'revoked' ? isoIn(-60) : null,
    by ?? PEOPLE.jan.id, isoIn(-3600)]);
  const certId = scalar(srv, 'SELECT id FROM system_cert WHERE public_id = ?', [publicId]);
  for (const a of apps) {
    exec(srv, 'INSERT INTO system_cert_app(cert_id, application) VALUES (?, ?);', [certId, a]);
  }
  return publicId;
}

/** A key pair for assertions: { privateKey, jwk (public, with kid and alg) }. */
export function assertionKey(alg = 'ES256', kid = `k-${alg}-${crypto.randomBytes(4).toString('hex')}`) {
  const { privateKey, publicKey } = alg === 'ES256'
    ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, alg, kid, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

/** Registers the public keys with `portier client jwks`. */
export function registerJwks(srv, clientId, keys) {
  const file = path.join(srv.dir, `jwks-${clientId}.json`);
  writeFileSync(file, JSON.stringify({ keys: keys.map((k) => k.jwk) }));
  return portier(['client', 'jwks', '--db', srv.db, '--id', clientId, '--jwks', file]);
}

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** A client assertion signed with key (claims override the defaults; header too). */
export function assertion(key, clientId, aud, { claims = {}, header = {}, signWith } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const h = { alg: key.alg, kid: key.kid, typ: 'JWT', ...header };
  const p = { iss: clientId, sub: clientId, aud, iat: now, exp: now + 60,
    jti: crypto.randomBytes(12).toString('base64url'), ...claims };
  const input = `${b64(h)}.${b64(p)}`;
  const k = signWith ?? key.privateKey;
  let sig;
  if (key.alg === 'ES256') sig = crypto.sign('sha256', Buffer.from(input), { key: k, dsaEncoding: 'ieee-p1363' });
  else if (key.alg === 'PS256') {
    sig = crypto.sign('sha256', Buffer.from(input), { key: k, padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32 });
  } else sig = crypto.sign('sha256', Buffer.from(input), k);
  return `${input}.${sig.toString('base64url')}`;
}

/** Starts a server with the test world, a TLS listener asking for certificates (the
 * machine CA as machine_trust) and 127.0.0.1 as the trusted proxy. */
export async function startMachines(ca, { args = [] } = {}) {
  let tlsPort;
  const srv = await start({
    args: async () => {
      tlsPort = await freePort();
      return ['--tls-listen', `127.0.0.1:${tlsPort}`, '--tls-cert', path.join(ca.dir, 'server.pem'),
        '--tls-key', path.join(ca.dir, 'server.key'), '--machine-trust', path.join(ca.dir, 'ca.pem'),
        '--trusted-proxies', '127.0.0.1', ...args];
    },
  });
  srv.tlsPort = tlsPort;
  srv.tlsUrl = `https://127.0.0.1:${tlsPort}`;
  buildWorld(srv);
  return srv;
}

/** A form POST on the TLS listener on a new connection, with a client certificate
 * (cert: { cert, key }) or none. Resolves { status, json }. */
export function tlsPost(srv, pathname, form, cert, headers = {}) {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: srv.tlsPort, path: pathname, method: 'POST', agent: false,
      rejectUnauthorized: false, servername: 'localhost',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), ...headers },
      ...(cert ? { cert: cert.cert, key: cert.key } : {}),
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A form POST on the plain listener. */
export async function plainPost(srv, pathname, form, headers = {}) {
  const res = await fetch(`${srv.url}${pathname}`, {
    method: 'POST', body: new URLSearchParams(form),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text };
}

/** A fetch that presents a client certificate (node's https; the listener's certificate is
 * the test's own, not checked here: the test is about the client's). */
export function mtlsFetch(cert) {
  return (url, options = {}) => new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers = {};
    new Headers(options.headers).forEach((v, k) => { headers[k] = v; });
    const body = options.body == null ? undefined : String(options.body);
    const req = https.request({
      host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method: options.method ?? 'GET',
      headers, agent: false, rejectUnauthorized: false, servername: 'localhost', cert: cert.cert, key: cert.key,
    }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode, headers: h }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An ES256 key pair for the npm clients and its public JWK. */
export async function webKey(kid) {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const jwk = { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
  delete jwk.key_ops;
  delete jwk.ext;
  return { key: pair.privateKey, kid, jwk };
}

export { ORGS, PEOPLE };
