// upstream_idp.test.js — brokering to upstream identity providers (issue 17 part 1):
// `portier idp add|list|remove`, the doors on the login page (name and logo escaped, only
// those that reach the level asked), a login through oidc-provider standing in for itsme
// (person found, or created from the register; level = min(acr, ceiling)), RS256 ID tokens,
// private_key_jwt,
// and every refusal: bad signature, wrong audience, wrong issuer, expired token, wrong nonce,
// several audiences without azp, replayed state, a state from another browser, missing and
// invalid national number, a level below what the service asks, an unknown provider id, an
// upstream error, a person unknown to the register. Each refusal opens no session, writes
// its reason in the audit trail and never the national number.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client, SHARE_DIR, run, start, tempDir } from '../lib/server.js';
import { auditEvents, cli, personOf } from '../lib/world.js';
import { buildWorld, PEOPLE } from './oidc_lib.js';
import {
  ACR, startForgingUpstream, startOidcUpstream, textOf, throughForgingUpstream,
  throughOidcUpstream, unknownNiss,
} from './upstream_lib.js';

const SECRET = 'upstream-client-secret-0123456789';
const ELS = { niss: '72110512256', last: 'Van den Broeck', first: 'Els Maria' }; // register only
const NOBODY = unknownNiss();

const MSG = {
  unknown: "Ce fournisseur d'identité n'est pas connu.",
  invalid: "La connexion par ce fournisseur d'identité a échoué.",
  state: 'Cette connexion a expiré ou a déjà été utilisée.',
  nn: "Le fournisseur d'identité n'a pas communiqué de numéro de registre national valable.",
  aborted: "Le fournisseur d'identité a interrompu la connexion.",
  level: 'Ce service exige un niveau de sécurité plus élevé que celui de ce fournisseur',
  nobody: "Votre numéro de registre national n'est pas connu.",
};

let srv;
let oidcUp;
let forged;

function idpAdd(args) {
  const r = cli(srv, ['idp', 'add', ...args]);
  assert.equal(r.code, 0, `idp add: ${r.stderr}`);
  return r.stdout;
}

/** Starts a login through door id in a fresh browser; returns { c, authUrl }. */
async function begin(id, { next = '/compte', level } = {}) {
  const c = new Client(srv.url);
  const q = new URLSearchParams({ next, ...(level ? { level: String(level) } : {}) });
  const res = await c.fetch(`/login/idp/${id}?${q}`);
  const text = await res.text();
  assert.equal(res.status, 303, `the door sends to the provider: ${text.slice(0, 300)}`);
  return { c, authUrl: res.headers.get('location') };
}

/** After a refusal: the page says why, shows other doors, and no session was opened. */
async function assertRefused(c, page, status, msg) {
  assert.equal(page.status, status, textOf(page.text).slice(0, 400));
  assert.match(textOf(page.text), new RegExp(msg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(page.text, /id="door-error"/);
  assert.match(page.text, /action="\/login\/eid"/, 'another door is offered');
  const me = await c.fetch('/compte');
  await me.text();
  assert.equal(me.status, 303, 'no session was opened');
}

/** A page's HTML with its character references read (attributes as the browser sees them). */
function entities(html) {
  return html.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
}

function lastRefusal() {
  return auditEvents(srv, ['login.idp.failure']).at(-1);
}

function noNissInAudit() {
  const all = JSON.stringify(auditEvents(srv, ['login.idp.*']));
  for (const n of [PEOPLE.jan.niss, ELS.niss, NOBODY]) assert.ok(!all.includes(n), 'no NISS in the audit');
}

before(async () => {
  srv = await start();
  buildWorld(srv);
  // The persons register: the demo file (Els is in it, not in portier).
  const r = await run(['import', 'persons', path.join(SHARE_DIR, 'demo', 'persons.csv'), '--db', srv.db]);
  assert.equal(r.code, 0, r.stderr);
  const redirectUri = `${srv.url}/login/idp/callback`;
  oidcUp = await startOidcUpstream({
    redirectUri, secret: SECRET,
    accounts: {
      jan: { national_number: PEOPLE.jan.niss, name: 'Jan Peeters' },
      els: { national_number: '72.11.05-122.56' },
      nobody: { national_number: NOBODY },
      nonn: { name: 'No Number' },
      badnn: { national_number: '72110512257' },
    },
  });
  forged = await startForgingUpstream({ secret: SECRET, nn: PEOPLE.jan.niss });
  idpAdd(['--id', 'itsme', '--name', 'itsme <b>"test"</b>', '--issuer', oidcUp.issuer,
    '--client-id', 'portier-broker', '--client-secret', SECRET, '--level', 'substantial',
    '--logo', '/static/img/itsme.svg?v=1&x=2']);
  idpAdd(['--id', 'forged', '--name', 'Forged', '--issuer', forged.issuer,
    '--client-id', 'portier-broker', '--client-secret', SECRET, '--level', 'high']);
});

after(async () => {
  await srv?.stop();
  await oidcUp?.close();
  await forged?.close();
});

describe('portier idp', () => {
  it('lists the providers without their secrets', () => {
    const r = cli(srv, ['idp', 'list']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^itsme\n {2}name: itsme <b>"test"<\/b>/m);
    assert.match(r.stdout, /level: at most 2/);
    assert.ok(!r.stdout.includes(SECRET));
  });

  it('refuses bad input and leaves the providers as they were', () => {
    for (const args of [
      ['--id', 'x1', '--name', 'X', '--issuer', 'http://idp.example.be', '--client-id', 'c', '--client-secret', 's'],
      ['--id', 'x2', '--name', 'X', '--issuer', oidcUp.issuer, '--client-id', 'c'],
      ['--id', 'x3', '--name', 'X', '--issuer', oidcUp.issuer, '--client-id', 'c', '--client-secret', 's', '--level', 'max'],
      ['--id', 'x4', '--name', 'X', '--issuer', oidcUp.issuer, '--client-id', 'c', '--client-secret', 's', '--logo', 'javascript:alert(1)'],
      ['--id', 'callback', '--name', 'X', '--issuer', oidcUp.issuer, '--client-id', 'c', '--client-secret', 's'],
      ['--id', 'itsme', '--name', 'X', '--issuer', oidcUp.issuer, '--client-id', 'c', '--client-secret', 's'],
    ]) {
      const r = cli(srv, ['idp', 'add', ...args]);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, /portier: /);
    }
    const ids = cli(srv, ['idp', 'list']).stdout.split('\n').filter((l) => /^\S/.test(l));
    assert.deepEqual(ids, ['forged', 'itsme']);
  });
});

describe('the doors on the login page', () => {
  it('shows each provider with its name and logo, escaped', async () => {
    const c = new Client(srv.url);
    const page = await c.get('/login?next=/compte');
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes('<b>"test"</b>'), 'the name is escaped');
    assert.match(page.text, /itsme &lt;b&gt;&quot;test&quot;&lt;\/b&gt;|itsme &lt;b&gt;&#34;test&#34;&lt;\/b&gt;/);
    const html = entities(page.text);
    assert.match(html, /href="\/login\/idp\/itsme\?level=1&next=\/compte"/);
    assert.match(page.text, /<img src="\/static\/img\/itsme.svg\?v&#61;1&amp;x&#61;2" alt=""/);
    assert.match(html, /href="\/login\/idp\/forged\?level=1/);
  });

  it('offers only the providers that reach the level asked', async () => {
    const c = new Client(srv.url);
    const page = await c.get('/login?level=3&next=/compte');
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes('/login/idp/itsme'), 'itsme (at most substantial) is not offered');
    assert.match(entities(page.text), /href="\/login\/idp\/forged\?level=3/);
  });
});

describe('a login through an upstream provider (oidc-provider)', () => {
  it('finds the person by national number, at the level of the acr', async () => {
    const { c, authUrl } = await begin('itsme');
    const u = new URL(authUrl);
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(u.searchParams.get('redirect_uri'), `${srv.url}/login/idp/callback`);
    assert.ok(u.searchParams.get('nonce').length >= 43);
    const cb = await throughOidcUpstream(authUrl, { login: 'jan', acr: ACR.substantial });
    const back = await c.fetch(cb);
    await back.text();
    assert.equal(back.status, 303);
    assert.equal(back.headers.get('location'), '/compte');
    const me = await c.get('/compte');
    assert.equal(me.status, 303, 'the capacity choice comes first');
    const ok = auditEvents(srv, ['login.idp.success']).at(-1);
    assert.equal(ok.object, 'door:idp:itsme');
    assert.equal(ok.actor, String(PEOPLE.jan.id));
    assert.equal(ok.details.level, 2);
    noNissInAudit();
    assert.ok(!srv.logs().includes(PEOPLE.jan.niss), 'no NISS in the log');
  });

  it('never gives more than the provider\'s ceiling', async () => {
    const { c, authUrl } = await begin('itsme');
    const back = await c.fetch(await throughOidcUpstream(authUrl, { login: 'jan', acr: ACR.high }));
    await back.text();
    assert.equal(back.status, 303);
    assert.equal(auditEvents(srv, ['login.idp.success']).at(-1).details.level, 2);
  });

  it('creates a person the register knows, with the register\'s names', async () => {
    assert.equal(personOf(srv, ELS.niss), null);
    const { c, authUrl } = await begin('itsme');
    const back = await c.fetch(await throughOidcUpstream(authUrl, { login: 'els' }));
    await back.text();
    assert.equal(back.status, 303);
    const p = personOf(srv, ELS.niss);
    assert.equal(p.last_name, ELS.last);
    assert.equal(p.first_name, ELS.first);
    assert.equal(auditEvents(srv, ['person.create']).at(-1).details.via, 'idp');
  });

  it('refuses a person neither portier nor the register knows', async () => {
    const { c, authUrl } = await begin('itsme');
    const page = await c.get(await throughOidcUpstream(authUrl, { login: 'nobody' }));
    await assertRefused(c, page, 403, MSG.nobody);
    assert.equal(personOf(srv, NOBODY), null);
  });

  it('refuses a level below what the service asks, and offers the doors that reach it', async () => {
    const { c, authUrl } = await begin('itsme', { level: 2, next: '/oidc/continue/x' });
    const page = await c.get(await throughOidcUpstream(authUrl, { login: 'jan', acr: ACR.low }));
    await assertRefused(c, page, 403, MSG.level);
    assert.ok(!page.text.includes('action="/login/password"'), 'no door below the level');
    assert.equal(lastRefusal().details.reason, 'level below the one asked');
  });

  it('refuses at once a provider whose ceiling is below the level asked', async () => {
    const c = new Client(srv.url);
    const page = await c.get('/login/idp/itsme?level=3&next=/compte');
    await assertRefused(c, page, 403, MSG.level);
  });

  it('refuses a missing national number', async () => {
    const { c, authUrl } = await begin('itsme');
    const page = await c.get(await throughOidcUpstream(authUrl, { login: 'nonn' }));
    await assertRefused(c, page, 403, MSG.nn);
    assert.equal(lastRefusal().details.reason, 'no national number');
  });

  it('refuses an invalid national number', async () => {
    const { c, authUrl } = await begin('itsme');
    const page = await c.get(await throughOidcUpstream(authUrl, { login: 'badnn' }));
    await assertRefused(c, page, 403, MSG.nn);
    assert.equal(lastRefusal().details.reason, 'invalid national number');
  });

  it('refuses when the provider answers an error (the person cancelled)', async () => {
    const { c, authUrl } = await begin('itsme');
    const page = await c.get(await throughOidcUpstream(authUrl, { abort: true }));
    await assertRefused(c, page, 403, MSG.aborted);
    assert.equal(lastRefusal().details.reason, 'the provider answered an error');
  });

  it('refuses a replayed state, and a state carried to another browser', async () => {
    const { c, authUrl } = await begin('itsme');
    const cb = await throughOidcUpstream(authUrl, { login: 'jan' });
    const other = new Client(srv.url);
    await other.get('/login');
    await assertRefused(other, await other.get(cb), 400, MSG.state);
    // The other browser's attempt did not use it up: the right one logs in, once.
    const first = await c.fetch(cb);
    await first.text();
    assert.equal(first.status, 303);
    const again = await c.get(cb);
    assert.equal(again.status, 400);
    assert.match(textOf(again.text), /Cette connexion a expiré ou a déjà été utilisée/);
  });

  it('refuses an unknown provider id', async () => {
    const c = new Client(srv.url);
    await assertRefused(c, await c.get('/login/idp/nosuch?next=/compte'), 404, MSG.unknown);
    await assertRefused(c, await c.get('/login/idp/Bad%20Id?next=/compte'), 404, MSG.unknown);
    assert.equal((await c.get('/login/idp/..%2Fx')).status, 404);
  });
});

describe('ID tokens forged by the provider', () => {
  const cases = [
    ['badsig', 'bad signature', MSG.invalid],
    ['aud', 'wrong audience', MSG.invalid],
    ['azp', 'wrong audience', MSG.invalid],
    ['iss', 'wrong issuer', MSG.invalid],
    ['exp', 'expired', MSG.invalid],
    ['nonce', 'wrong nonce', MSG.invalid],
    ['nonn', 'no national number', MSG.nn],
    ['badnn', 'invalid national number', MSG.nn],
    ['error', 'the provider answered an error', MSG.aborted],
  ];
  for (const [mode, reason, msg] of cases) {
    it(`refuses: ${mode} (${reason})`, async () => {
      forged.mode = mode;
      const { c, authUrl } = await begin('forged');
      const page = await c.get(await throughForgingUpstream(authUrl));
      await assertRefused(c, page, 403, msg);
      assert.equal(lastRefusal().details.reason, reason);
      assert.equal(lastRefusal().object, 'door:idp:forged');
    });
  }

  it('accepts the good one, after client_secret_basic, PKCE and the same redirect_uri', async () => {
    forged.mode = 'good';
    const { c, authUrl } = await begin('forged');
    const back = await c.fetch(await throughForgingUpstream(authUrl));
    await back.text();
    assert.equal(back.status, 303);
    assert.deepEqual(forged.seen, { basic: true, pkce: true, redirect: true });
    noNissInAudit();
  });
});

describe('a provider that signs with RS256 (as itsme does)', () => {
  let up;
  after(() => up?.close());

  it('checks its RS256 ID tokens with its JWKS', async () => {
    up = await startOidcUpstream({
      redirectUri: `${srv.url}/login/idp/callback`, secret: SECRET, alg: 'RS256',
      accounts: { jan: { national_number: PEOPLE.jan.niss } },
    });
    idpAdd(['--id', 'rsa', '--name', 'RSA', '--issuer', up.issuer, '--client-id', 'portier-broker',
      '--client-secret', SECRET]);
    const { c, authUrl } = await begin('rsa');
    const back = await c.fetch(await throughOidcUpstream(authUrl, { login: 'jan' }));
    await back.text();
    assert.equal(back.status, 303);
    assert.equal(auditEvents(srv, ['login.idp.success']).at(-1).object, 'door:idp:rsa');
    assert.equal(cli(srv, ['idp', 'remove', '--id', 'rsa']).code, 0);
  });
});

describe('private_key_jwt', () => {
  let up;
  after(() => up?.close());

  it('authenticates portier at the token endpoint with its key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const file = path.join(tempDir(), 'key.pem');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const out = idpAdd(['--id', 'mygov', '--name', 'MyGov.be', '--issuer', 'http://127.0.0.1:1',
      '--client-id', 'portier-broker', '--private-key', file]);
    const jwk = JSON.parse(/\(JWK\): (.*)$/m.exec(out)[1]);
    const pub = publicKey.export({ format: 'jwk' });
    assert.equal(jwk.x, pub.x);
    assert.ok(!('d' in jwk), 'only the public key is printed');
    assert.ok(!readFileSync(file, 'utf8').includes(jwk.x));
    up = await startOidcUpstream({
      redirectUri: `${srv.url}/login/idp/callback`, clientJwks: { keys: [jwk] },
      accounts: { jan: { national_number: PEOPLE.jan.niss } },
    });
    assert.equal(cli(srv, ['idp', 'remove', '--id', 'mygov']).code, 0);
    idpAdd(['--id', 'mygov', '--name', 'MyGov.be', '--issuer', up.issuer,
      '--client-id', 'portier-broker', '--private-key', file]);
    const { c, authUrl } = await begin('mygov');
    const back = await c.fetch(await throughOidcUpstream(authUrl, { login: 'jan' }));
    await back.text();
    assert.equal(back.status, 303, 'the token endpoint accepted the client assertion');
    assert.equal(auditEvents(srv, ['login.idp.success']).at(-1).object, 'door:idp:mygov');
  });

  it('removes a provider: its door is gone', async () => {
    assert.equal(cli(srv, ['idp', 'remove', '--id', 'mygov']).code, 0);
    assert.equal(cli(srv, ['idp', 'remove', '--id', 'mygov']).code, 1);
    const c = new Client(srv.url);
    const page = await c.get('/login');
    assert.ok(!page.text.includes('/login/idp/mygov'));
    assert.equal((await c.get('/login/idp/mygov')).status, 404);
  });
});

/** Runs openssl with args in dir. */
const openssl = (dir, args) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

/** A test CA (ca.pem) and a certificate for 127.0.0.1 it signed (up.pem, up.key) in dir. */
function makeTls(dir) {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-days', '2', '-subj', '/CN=portier test upstream CA', '-keyout', 'ca.key', '-out', 'ca.pem']);
  writeFileSync(path.join(dir, 'up.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/CN=upstream', '-keyout', 'up.key', '-out', 'up.csr']);
  openssl(dir, ['x509', '-req', '-in', 'up.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-CAcreateserial', '-days', '2', '-extfile', 'up.ext', '-out', 'up.pem']);
}

describe('an upstream on https (idp_ca_file)', () => {
  let dir;
  let tlsUp;
  let trusting;
  let plain;

  before(async () => {
    dir = tempDir();
    makeTls(dir);
    tlsUp = await startForgingUpstream({
      secret: SECRET, nn: PEOPLE.jan.niss,
      tls: { key: readFileSync(path.join(dir, 'up.key')), cert: readFileSync(path.join(dir, 'up.pem')) },
    });
    // The sandbox is on (the default): the CA file must stay readable to libcurl.
    trusting = await start({ args: ['--idp-ca-file', path.join(dir, 'ca.pem')] });
    plain = await start();
    for (const s of [trusting, plain]) {
      const r = cli(s, ['idp', 'add', '--id', 'tls', '--name', 'TLS', '--issuer', tlsUp.issuer,
        '--client-id', 'portier-broker', '--client-secret', SECRET]);
      assert.equal(r.code, 0, r.stderr);
      cli(s, ['person', 'add', '--niss', PEOPLE.jan.niss, '--last-name', 'Peeters', '--first-name', 'Jan']);
    }
  });
  after(async () => {
    await trusting?.stop();
    await plain?.stop();
    await tlsUp?.close();
  });

  it('trusts the provider whose certificate chains to idp_ca_file', async () => {
    tlsUp.mode = 'good';
    const c = new Client(trusting.url);
    let res = await c.fetch('/login/idp/tls?next=/compte');
    await res.text();
    assert.equal(res.status, 303, trusting.logs().split('\n').filter((l) => /idp/.test(l)).join('\n'));
    const cb = await throughForgingUpstream(res.headers.get('location'), { ca: readFileSync(path.join(dir, 'ca.pem')) });
    res = await c.fetch(cb);
    await res.text();
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/compte');
  });

  it('refuses it with the system\'s CAs: the provider is unavailable', async () => {
    const c = new Client(plain.url);
    const page = await c.get('/login/idp/tls?next=/compte');
    assert.equal(page.status, 503);
    assert.match(textOf(page.text), /Ce fournisseur d'identité ne répond pas/);
    assert.match(plain.logs(), /the issuer's TLS certificate is not trusted/);
  });
});
