// csam_support.js — what the GAP designation tests share: a server with the demo registry
// (demo/kbo, demo/persons.csv) and legal functions written at test time (dates relative
// to today: a function ended yesterday, one starting tomorrow), eID logins through the
// trusted-proxy header with cards of a test CA, forms read and posted.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client, run, start, tempDir } from '../lib/server.js';
import { escapedPem, makeCA } from './eid_support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEMO = path.resolve(here, '..', '..', 'demo');

/** ISO date of today + days (local time, as the server's registry_today). */
export function isoDay(days = 0) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The people of the tests (all in demo/persons.csv). */
export const P = {
  jan: { niss: '85073003328', last: 'Peeters', first: 'Jan' },
  claire: { niss: '17073003384', last: 'Dubois', first: 'Claire' },
  lukas: { niss: '90022800193', last: 'Schmitz', first: 'Lukas' },
  els: { niss: '72110512256', last: 'Van den Broeck', first: 'Els Maria' },
  marc: { niss: '65041808787', last: 'Lambert', first: 'Marc' },
  anna: { niss: '81062124097', last: 'Weber', first: 'Anna' },
  nathalie: { niss: '93011431066', last: 'Claes', first: 'Nathalie' },
};

/** Enterprises of demo/kbo used by the tests. */
export const E = {
  zorgtech: '1099001189',      // Jan (and Els) represent it; not registered
  medidistri: '1099002278',    // Claire only
  ostbelgien: '1099003367',    // Jan: ended yesterday (written below)
  orthomed: '1099004456',      // represented by the enterprise 1099.005.545 (Claire's holding)
  holding: '1099005545',
  dentalia: '1099006634',
  optik: '1099007723',         // Jan: begins tomorrow (written below)
  ancienne: '1099008812',      // stopped
};

/** The legal functions of the tests, with dates computed today. */
export function functionsCsv() {
  const y = isoDay(-1);
  const t = isoDay(1);
  const rows = [
    ['1099.001.189', P.jan.niss, '', 'ADM', 'Administrateur', '2014-03-17', ''],
    ['1099.001.189', P.els.niss, '', 'DGJ', 'Délégué à la gestion journalière', '2020-01-01', ''],
    ['1099.002.278', P.claire.niss, '', 'GER', 'Gérant', '2009-06-01', ''],
    ['1099.003.367', P.lukas.niss, '', 'GER', 'Gérant', '2012-10-01', ''],
    ['1099.003.367', P.jan.niss, '', 'GER', 'Gérant', '2012-10-01', y],
    ['1099.004.456', '', '1099.005.545', 'ADM', 'Administrateur', '2015-01-01', ''],
    ['1099.005.545', P.claire.niss, '', 'ADD', 'Administrateur délégué', '1998-04-01', ''],
    ['1099.006.634', P.els.niss, '', 'ADM', 'Administrateur', '2010-05-01', ''],
    ['1099.007.723', P.anna.niss, '', 'GER', 'Gérant', '2015-07-01', ''],
    ['1099.007.723', P.jan.niss, '', 'GER', 'Gérant', t, ''],
    ['1099.008.812', P.marc.niss, '', 'LIQ', 'Liquidateur', '2021-06-01', ''],
  ];
  const q = (v) => (v === '' ? '' : /^\d{4}-\d\d-\d\d$/.test(v) ? v : `"${v}"`);
  return ['"EnterpriseNumber","RepresentativeNISS","RepresentativeEnterpriseNumber","FunctionCode","FunctionLabel","BeginDate","EndDate"',
    ...rows.map((r) => r.map(q).join(','))].join('\n') + '\n';
}

async function portier(args) {
  const r = await run(args);
  assert.equal(r.code, 0, `portier ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r;
}

/** Loads the registry of the tests into db (KBO demo extract, persons, functions). */
export async function loadRegistry(db) {
  const dir = tempDir();
  const functions = path.join(dir, 'functions.csv');
  writeFileSync(functions, functionsCsv());
  await portier(['import', 'kbo', path.join(DEMO, 'kbo'), '--db', db]);
  await portier(['import', 'persons', path.join(DEMO, 'persons.csv'), '--db', db]);
  await portier(['import', 'functions', functions, '--db', db]);
}

/**
 * A server with the test registry, the eID door behind a trusted proxy (127.0.0.1) and
 * cards for the people of P. Returns { srv, ca, stop() }.
 */
export async function startWorld({ args = [], env = {} } = {}) {
  const cards = {};
  for (const [name, p] of Object.entries(P)) cards[name] = p;
  const ca = await makeCA(cards);
  const srv = await start({
    args: ['--trusted-proxies', '127.0.0.1', '--eid-trust', path.join(ca.ca, 'trust.pem'),
      '--eid-crl', path.join(ca.ca, 'crl.pem'), ...args],
    env,
  });
  try {
    await loadRegistry(srv.db);
  } catch (e) {
    // The setup's error first; a bad exit of the server is reported with it, not dropped.
    const stopped = await srv.stop().then(() => null, (s) => s);
    ca.remove();
    throw stopped ? new AggregateError([e, stopped], `${e.message}; and ${stopped.message}`) : e;
  }
  return {
    srv,
    ca,
    stop: async () => {
      const logs = await srv.stop();
      ca.remove();
      return logs;
    },
  };
}

/** A client logged in with the eID card of name (session at level high). */
export async function eidClient(world, name) {
  const c = new Client(world.srv.url);
  const res = await c.fetch('/login/eid?next=/csam', {
    headers: { 'X-SSL-Client-Cert': escapedPem(world.ca.pem(name)) },
  });
  assert.equal(res.status, 303, `eID login of ${name}: ${await res.text()}`);
  return c;
}

/** The hidden and text inputs of the form posting to action in html, as an object. */
export function formFields(html, action) {
  const start = html.indexOf(`action="${action}"`);
  assert.ok(start >= 0, `no form posting to ${action}`);
  const end = html.indexOf('</form>', start);
  const form = html.slice(start, end);
  const out = {};
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const attrs = m[1];
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? 'text';
    if (!name || type === 'radio' || type === 'checkbox') continue;
    out[name] = decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
  }
  return out;
}

/** HTML entities the writer produces, decoded. */
export function decode(s) {
  return s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&#61;/g, '=')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#96;/g, '`').replace(/&amp;/g, '&');
}

/** The text of html without tags, entities decoded, spaces collapsed. */
export function text(html) {
  return decode(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ');
}

/** The CSRF token of the first form of a page. */
export function csrfOf(html) {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(m, 'the page has no CSRF token');
  return m[1];
}

/** POSTs fields (an object, or [name, value] pairs) as a form. */
export function post(c, pathname, fields) {
  return c.get(pathname, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
}

/** The first <p role="alert"> or <div role="alert"> text of a page, or null. */
export function alert(html) {
  const m = /<(p|div)[^>]*role="alert"[^>]*>([\s\S]*?)<\/\1>/.exec(html);
  return m ? text(m[2]).trim() : null;
}

/** A NISS anywhere in text (11 digits, or formatted), for the log checks. */
export const NISS_RE = /\b\d{2}\.?\d{2}\.?\d{2}-?\d{3}\.?\d{2}\b/;

/** A complete exception request for a foreign company (form fields). */
export function foreignRequest(token, extra = {}) {
  return {
    token,
    has_eid: 'no',
    rep_domicile_be: 'no',
    case_kind: 'foreign_company',
    company_country: 'DE',
    company_name: 'Krämer Medizintechnik GmbH',
    company_reg: 'DE 811 234 567',
    company_address: 'Hauptstraße 1, 52062 Aachen',
    rep_kind: 'person',
    rep_last_name: 'Krämer',
    rep_first_name: 'Thomas',
    rep_birth_date: '1970-12-01',
    rep_nationality: 'DE',
    rep_country: 'DE',
    rep_address: 'Hauptstraße 1, 52062 Aachen',
    rep_doc_type: 'passport',
    rep_doc_number: 'C01X00T47',
    rep_doc_country: 'DE',
    gap_niss: '78.43.12-044.80',
    gap_last_name: 'Martin',
    gap_first_name: 'Sophie',
    gap_has_eid: 'no',
    contact_email: 'info@kraemer-medizin.example',
    contact_phone: '+49 241 123456',
    declaration: 'yes',
    ...extra,
  };
}

/**
 * A minimal SMTP server on 127.0.0.1: the first failFirst connections are turned away
 * with 421 (try again later), the others accepted. Resolves { port, messages, close() };
 * each message is { from, rcpt: [], data }.
 */
export function smtpServer({ failFirst = 0 } = {}) {
  const messages = [];
  let connections = 0;
  const server = net.createServer((sock) => {
    connections += 1;
    if (connections <= failFirst) {
      sock.end('421 4.3.2 try again later\r\n');
      return;
    }
    sock.write('220 test ESMTP\r\n');
    let buf = '';
    let inData = false;
    let msg = { rcpt: [], data: '' };
    sock.on('error', () => {});
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            msg.data = Buffer.from(msg.data, 'latin1').toString('utf8');
            messages.push(msg);
            msg = { rcpt: [], data: '' };
            sock.write('250 2.0.0 queued\r\n');
          } else {
            msg.data += `${line.startsWith('..') ? line.slice(1) : line}\r\n`;
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') sock.write('250-test\r\n250 8BITMIME\r\n');
        else if (verb === 'MAIL') { msg.from = line; sock.write('250 OK\r\n'); }
        else if (verb === 'RCPT') { msg.rcpt.push(line); sock.write('250 OK\r\n'); }
        else if (verb === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
        else if (verb === 'QUIT') sock.end('221 bye\r\n');
        else sock.write('250 OK\r\n');
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      port: server.address().port,
      messages,
      connections: () => connections,
      close: () => new Promise((r) => server.close(() => r())),
    }));
  });
}
