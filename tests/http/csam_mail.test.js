// csam_mail.test.js — the outbox delivered: by SMTP (a test server that turns the first
// connection away: the mail is retried with backoff and sent once), and in demo mode
// without SMTP to the demo mailbox page (/demo/mails), which exists only in demo mode.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, start, waitFor } from '../lib/server.js';
import { foreignRequest, formFields, post, smtpServer, startWorld, text } from './csam_support.js';
import { mails } from '../lib/world.js';

async function request(srv, extra = {}) {
  const c = new Client(srv.url);
  const page = await c.get('/csam/exception');
  const base = formFields(page.text, '/csam/exception');
  const res = await post(c, '/csam/exception', foreignRequest(base.token, { _csrf: base._csrf, ...extra }));
  assert.equal(res.status, 303);
  return res.headers.get('location').split('/').pop();
}

/** The Subject header of a raw message, RFC 2047 words decoded. */
function subjectOf(data) {
  const m = /\r\nSubject:((?:[^\r]|\r\n )*)\r\n/.exec(`\r\n${data}`);
  assert.ok(m, 'no Subject header');
  return m[1].split(/\r\n /).map((w) => w.trim()).map((w) => {
    const e = /^=\?UTF-8\?B\?([^?]*)\?=$/.exec(w);
    return e ? Buffer.from(e[1], 'base64').toString('utf8') : w;
  }).join('');
}

describe('mail delivery by SMTP', () => {
  let smtp;
  let world;

  before(async () => {
    smtp = await smtpServer({ failFirst: 1 });
    world = await startWorld({
      args: ['--smtp-url', `smtp://127.0.0.1:${smtp.port}`, '--smtp-from', 'portier@example.be',
        '--mail-retry-seconds', '1'],
    });
  });
  after(async () => {
    await world?.stop();
    await smtp?.close();
  });

  it('retries after a refusal and delivers the mail once, in the outbox\'s words', async () => {
    const ref = await request(world.srv);
    await waitFor(() => smtp.messages.length >= 1, { what: 'the mail at the SMTP server' });
    assert.ok(smtp.connections() >= 2, 'the first connection was turned away');
    const m = smtp.messages[0];
    assert.match(m.from, /^MAIL FROM:<portier@example\.be>/i);
    assert.deepEqual(m.rcpt.map((r) => r.replace(/^RCPT TO:/i, '')), ['<info@kraemer-medizin.example>']);
    assert.equal(subjectOf(m.data), `Demande ${ref} reçue`);
    assert.match(m.data, /\r\nTo: info@kraemer-medizin\.example\r\n/);
    assert.match(m.data, /Content-Type: text\/plain; charset=UTF-8/);
    assert.match(m.data.replace(/\r\n/g, ' '), new RegExp(`Sa référence est ${ref}\\.`));
    await waitFor(() => mails(world.srv, 'request_received')[0]?.status === 'sent',
      { what: 'the mail marked sent' });
    const row = mails(world.srv, 'request_received')[0];
    assert.equal(row.attempts, 2);
    assert.equal(row.last_error, null);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(smtp.messages.length, 1, 'sent once');
    const logs = await world.srv.waitForLog((l) => /attempt 1 failed/.test(l), 'the failed attempt in the log');
    assert.doesNotMatch(logs, /kraemer-medizin/, 'no address in the logs');
  });
});

describe('the demo mailbox', () => {
  let demo;
  let plain;

  before(async () => {
    demo = await start({ args: ['--demo'] });
    plain = await start();
  });
  after(async () => {
    await demo?.stop();
    await plain?.stop();
  });

  it('exists only in demo mode', async () => {
    assert.equal((await new Client(plain.url).get('/demo/mails')).status, 404);
    const empty = await new Client(demo.url).get('/demo/mails');
    assert.equal(empty.status, 200);
    assert.match(empty.text, /<h1>Courriels envoyés \(démonstration\)<\/h1>/);
  });

  it('shows each notification once delivered to the demo mailbox', async () => {
    const ref = await request(demo);
    await waitFor(() => mails(demo)[0]?.status === 'sent', { what: 'the demo delivery' });
    const page = await new Client(demo.url).get('/demo/mails');
    const t = text(page.text);
    assert.match(page.text, new RegExp(`<h2 id="mail-\\d+">Demande ${ref} reçue</h2>`));
    assert.match(t, /Destinataire info@kraemer-medizin\.example/);
    assert.match(t, /Statut Envoyé/);
    assert.match(page.text, /<pre class="mail-body">Bonjour,/);
  });
});
