// body_limits.test.js — each route has its body limit, known when the headers arrive: a
// Content-Length over it gets 413 before any byte of the body is sent (the connection then
// closed), a chunked body over it has its connection closed at the limit, and a body for
// no route is never read (404, or 405 for a path that takes other methods).
// The memory figure (500 concurrent 10 MiB POSTs) is bench/body_limits.sh's: nothing is
// timed here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { parseResponses, rawRequest, start } from '../lib/server.js';

const FORM_LIMIT = 64 * 1024;   // max_body, the limit of every form route
const FORM = 'Content-Type: application/x-www-form-urlencoded\r\n';

/** The first answer of raw text, or fails with what came. */
function answer(out) {
  const [res] = parseResponses(out.text);
  assert.ok(res, `no answer: ${JSON.stringify({ ...out, text: out.text.slice(0, 200) })}`);
  return res;
}

describe('body limits chosen with the route', () => {
  let srv;

  before(async () => { srv = await start(); });
  after(() => srv?.stop());

  it('a form route: Content-Length over its limit (10 MiB, under the upload cap) is 413 at once, the body unread', async () => {
    // Only the headers are sent: a server that waited for the body would never answer.
    const out = await rawRequest(srv.port,
      `POST /login/password HTTP/1.1\r\nHost: t\r\n${FORM}Content-Length: ${10 * 1024 * 1024}\r\n\r\n`);
    assert.equal(out.timedOut, false, 'the server waited for a body over the route\'s limit');
    assert.equal(answer(out).status, 413);
    assert.equal(out.closed, true, 'the connection stays open after a refused body');
  });

  it('one byte over the form limit: 413 at once; at the limit the body is read', async () => {
    const over = await rawRequest(srv.port,
      `POST /login/password HTTP/1.1\r\nHost: t\r\n${FORM}Content-Length: ${FORM_LIMIT + 1}\r\n\r\n`);
    assert.equal(answer(over).status, 413);
    // At the limit: read, and refused by the token endpoint for its content type (400),
    // not 413.
    const body = 'b'.repeat(FORM_LIMIT);
    const at = await rawRequest(srv.port,
      `POST /oidc/token HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      { until: (t) => parseResponses(t).length === 1 });
    assert.equal(answer(at).status, 400);
    assert.match(answer(at).body, /invalid_request/);
  });

  it('a body for no route: 404 at once, the body unread, the connection closed', async () => {
    const out = await rawRequest(srv.port,
      `POST /no/such/route HTTP/1.1\r\nHost: t\r\n${FORM}Content-Length: 1000\r\n\r\n`);
    assert.equal(out.timedOut, false, 'the server waited for the body of a request with no route');
    assert.equal(answer(out).status, 404);
    assert.equal(out.closed, true);
  });

  it('a chunked body for no route: 404 at once', async () => {
    const out = await rawRequest(srv.port,
      `POST /no/such/route HTTP/1.1\r\nHost: t\r\n${FORM}Transfer-Encoding: chunked\r\n\r\n10\r\n${'x'.repeat(16)}\r\n`);
    assert.equal(out.timedOut, false, 'the server read a chunked body for no route');
    assert.equal(answer(out).status, 404);
  });

  it('a body for a path that takes other methods: 405 with Allow, at once', async () => {
    const out = await rawRequest(srv.port,
      `PUT /login/password HTTP/1.1\r\nHost: t\r\n${FORM}Content-Length: 1000\r\n\r\n`);
    assert.equal(out.timedOut, false);
    const res = answer(out);
    assert.equal(res.status, 405);
    assert.match(res.headers.get('allow') ?? '', /POST/);
  });

  it('Content-Length over the upload cap anywhere: 413 at once', async () => {
    const out = await rawRequest(srv.port,
      `POST /no/such/route HTTP/1.1\r\nHost: t\r\n${FORM}Content-Length: ${11 * 1024 * 1024}\r\n\r\n`);
    assert.equal(answer(out).status, 413);
  });

  it('a chunked body over the route\'s limit: the connection is closed at the limit, the rest unread', async () => {
    // 80 KiB in 1 KiB chunks and no final chunk: a server buffering up to the upload cap
    // would wait for more; one that stops at the route's 64 KiB closes the connection.
    const chunk = `400\r\n${'a'.repeat(1024)}\r\n`;
    const out = await rawRequest(srv.port, [
      `POST /login/password HTTP/1.1\r\nHost: t\r\n${FORM}Transfer-Encoding: chunked\r\n\r\n`,
      ...Array.from({ length: 80 }, () => chunk),
    ]);
    assert.equal(out.timedOut, false, 'the server kept reading a chunked body past the route\'s limit');
    assert.equal(out.closed, true);
    assert.ok(!/^HTTP\/1\.1 [23]/.test(out.text), `the body was accepted: ${out.text.slice(0, 100)}`);
    await srv.waitForLog((l) => l.includes('chunked body over the route\'s limit'), 'the refusal in the log');
  });

  it('a chunked body under the limit is read and the form handled', async () => {
    const out = await rawRequest(srv.port,
      `POST /login/password HTTP/1.1\r\nHost: t\r\n${FORM}Transfer-Encoding: chunked\r\n\r\n3\r\na=b\r\n0\r\n\r\n`,
      { until: (t) => parseResponses(t).length === 1 });
    assert.equal(answer(out).status, 403);   // read, then refused for its missing CSRF token
    assert.equal(out.closed, false);
  });

  it('a GET with no body to no route keeps the connection (404 on a keep-alive connection)', async () => {
    const out = await rawRequest(srv.port,
      'GET /no/such/route HTTP/1.1\r\nHost: t\r\n\r\nGET /healthz HTTP/1.1\r\nHost: t\r\n\r\n',
      { until: (t) => parseResponses(t).length === 2 });
    assert.deepEqual(parseResponses(out.text).map((r) => r.status), [404, 200]);
  });
});
