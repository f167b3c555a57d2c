// system_certs.test.js — "Gestion du certificat" and "Messages structurés" (issue 15)
// through the pages of a demo server with a test clock: a CSR made by `openssl req`
// signed by portier's CA (subject from the organisation), a certificate from elsewhere,
// refusals at the field with what was typed kept and nothing stored, the list with its
// statuses, revocation and the CRL read with `openssl crl`, expiry mails 60/30 days
// before the end, renewal in the window (the old one replaced), the policy cells (GL,
// co-GL, GAP, co-GAP yes; a user, another quality's GL, another organisation's GAP: 403,
// audited, nothing changed), the channels and the agency portal's lookup API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { tempDir, waitFor } from '../lib/server.js';
import { addOrg, cli, giveAccessCodes, mails, orgOf, testClock } from '../lib/world.js';
import { addClient } from './oidc_lib.js';
import {
  ID, NISS, PASSWORD, activate, addPerson, addUser, denials, login, post, rows, startDemo, text,
} from './uman_lib.js';

const DAY = 24 * 3600;
const dir = tempDir();
let n = 0;

/** A CSR (PEM) made by openssl req: EC P-256 unless rsa bits are given. */
function csr({ rsa } = {}) {
  const base = path.join(dir, `k${n++}`);
  const key = rsa ? ['-newkey', `rsa:${rsa}`] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  execFileSync('openssl', ['req', '-new', ...key, '-nodes', '-keyout', `${base}.key`,
    '-subj', '/CN=claimed by the request/O=Not the organisation', '-out', `${base}.csr`], { stdio: 'ignore' });
  return readFileSync(`${base}.csr`, 'utf8');
}

/** A self-signed certificate from openssl req -x509 with extra -addext options. */
function selfSigned(ext) {
  const base = path.join(dir, `c${n++}`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-keyout', `${base}.key`, '-subj', '/CN=external', '-days', '400',
    ...ext.flatMap((e) => ['-addext', e]), '-out', `${base}.pem`], { stdio: 'ignore' });
  return readFileSync(`${base}.pem`, 'utf8');
}

function snapshot(srv) {
  return rows(srv, `SELECT (SELECT count(*) FROM system_cert) AS certs,
    (SELECT count(*) FROM system_cert WHERE status = 'revoked') AS revoked,
    (SELECT count(*) FROM system_cert_app) AS apps, (SELECT count(*) FROM message_channel) AS channels`)[0];
}

describe('system certificates and structured messages through the pages', () => {
  const clock = testClock();
  let srv, qa, qb, base;
  const who = {};
  let first;          // public id of the first certificate (by CSR)

  before(async () => {
    srv = await startDemo(clock.args);
    who.gap = await login(srv, 'claire.dubois');
    qa = await activate(srv, who.gap, {});
    who.gl = await login(srv, 'lukas.schmitz');
    base = `/acces/${ID.org}/qualite/${qa}`;
    // Marie a user of the quality, Els GL of another quality, Sophie the GAP of another
    // organisation, Jan a co-GAP; Nadia a co-GL.
    await addUser(srv, who.gl, qa, { niss: NISS.marie, type: 'USER', username: 'marie', email: 'marie@example.be',
      apps: ['SADM'], last: 'Janssens', first: 'Marie' });
    await giveAccessCodes(srv, NISS.marie, 'marie.janssens', PASSWORD);
    await addUser(srv, who.gl, qa, { niss: NISS.els, type: 'COGL', username: 'els.vdb', email: 'els@example.be',
      last: 'Van den Broeck', first: 'Els' });
    await giveAccessCodes(srv, NISS.els, 'els.vdb', PASSWORD);
    qb = await activate(srv, who.gap, { code: 'youth_care', niss: null, username: 'claire.dubois',
      userEmail: 'claire.dubois@example.be', apps: [] });
    addPerson(srv, { niss: NISS.sophie, last: 'Martin', first: 'Sophie', username: 'sophie.martin' });
    assert.equal(addOrg(srv, { enterprise: '1029025290', name: 'STRIC', gap: NISS.sophie,
      email: 'info@stric.example.be', phone: '014 00 00 00' }), 2);
    assert.equal((await post(who.gap, '/acces/1/co-responsables', { niss: NISS.jan, email: 'co@example.be' })).status, 303);
    who.cogap = await login(srv, 'jan.peeters');
    who.cogl = await login(srv, 'els.vdb');
    who.user = await login(srv, 'marie.janssens');
    who.other = await login(srv, 'sophie.martin');
  });
  after(async () => { await srv?.stop(); });

  it('signs a CSR with the organisation as subject, lists it, serves its PEM', async () => {
    const r = await post(who.gl, `${base}/certificats`, { mode: 'csr', label: 'Logiciel de paie',
      apps: ['SADM', 'SARA'], csr: csr() });
    assert.equal(r.status, 303, text(r.text).slice(0, 400));
    assert.match(r.headers.get('location'), /\/certificats\?ok=cert_registered$/);
    const row = rows(srv, "SELECT public_id, by_portier, status, subject, not_before, not_after FROM system_cert WHERE name = 'Logiciel de paie'")[0];
    first = row.public_id;
    assert.equal(Number(row.by_portier), 1);
    assert.equal(row.status, 'active');
    assert.match(row.subject, /organizationIdentifier=NTRBE-|2\.5\.4\.97=/);
    assert.doesNotMatch(row.subject, /claimed/);
    const list = await who.gl.get(`${base}/certificats?ok=cert_registered`);
    assert.equal(list.status, 200);
    assert.match(list.text, /Logiciel de paie/);
    assert.match(list.text, /<td>Actif<\/td>/);
    assert.match(list.text, /Le certificat système a bien été enregistré/);
    const pem = await who.gl.get(`${base}/certificats/${first}/pem`);
    assert.equal(pem.status, 200);
    const file = path.join(dir, 'issued.pem');
    writeFileSync(file, pem.text);
    const out = execFileSync('openssl', ['x509', '-in', file, '-noout', '-subject', '-ext', 'extendedKeyUsage,basicConstraints', '-dates'], { encoding: 'utf8' });
    assert.match(out, /TLS Web Client Authentication/);
    assert.match(out, /CA:FALSE/);
    assert.match(out, /O ?= ?PharmaPlatel|O ?= ?[^,]+/);
    assert.match(out, /CN ?= ?Logiciel de paie/);
    const ca = await who.gl.get('/pki/system-ca.pem');
    writeFileSync(path.join(dir, 'ca.pem'), ca.text);
    const verify = execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'ca.pem'), file], { encoding: 'utf8' });
    assert.match(verify, /OK/);
  });

  it('refuses bad input at the field, keeps what was typed, stores nothing', async () => {
    const before = snapshot(srv);
    const garbage = 'not a certificate request <script>';
    let r = await post(who.gl, `${base}/certificats`, { mode: 'csr', label: 'Mauvais', apps: ['SADM'], csr: garbage });
    assert.equal(r.status, 422);
    assert.match(r.text, /Ce texte n&#39;est pas au format PEM attendu|Ce texte n'est pas au format PEM attendu/);
    assert.match(r.text, /not a certificate request &lt;script&gt;/);
    assert.match(r.text, /value="Mauvais"/);
    r = await post(who.gl, `${base}/certificats`, { mode: 'csr', label: 'Faible', apps: ['SADM'], csr: csr({ rsa: 1024 }) });
    assert.equal(r.status, 422);
    assert.match(r.text, /2048/);
    r = await post(who.gl, `${base}/certificats`, { mode: 'cert', label: 'Une AC', apps: ['SADM'],
      cert: selfSigned(['basicConstraints=critical,CA:TRUE', 'extendedKeyUsage=clientAuth']) });
    assert.equal(r.status, 422);
    assert.match(r.text, /certificat d(&#39;|')autorité de certification/);
    r = await post(who.gl, `${base}/certificats`, { mode: 'cert', label: 'Serveur', apps: ['SADM'],
      cert: selfSigned(['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=serverAuth']) });
    assert.equal(r.status, 422);
    assert.match(r.text, /clientAuth/);
    r = await post(who.gl, `${base}/certificats`, { mode: 'csr', label: 'Sans app', csr: csr() });
    assert.equal(r.status, 422);
    assert.match(r.text, /Choisissez au moins une application/);
    assert.deepEqual(snapshot(srv), before);
    // In English too.
    const en = await login(srv, 'lukas.schmitz', 'en');
    r = await post(en, `${base}/certificats`, { mode: 'csr', label: 'x', apps: ['SADM'], csr: garbage });
    assert.equal(r.status, 422);
    assert.match(r.text, /This text is not in the expected PEM format/);
  });

  it('registers a certificate from elsewhere once: its thumbprint is unique', async () => {
    const ext = selfSigned(['basicConstraints=critical,CA:FALSE', 'extendedKeyUsage=clientAuth']);
    let r = await post(who.gap, `${base}/certificats`, { mode: 'cert', label: 'Stock', apps: ['SADM'], cert: ext });
    assert.equal(r.status, 303, text(r.text).slice(0, 300));
    const before = snapshot(srv);
    r = await post(who.gl, `${base}/certificats`, { mode: 'cert', label: 'Stock bis', apps: ['SADM'], cert: ext });
    assert.equal(r.status, 422);
    assert.match(r.text, /Ce certificat est déjà enregistré/);
    assert.deepEqual(snapshot(srv), before);
  });

  it('applies the policy: GL, co-GL, GAP, co-GAP yes; a user, another quality\'s GL, another organisation\'s GAP no', async () => {
    for (const [name, c] of [['cogl', who.cogl], ['cogap', who.cogap]]) {
      const r = await post(c, `${base}/certificats`, { mode: 'csr', label: `Par ${name}`, apps: ['SADM'], csr: csr() });
      assert.equal(r.status, 303, `${name} registers`);
    }
    const victim = rows(srv, "SELECT public_id FROM system_cert WHERE name = 'Par cogl'")[0].public_id;
    // Els is co-GL of the health quality, but quality B (youth care) is not hers.
    const cases = [['user', who.user, base], ['other', who.other, base],
      ['cogl of A in B', who.cogl, `/acces/${ID.org}/qualite/${qb}`]];
    for (const [name, c, at] of cases) {
      const before = snapshot(srv);
      const denied = denials(srv);
      const actions = [
        post(c, `${at}/certificats`, { mode: 'csr', label: 'Refus', apps: ['SADM'], csr: csr() }),
        post(c, `${at}/certificats/${victim}/revoquer`, { reason: 'refus' }),
        post(c, `${at}/certificats/${victim}/renouveler`, { label: 'x', apps: ['SADM'], csr: csr() }),
        post(c, `${at}/messages`, { application: 'SADM', kind: 'ws', cert: victim, sender: 'REFUS01' }),
        c.get(`${at}/certificats`),
      ];
      for (const p of actions) {
        const r = await p;
        assert.equal(r.status, 403, `${name}: ${r.res.url}`);
      }
      assert.ok(denials(srv) >= denied + 4, `${name}: refusals audited`);
      assert.deepEqual(snapshot(srv), before, `${name}: nothing changed`);
    }
    // Without the CSRF token: refused before any handler.
    const before = snapshot(srv);
    const r = await who.gl.get(`${base}/certificats`, { method: 'POST',
      body: new URLSearchParams({ mode: 'csr', label: 'x', apps: 'SADM', csr: csr() }) });
    assert.equal(r.status, 403);
    assert.deepEqual(snapshot(srv), before);
  });

  it('revokes early with a reason; the CRL lists the serial and verifies', async () => {
    const victim = rows(srv, "SELECT public_id, serial FROM system_cert WHERE name = 'Par cogap'")[0];
    let r = await post(who.gl, `${base}/certificats/${victim.public_id}/revoquer`, { reason: '' });
    assert.equal(r.status, 422);
    assert.match(r.text, /Donnez la raison de la révocation/);
    r = await post(who.gl, `${base}/certificats/${victim.public_id}/revoquer`, { reason: 'Clé perdue' });
    assert.equal(r.status, 303);
    assert.equal(rows(srv, `SELECT status FROM system_cert WHERE public_id = '${victim.public_id}'`)[0].status, 'revoked');
    const page = await who.gl.get(`${base}/certificats/${victim.public_id}`);
    assert.match(page.text, /Révoqué/);
    assert.match(page.text, /Clé perdue/);
    const crl = await fetch(new URL('/pki/system-ca.crl', srv.url));
    assert.equal(crl.status, 200);
    assert.equal(crl.headers.get('content-type'), 'application/pkix-crl');
    const file = path.join(dir, 'crl.der');
    writeFileSync(file, Buffer.from(await crl.arrayBuffer()));
    const out = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', file, '-noout', '-text',
      '-CAfile', path.join(dir, 'ca.pem')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(out, /Next Update/);
    assert.ok(out.toUpperCase().replace(/[\s:]/g, '').includes(victim.serial.toUpperCase()),
      'the revoked serial is in the CRL');
  });

  it('mails the managers 60 and 30 days before the end, each once; renews in the window', async () => {
    const row = rows(srv, `SELECT not_after FROM system_cert WHERE public_id = '${first}'`)[0];
    const left = (Date.parse(row.not_after) / 1000) - Date.now() / 1000;
    const count = () => mails(srv, 'system_cert_expiring').filter((m) => /Logiciel de paie/.test(m.subject)).length;
    assert.equal(count(), 0);
    clock.advance(Math.floor(left - 59 * DAY));
    await waitFor(() => count() > 0, { what: 'the 60-day mail' });
    const sixty = count();
    // Sessions age with the clock: log in again.
    who.gl = await login(srv, 'lukas.schmitz');
    assert.ok(mails(srv, 'system_cert_expiring').some((m) => m.recipient === 'lukas.schmitz@example.be'));
    // The list says "to renew"; the detail page offers the renewal.
    const list = await who.gl.get(`${base}/certificats`);
    assert.match(list.text, /À renouveler/);
    clock.advance(30 * DAY);
    await waitFor(() => count() >= 2 * sixty, { what: 'the 30-day mail' });
    await new Promise((res) => setTimeout(res, 6000));
    assert.equal(count(), 2 * sixty, 'each notice once');
    who.gl = await login(srv, 'lukas.schmitz');
    const r = await post(who.gl, `${base}/certificats/${first}/renouveler`, { label: 'Logiciel de paie 2',
      apps: ['SADM'], csr: csr() });
    assert.equal(r.status, 303, text(r.text).slice(0, 300));
    assert.equal(rows(srv, `SELECT status FROM system_cert WHERE public_id = '${first}'`)[0].status, 'replaced');
    const renewed = rows(srv, "SELECT c.status, o.public_id AS old FROM system_cert c JOIN system_cert o ON o.id = c.renewal_of WHERE c.name = 'Logiciel de paie 2'")[0];
    assert.equal(renewed.status, 'active');
    assert.equal(renewed.old, first);
    assert.equal(rows(srv, "SELECT count(*) AS n FROM audit_event WHERE action = 'system_cert.renew'")[0].n * 1, 1);
  });

  it('registers channels of structured messages; the agency portal reads them by API', async () => {
    const cert = rows(srv, "SELECT public_id, thumbprint FROM system_cert WHERE name = 'Logiciel de paie 2'")[0];
    let r = await post(who.gl, `${base}/messages`, { application: 'SARA', kind: 'sftp', ssh_key: 'ssh-rsa not-base64!', sender: 'a b' });
    assert.equal(r.status, 422);
    assert.match(r.text, /Collez une clé publique SSH/);
    assert.match(r.text, /L(&#39;|')identifiant d(&#39;|')expéditeur compte de 3 à 64/);
    assert.match(r.text, /ssh-rsa not-base64!/);
    assert.equal(snapshot(srv).channels * 1, 0);
    r = await post(who.gl, `${base}/messages`, { application: 'SADM', kind: 'ws', cert: cert.public_id, sender: 'PHARMAPLATEL-01' });
    assert.equal(r.status, 303, text(r.text).slice(0, 300));
    const page = await who.gl.get(`${base}/messages`);
    assert.match(page.text, /PHARMAPLATEL-01/);
    const enterprise = orgOf(srv, { id: ID.org }).enterprise;
    const url = new URL(`/api/message-channels?enterprise=${enterprise}&application=SADM`, srv.url);
    assert.equal((await fetch(url)).status, 401);
    const client = addClient(srv, 'agency-portal-test', { application: 'SADM' });
    const auth = { authorization: `Basic ${Buffer.from(`${client.id}:wrong`).toString('base64')}` };
    assert.equal((await fetch(url, { headers: auth })).status, 401);
    const ok = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` } });
    assert.equal(ok.status, 200);
    const j = await ok.json();
    assert.equal(j.channel, 'ws');
    assert.equal(j.sender, 'PHARMAPLATEL-01');
    assert.equal(j['x5t#S256'], cert.thumbprint);
    const none = await fetch(new URL(`/api/message-channels?enterprise=${enterprise}&application=SARA`, srv.url),
      { headers: { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` } });
    assert.equal(none.status, 404);
    r = await post(who.gl, `${base}/messages/supprimer`, { application: 'SADM' });
    assert.equal(r.status, 303);
    assert.equal(snapshot(srv).channels * 1, 0);
  });

  it('portier keys system-ca prints the CA the server serves, and refuses a non-CA to replace it', async () => {
    const served = await (await fetch(new URL('/pki/system-ca.pem', srv.url))).text();
    const printed = cli(srv, ['keys', 'system-ca']);
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, served);
    const leaf = path.join(dir, 'leaf');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', `${leaf}.key`, '-subj', '/CN=leaf', '-addext', 'basicConstraints=CA:FALSE', '-days', '30',
      '-out', `${leaf}.pem`], { stdio: 'ignore' });
    const refused = cli(srv, ['keys', 'system-ca', '--cert', `${leaf}.pem`, '--key', `${leaf}.key`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /must be a CA/);
    assert.equal(cli(srv, ['keys', 'system-ca']).stdout, served);
  });
});
