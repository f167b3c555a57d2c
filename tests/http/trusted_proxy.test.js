// trusted_proxy.test.js — portier behind a reverse proxy (HAProxy, nginx): the client's
// address is the TCP peer, unless the peer is in trusted_proxies, then the right-most
// X-Forwarded-For address that is not a trusted proxy. The audit trail's source and the
// per-address login slow-down use it; a header from anyone else is ignored (no spoofing).
// X-Forwarded-Proto: https from a trusted proxy gives Secure cookies and HSTS.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';

import { Client, start } from '../lib/server.js';
import { auditEvents, throttleOf } from '../lib/world.js';
import { cookiesOf, escapedPem, makeCA, startTLS, tlsRequest } from './eid_support.js';

/** A failed password login sent with these extra headers (the CSRF round trip carries
 * them too); returns { status, rid } (its request id, which its audit event carries). */
async function failedLogin(srv, username, headers) {
  const c = new Client(srv.url);
  const page = await c.get('/login', { headers });
  assert.equal(page.status, 200);
  const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)?.[1];
  assert.ok(csrf, 'the login form carries a CSRF token');
  const res = await c.get('/login/password', {
    method: 'POST',
    body: new URLSearchParams({ _csrf: csrf, username, password: 'not-the-password', next: '/' }),
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.status, rid: res.headers.get('x-request-id') };
}

/** The source of the audit event of the request rid. */
function sourceOf(srv, rid) {
  const e = auditEvents(srv, ['login.password.*']).find((x) => x.request_id === rid);
  assert.ok(e, `an audit event for request ${rid}`);
  return e.source;
}

/** A failed login (401) with these headers; the source its audit event records. */
async function failedSource(srv, username, headers) {
  const { status, rid } = await failedLogin(srv, username, headers);
  assert.equal(status, 401);
  return sourceOf(srv, rid);
}

describe('behind a trusted proxy (127.0.0.1)', () => {
  let srv;
  before(async () => { srv = await start({ args: ['--demo', '--trusted-proxies', '127.0.0.1/32'] }); });
  after(async () => { await srv.stop(); });

  test('the audit source and the address slow-down are the forwarded address', async () => {
    assert.equal(await failedSource(srv, 'proxy.user1', { 'x-forwarded-for': '203.0.113.7' }), '203.0.113.7');
    assert.equal(throttleOf(srv, { address: '203.0.113.7' })?.failures, 1);
    assert.equal(throttleOf(srv, { address: '127.0.0.1' }), null, 'the proxy itself is not slowed down');
    assert.equal(throttleOf(srv, { address: '198.51.100.9' }), null);
    // Another forwarded client does not add to the first one's count.
    assert.equal(await failedSource(srv, 'proxy.user2', { 'x-forwarded-for': '198.51.100.9' }), '198.51.100.9');
    assert.equal(throttleOf(srv, { address: '198.51.100.9' })?.failures, 1);
    assert.equal(throttleOf(srv, { address: '203.0.113.7' })?.failures, 1);
  });

  test('in a chain the right-most address not trusted is the client', async () => {
    assert.equal(await failedSource(srv, 'proxy.chain', { 'x-forwarded-for': '198.51.100.1, 203.0.113.8' }), '203.0.113.8');
    // Trusted proxies on the right are skipped.
    assert.equal(await failedSource(srv, 'proxy.chain2', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 127.0.0.1' }), '203.0.113.9');
  });

  test('a malformed header gives the peer', async () => {
    for (const [i, xff] of ['not-an-address', '203.0.113.7:4444', '203.0.113.7,', '10.0.0.0/8', ''].entries()) {
      const user = `proxy.bad${i}`;
      assert.equal(await failedSource(srv, user, { 'x-forwarded-for': xff }), '127.0.0.1', `X-Forwarded-For: '${xff}'`);
    }
    // Too many hops to walk (all trusted proxies on the right) gives the peer too.
    const long = Array.from({ length: 20 }, () => '127.0.0.1').join(', ');
    assert.equal(await failedSource(srv, 'proxy.long', { 'x-forwarded-for': `203.0.113.10, ${long}` }), '127.0.0.1');
  });

  test('X-Forwarded-Proto: https gives Secure cookies and HSTS', async () => {
    const plain = await new Client(srv.url).get('/login');
    assert.doesNotMatch(plain.headers.getSetCookie().join('\n'), /Secure/);
    assert.equal(plain.headers.get('strict-transport-security'), null);
    const https = await new Client(srv.url).get('/login', { headers: { 'x-forwarded-proto': 'https' } });
    assert.match(https.headers.getSetCookie().find((s) => s.startsWith('portier_sid=')) ?? '', /; Secure/);
    assert.match(https.headers.get('strict-transport-security') ?? '', /max-age=/);
  });
});

describe('without trusted_proxies', () => {
  let srv;
  before(async () => { srv = await start({ args: ['--demo'] }); });
  after(async () => { await srv.stop(); });

  test('X-Forwarded-For and X-Forwarded-Proto are ignored (no spoofing)', async () => {
    assert.equal(await failedSource(srv, 'spoof.user', { 'x-forwarded-for': '203.0.113.7' }), '127.0.0.1');
    assert.equal(throttleOf(srv, { address: '203.0.113.7' }), null);
    assert.equal(throttleOf(srv, { address: '127.0.0.1' })?.failures, 1);
    const https = await new Client(srv.url).get('/login', { headers: { 'x-forwarded-proto': 'https' } });
    assert.doesNotMatch(https.headers.getSetCookie().join('\n'), /Secure/);
    assert.equal(https.headers.get('strict-transport-security'), null);
  });
});

/** The session cookie and CSRF token of a fresh login form. */
async function loginForm(c, fetchPage) {
  const page = await fetchPage('/login');
  assert.equal(page.status, 200);
  const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)?.[1];
  assert.ok(csrf, 'the login form carries a CSRF token');
  return csrf;
}

describe('header lines and the TLS listener', () => {
  let ca;
  let srv;
  before(async () => {
    ca = await makeCA();
    srv = await startTLS(ca, { args: ['--demo', '--trusted-proxies', '127.0.0.1'] });
  });
  after(async () => { await srv.stop(); ca.remove(); });

  test('every X-Forwarded-For line counts, in order (HAProxy adds a line of its own)', async () => {
    const c = new Client(srv.url);
    const csrf = await loginForm(c, (p) => c.get(p));
    const body = new URLSearchParams({ _csrf: csrf, username: 'proxy.lines', password: 'not-the-password', next: '/' }).toString();
    // The client's own line first (a lie), then the proxy's: the proxy's is the client.
    const reply = await new Promise((resolve, reject) => {
      const sock = net.connect(Number(new URL(srv.url).port), '127.0.0.1');
      let text = '';
      sock.setEncoding('utf8');
      sock.on('data', (d) => { text += d; });
      sock.on('end', () => { sock.end(); resolve(text); });
      sock.on('error', reject);
      // write, not end: a half-closed socket is a client gone to libmicrohttpd; the server
      // closes after its answer (Connection: close).
      sock.write(['POST /login/password HTTP/1.1', 'Host: 127.0.0.1', 'Connection: close',
        `Cookie: ${c.cookieHeader()}`, 'Content-Type: application/x-www-form-urlencoded',
        'X-Forwarded-For: 198.51.100.66', 'X-Forwarded-For: 203.0.113.21',
        `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'));
    });
    assert.match(reply, /^HTTP\/1\.1 401/);
    const rid = reply.match(/\r\nX-Request-Id: (\S+)/i)?.[1];
    assert.equal(sourceOf(srv, rid), '203.0.113.21');
  });

  test('on portier\'s own TLS listener the headers are the client\'s: ignored', async () => {
    let cookie = '';
    const csrf = await loginForm(null, async (p) => {
      const r = await tlsRequest(srv, p, { ca: ca.root });
      cookie = Object.entries(cookiesOf(r.headers)).map(([k, v]) => `${k}=${v}`).join('; ');
      return r;
    });
    const res = await tlsRequest(srv, '/login/password', {
      ca: ca.root, method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.22' },
      body: new URLSearchParams({ _csrf: csrf, username: 'proxy.tls', password: 'not-the-password', next: '/' }).toString(),
    });
    assert.equal(res.status, 401);
    assert.equal(sourceOf(srv, res.headers['x-request-id']), '127.0.0.1');
  });

  test('on portier\'s own TLS listener a certificate header is the client\'s: refused, even from a trusted address', async () => {
    // A TCP passthrough from a trusted proxy (or a client on a trusted address) reaches
    // this listener: the header inside the TLS stream was written by the client, and a
    // card's certificate is public. Only a proxy that terminated TLS may hand one over.
    await ca.issue('jan', { niss: '85073003328', last: 'Peeters', first: 'Jan' });
    const before = auditEvents(srv, ['login.eid.failure']).length;
    const res = await tlsRequest(srv, '/login/eid?next=/aide', {
      ca: ca.root, headers: { 'x-ssl-client-cert': escapedPem(ca.pem('jan')) },
    });
    assert.equal(res.status, 403, 'no login with somebody else\'s public certificate');
    assert.equal(cookiesOf(res.headers).portier_sid ?? '', '');
    const ev = auditEvents(srv, ['login.eid.failure']);
    assert.equal(ev.length, before + 1);
    assert.equal(ev.at(-1).details.reason, 'certificate header from an untrusted address');
    // The same header on the plain listener, from the trusted proxy, logs in.
    const c = new Client(srv.url);
    const ok = await c.fetch('/login/eid?next=/aide', { headers: { 'x-ssl-client-cert': escapedPem(ca.pem('jan')) } });
    await ok.text();
    assert.equal(ok.status, 303);
  });
});
