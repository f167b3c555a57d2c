// framing.test.js — a request whose body length is ambiguous (two Content-Length headers,
// Content-Length with Transfer-Encoding, a coding other than chunked) is answered 400 (501
// for an unknown coding before chunked) and its connection closed, so that the bytes after
// the body one reading would take never run as a second request (RFC 9112 §6.3).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { parseResponses, rawRequest, start } from '../lib/server.js';

// A second request hidden where one reading of the framing sees a body.
const SMUGGLED = 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n';

describe('request framing (RFC 9112 §6.3)', () => {
  let srv;

  before(async () => { srv = await start(); });
  after(() => srv?.stop());

  /** Sends text; expects one answer with status, the connection closed, nothing run after. */
  async function refused(text, status) {
    const out = await rawRequest(srv.port, text);
    const res = parseResponses(out.text);
    assert.equal(out.closed, true, `the connection stays open; got ${JSON.stringify(out.text.slice(0, 200))}`);
    assert.equal(res.length, 1, `expected one answer, got ${res.map((x) => x.statusLine).join(' | ')}`);
    assert.equal(res[0].status, status, res[0].statusLine);
    assert.ok(!out.text.includes('ok\n'), 'the smuggled request ran');
  }

  it('two Content-Length headers: 400, closed, the rest not run as a request', async () => {
    await refused(`GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nContent-Length: ${SMUGGLED.length}\r\n\r\n${SMUGGLED}`, 400);
  });

  it('two Content-Length headers with the same value: 400 as well', async () => {
    await refused(`POST /logout HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\na=b${SMUGGLED}`, 400);
  });

  it('Content-Length with Transfer-Encoding: chunked: 400, closed', async () => {
    await refused(`POST /logout HTTP/1.1\r\nHost: t\r\nContent-Length: ${5 + SMUGGLED.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`, 400);
  });

  it('Transfer-Encoding before Content-Length: 400 too', async () => {
    await refused(`POST /logout HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${SMUGGLED}`, 400);
  });

  it('a transfer coding whose last is not chunked: 400, closed', async () => {
    await refused(`POST /logout HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n${SMUGGLED}`, 400);
  });

  it('two Transfer-Encoding headers: 400, closed', async () => {
    await refused(`POST /logout HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`, 400);
  });

  it('an unknown coding before chunked: 501, closed', async () => {
    await refused(`POST /logout HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`, 501);
  });

  it('one Content-Length, or chunked alone, frames the body: both requests answered, kept alive', async () => {
    for (const head of ['Content-Length: 3\r\n\r\na=b', 'Transfer-Encoding: chunked\r\n\r\n3\r\na=b\r\n0\r\n\r\n']) {
      const out = await rawRequest(srv.port,
        `POST /logout HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n${head}${SMUGGLED}`,
        { until: (t) => parseResponses(t).length === 2 });
      const res = parseResponses(out.text);
      // No session, no CSRF token: the form is refused; the next request runs.
      assert.deepEqual(res.map((x) => x.status), [403, 200], out.text.slice(0, 300));
      assert.equal(res[1].body, 'ok\n');
      assert.equal(out.closed, false, 'a well-framed request closed the connection');
    }
  });
});
