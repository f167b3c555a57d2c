// portal_ca.test.js — the portal's trust in an https issuer (ca_file, docs/portal.md): a fake
// provider on https (node https) with certificates made here by openssl (two test CAs, a
// certificate for 127.0.0.1 and one for another name). With ca_file naming its CA the
// portal reads the discovery document and the JWKS; with another CA, with the system bundle
// (no ca_file) and with a certificate for another host name it refuses the issuer: /login
// answers 503, the log says which CAs were asked, the provider got no request, and the
// portal still stops cleanly. A ca_file that cannot be read or holds no certificate stops
// the start with exit 2.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client, run, tempDir, waitFor } from '../lib/server.js';
import { startPortal } from './portal_lib.js';

const CLIENT = 'medseip-portal';
const SECRET = 'ca-test-secret-0123456789';

/** Runs openssl with args in dir. */
const openssl = (dir, args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

/** A test CA: name.pem, name.key in dir. */
function makeCA(dir, name) {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-days', '2', '-subj', `/CN=portier test ${name}`, '-keyout', `${name}.key`, '-out', `${name}.pem`]);
}

/** A server certificate name.pem (key name.key) for subjectAltName san, signed by ca. */
function makeCert(dir, name, ca, san) {
  writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`,
    '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
}

/** A fake provider on https with certificate name: discovery and JWKS; counts requests. */
async function provider(dir, name) {
  const jwk = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
    kid: 'k1', use: 'sig', alg: 'ES256' };
  const p = { requests: 0, issuer: '' };
  p.server = https.createServer({
    key: readFileSync(path.join(dir, `${name}.key`)), cert: readFileSync(path.join(dir, `${name}.pem`)),
  }, (req, res) => {
    p.requests++;
    const json = (o) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(o)); };
    if (req.url === '/.well-known/openid-configuration') {
      return json({
        issuer: p.issuer, authorization_endpoint: `${p.issuer}/authorize`, token_endpoint: `${p.issuer}/token`,
        userinfo_endpoint: `${p.issuer}/userinfo`, jwks_uri: `${p.issuer}/jwks`,
        id_token_signing_alg_values_supported: ['ES256'], code_challenge_methods_supported: ['S256'],
      });
    }
    if (req.url === '/jwks') return json({ keys: [jwk] });
    res.writeHead(404);
    return res.end();
  });
  await new Promise((r) => { p.server.listen(0, '127.0.0.1', r); });
  p.issuer = `https://127.0.0.1:${p.server.address().port}`;
  p.close = () => new Promise((r) => { p.server.close(r); p.server.closeAllConnections(); });
  return p;
}

describe('portal: the https issuer must chain to ca_file (or the system bundle)', () => {
  let dir;
  let good;          // certificate for 127.0.0.1 from CA "ca-a"
  let misnamed;      // certificate for other.example from CA "ca-a"
  const portals = [];

  before(async () => {
    dir = tempDir();
    makeCA(dir, 'ca-a');
    makeCA(dir, 'ca-b');
    makeCert(dir, 'good', 'ca-a', 'IP:127.0.0.1');
    makeCert(dir, 'misnamed', 'ca-a', 'DNS:other.example');
    good = await provider(dir, 'good');
    misnamed = await provider(dir, 'misnamed');
  });
  after(async () => {
    for (const p of portals) await p.stop();
    await good?.close();
    await misnamed?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a portal for issuer with extra args/env; stopped (and checked) in after(). */
  async function portalFor(issuer, opts = {}) {
    const p = await startPortal({ url: issuer, register: false }, { clientId: CLIENT, secret: SECRET, ...opts });
    portals.push(p);
    return p;
  }

  /** /login of portal: its status, location and text. */
  async function loginAt(portal) {
    const r = await new Client(portal.url).fetch('/login');
    return { status: r.status, location: r.headers.get('location'), text: await r.text() };
  }

  /** Expects portal to refuse the issuer: 503 at /login, why in its log, no request read. */
  async function refused(portal, provider, why) {
    const before = provider.requests;
    const r = await loginAt(portal);
    assert.equal(r.status, 503, r.text.slice(0, 300));
    assert.ok(r.text.includes('Le service d&#39;authentification ne répond pas'), r.text.slice(0, 600));
    await waitFor(() => /portal: login: provider unavailable/.test(portal.logs()), { what: 'the login warning' });
    assert.match(portal.logs(), why);
    assert.equal(provider.requests, before, 'no request got through the handshake');
  }

  it('with ca_file naming the issuer\'s CA: discovery and JWKS over https, /login goes to the provider', async () => {
    const portal = await portalFor(good.issuer, { args: ['--ca-file', path.join(dir, 'ca-a.pem')] });
    const r = await loginAt(portal);
    assert.equal(r.status, 303, `${r.text.slice(0, 300)}\n${portal.logs()}`);
    assert.ok(r.location.startsWith(`${good.issuer}/authorize?`), r.location);
    assert.ok(good.requests >= 1, 'the discovery document read');
    assert.doesNotMatch(portal.logs(), /not reachable|not trusted/);
    assert.match(portal.logs(), /CAs \S*ca-a\.pem\)/, 'the start line names the CA file');
  });

  it('refuses the issuer when its certificate chains to another CA than ca_file (set in --config)', async () => {
    const conf = path.join(dir, 'portal-b.conf');
    writeFileSync(conf, `ca_file = ${path.join(dir, 'ca-b.pem')}\n`);
    const portal = await portalFor(good.issuer, { args: ['--config', conf] });
    await refused(portal, good, /the issuer's TLS certificate is not trusted: it must chain to a CA of ca_file \S*ca-b\.pem and name the issuer's host \(SSL certificate problem: unable to get local issuer certificate\)/);
    await waitFor(() => /provider not reachable yet \(the issuer's TLS certificate is not trusted/.test(portal.logs()),
      { what: 'the refusal said at start too' });
  });

  it('refuses the issuer when no ca_file is set and the system bundle does not know its CA', async () => {
    const portal = await portalFor(good.issuer);
    await refused(portal, good, /not trusted: it must chain to a CA of the system bundle \(or set ca_file\)/);
    assert.match(portal.logs(), /CAs of the system bundle\)/);
  });

  it('refuses a certificate from the right CA for another host name (host names are verified)', async () => {
    const portal = await portalFor(misnamed.issuer, { env: { PORTIER_PORTAL_CA_FILE: path.join(dir, 'ca-a.pem') } });
    await refused(portal, misnamed, /not trusted: it must chain to a CA of ca_file \S*ca-a\.pem and name the issuer's host \([^)]*127\.0\.0\.1/);
  });

  it('will not start with a ca_file that cannot be read or holds no certificate', async () => {
    const env = { PORTIER_PORTAL_CLIENT_SECRET: SECRET };
    const base = ['portal', '--issuer', good.issuer, '--listen', '127.0.0.1:9', '--db', path.join(dir, 'never.db')];
    const missing = await run([...base, '--ca-file', path.join(dir, 'absent.pem')], { env });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^portier portal: ca_file \S*absent\.pem cannot be read: No such file or directory$/m);
    const key = await run([...base, '--ca-file', path.join(dir, 'ca-a.key')], { env });
    assert.equal(key.code, 2, key.stderr);
    assert.match(key.stderr, /ca_file \S*ca-a\.key holds no PEM certificate/);
    const viaEnv = await run(base, { env: { ...env, PORTIER_PORTAL_CA_FILE: path.join(dir, 'good.ext') } });
    assert.equal(viaEnv.code, 2, viaEnv.stderr);
    assert.match(viaEnv.stderr, /ca_file \S*good\.ext holds no PEM certificate/);
    assert.doesNotMatch(missing.stderr + key.stderr + viaEnv.stderr, /listening on/);
  });
});
