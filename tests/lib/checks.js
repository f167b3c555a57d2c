// checks.js — assertions shared by the HTTP tests: the security headers every response
// carries, the shape of a localised error page, and no NISS in a stopped server's logs.
import assert from 'node:assert/strict';

import { h1, htmlLang, title } from './server.js';
import { errorTitle, T } from './strings.js';

/** Reads a header from a fetch Headers or a Map of lower-case names (raw responses). */
function header(headers, name) {
  if (typeof headers.get !== 'function') throw new Error('headers: need Headers or Map');
  const v = headers.get(name.toLowerCase());
  return v === undefined ? null : v;
}

const REFERRER_POLICIES = new Set([
  'no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin',
]);

/** The headers every response must carry over plain HTTP. `what` names the response. */
export function assertSecurityHeaders(headers, what) {
  const csp = header(headers, 'content-security-policy');
  assert.ok(csp, `${what}: no Content-Security-Policy`);
  const directives = new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...values] = d.split(/\s+/);
    return [name.toLowerCase(), values];
  }));
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"],
    `${what}: CSP frame-ancestors must be 'none': ${csp}`);
  assert.ok(directives.has('default-src'), `${what}: CSP without default-src: ${csp}`);
  assert.ok(!csp.includes("'unsafe-inline'"), `${what}: CSP allows 'unsafe-inline': ${csp}`);
  assert.ok(!csp.includes("'unsafe-eval'"), `${what}: CSP allows 'unsafe-eval': ${csp}`);
  assert.equal(header(headers, 'x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  const rp = header(headers, 'referrer-policy');
  assert.ok(REFERRER_POLICIES.has(rp), `${what}: Referrer-Policy is ${JSON.stringify(rp)}`);
  assert.match(header(headers, 'x-request-id') ?? '', /^[0-9a-f]{16}$/, `${what}: X-Request-Id`);
  assert.equal(header(headers, 'strict-transport-security'), null,
    `${what}: Strict-Transport-Security must not be sent over plain HTTP`);
}

/**
 * A localised error page: the status, an HTML body in `lang` whose <h1> and <title> carry the
 * translated title, the request id shown to the visitor equal to X-Request-Id, the security
 * headers, and no French title when the page is in another language.
 */
export function assertErrorPage({ status, headers, text }, expectedStatus, lang, what) {
  const name = what ?? `${expectedStatus} page`;
  assert.equal(status, expectedStatus, `${name}: status`);
  assert.equal(header(headers, 'content-type'), 'text/html; charset=utf-8', `${name}: Content-Type`);
  assertSecurityHeaders(headers, name);
  assert.equal(header(headers, 'cache-control'), 'no-store', `${name}: Cache-Control`);
  assert.equal(htmlLang(text), lang, `${name}: <html lang>`);
  const t = errorTitle(lang, expectedStatus);
  assert.equal(h1(text), t, `${name}: <h1>`);
  assert.equal(title(text), `${t} — portier`, `${name}: <title>`);
  if (lang !== 'fr') {
    assert.ok(!text.includes(errorTitle('fr', expectedStatus)),
      `${name}: the French title is still on the ${lang} page`);
  }
  const rid = header(headers, 'x-request-id');
  assert.ok(text.includes(`${T[lang].rid}${rid}`),
    `${name}: the page does not show "${T[lang].rid}${rid}"`);
}

/**
 * Stops s (a server, or a world around one, whose stop() resolves the server's logs; s may
 * be unset when its start failed) and asserts that nissRe matches nothing in those logs.
 */
export async function stopWithoutNiss(s, nissRe) {
  const logs = await s?.stop();
  if (logs) assert.doesNotMatch(logs, nissRe, 'a NISS appeared in the logs');
}
