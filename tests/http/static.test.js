// static.test.js — /static/*: content types, cache headers, ETag and 304, and no way out of
// the static folder.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { assertErrorPage } from '../lib/checks.js';
import { parseResponses, rawRequest, SHARE_DIR, suiteServer } from '../lib/server.js';

describe('static files', () => {
  const t = suiteServer();

  it('GET /static/portier.css: the file, text/css, public cache, an ETag', async () => {
    const r = await t.c.get('/static/portier.css');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(r.text, readFileSync(path.join(SHARE_DIR, 'static', 'portier.css'), 'utf8'));
    const cc = r.headers.get('cache-control') ?? '';
    assert.match(cc, /^public\b/, `Cache-Control: ${cc}`);
    assert.match(cc, /\bmax-age=[1-9]\d*\b/, `Cache-Control: ${cc}`);
    assert.ok(!/no-store/.test(cc), `Cache-Control: ${cc}`);
    assert.match(r.headers.get('etag') ?? '', /^(W\/)?"[^"]+"$/);
  });

  it('GET /static/favicon.svg is image/svg+xml', async () => {
    const r = await t.c.get('/static/favicon.svg');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/svg+xml');
  });

  it('If-None-Match with the ETag: 304 without a body; another ETag: 200', async () => {
    const first = await t.c.get('/static/portier.css');
    const etag = first.headers.get('etag');
    const r = await t.c.get('/static/portier.css', { headers: { 'if-none-match': etag } });
    assert.equal(r.status, 304);
    assert.equal(r.text, '');
    assert.equal(r.headers.get('etag'), etag);
    const other = await t.c.get('/static/portier.css', { headers: { 'if-none-match': '"0-0"' } });
    assert.equal(other.status, 200);
    assert.equal(other.text, first.text);
  });

  // Sent raw so that no client library normalises the dots away.
  const escapes = [
    '/static/../Makefile',
    '/static/%2e%2e/Makefile',
    '/static/%2E%2E/Makefile',
    '/static/..%2fMakefile',
    '/static/.%2e/Makefile',
    '/static/./portier.css',
    '/static/.hidden',
    '/static/..',
    '/static/',
    '/static//etc/passwd',
    '/static/%2fetc%2fpasswd',
    '/static/../../../../etc/passwd',
  ];
  for (const p of escapes) {
    it(`GET ${p}: 404`, async () => {
      const raw = await rawRequest(t.srv.port, `GET ${p} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`);
      const [res] = parseResponses(raw.text);
      assert.ok(res, `no response: ${JSON.stringify(raw.text.slice(0, 200))}`);
      assertErrorPage({ status: res.status, headers: res.headers, text: res.body }, 404, 'fr', p);
      assert.ok(!res.body.includes('portier build'), 'Makefile content leaked');
      assert.ok(!res.body.includes('root:'), '/etc/passwd leaked');
    });
  }

  it('the server exits cleanly on SIGTERM', () => t.srv.stop());
});
