// slowloris.test.js — 4,200 connections from one address, each trickling a header line
// every 2 s (the idle timeout of 30 s starts again at each line), do not stop /healthz
// from answering over fresh connections from another address: the per-address limit
// (max_connections_per_ip) refuses the excess at once, so the global limit (4,000) is
// never reached, and the header deadline (header_timeout) cuts the ones accepted.
// The attackers use the source address 127.0.0.2 (Linux routes 127/8 to lo); the server
// listens on 127.0.0.1 as in every test. Nothing is timed: the test stops after a fixed
// number of probes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';

import { parseResponses, rawRequest, start } from '../lib/server.js';

const ATTACKERS = 4200;
const ATTACKER_ADDR = '127.0.0.2';
const LINE_EVERY_MS = 2000;
const PROBES = 12;

/** The open-files limit this process (and its children) has. */
function fdLimit() {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return 0;
  }
}

/** True when a socket can use source as its local address. */
function canBind(port, source) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: source });
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * One slow client: sends a request line, then a header line every LINE_EVERY_MS, never the
 * blank line; counts how its connections end. Reconnects (after a pause) when the server
 * closes one, as an attacker would, until stop().
 */
function slowClient(port, stats) {
  let sock = null;
  let timer = null;
  let stopped = false;
  const open = () => {
    if (stopped) return;
    let lines = 0;
    sock = net.connect({ port, host: '127.0.0.1', localAddress: ATTACKER_ADDR });
    sock.on('connect', () => {
      stats.connected += 1;
      sock.write('GET /healthz HTTP/1.1\r\nHost: t\r\n');
      timer = setInterval(() => {
        lines += 1;
        sock.write(`X-Slow-${lines}: ${'a'.repeat(20)}\r\n`);
      }, LINE_EVERY_MS);
    });
    sock.on('data', (d) => { if (/^HTTP\//.test(d.toString('latin1'))) stats.answered += 1; });
    sock.on('error', () => {});
    sock.on('close', () => {
      clearInterval(timer);
      if (stopped) return;
      // Closed by the server: refused at once (no line yet) or cut after some lines.
      if (lines === 0) stats.refused += 1;
      else stats.cut += 1;
      setTimeout(open, 500);
    });
  };
  open();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
      sock?.destroy();
    },
  };
}

test('4,200 slow connections from one address: /healthz keeps answering, the slow ones are refused or cut', async (t) => {
  const limit = fdLimit();
  if (limit < ATTACKERS + 500) {
    t.skip(`needs ${ATTACKERS + 500} open files for the slow clients (ulimit -n is ${limit}; raise the hard limit)`);
    return;
  }
  const srv = await start({ args: ['--header-timeout', '3'] });
  const clients = [];
  try {
    if (!(await canBind(srv.port, ATTACKER_ADDR))) {
      t.skip(`cannot connect from ${ATTACKER_ADDR} (loopback has no such address here)`);
      return;
    }
    const stats = { connected: 0, refused: 0, cut: 0, answered: 0 };
    for (let i = 0; i < ATTACKERS; i++) {
      clients.push(slowClient(srv.port, stats));
      if (i % 200 === 199) await sleep(50);   // do not overrun the listen backlog
    }
    // Probes over fresh connections from 127.0.0.1 while the attack goes on.
    const answers = [];
    for (let i = 0; i < PROBES; i++) {
      await sleep(1000);
      const out = await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n',
        { until: (x) => parseResponses(x).length === 1 });
      const [res] = parseResponses(out.text);
      answers.push(res ? `${res.status} ${res.body.trim()}` : (out.timedOut ? 'no answer' : 'closed'));
    }
    assert.deepEqual(answers, Array(PROBES).fill('200 ok'),
      `/healthz during the attack: ${answers.join(', ')}; attackers: ${JSON.stringify(stats)}`);
    // The excess was refused at once, the accepted ones cut at the header deadline while
    // they kept sending lines; none got an answer (their headers never ended).
    assert.ok(stats.refused > 0, `no slow connection refused: ${JSON.stringify(stats)}`);
    assert.ok(stats.cut > 0, `no slow connection cut at the header deadline: ${JSON.stringify(stats)}`);
    assert.equal(stats.answered, 0);
    await srv.waitForLog((l) => /closed \d+ connection\(s\) whose request headers were late/.test(l),
      'the header deadline in the log');
  } finally {
    for (const c of clients) c.stop();
    await srv.stop();
  }
});

test('a connection trickling its headers is cut at the header deadline, one that sends them in time is answered', async () => {
  const srv = await start({ args: ['--header-timeout', '2'] });
  try {
    // A header line every second, well within the 30 s idle timeout, for up to 40 lines.
    const sock = net.connect(srv.port, '127.0.0.1');
    let closed = false;
    let text = '';
    sock.on('data', (d) => { text += d.toString('latin1'); });
    sock.on('close', () => { closed = true; });
    sock.on('error', () => {});
    await new Promise((r) => sock.once('connect', r));
    sock.write('GET /healthz HTTP/1.1\r\nHost: t\r\n');
    let lines = 0;
    while (!closed && lines < 40) {
      await sleep(1000);
      if (!closed) sock.write(`X-Slow-${lines++}: a\r\n`);
    }
    sock.destroy();
    assert.equal(closed, true, `the server kept a connection sending a header line a second for ${lines} s`);
    assert.equal(text, '', 'the cut request was answered');
    // Headers sent in time are answered; a keep-alive connection idle between requests
    // is not cut by the deadline of the next request's headers.
    const c = net.connect(srv.port, '127.0.0.1');
    let got = '';
    c.on('data', (d) => { got += d.toString('latin1'); });
    c.on('error', () => {});
    await new Promise((r) => c.once('connect', r));
    c.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
    while (parseResponses(got).length < 1) await sleep(20);
    await sleep(3500);   // longer than header_timeout, shorter than the idle timeout
    c.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
    for (let i = 0; i < 500 && parseResponses(got).length < 2; i++) await sleep(20);
    c.destroy();
    assert.deepEqual(parseResponses(got).map((r) => r.status), [200, 200]);
  } finally {
    await srv.stop();
  }
});
