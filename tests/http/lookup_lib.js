// lookup_lib.js — shared by the lookup tests (http/lookup.test.js, browser/lookup.test.js):
// a generated KBO Open Data full extract, for paging over more results than the demo has,
// imported with the CLI into a database of its own that a server then serves.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { run, start } from '../lib/server.js';

/** A KBO full extract of n enterprises named "Paging Test NN" (every 9th stopped). */
export function pagingExtract(dir, n) {
  mkdirSync(dir, { recursive: true });
  const ent = ['"EnterpriseNumber","Status","JuridicalSituation","TypeOfEnterprise","JuridicalForm","JuridicalFormCAC","StartDate"'];
  const den = ['"EntityNumber","Language","TypeOfDenomination","Denomination"'];
  const numbers = [];
  for (let i = 1; i <= n; i++) {
    const base = 10980000 + i;
    const d = `${base}${String(97 - (base % 97)).padStart(2, '0')}`;
    const f = `${d.slice(0, 4)}.${d.slice(4, 7)}.${d.slice(7)}`;
    numbers.push(d);
    ent.push(`"${f}","${i % 9 === 0 ? 'ST' : 'AC'}","000","2","610",,01-01-2020`);
    den.push(`"${f}","1","001","Paging Test ${String(i).padStart(2, '0')}"`);
  }
  const files = {
    'meta.csv': '"Variable","Value"\n"SnapshotDate","01-01-2026"\n"ExtractTimestamp","02-01-2026 06:00:00"\n"ExtractType","full"\n"ExtractNumber","7"\n"Version","1.0.0"\n',
    'code.csv': '"Category","Code","Language","Description"\n"JuridicalForm","610","FR","Société à responsabilité limitée"\n',
    'enterprise.csv': `${ent.join('\n')}\n`,
    'establishment.csv': '"EstablishmentNumber","StartDate","EnterpriseNumber"\n',
    'denomination.csv': `${den.join('\n')}\n`,
    'address.csv': '"EntityNumber","TypeOfAddress","CountryNL","CountryFR","Zipcode","MunicipalityNL","MunicipalityFR","StreetNL","StreetFR","HouseNumber","Box","ExtraAddressInfo","DateStrikingOff"\n',
    'contact.csv': '"EntityNumber","EntityContact","ContactType","Value"\n',
    'activity.csv': '"EntityNumber","ActivityGroup","NaceVersion","NaceCode","Classification"\n',
    'branch.csv': '"Id","StartDate","EnterpriseNumber"\n',
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
  return numbers;
}


/**
 * A server on dir/paging.db, into which `portier import kbo` has loaded an extract of n
 * enterprises (pagingExtract in dir/kbo); the import must succeed.
 */
export async function startPaging(dir, n) {
  pagingExtract(path.join(dir, 'kbo'), n);
  const db = path.join(dir, 'paging.db');
  const imp = await run(['import', 'kbo', path.join(dir, 'kbo'), '--db', db], { cwd: dir });
  assert.equal(imp.code, 0, imp.stderr);
  return start({ args: ['--db', db] });
}

/** Stops the server of startPaging (with stop's checks) and removes dir whatever happens. */
export async function stopPaging(srv, dir) {
  try {
    await srv?.stop();
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
