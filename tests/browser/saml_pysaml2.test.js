// saml_pysaml2.test.js (browser) — interoperability with pysaml2 (issue 14 part 4, second
// test): a small service provider on Debian's python3-pysaml2 and Python's http.server
// (tests/lib/pysaml2_sp.py, 127.0.0.1, a free port) protects a page that prints the
// attributes it received. Chromium goes there, is sent to portier (a signed AuthnRequest
// by Redirect), logs in, chooses the profile and comes back by HTTP-POST in one walk, by
// HTTP-Artifact in the other (pysaml2 resolves the artifact over SOAP at portier's
// /saml/artifact, signing its ArtifactResolve); the page shows the organisation chosen.
// Then pysaml2's Single Logout (a signed LogoutRequest by Redirect) ends portier's
// session. Skipped when python3-pysaml2 is not installed.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { SAN, freePort, waitFor } from '../lib/server.js';
import { ACCOUNTS, ORGS, PASSWORD, PEOPLE, startWorld } from '../http/oidc_lib.js';
import { launchBrowser, loginWithPassword, newContext, recordCSP, cspViolations, watch } from './lib.js';

// Debian's interpreter: the one that sees python3-pysaml2 (another python3 may come first on PATH).
const PYTHON = '/usr/bin/python3';
const SP = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'lib', 'pysaml2_sp.py');
const HAVE = spawnSync(PYTHON, ['-c', 'import saml2.client'], { stdio: 'ignore' }).status === 0;
// Under ASan: full stacks, so that the leaks inside lasso and xmlsec1 are told from
// portier's own and suppressed (as in http/saml.test.js); the pages are slower then.
const SAN_ENV = SAN ? {
  ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'fast_unwind_on_malloc=0'].filter(Boolean).join(':'),
  LSAN_OPTIONS: [process.env.LSAN_OPTIONS, `suppressions=${new URL('../http/saml_lsan.supp', import.meta.url).pathname}`]
    .filter(Boolean).join(':'),
} : {};

describe('browser: SAML with pysaml2 as the service provider', { skip: !HAVE && 'python3-pysaml2 missing (apt-get install python3-pysaml2)' }, () => {
  let srv;
  let browser;
  let sp;
  let dir;
  let base;
  let spOut = '';

  before(async () => {
    srv = await startWorld({ env: SAN_ENV });
    dir = mkdtempSync(path.join(os.tmpdir(), 'portier-pysaml2-'));
    chmodSync(dir, 0o700);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/sp.key`,
      '-out', `${dir}/sp.crt`, '-days', '2', '-subj', '/CN=pysaml2-test'], { stdio: 'ignore' });
    writeFileSync(`${dir}/idp.xml`, await (await fetch(`${srv.url}/saml/metadata`)).text());
    sp = spawn(PYTHON, [SP, '--port', String(port), '--dir', dir, '--idp-metadata', `${dir}/idp.xml`],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    sp.stdout.on('data', (d) => { spOut += d; });
    sp.stderr.on('data', (d) => { spOut += d; });
    await waitFor(async () => {
      if (sp.exitCode !== null) throw new Error(`pysaml2 SP exited: ${spOut}`);
      try {
        return (await fetch(`${base}/metadata`)).status === 200;
      } catch {
        return false;
      }
    }, { what: `pysaml2 SP on ${base}: ${spOut}` });
    // The SP's own metadata, as pysaml2 writes it, is what portier registers.
    const md = await (await fetch(`${base}/metadata`)).text();
    assert.match(md, /AuthnRequestsSigned="true"/);
    assert.match(md, /HTTP-Artifact/);
    writeFileSync(`${dir}/sp.xml`, md);
    execFileSync(process.env.PORTIER_BIN, ['sp', 'add', '--db', srv.db, '--metadata', `${dir}/sp.xml`, '--application', 'TESTAPP']);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close().catch(() => {});
    if (sp && sp.exitCode === null) {
      sp.kill('SIGTERM');
      await new Promise((r) => { sp.once('exit', r); });
    }
    await srv?.stop();
  });

  const spLog = () => spOut.slice(-3000);

  // One walk: the SP's page, portier's login and profile choice (the account given), back
  // to the SP by the binding given, the attributes; then SLO, and both sessions are gone.
  async function walk(binding, account, org) {
    const ctx = await newContext(browser, { timeout: SAN ? 90000 : 20000, locale: 'fr-BE' });
    try {
      await recordCSP(ctx);
      const page = await ctx.newPage();
      // The SP here has no /favicon.ico: Chromium's request for it is the one 404.
      const problems = watch(page, { ignore: /status of 404/ });
      const app = `${base}/app${binding === 'HTTP-Artifact' ? '?binding=artifact' : ''}`;
      await page.goto(app);
      assert.equal(new URL(page.url()).origin, srv.url, `sent to portier: ${page.url()}\n${spLog()}`);
      assert.equal(new URL(page.url()).pathname, '/login');
      await loginWithPassword(page, PEOPLE.jan.user, PASSWORD);
      assert.match(new URL(page.url()).pathname, /^\/saml\/continue\//);
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Etape 3. Choisissez votre profil');
      await page.locator('select#org').selectOption(account);
      await Promise.all([
        page.waitForURL(`${base}/app`).catch(async (e) => {
          throw new Error(`${e.message}\n${await page.locator('body').innerText()}\n${spLog()}`);
        }),
        page.locator('main form.form button[type="submit"]').click(),
      ]);
      const text = await page.locator('body').innerText();
      assert.match(text, new RegExp(`^binding=${binding}$`, 'm'), `${text}\n${spLog()}`);
      assert.match(text, new RegExp(`^urn:portier:attribute:organisation=${org.enterprise}$`, 'm'), text);
      assert.match(text, new RegExp(`^urn:portier:attribute:organisation_name=${org.name}$`, 'm'), text);
      assert.match(text, /^urn:portier:attribute:quality=.+$/m, text);
      assert.match(text, /^urn:portier:attribute:applications=TESTAPP$/m, text);
      // pysaml2 knows the OIDs: givenName and sn by their friendly names.
      assert.match(text, /^givenName=Jan$/m, text);
      assert.match(text, /^sn=Peeters$/m, text);
      assert.match(text, /^name_id=[A-Za-z0-9_-]{43}$/m, text);
      assert.match(text, /^name_id_format=urn:oasis:names:tc:SAML:2.0:nameid-format:persistent$/m, text);
      assert.match(text, new RegExp(`^issuer=${srv.url}/saml/metadata$`, 'm'), text);
      assert.deepEqual(problems, []);
      // portier's session is open: a protected portier page shows without a login.
      await page.goto(`${srv.url}/acces`);
      assert.notEqual(new URL(page.url()).pathname, '/login', 'logged in at portier before SLO');
      // Single Logout started at the SP: portier's session ends, the SP's too.
      await page.goto(`${base}/logout`);
      await page.waitForURL(`${base}/bye`);
      assert.equal(await page.locator('h1').innerText(), 'Logged out', spLog());
      await page.goto(`${srv.url}/acces`);
      assert.equal(new URL(page.url()).pathname, '/login', 'SLO ended portier\'s session');
      await page.goto(app);
      assert.equal(new URL(page.url()).origin, srv.url, 'the SP\'s session ended: sent to portier again');
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.deepEqual(await cspViolations(page), []);
    } finally {
      await ctx.close();
    }
  }

  it('logs in by HTTP-POST through portier\'s profile choice, then logs out by SLO', async () => {
    await walk('HTTP-POST', ACCOUNTS.jan, ORGS.pharma);
  });

  it('logs in by HTTP-Artifact (resolved over SOAP) with another organisation, then logs out by SLO', async () => {
    await walk('HTTP-Artifact', ACCOUNTS.janMedi, ORGS.medi);
  });
});
