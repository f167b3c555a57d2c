// log_json.test.js — log_format = json (issue 18 part 2): one JSON object per line on
// stderr (time, level, rid, msg, and the access event's fields), nothing else on the line
// (no colour codes: journald stores it as it is), a request's id the one of its
// X-Request-Id header; hostile paths (quotes, backslashes, control characters, bytes that
// are not UTF-8) still give lines that parse. The setting from the command line and the
// environment; an unknown format refused; the text format as before.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { rawRequest, run, start } from '../lib/server.js';
import { startPortal } from './portal_lib.js';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The log's lines parsed; fails on a line that is not one JSON object. */
function events(text) {
  return text.split('\n').filter((l) => l !== '').map((l) => {
    assert.doesNotMatch(l, /\x1b/, `a colour code in ${l}`);
    let e;
    assert.doesNotThrow(() => { e = JSON.parse(l); }, `not JSON: ${l}`);
    assert.equal(typeof e, 'object');
    assert.match(e.time, TIME, l);
    assert.ok(['debug', 'info', 'warn', 'error'].includes(e.level), l);
    assert.ok(e.rid === null || typeof e.rid === 'string', l);
    assert.equal(typeof e.msg, 'string', l);
    return e;
  });
}

describe('log_format = json', () => {
  it('--log-format json: every line one object; the access event with its fields and request id', async () => {
    const srv = await start({ args: ['--log-format', 'json'] });
    let res;
    try {
      res = await fetch(`${srv.url}/aide?x=1`);
      assert.equal(res.status, 200);
      await res.text();
      // A path with a quote, a backslash, an escaped control character and a byte that
      // is not UTF-8, sent raw.
      const raw = Buffer.concat([Buffer.from('GET /nope"\\%0a\\x'), Buffer.from([0xff, 0xc3]),
        Buffer.from(' HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')]);
      await rawRequest(srv.port, raw);
      await srv.waitForLog((l) => l.includes('/nope'), 'the access event of the raw request');
    } finally {
      await srv.stop({ keepDir: false });
    }
    const all = events(srv.logs());
    assert.ok(all.some((e) => e.rid === null && /listening on/.test(e.msg)), 'the start event');
    const rid = res.headers.get('x-request-id');
    const access = all.find((e) => e.rid === rid);
    assert.ok(access, `an event with request id ${rid}`);
    assert.equal(access.level, 'info');
    assert.equal(access.method, 'GET');
    assert.equal(access.path, '/aide');
    assert.equal(access.status, 200);
    assert.ok(Number.isInteger(access.bytes) && access.bytes > 0);
    assert.equal(typeof access.ms, 'number');
    assert.equal(access.aborted, 0);
    assert.match(access.msg, /^access GET \/aide 200 /);
    const odd = all.find((e) => typeof e.path === 'string' && e.path.startsWith('/nope'));
    assert.ok(odd, 'the raw request logged');
    assert.ok(odd.path.includes('"') && odd.path.includes('\\'), odd.path);
    assert.ok(odd.path.includes('\ufffd'), `bytes not UTF-8 shown as U+FFFD: ${JSON.stringify(odd.path)}`);
    assert.ok(all.some((e) => e.msg === 'stopped'));
  });

  it('PORTIER_LOG_FORMAT=json from the environment', async () => {
    const srv = await start({ env: { PORTIER_LOG_FORMAT: 'json' } });
    await (await fetch(`${srv.url}/healthz`)).text();
    await srv.waitForLog((l) => l.includes('/healthz'), 'the access event');
    await srv.stop();
    assert.ok(events(srv.logs()).some((e) => e.path === '/healthz' && e.status === 200));
  });

  it('the text format stays the default', async () => {
    const srv = await start();
    await (await fetch(`${srv.url}/healthz`)).text();
    await srv.waitForLog((l) => l.includes('/healthz'), 'the access line');
    await srv.stop();
    assert.match(srv.logs(), /^\d{4}-\d{2}-\d{2}T[\d:.]+Z info [0-9a-f-]+ access GET \/healthz 200 3B /m);
    assert.doesNotMatch(srv.logs(), /^\{/m);
  });

  it('the agency portal too: --log-format json', async () => {
    const srv = await start();
    try {
      const portal = await startPortal(srv, { args: ['--log-format', 'json'] });
      await (await fetch(`${portal.url}/`)).text();
      const logs = await portal.stop();
      const all = events(logs);
      assert.ok(all.some((e) => /listening on/.test(e.msg)), logs);
      assert.ok(all.some((e) => e.path === '/' && e.method === 'GET'), logs);
    } finally {
      await srv.stop();
    }
    const bad = await run(['portal', '--log-format', 'xml', '--issuer', 'http://127.0.0.1:9']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /log_format must be text or json/);
  });

  it('an unknown format is refused before anything starts', async () => {
    const r = await run(['serve', '--listen', '127.0.0.1:1', '--log-format', 'xml', '--db', '/nonexistent/x.db']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /log_format must be text or json/);
  });
});
