// saml_mellon.test.js (browser) — interoperability with a real service provider (issue 14
// part 4): a throw-away Apache (127.0.0.1, a free port, its own config folder) with
// Debian's mod_auth_mellon protects a CGI page that prints the attributes it received;
// Chromium goes there, is sent to portier, logs in, chooses the profile, comes back by
// HTTP-POST and sees the attributes; then logs out through mellon's Single Logout, which
// ends portier's session and tells an OpenID relying party of the same session by
// back-channel logout; and portier's own logout sends mellon a LogoutRequest, which ends
// mellon's session before portier's home. Skipped when apache2 or mod_auth_mellon is not
// installed.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { freePort, waitFor } from '../lib/server.js';
import { auditEvents } from '../lib/world.js';
import { ACCOUNTS, ORGS, PASSWORD, PEOPLE, startWorld } from '../http/oidc_lib.js';
import { launchBrowser, loginWithPassword, newContext, recordCSP, cspViolations, watch } from './lib.js';

const MODULES = '/usr/lib/apache2/modules';
const APACHE = '/usr/sbin/apache2';
const HAVE = existsSync(APACHE) && existsSync(`${MODULES}/mod_auth_mellon.so`);

describe('browser: SAML with Apache mod_auth_mellon as the service provider', { skip: !HAVE && 'apache2 or mod_auth_mellon missing' }, () => {
  let srv;
  let browser;
  let httpd;
  let dir;
  let base;
  let rp;
  const bcl = [];

  before(async () => {
    srv = await startWorld();
    dir = mkdtempSync(path.join(os.tmpdir(), 'portier-mellon-'));
    chmodSync(dir, 0o755);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/sp.key`,
      '-out', `${dir}/sp.crt`, '-days', '2', '-subj', '/CN=mellon-test'], { stdio: 'ignore' });
    const cert = readFileSync(`${dir}/sp.crt`, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const md = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${base}/mellon/metadata">` +
      '<md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
      `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
      `<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${base}/mellon/logout"/>` +
      '<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>' +
      `<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${base}/mellon/postResponse" index="0" isDefault="true"/>` +
      '</md:SPSSODescriptor></md:EntityDescriptor>';
    writeFileSync(`${dir}/sp.xml`, md);
    execFileSync(process.env.PORTIER_BIN, ['sp', 'add', '--db', srv.db, '--metadata', `${dir}/sp.xml`, '--application', 'TESTAPP']);
    writeFileSync(`${dir}/idp.xml`, await (await fetch(`${srv.url}/saml/metadata`)).text());
    mkdirSync(`${dir}/cgi`);
    writeFileSync(`${dir}/cgi/whoami`, '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\n"\nenv | grep -E "^(MELLON_|GIVEN_NAME=|ORGANISATION=)" | sort\n');
    chmodSync(`${dir}/cgi/whoami`, 0o755);
    mkdirSync(`${dir}/htdocs`);
    writeFileSync(`${dir}/htdocs/bye.html`, '<!DOCTYPE html><html lang="en"><title>bye</title><h1>Logged out</h1></html>');
    const root = process.getuid?.() === 0;
    writeFileSync(`${dir}/httpd.conf`, [
      'ServerName 127.0.0.1', `Listen 127.0.0.1:${port}`, `PidFile ${dir}/httpd.pid`, 'TypesConfig /etc/mime.types',
      `ErrorLog ${dir}/error.log`, 'LogLevel info auth_mellon:debug', `DefaultRuntimeDir ${dir}`,
      ...['mpm_prefork', 'authz_core', 'authz_user', 'authn_core', 'cgi', 'alias', 'mime', 'env', 'setenvif', 'auth_mellon']
        .map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
      ...(root ? ['User nobody', 'Group nogroup'] : []),
      // mellon's cookie test is SameSite=None, which Chromium drops without Secure (plain
      // HTTP here): mellon leaves SameSite out when this is set.
      'SetEnvIf Request_URI "." MELLON_DISABLE_SAMESITE=1',
      `DocumentRoot ${dir}/htdocs`, `ScriptAlias /app/ ${dir}/cgi/`,
      `<Directory ${dir}>`, '  Require all granted', '</Directory>',
      '<Location />', '  MellonEnable info', '  MellonEndpointPath /mellon',
      `  MellonSPPrivateKeyFile ${dir}/sp.key`, `  MellonSPCertFile ${dir}/sp.crt`,
      `  MellonSPMetadataFile ${dir}/sp.xml`, `  MellonIdPMetadataFile ${dir}/idp.xml`,
      '  MellonSecureCookie Off',
      '  MellonSetEnvNoPrefix GIVEN_NAME urn:oid:2.5.4.42',
      '  MellonSetEnvNoPrefix ORGANISATION urn:portier:attribute:organisation',
      '</Location>',
      '<Location /app>', '  AuthType Mellon', '  MellonEnable auth', '  Require valid-user', '</Location>',
      '',
    ].join('\n'));
    // A process group of its own: Apache's prefork signals its whole group when it stops.
    httpd = spawn(APACHE, ['-f', `${dir}/httpd.conf`, '-d', dir, '-DFOREGROUND'],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    httpd.stdout.on('data', (d) => { out += d; });
    httpd.stderr.on('data', (d) => { out += d; });
    await waitFor(async () => {
      if (httpd.exitCode !== null) throw new Error(`apache exited: ${out}`);
      try {
        return (await fetch(`${base}/bye.html`)).status === 200;
      } catch {
        return false;
      }
    }, { what: `apache on ${base}: ${out}` });
    // An OpenID relying party on loopback: its redirect URI answers a page, its
    // back-channel logout URI records the logout tokens.
    rp = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        if (req.url.startsWith('/bcl')) bcl.push(body);
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html lang="en"><title>rp</title><h1>RP</h1></html>');
      });
    });
    await new Promise((ok) => rp.listen(0, '127.0.0.1', ok));
    const rpBase = `http://127.0.0.1:${rp.address().port}`;
    execFileSync(process.env.PORTIER_BIN, ['client', 'add', '--db', srv.db, '--id', 'rp-mellon', '--application', 'TESTAPP',
      '--scope', 'openid profile', '--redirect-uri', `${rpBase}/cb`, '--backchannel-logout-uri', `${rpBase}/bcl`]);
    rp.base = rpBase;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    if (httpd && httpd.exitCode === null) {
      httpd.kill('SIGTERM');
      await new Promise((r) => { httpd.once('exit', r); });
    }
    await srv?.stop();
    await new Promise((ok) => (rp ? rp.close(ok) : ok()));
  });

  const apacheLog = () => (existsSync(`${dir}/error.log`) ? readFileSync(`${dir}/error.log`, 'utf8').slice(-3000) : '');

  it('logs in through portier\'s profile choice to a page protected by mellon, then logs out by SLO', async () => {
    const ctx = await newContext(browser, { timeout: 20000, locale: 'fr-BE' });
    try {
      await recordCSP(ctx);
      const page = await ctx.newPage();
      // Apache here has no /favicon.ico: Chromium's request for it is the one 404.
      const problems = watch(page, { ignore: /status of 404/ });
      await page.goto(`${base}/app/whoami`);
      assert.equal(new URL(page.url()).origin, srv.url, `sent to portier: ${page.url()}\n${apacheLog()}`);
      assert.equal(new URL(page.url()).pathname, '/login');
      await loginWithPassword(page, PEOPLE.jan.user, PASSWORD);
      assert.match(new URL(page.url()).pathname, /^\/saml\/continue\//);
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Etape 3. Choisissez votre profil');
      await page.locator('select#org').selectOption(ACCOUNTS.jan);
      await Promise.all([
        page.waitForURL(`${base}/app/whoami`),
        page.locator('main form.form button[type="submit"]').click(),
      ]);
      const text = await page.locator('body').innerText();
      assert.match(text, /GIVEN_NAME=Jan/, `${text}\n${apacheLog()}`);
      assert.match(text, new RegExp(`ORGANISATION=${ORGS.pharma.enterprise}`));
      assert.match(text, /MELLON_NAME_ID=[A-Za-z0-9_-]{43}/);
      assert.match(text, /MELLON_urn_oid_2_5_4_4=Peeters/);
      assert.match(text, /MELLON_urn_portier_attribute_applications_1=TESTAPP/);
      assert.deepEqual(problems, []);
      // Single Logout started at mellon: portier's session ends, mellon's too.
      await page.goto(`${base}/mellon/logout?ReturnTo=${encodeURIComponent(`${base}/bye.html`)}`);
      await page.waitForURL(`${base}/bye.html`);
      assert.equal(await page.locator('h1').innerText(), 'Logged out');
      await page.goto(`${base}/app/whoami`);
      assert.equal(new URL(page.url()).pathname, '/login', 'both sessions ended: portier asks for the login again');
      assert.deepEqual(await cspViolations(page), []);
    } finally {
      await ctx.close();
    }
  });

  /** Logs in at mellon's page through portier (the login when asked, the profile). */
  async function mellonLogin(page, { loggedIn = false } = {}) {
    await page.goto(`${base}/app/whoami`);
    if (!loggedIn) await loginWithPassword(page, PEOPLE.jan.user, PASSWORD);
    assert.match(new URL(page.url()).pathname, /^\/saml\/continue\//, page.url());
    await page.locator('select#org').selectOption(ACCOUNTS.jan);
    await Promise.all([
      page.waitForURL(`${base}/app/whoami`),
      page.locator('main form.form button[type="submit"]').click(),
    ]);
    assert.match(await page.locator('body').innerText(), /GIVEN_NAME=Jan/);
  }

  it('mellon\'s Single Logout tells the OpenID RP of the session; portier\'s logout ends mellon\'s session', async () => {
    const ctx = await newContext(browser, { timeout: 20000, locale: 'fr-BE' });
    try {
      const page = await ctx.newPage();
      await mellonLogin(page);
      // The same session logs in to the OpenID RP.
      await page.goto(`${srv.url}/oidc/authorize?${new URLSearchParams({ client_id: 'rp-mellon',
        redirect_uri: `${rp.base}/cb`, response_type: 'code', scope: 'openid profile', state: 's', nonce: 'n' })}`);
      await page.locator('select#org').selectOption(ACCOUNTS.jan);
      await Promise.all([
        page.waitForURL((u) => u.href.startsWith(`${rp.base}/cb`)),
        page.locator('main form.form button[type="submit"]').click(),
      ]);
      const before = bcl.length;
      await page.goto(`${base}/mellon/logout?ReturnTo=${encodeURIComponent(`${base}/bye.html`)}`);
      await page.waitForURL(`${base}/bye.html`);
      await waitFor(async () => bcl.length > before, { what: 'the back-channel logout of the RP' });
      assert.match(bcl[before], /^logout_token=/);
      // Portier's own logout: mellon is sent a LogoutRequest (HTTP-Redirect, signed) and
      // answers back to portier, which then goes home; mellon's page asks for a login.
      await mellonLogin(page);
      await page.goto(`${srv.url}/`);
      // (Already at "/": wait for mellon's LogoutResponse coming back, then home.)
      await Promise.all([
        page.waitForResponse((res) => res.url().startsWith(`${srv.url}/saml/slo?SAMLResponse=`)),
        page.locator('form.logout button[type="submit"]').click(),
      ]);
      await page.waitForURL(`${srv.url}/`);
      const sent = auditEvents(srv, ['saml.slo.sent']).at(-1);
      assert.equal(sent?.details.entity_id, `${base}/mellon/metadata`);
      assert.equal(sent.details.reason, 'redirect');
      await page.goto(`${base}/app/whoami`);
      assert.equal(new URL(page.url()).origin, srv.url, `mellon's session ended too: ${page.url()}\n${apacheLog()}`);
      assert.equal(new URL(page.url()).pathname, '/login');
    } finally {
      await ctx.close();
    }
  });
});
