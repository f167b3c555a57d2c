// haproxy.js — a throw-away HAProxy (Debian's /usr/sbin/haproxy) running the shipped
// deploy/haproxy/haproxy.cfg in front of portier nodes on 127.0.0.1 (its "# site" lines
// replaced, as tests/deploy/haproxy_check.sh does), which node answered a response (its
// X-Request-Id in the nodes' access logs), and requests presenting an eID card.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, tempDir, waitFor } from './server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const HAPROXY_CFG = path.join(here, '..', '..', 'deploy', 'haproxy', 'haproxy.cfg');
export const HAPROXY = '/usr/sbin/haproxy';
export const haproxyAvailable = () => existsSync(HAPROXY);

/** deploy/haproxy/haproxy.cfg with its site lines for 127.0.0.1. pem: the fronts'
 * certificate and key; eidCa: the eID door's CA file; p1, p2: the nodes' plain ports. */
export function renderConfig({ pem, eidCa, front, plain, eid, p1, p2 }) {
  const out = readFileSync(HAPROXY_CFG, 'utf8').split('\n').flatMap((line) => {
    if (!/# site$/.test(line)) return [line];
    if (/^\s*log \/dev\/log/.test(line)) return ['    log stdout format raw local0'];
    if (/^\s*(chroot|user|group|daemon|stats socket) /.test(line)) return [];
    return [line
      .replace(/bind :443 ssl crt \S+ (.*)# site$/, `bind 127.0.0.1:${front} ssl crt ${pem} $1`)
      .replace(/bind :80 .*# site$/, `bind 127.0.0.1:${plain}`)
      .replace(/bind :8443 ssl crt \S+ ca-file \S+ (.*)# site$/, `bind 127.0.0.1:${eid} ssl crt ${pem} ca-file ${eidCa} $1`)
      .replace(/(http-request redirect location .*):8443(.*?)\s*# site$/, `$1:${eid}$2`)
      .replace(/10\.0\.0\.11:8080 .*# site$/, `127.0.0.1:${p1}`)
      .replace(/10\.0\.0\.12:8080 .*# site$/, `127.0.0.1:${p2}`)];
  }).join('\n');
  assert.doesNotMatch(out, /# site$/m, 'every site line replaced');
  return out;
}

/**
 * Starts HAProxy in front of nodes (two started portier servers); resolves once both
 * answer through it. Returns { base, eidBase, certFile, nodeOf(res), logs(), stop() }: base is the HTTPS
 * front, eidBase the eID door (ports chosen here unless given: front, eid). The fronts' certificate is self-signed (this process's
 * fetch must accept it: NODE_TLS_REJECT_UNAUTHORIZED=0), for 127.0.0.1 and localhost;
 * certFile is its PEM, the CA file of a verifying client (the portal's ca_file).
 */
export async function startProxy(nodes, { eidCa, front: frontPort, eid: eidPort } = {}) {
  const dir = tempDir();
  const front = frontPort ?? await freePort();
  const eid = eidPort ?? await freePort();
  const plain = await freePort();
  const pem = path.join(dir, 'haproxy.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'),
    '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  writeFileSync(pem, readFileSync(path.join(dir, 'cert.pem'), 'utf8') + readFileSync(path.join(dir, 'key.pem'), 'utf8'));
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(cfg, renderConfig({
    pem, eidCa: eidCa ?? path.join(dir, 'cert.pem'), front, plain, eid, p1: nodes[0].port, p2: nodes[1].port,
  }));
  execFileSync(HAPROXY, ['-c', '-q', '-f', cfg]);
  const proxy = spawn(HAPROXY, ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proxy.stdout.setEncoding('utf8');
  proxy.stderr.setEncoding('utf8');
  proxy.stdout.on('data', (d) => { log += d; });
  proxy.stderr.on('data', (d) => { log += d; });
  proxy.on('close', (code, signal) => { log += `haproxy exited: ${code ?? signal}\n`; });
  const base = `https://127.0.0.1:${front}`;
  /** The index of the node whose access log holds the request id of res, or null. */
  const nodeOf = (res) => {
    const rid = res.headers.get('x-request-id');
    if (!rid) return null;
    const i = nodes.findIndex((n) => n.logs().includes(` ${rid} access `));
    return i < 0 ? null : i;
  };
  // Both nodes up in the proxy's health checks: two health answers through it differ.
  await waitFor(async () => {
    try {
      const a = await fetch(`${base}/healthz`);
      const b = await fetch(`${base}/healthz`);
      await a.text(); await b.text();
      if (a.status !== 200 || b.status !== 200) return false;
      await new Promise((r) => setTimeout(r, 100));
      const na = nodeOf(a);
      const nb = nodeOf(b);
      return na !== null && nb !== null && na !== nb;
    } catch { return false; }
  }, { what: 'both nodes behind the proxy', interval: 200 });
  return {
    base,
    eidBase: `https://127.0.0.1:${eid}`,
    certFile: path.join(dir, 'cert.pem'),
    nodeOf,
    /** HAProxy's log (one line per request, with the server that answered). */
    logs: () => log,
    stop: () => new Promise((resolve) => {
      if (proxy.exitCode !== null) { resolve(); return; }
      proxy.once('close', resolve);
      proxy.kill('SIGTERM');
    }),
  };
}

/**
 * One HTTPS request on a new connection to url presenting card ({ cert, key }, none: no
 * client certificate), with the cookies of client c (lib/server.js Client), whose jar
 * takes the answer's cookies. Resolves { status, headers (a Headers), text }.
 */
export function cardRequest(c, url, card, { headers = {} } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'GET',
      headers: { ...(c.cookies.size ? { cookie: c.cookieHeader() } : {}), ...headers },
      agent: false, rejectUnauthorized: false, ...(card ?? {}),
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          for (const x of [].concat(v)) h.append(k, x);
        }
        for (const sc of h.getSetCookie()) {
          const [pair, ...attrs] = sc.split(';').map((s) => s.trim());
          const eq = pair.indexOf('=');
          const gone = pair.slice(eq + 1) === '' || attrs.some((a) => /^max-age=0$/i.test(a));
          if (gone) c.cookies.delete(pair.slice(0, eq));
          else c.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        resolve({ status: res.statusCode, headers: h, text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
