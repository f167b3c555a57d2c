// lookup.test.js — the public enterprise lookup (/entreprises) against a real server:
// the demo world (portier serve --demo loads demo/kbo, demo/persons.csv,
// demo/functions.csv) for the search form, number and name searches and the enterprise
// cards with their current representatives — never a NISS —; a generated KBO extract of
// 45 enterprises imported with the CLI for paging; input limits; escaping.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { assertSecurityHeaders } from '../lib/checks.js';
import { Client, SHARE_DIR, h1, htmlLang, start, tempDir, title } from '../lib/server.js';
import { startPaging, stopPaging } from './lookup_lib.js';

const ZORGTECH = '1099001189';

/** The text of the page without tags, entities decoded for the few the writer uses. */
function text(html) {
  return html.replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

/** The page with the entities the writer uses decoded (attribute values included). */
function dec(html) {
  return html.replace(/&#61;/g, '=').replace(/&#39;/g, "'").replace(/&#96;/g, '`')
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Rows of the first <table> after the heading with that id, as arrays of cell texts. */
function tableAfter(html, id) {
  const at = html.indexOf(`id="${id}"`);
  assert.ok(at >= 0, `no element with id ${id}`);
  const start = html.indexOf('<tbody>', at);
  const end = html.indexOf('</tbody>', start);
  if (start < 0 || end < 0) return [];
  return [...html.slice(start, end).matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) =>
    [...m[1].matchAll(/<td>(.*?)<\/td>/gs)].map((c) => text(c[1]).trim()));
}

/** The digits of every NISS of the demo persons, and their printed forms. */
function demoNiss() {
  const csv = readFileSync(path.join(SHARE_DIR, 'demo', 'persons.csv'), 'utf8');
  const out = [];
  for (const line of csv.split('\n').slice(1)) {
    const m = line.match(/^"(\d{11})"/);
    if (!m) continue;
    const d = m[1];
    out.push(d, `${d.slice(0, 2)}.${d.slice(2, 4)}.${d.slice(4, 6)}-${d.slice(6, 9)}.${d.slice(9)}`,
      `XX.XX.XX-XXX.${d.slice(9)}`);
  }
  return out;
}

/** Enterprise numbers of the demo world. */
function demoNumbers() {
  const csv = readFileSync(path.join(SHARE_DIR, 'demo', 'kbo', 'enterprise.csv'), 'utf8');
  return csv.split('\n').slice(1).filter(Boolean).map((l) => l.slice(1, 13).replace(/\./g, ''));
}

describe('lookup: the demo world', () => {
  let srv;
  let c;

  before(async () => {
    srv = await start({ args: ['--demo'] });
    c = new Client(srv.url);
  });
  after(() => srv?.stop());

  it('GET /entreprises shows the search form, without a session', async () => {
    const r = await c.get('/entreprises');
    assert.equal(r.status, 200);
    assert.equal(htmlLang(r.text), 'fr');
    assert.equal(dec(h1(r.text)), "Recherche d'entreprises");
    assert.equal(dec(title(r.text)), "Recherche d'entreprises — portier");
    assert.match(r.text, /<form class="search" method="get" action="\/entreprises" role="search"/);
    assert.match(r.text, /<label for="q">Numéro d&#39;entreprise ou nom<\/label>/);
    assert.match(r.text, /<input id="q" name="q" type="search" value="" maxlength="200"/);
    assert.ok(!r.text.includes('results-title'), 'no results before a search');
    assertSecurityHeaders(r.headers, 'lookup page');
    assert.deepEqual(r.headers.getSetCookie(), []);
    // The side menu leads here, marked as the current page.
    assert.match(r.text, /<a href="\/entreprises" aria-current="page">Recherche d&#39;entreprises<\/a>/);
    const home = await c.get('/');
    assert.match(home.text, /<a href="\/entreprises">Recherche d&#39;entreprises<\/a>/);
  });

  it('a name search lists the enterprises found, with links to their cards', async () => {
    const r = await c.get('/entreprises?q=zorgtech');
    assert.equal(r.status, 200);
    assert.match(r.text, /<h2 id="results-title">1 entreprise trouvée<\/h2>/);
    const rows = tableAfter(r.text, 'results-title');
    assert.deepEqual(rows, [['1099.001.189', 'Zorgtech Distributie', 'Actif',
      'Société à responsabilité limitée', 'Zorgvlietstraat 12, 9000 Gand']]);
    assert.ok(dec(r.text).includes(`<a href="/entreprises/${ZORGTECH}?q=zorgtech&page=1">1099.001.189</a>`));
    assert.match(r.text, /<th scope="col">Numéro d&#39;entreprise<\/th>/);
    assert.ok(!r.text.includes('aria-label="Pages de résultats"'), 'no pager for one page');
    // The search text stays in the field.
    assert.match(r.text, /<input id="q" name="q" type="search" value="zorgtech"/);
  });

  it('words in any order, accents ignored, the last word as a prefix', async () => {
    for (const q of ['societe generale materiel', 'Matériel SOCIÉTÉ générale', 'generale soc']) {
      const r = await c.get(`/entreprises?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, q);
      const rows = tableAfter(r.text, 'results-title');
      assert.deepEqual(rows.map((x) => x[1]), ['Société Générale de Matériel Médical'], q);
    }
    const r = await c.get('/entreprises?q=med');
    assert.match(r.text, /<h2 id="results-title">6 entreprises trouvées<\/h2>/);
    const none = await c.get('/entreprises?q=zzzqx');
    assert.match(none.text, /<h2 id="results-title">Aucune entreprise trouvée<\/h2>/);
  });

  it('active enterprises come first', async () => {
    const r = await c.get('/entreprises?q=pharma');
    const rows = tableAfter(r.text, 'results-title');
    assert.deepEqual(rows.map((x) => [x[1], x[2]]), [
      ['Pharmacie du Parc', 'Actif'], ['PharmaPlatel', 'Actif'], ['Pharmaservice Ardennes', 'Actif'],
      ['Ancienne Pharmacie Centrale', 'Arrêté'],
    ]);
  });

  it('a number in any accepted form goes straight to the card', async () => {
    for (const q of ['1099.001.189', '1099001189', 'BE 1099 001 189', 'be1099001189',
      '2.990.100.125']) {
      const r = await c.get(`/entreprises?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 303, q);
      assert.equal(r.headers.get('location'), `/entreprises/${ZORGTECH}`, q);
    }
    // A valid number not in the registry: no result, no redirect.
    const r = await c.get('/entreprises?q=0552.627.113');
    assert.equal(r.status, 200);
    assert.match(r.text, /Aucune entreprise trouvée/);
    // A number form in the path is made canonical.
    const p = await c.get('/entreprises/1099.001.189');
    assert.equal(p.status, 303);
    assert.equal(p.headers.get('location'), `/entreprises/${ZORGTECH}`);
  });

  it('the card shows the enterprise and its current legal representatives', async () => {
    const r = await c.get(`/entreprises/${ZORGTECH}`);
    assert.equal(r.status, 200);
    assert.equal(h1(r.text), 'Zorgtech Distributie');
    assert.equal(title(r.text), 'Zorgtech Distributie — portier');
    const t = text(r.text);
    for (const s of ['Numéro d\'entreprise 1099.001.189', 'Statut Actif',
      'Situation juridique Situation normale', 'Forme juridique Société à responsabilité limitée',
      'Type d\'entité Personne morale', 'Date de début 17/03/2014',
      'Adresse du siège Zorgvlietstraat 12, 9000 Gand']) {
      assert.ok(t.includes(s), `card lacks "${s}"`);
    }
    assert.deepEqual(tableAfter(r.text, 'functions-title'), [
      ['Jan Peeters', 'Administrateur', '17/03/2014'],
      ['Els Maria Van den Broeck', 'Délégué à la gestion journalière', '01/01/2020'],
    ]);
    assert.deepEqual(tableAfter(r.text, 'names-title'), [
      ['Dénomination', 'néerlandais', 'Zorgtech Distributie'],
      ['Abréviation', 'néerlandais', 'ZTD'],
    ]);
    const acts = tableAfter(r.text, 'activities-title');
    assert.ok(acts.some((a) => a[0] === '46.460' && a[1] === '2025' &&
      a[2] === 'Commerce de gros de produits pharmaceutiques et médicaux' &&
      a[3] === 'Activité principale'), JSON.stringify(acts));
    assert.ok(acts.some((a) => a[0] === '46.460' && a[1] === '2008' &&
      a[2] === 'Commerce de gros de produits pharmaceutiques'));
    assert.deepEqual(tableAfter(r.text, 'establishments-title'), [
      ['2.990.100.125', 'Zorgtech Magazijn Gent', 'Dokstraat 4 boîte B, 9000 Gand', '17/03/2014'],
      ['2.990.100.224', 'Zorgtech Antwerpen', 'Havenlaan 88, 2000 Anvers', '02/09/2019'],
    ]);
    const contacts = tableAfter(r.text, 'contacts-title');
    assert.deepEqual(contacts[0], ['Numéro de téléphone', '09/210.45.67', '']);
    assert.ok(contacts.some((x) => x[1] === '03/555.12.34' && x[2] === '2.990.100.125'));
  });

  it('the card in Dutch and German: names, labels and addresses in that language', async () => {
    const nl = await c.get('/entreprises/1099002278', { headers: { 'accept-language': 'nl' } });
    assert.equal(htmlLang(nl.text), 'nl');
    assert.equal(h1(nl.text), 'MediDistri België');
    assert.ok(text(nl.text).includes('Gezondheidsstraat 25, 1000 Brussel'));
    assert.ok(text(nl.text).includes('Besloten Vennootschap'));
    const de = await c.get('/entreprises/1099003367', { headers: { 'accept-language': 'de' } });
    assert.equal(h1(de.text), 'Medizintechnik Ostbelgien');
    assert.ok(text(de.text).includes('Gesellschaft mit beschränkter Haftung'));
    assert.ok(text(de.text).includes('01.10.2012'), 'German dates');
  });

  it('ended and future functions are not shown; an enterprise representative is linked', async () => {
    const dentalia = await c.get('/entreprises/1099006634');
    assert.deepEqual(tableAfter(dentalia.text, 'functions-title').map((x) => x[0]),
      ['Els Maria Van den Broeck']);
    const optik = await c.get('/entreprises/1099007723');
    assert.deepEqual(tableAfter(optik.text, 'functions-title').map((x) => x[0]), ['Anna Weber']);
    const ortho = await c.get('/entreprises/1099004456');
    assert.deepEqual(tableAfter(ortho.text, 'functions-title'),
      [['Dubois Participations (1099.005.545)', 'Administrateur', '01/01/2015']]);
    assert.ok(ortho.text.includes('<a href="/entreprises/1099005545">Dubois Participations</a>'));
    const none = await c.get('/entreprises/1099015641');
    assert.match(none.text, /Aucune fonction légale en cours n&#39;est connue pour cette entreprise\./);
    const stopped = await c.get('/entreprises/1099008812');
    assert.ok(text(stopped.text).includes('Statut Arrêté'));
    assert.ok(text(stopped.text).includes('Clôture de liquidation'));
  });

  it('no page ever shows a NISS, whole, formatted or masked', async () => {
    const forbidden = demoNiss();
    assert.ok(forbidden.length >= 30);
    const pages = demoNumbers().map((n) => `/entreprises/${n}`);
    assert.ok(pages.length >= 30);
    pages.push('/entreprises?q=peeters', '/entreprises?q=dubois', '/entreprises?q=med');
    for (const p of pages) {
      for (const lang of ['fr', 'nl']) {
        const r = await c.get(p, { headers: { 'accept-language': lang } });
        assert.equal(r.status, 200, p);
        for (const n of forbidden) assert.ok(!r.text.includes(n), `${p} (${lang}) shows ${n}`);
      }
    }
  });

  it('unknown or malformed numbers are 404; bad pages 400', async () => {
    assert.equal((await c.get('/entreprises/0552627113')).status, 404);
    assert.equal((await c.get('/entreprises/1099001188')).status, 404);
    assert.equal((await c.get('/entreprises/abc')).status, 404);
    assert.equal((await c.get(`/entreprises/${'1'.repeat(100)}`)).status, 404);
    for (const p of ['0', '-1', 'x', '1001', '1e3', '99999999999999999999']) {
      const r = await c.get(`/entreprises?q=med&page=${p}`);
      assert.equal(r.status, 400, `page=${p}`);
    }
  });

  it('the search text is limited to 200 characters and escaped', async () => {
    const ok = await c.get(`/entreprises?q=${'é'.repeat(200)}`);
    assert.equal(ok.status, 200);
    const long = await c.get(`/entreprises?q=${'a'.repeat(201)}`);
    assert.equal(long.status, 400);
    assert.match(long.text, /Le texte recherché est trop long : 200 caractères au plus\./);
    assert.match(long.text, /aria-invalid="true"/);
    const xss = await c.get(`/entreprises?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
    assert.equal(xss.status, 200);
    assert.ok(!xss.text.includes('<script>alert(1)'), 'the search text is not escaped');
    assert.ok(xss.text.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
  });
});

describe('lookup: paging over an imported extract', () => {
  let srv;
  let c;
  let dir;

  before(async () => {
    dir = tempDir();
    srv = await startPaging(dir, 45);
    c = new Client(srv.url);
  });
  after(async () => {
    await stopPaging(srv, dir);
  });

  it('45 results in pages of 20, active first, with a labelled pager', async () => {
    const p1 = await c.get('/entreprises?q=paging+test');
    assert.equal(p1.status, 200);
    assert.match(p1.text, /<h2 id="results-title">45 entreprises trouvées<\/h2>/);
    assert.match(p1.text, /<caption>Résultats, page 1 sur 3<\/caption>/);
    assert.match(p1.text, /<nav class="pager" aria-label="Pages de résultats">/);
    assert.ok(!p1.text.includes('rel="prev"'));
    assert.ok(dec(p1.text).includes('<a href="/entreprises?q=paging%20test&page=2" rel="next">Page suivante</a>'));
    const names = [];
    for (const page of [1, 2, 3]) {
      const r = await c.get(`/entreprises?q=test+pag&page=${page}`);
      assert.equal(r.status, 200);
      const rows = tableAfter(r.text, 'results-title');
      assert.equal(rows.length, page < 3 ? 20 : 5, `page ${page}`);
      assert.match(r.text, new RegExp(`<span aria-current="page">Page ${page} sur 3</span>`));
      assert.equal(r.text.includes('rel="prev"'), page > 1);
      assert.equal(r.text.includes('rel="next"'), page < 3);
      names.push(...rows.map((x) => [x[1], x[2]]));
    }
    assert.equal(new Set(names.map((x) => x[0])).size, 45, 'pages overlap or miss a result');
    // The five stopped ones (9, 18, 27, 36, 45) last, each group by name.
    assert.deepEqual(names.slice(40).map((x) => x[0]),
      ['Paging Test 09', 'Paging Test 18', 'Paging Test 27', 'Paging Test 36', 'Paging Test 45']);
    assert.ok(names.slice(0, 40).every((x) => x[1] === 'Actif'));
    assert.ok(names.slice(40).every((x) => x[1] === 'Arrêté'));
    assert.equal(names[0][0], 'Paging Test 01');
    // Past the last page: the count, and a word that the page is empty.
    const past = await c.get('/entreprises?q=paging&page=4');
    assert.equal(past.status, 200);
    assert.match(past.text, /45 entreprises trouvées/);
    assert.match(past.text, /Cette page ne contient plus de résultats\./);
    const max = await c.get('/entreprises?q=paging&page=1000');
    assert.equal(max.status, 200);
  });
});
