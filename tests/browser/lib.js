// lib.js — what every browser test needs: Debian's Chromium launched through playwright-core,
// contexts with a bounded wait, axe-core's WCAG 2.1 A/AA check, and watchers for errors.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';

import { chromium } from 'playwright-core';

import { escapedPem } from '../http/eid_support.js';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Headless, and nothing that reaches out on its own (updates, sync, QUIC probes).
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches Chromium ($CHROMIUM_BIN or /usr/bin/chromium); the caller closes it. */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * The server and the browser of a describe block: a before hook starts the server (startFn),
 * runs setup(t) if given, then launches Chromium; an after hook closes the browser and stops
 * the server (with stop's checks of a clean exit). Returns t, whose srv and browser the
 * before hook fills in.
 */
export function suiteBrowser(startFn, setup = null) {
  const t = { srv: null, browser: null };
  before(async () => {
    t.srv = await startFn();
    if (setup) await setup(t);
    t.browser = await launchBrowser();
  });
  after(async () => {
    await t.browser?.close().catch(() => {});
    await t.srv?.stop();
  });
  return t;
}

/**
 * A new context of browser with options (playwright's), whose actions and waits give up
 * after timeout ms; the caller closes it.
 */
export async function newContext(browser, { timeout = 10000, ...options } = {}) {
  const ctx = await browser.newContext(options);
  ctx.setDefaultTimeout(timeout);
  return ctx;
}

/** Makes the context's pages answer in lang at url (the cookie the header switch sets). */
export function setLang(ctx, url, lang) {
  return ctx.addCookies([{ name: 'portier_lang', value: lang, url }]);
}

/** axe's violations as readable text: rule, impact, help, and each failing node. */
function describeViolations(violations) {
  return violations.map((v) => [
    `- ${v.id} (${v.impact}): ${v.help}`,
    `  ${v.helpUrl}`,
    ...v.nodes.map((n) => `    at ${n.target.join(' ')}: ${n.html.slice(0, 200)}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`),
  ].join('\n')).join('\n');
}

/**
 * Runs axe-core's WCAG 2.1 A/AA rules on the page and fails with each violation; what names
 * the page in the message. The context must bypass the CSP to inject axe.
 */
export async function assertAccessible(page, what) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG,
  );
  assert.ok(result.passes.length + result.incomplete.length + result.violations.length > 0,
    `${what}: axe ran no rule`);
  assert.equal(result.violations.length, 0,
    `${what}: ${result.violations.length} accessibility violation(s):\n${describeViolations(result.violations)}`);
}

/**
 * The console errors and uncaught errors of the page, as a list that grows while the page
 * lives; console errors matching ignore (a RegExp) are left out.
 */
export function watch(page, { ignore } = {}) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !ignore?.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

/**
 * Makes every page of the context record the CSP violations it reports (an init script is
 * not subject to the page's CSP); read them with cspViolations().
 */
export function recordCSP(ctx) {
  return ctx.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
}

/** The CSP violations the page recorded since it was loaded (see recordCSP). */
export function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations);
}

/**
 * A context in lang whose requests carry the eID card of name, as the trusted TLS proxy
 * passes it (X-SSL-Client-Cert; none when card is null), on the server of world (a
 * csam_support world: srv and ca). CSP is bypassed: the walks fill forms by script.
 */
export async function cardContext(browser, world, lang, card) {
  const ctx = await newContext(browser, {
    bypassCSP: true,
    extraHTTPHeaders: card ? { 'X-SSL-Client-Cert': escapedPem(world.ca.pem(card)) } : {},
    timeout: 8000,
  });
  await setLang(ctx, world.srv.url, lang);
  return ctx;
}

/** Logs in at the access-codes door of the login page the browser is on; waits for the next page. */
export async function loginWithPassword(page, username, password) {
  const form = page.locator('form[action="/login/password"]');
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]').click()]);
}
