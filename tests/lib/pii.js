// pii.js — finds personal data in server logs (issue 18 part 2: logs never carry any):
// NISS-shaped numbers (11 digits, bare or as YY.MM.DD-SSS.CC, with a valid check), e-mail
// addresses, and the names and user names of the test world, read from the suites'
// own sources (tests/lib, tests/http, tests/browser: their `first:`, `last:`,
// `last_name:`, `user:` … values and `--last-name X` arguments), so a new person in a
// suite is looked for too. server.js runs it on every server's log at stop.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** True when the 11 digits d pass the NISS check (births before or after 2000). */
export function nissValid(d) {
  const nine = BigInt(d.slice(0, 9));
  const check = Number(d.slice(9));
  return 97 - Number(nine % 97n) === check || 97 - Number((2000000000n + nine) % 97n) === check;
}

// A word of its own (not inside a longer number, nor inside a hexadecimal request id);
// separators only where the written forms put them.
const NISS_RE = /(?<![\w.])(\d{2})[.]?(\d{2})[.]?(\d{2})[-. ]?(\d{3})[.]?(\d{2})(?!\w)/g;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

function sources() {
  const out = [];
  for (const dir of ['lib', 'http', 'browser']) {
    let files = [];
    try { files = readdirSync(path.join(here, '..', dir)); } catch { continue; }
    for (const f of files) {
      if (f.endsWith('.js') && f !== 'pii.js') out.push(readFileSync(path.join(here, '..', dir, f), 'utf8'));
    }
  }
  return out.join('\n');
}

// Particles of the world's names that are not names on their own; and words of fixed
// URLs a suite's first name happens to be (SCIM's /ResourceTypes/User, RFC 7644 §4).
const NOT_NAMES = new Set(['Van', 'Den', 'Der', 'Nom', 'User']);

let cached = null;

/** The test world's names (capitalised, 3 characters or more) and dotted user names. */
export function worldNames() {
  if (cached) return cached;
  const text = sources();
  const names = new Set();
  const users = new Set();
  const fieldRe = /\b(?:first|last|first_name|last_name|firstName|lastName)\s*:\s*'([^']+)'/g;
  const argRe = /'--(?:first|last)-name',\s*'([^']+)'/g;
  for (const re of [fieldRe, argRe]) {
    for (const m of text.matchAll(re)) {
      for (const part of m[1].split(/\s+/)) {
        if (/^\p{Lu}\p{L}{2,}$/u.test(part) && !NOT_NAMES.has(part)) names.add(part);
      }
    }
  }
  for (const m of text.matchAll(/\b(?:user|username)\s*:\s*'([a-z]+\.[a-z]+)'/g)) users.add(m[1]);
  cached = { names: [...names].sort(), users: [...users].sort() };
  return cached;
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The personal data in text: [{ kind: 'niss'|'email'|'name'|'user', match, line }]. */
export function personalData(text) {
  const { names, users } = worldNames();
  const nameRe = names.length ? new RegExp(`(?<![\\p{L}\\d_])(?:${names.map(esc).join('|')})(?![\\p{L}\\d_])`, 'gu') : null;
  const userRe = users.length ? new RegExp(`(?<![\\w.])(?:${users.map(esc).join('|')})(?![\\w])`, 'gi') : null;
  const hits = [];
  for (const line of text.split('\n')) {
    for (const m of line.matchAll(NISS_RE)) {
      const d = m.slice(1).join('');
      if (nissValid(d)) hits.push({ kind: 'niss', match: m[0], line });
    }
    for (const m of line.matchAll(EMAIL_RE)) hits.push({ kind: 'email', match: m[0], line });
    if (nameRe) for (const m of line.matchAll(nameRe)) hits.push({ kind: 'name', match: m[0], line });
    if (userRe) for (const m of line.matchAll(userRe)) hits.push({ kind: 'user', match: m[0], line });
  }
  return hits;
}
