// eid.test.js — the eID door against a real `portier serve --tls-listen`: a card
// presented in the TLS handshake logs in (RSA and EC P-384, PEM and PKCS#12), the person
// is created at the first eID login and comes back at level high; revoked, expired,
// foreign-CA and bad-NISS cards are refused with their message and an audit event; the
// proxy header counts only from a trusted proxy; the demo card reader exists only in
// demo mode and proves possession of the card's key.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { assertSecurityHeaders, stopWithoutNiss } from '../lib/checks.js';
import { Client, start, tempDir } from '../lib/server.js';
import {
  PEOPLE, alertOf, cookiesOf, eidEvents, escapedPem, makeCA, runCli as run, startTLS, textOf,
  tlsRequest, whoOf,
} from './eid_support.js';

const NISS_RE = /\b(85073003328|17073003384|90022800193|93051822361|85073003329)\b/;

describe('eID over portier\'s TLS listener', () => {
  let ca;
  let other;
  let srv;

  before(async () => {
    ca = await makeCA({
      jan: PEOPLE.jan,
      claire: { ...PEOPLE.claire, ec: true },
      sofie: PEOPLE.sofie,
      revoked: PEOPLE.lukas,
      expired: { ...PEOPLE.jan, expired: true },
      badniss: { ...PEOPLE.jan, niss: '85073003329' },
    });
    await ca.revoke('revoked');
    other = await makeCA({ jan: PEOPLE.jan });
    srv = await startTLS(ca);
  });
  after(async () => {
    const logs = await srv?.stop();
    ca?.remove();
    other?.remove();
    if (logs) assert.doesNotMatch(logs, NISS_RE, 'a NISS appeared in the logs');
  });

  it('an RSA card logs in at level high, creates the person, and returns to next', async () => {
    const res = await tlsRequest(srv, '/login/eid?next=%2Faide', { card: ca.card('sofie'), ca: ca.root });
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.location, '/aide');
    const setCookies = res.headers['set-cookie'] ?? [];
    assert.ok(setCookies.length > 0);
    for (const c of setCookies) assert.match(c, /; Secure/, `cookie without Secure over TLS: ${c}`);
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    const sid = cookiesOf(res.headers).portier_sid;
    const page = await tlsRequest(srv, '/', { headers: { cookie: `portier_sid=${sid}` }, ca: ca.root });
    assert.equal(page.status, 200);
    assert.equal(whoOf(page.text), 'Sofie Janssens');
    const events = eidEvents(srv);
    const created = events.filter((e) => e.action === 'person.create');
    const ok = events.filter((e) => e.action === 'login.eid.success');
    assert.equal(created.length, 1, JSON.stringify(events));
    assert.equal(ok.length, 1);
    assert.equal(ok[0].details.via, 'tls');
    assert.equal(ok[0].details.issuer, 'Citizen CA');
    assert.equal(ok[0].actor, created[0].actor);
    assert.equal(ok[0].source, '127.0.0.1');
    assert.doesNotMatch(JSON.stringify(events), NISS_RE, 'NISS in the audit details');
  });

  it('the same person logging in again is not created twice', async () => {
    const before_ = eidEvents(srv).filter((e) => e.action === 'person.create').length;
    const res = await tlsRequest(srv, '/login/eid', { card: ca.card('sofie'), ca: ca.root });
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
    assert.equal(eidEvents(srv).filter((e) => e.action === 'person.create').length, before_);
  });

  it('an EC P-384 card logs in (PKCS#12 with its password)', async () => {
    const pfx = ca.pfx('claire');
    const res = await tlsRequest(srv, '/login/eid?next=/', { card: { pfx, passphrase: '1234' } });
    assert.equal(res.status, 303, res.text);
    const sid = cookiesOf(res.headers).portier_sid;
    const page = await tlsRequest(srv, '/', { headers: { cookie: `portier_sid=${sid}` } });
    assert.equal(whoOf(page.text), 'Claire Dubois');
  });

  const refusals = [
    ['a revoked card', () => ca.card('revoked'), 'révoqué', 'revoked'],
    ['an expired card', () => ca.card('expired'), 'a expiré', 'expired'],
    ['a card from another CA', () => other.card('jan'), 'autorité reconnue', 'untrusted issuer'],
    ['a certificate whose serialNumber fails the NISS checksum', () => ca.card('badniss'),
      'numéro de registre national valide', 'invalid NISS'],
  ];
  for (const [what, card, message, reason] of refusals) {
    it(`refuses ${what}, says why, and audits the reason`, async () => {
      const res = await tlsRequest(srv, '/login/eid?next=/aide', { card: card() });
      assert.equal(res.status, 403, res.text.slice(0, 500));
      const alert = alertOf(res.text);
      assert.ok(alert && alert.includes(message), `alert: ${alert}`);
      assertSecurityHeadersTLS(res.headers, what);
      const failures = eidEvents(srv).filter((e) => e.action === 'login.eid.failure');
      const last = failures[failures.length - 1];
      assert.equal(last.details.reason, reason);
      assert.equal(last.details.via, 'tls');
      assert.equal(last.actor, null);
      // Nobody is logged in by a refusal.
      const sid = cookiesOf(res.headers).portier_sid;
      if (sid) {
        const page = await tlsRequest(srv, '/', { headers: { cookie: `portier_sid=${sid}` } });
        assert.equal(whoOf(page.text), null);
      }
    });
  }

  it('without a certificate the page says what is needed', async () => {
    const res = await tlsRequest(srv, '/login/eid');
    assert.equal(res.status, 200);
    const text = textOf(res.text);
    assert.match(text, /lecteur de cartes/);
    assert.match(text, /logiciel eID/);
    assert.match(text, /code PIN/);
    assert.equal(alertOf(res.text), null);
  });

  it('the login page shows the eID door with what it needs', async () => {
    const res = await tlsRequest(srv, '/login?next=/aide');
    assert.equal(res.status, 200);
    const text = textOf(res.text);
    assert.match(text, /Avec votre carte d'identité électronique \(eID\)/);
    assert.match(text, /lecteur de cartes/);
    assert.match(text, /logiciel eID/);
    assert.match(text, /code PIN/);
    assert.match(res.text, /<form method="get" action="\/login\/eid"/);
    assert.match(res.text, /name="next" value="\/aide"/);
  });

  it('on the plain listener the eID page points to the TLS listener', async () => {
    const c = new Client(srv.url);
    const { status, text, headers } = await c.get('/login/eid?next=/aide');
    assert.equal(status, 200);
    assertSecurityHeaders(headers, 'eID page over HTTP');
    const m = /href="(https:[^"]*)"/.exec(text);
    assert.ok(m, 'no link to the TLS listener');
    assert.equal(m[1].replace(/&#61;/g, '='),
      `https://127.0.0.1:${srv.tlsPort}/login/eid?next=/aide`);
  });

  it('ignores and audits a certificate header from an address that is not a trusted proxy', async () => {
    const c = new Client(srv.url);
    const { status, text } = await c.get('/login/eid', {
      headers: { 'X-SSL-Client-Cert': escapedPem(ca.pem('jan')) },
    });
    assert.equal(status, 403);
    assert.match(alertOf(text), /intermédiaire non autorisé/);
    const failures = eidEvents(srv).filter((e) => e.action === 'login.eid.failure');
    const last = failures[failures.length - 1];
    assert.equal(last.details.reason, 'certificate header from an untrusted address');
    assert.equal(last.details.via, 'proxy');
    await srv.waitForLog((l) => /not a trusted proxy: ignored/.test(l), 'the refusal in the log');
    // Nobody is logged in.
    const home = await c.get('/');
    assert.equal(whoOf(home.text), null);
  });

  it('a revocation after start is seen at the next login (the CRL file is read again)', async () => {
    await ca.issue('late', PEOPLE.lukas);
    let res = await tlsRequest(srv, '/login/eid', { card: ca.card('late') });
    assert.equal(res.status, 303);
    await ca.revoke('late');
    res = await tlsRequest(srv, '/login/eid', { card: ca.card('late') });
    assert.equal(res.status, 403);
    assert.match(alertOf(res.text), /révoqué/);
  });

  it('the demo card reader does not exist outside demo mode', async () => {
    const c = new Client(srv.url);
    assert.equal((await c.get('/login/eid/demo')).status, 404);
  });
});

function assertSecurityHeadersTLS(headers, what) {
  assert.equal(headers['x-content-type-options'], 'nosniff', what);
  assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/, what);
  assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', what);
}

describe('eID behind a trusted reverse proxy', () => {
  let ca;
  let srv;

  before(async () => {
    ca = await makeCA({ jan: PEOPLE.jan, claire: { ...PEOPLE.claire, ec: true }, revoked: PEOPLE.lukas });
    await ca.revoke('revoked');
    // 127.0.0.1 plays the proxy: the test talks to the plain listener as nginx would.
    srv = await start({
      args: ['--trusted-proxies', '10.9.9.9, 127.0.0.1', '--eid-trust', path.join(ca.ca, 'trust.pem'),
        '--eid-crl', path.join(ca.ca, 'crl.pem')],
    });
  });
  after(async () => {
    const logs = await srv?.stop();
    ca?.remove();
    if (logs) assert.doesNotMatch(logs, NISS_RE, 'a NISS appeared in the logs');
  });

  it('accepts the URL-escaped PEM header from a trusted address (RSA and EC)', async () => {
    for (const [name, who] of [['jan', 'Jan Peeters'], ['claire', 'Claire Dubois']]) {
      const c = new Client(srv.url);
      const res = await c.fetch('/login/eid?next=/aide', {
        headers: { 'X-SSL-Client-Cert': escapedPem(ca.pem(name)) },
      });
      assert.equal(res.status, 303, await res.text());
      assert.equal(res.headers.get('location'), '/aide');
      for (const sc of res.headers.getSetCookie()) assert.doesNotMatch(sc, /Secure/);
      const home = await c.get('/');
      assert.equal(whoOf(home.text), who);
    }
    const ok = eidEvents(srv).filter((e) => e.action === 'login.eid.success');
    assert.equal(ok.length, 2);
    assert.ok(ok.every((e) => e.details.via === 'proxy'));
  });

  it('still verifies what the proxy passes: a revoked card is refused', async () => {
    const c = new Client(srv.url);
    const { status, text } = await c.get('/login/eid', {
      headers: { 'X-SSL-Client-Cert': escapedPem(ca.pem('revoked')) },
    });
    assert.equal(status, 403);
    assert.match(alertOf(text), /révoqué/);
  });

  it('refuses a header that is not a certificate', async () => {
    const c = new Client(srv.url);
    for (const bad of ['%zz', 'not-a-certificate', escapedPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')]) {
      const { status, text } = await c.get('/login/eid', { headers: { 'X-SSL-Client-Cert': bad } });
      assert.equal(status, 403, bad);
      assert.match(alertOf(text), /illisible/);
    }
  });
});

describe('the demo card reader (demo mode)', () => {
  let srv;

  before(async () => {
    srv = await start({ args: ['--demo'] });
  });
  after(() => stopWithoutNiss(srv, NISS_RE));

  it('is clearly marked, lists the demo cards and logs in with one', async () => {
    const c = new Client(srv.url);
    const page = await c.get('/login/eid/demo?next=/aide');
    assert.equal(page.status, 200);
    const text = textOf(page.text);
    assert.match(text, /Lecteur de carte de démonstration/);
    assert.match(text, /Mode démonstration uniquement/);
    const cards = [...page.text.matchAll(/name="card" id="card-([0-9a-f]{16})" value="\1"[^>]*> <label for="card-\1">([^<]*)<\/label>/g)]
      .map((m) => ({ id: m[1], label: textOf(m[2]).trim() }));
    const labels = cards.map((x) => x.label);
    assert.ok(labels.includes('Jan Peeters (Authentication) (RSA 2048)'), labels.join(', '));
    assert.ok(labels.includes('Claire Dubois (Authentication) (EC P-384)'), labels.join(', '));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)[1];
    const claire = cards.find((x) => x.label.startsWith('Claire'));
    const res = await c.fetch('/login/eid/demo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, card: claire.id, next: '/aide' }).toString(),
    });
    assert.equal(res.status, 303, await res.text());
    assert.equal(res.headers.get('location'), '/aide');
    const home = await c.get('/');
    assert.equal(whoOf(home.text), 'Claire Dubois');
    const ok = eidEvents(srv).filter((e) => e.action === 'login.eid.success');
    assert.equal(ok[ok.length - 1].details.via, 'demo');
    // Claire exists in the demo world: no new person.
    assert.equal(eidEvents(srv).filter((e) => e.action === 'person.create' && e.details.via === 'eid').length, 0);
  });

  it('opens an uploaded PKCS#12 with its password, and refuses a wrong password', async () => {
    const c = new Client(srv.url);
    const page = await c.get('/login/eid/demo');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)[1];
    const p12 = readFileSync(path.join(srv.dir, 'eid', 'cards', '90022800193.p12'));
    const post = (password) => {
      const form = new FormData();
      form.set('_csrf', csrf);
      form.set('next', '/');
      form.set('password', password);
      form.set('p12', new Blob([p12], { type: 'application/x-pkcs12' }), 'card.p12');
      return c.fetch('/login/eid/demo', { method: 'POST', body: form });
    };
    const wrong = await post('0000');
    assert.equal(wrong.status, 422);
    assert.match(alertOf(await wrong.text()), /mot de passe/);
    const ok = await post('1234');
    assert.equal(ok.status, 303, await ok.text());
    const home = await c.get('/');
    assert.equal(whoOf(home.text), 'Lukas Schmitz');
  });

  it('refuses an unknown card and a post without CSRF token', async () => {
    const c = new Client(srv.url);
    const page = await c.get('/login/eid/demo');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)[1];
    const res = await c.fetch('/login/eid/demo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, card: '0123456789abcdef' }).toString(),
    });
    assert.equal(res.status, 422);
    const nocsrf = await c.fetch('/login/eid/demo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ card: '0123456789abcdef' }).toString(),
    });
    assert.equal(nocsrf.status, 403);
  });

  it('the eID page leads to the demo reader', async () => {
    const c = new Client(srv.url);
    const { text } = await c.get('/login/eid?next=/aide');
    assert.match(text, /href="\/login\/eid\/demo\?next=\/aide"/);
  });
});

describe('the demo card reader switched off', () => {
  it('is absent with --demo-card-reader false', async () => {
    const srv = await start({ args: ['--demo', '--demo-card-reader', 'false'] });
    try {
      const c = new Client(srv.url);
      assert.equal((await c.get('/login/eid/demo')).status, 404);
    } finally {
      await srv.stop();
    }
  });
});

describe('eID settings and the eid command', () => {
  it('refuses bad TLS and eID settings before touching the database (exit 2)', async () => {
    const dir = tempDir();
    try {
      const db = path.join(dir, 'p.db');
      const cases = [
        [['--tls-listen', '127.0.0.1:0'], /tls_listen needs tls_cert and tls_key/],
        [['--tls-listen', 'nowhere'], /tls_listen address/],
        [['--eid-trust', path.join(dir, 'none.pem')], /eid_trust: cannot read/],
        [['--eid-revocation', 'sometimes'], /eid_revocation must be/],
        [['--trusted-proxies', '127.0.0.1,proxy.example'], /'proxy.example' is not an address/],
        [['--eid-proxy-header', 'X Bad'], /eid_proxy_header/],
      ];
      for (const [args, message] of cases) {
        const r = await run(['serve', '--listen', '127.0.0.1:0', '--db', db, ...args]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(existsSync(db), false, `${args.join(' ')} created the database`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('eid verify prints the outcome with the NISS masked; test-ca checks its arguments', async () => {
    const ca = await makeCA({ jan: PEOPLE.jan, badniss: { ...PEOPLE.jan, niss: '85073003329' } });
    try {
      const trust = path.join(ca.ca, 'trust.pem');
      const crl = path.join(ca.ca, 'crl.pem');
      let r = await run(['eid', 'verify', '--trust', trust, '--crl', crl, path.join(ca.ca, 'cards', 'jan.pem')]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^accepted: Jan Peeters, NISS XX\.XX\.XX-XXX\.28, certificate [0-9A-F]+ from Citizen CA$/m);
      assert.doesNotMatch(r.stdout, NISS_RE);
      r = await run(['eid', 'verify', '--trust', trust, '--crl', crl, path.join(ca.ca, 'cards', 'badniss.pem')]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /^refused: invalid NISS: serialNumber is not a valid NISS \(checksum\)$/m);
      r = await run(['eid', 'test-ca', 'card', '--dir', ca.ca, '--niss', '85073003328']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /needs --niss, --last and --first/);
      r = await run(['eid', 'test-ca', 'revoke', '--dir', ca.ca, '--name', 'nobody']);
      assert.equal(r.code, 1);
      r = await run(['eid', 'test-ca']);
      assert.equal(r.code, 2);
      r = await run(['eid', '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /portier eid test-ca card --dir DIR --niss NISS/);
    } finally {
      ca.remove();
    }
  });
});
