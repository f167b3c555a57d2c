// log_scan.test.js — the scan that every server's log goes through at its stop
// (tests/lib/pii.js, called by server.js; issue 18 part 2): it finds what it must (a NISS
// bare or written with separators, with a valid check, an e-mail address, a name or user
// name of the test world) and leaves alone what a log holds anyway (times, request ids,
// enterprise numbers, eleven digits whose check fails). The demo's start, which named its
// GAP by her user name, is scanned here too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { personalData, worldNames } from '../lib/pii.js';
import { start } from '../lib/server.js';

const kinds = (text) => personalData(text).map((h) => `${h.kind}:${h.match}`);

describe('the personal-data scan of the logs', () => {
  it('finds NISS numbers in their written forms, only with a valid check', () => {
    assert.deepEqual(kinds('a 85073003328 b'), ['niss:85073003328']);
    assert.deepEqual(kinds('x 85.07.30-033.28 y'), ['niss:85.07.30-033.28']);
    assert.deepEqual(kinds('x 850730 033 28 y'), []);   // a space inside the date: not a form
    assert.deepEqual(kinds('x 850730-033.28 y'), ['niss:850730-033.28']);
    // Born in 2017: the check is computed with a leading 2.
    assert.deepEqual(kinds('17073003384'), ['niss:17073003384']);
    assert.deepEqual(kinds('85073003329 12345678901'), []);
    assert.deepEqual(kinds('850730033281'), [], 'twelve digits are not a NISS');
    // Inside a request id (hexadecimal): not a NISS (09165098151 alone would be one).
    assert.deepEqual(kinds('09165098151'), ['niss:09165098151']);
    assert.deepEqual(kinds('info caea09165098151b access'), []);
  });

  it('finds e-mail addresses, names and user names of the test world', () => {
    assert.deepEqual(kinds('mail to lukas.schmitz@example.be failed'), ['email:lukas.schmitz@example.be', 'user:lukas.schmitz']);
    assert.deepEqual(kinds('login refused for jan.peeters'), ['user:jan.peeters']);
    assert.deepEqual(kinds('person Claire Dubois'), ['name:Claire', 'name:Dubois']);
    const { names, users } = worldNames();
    for (const n of ['Peeters', 'Dubois', 'Schmitz', 'Lambert']) assert.ok(names.includes(n), n);
    assert.ok(users.includes('claire.dubois'));
  });

  it('leaves alone what every log holds', () => {
    const line = '2026-12-06T22:16:08.028Z info 3f2a9c1e-77d0-4b1a access GET /entreprises/0203.201.340 200 5120B 1.2ms\n'
      + '{"time":"2026-12-06T22:16:08.028Z","level":"info","rid":null,"msg":"portier 1.3.2 listening on http://127.0.0.1:8080"}\n'
      + 'demo: PharmaPlatel registered (organisation 1), GAP person 3; smtp_from portier@localhost';
    assert.deepEqual(kinds(line), []);
  });

  it('the demo names nobody in its log', async () => {
    const srv = await start({ command: 'demo' });
    await srv.waitForLog((l) => /PharmaPlatel registered/.test(l) || /listening on/.test(l));
    const logs = await srv.stop();   // stop scans the log (server.js)
    assert.match(logs, /PharmaPlatel registered \(organisation \d+\), GAP person \d+/);
  });
});
