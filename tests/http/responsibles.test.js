// responsibles.test.js — «Vos Responsables» (issue 16 part 6): every person sees who manages
// their access, exactly: a user of a quality its local managers (GL, co-GLs) and the
// organisation's GAP and co-GAPs, and whom to ask for an application (the GL, as a mail
// link); a GL the same, marked (vous), asking the GAP; a GAP and a co-GAP the organisation
// they manage with its GAP and co-GAPs. Nothing of another organisation (Beta Soins, with
// its own GAP and GL) ever shows, not even when its id is put in the address; names are
// escaped; no NISS on the page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client } from '../lib/server.js';
import { addAccount, addOrg, activateQuality, addPerson as worldAddPerson } from '../lib/world.js';
import {
  activate, addUser, DEMO_COST, ID, login, NISS, PASSWORD, sql, startDemo, text as pageText, unescape,
} from './uman_lib.js';

const HEALTH = 'Institution liée au domaine de la santé';
const GAP = "Gestionnaire d'Accès Principal";
const COGAP = 'Co-Responsable des Accès';
const GL = 'Gestionnaire local';
const COGL = 'Co-gestionnaire local';
// A co-GL whose names need escaping (the template engine writes them as text).
const ZOE = { last: "D'Hondt <i>&amp;</i>", first: 'Zoë "Z"' };
const ZOE_NAME = `${ZOE.first} ${ZOE.last}`;

/** A person with access codes and an e-mail of their own; returns the id. */
function person(srv, { niss, last, first, email, username }) {
  return worldAddPerson(srv, { niss, last, first, lang: 'fr', email, username, password: PASSWORD, extra: DEMO_COST });
}

/** A fragment's text, trimmed. */
function text(html) {
  return pageText(html).trim();
}

/** The sections of the page: { title, lists: [[item text…]…], ask: { name, href } | null }. */
function sections(html) {
  return [...html.matchAll(/<section class="uman-resp"[\s\S]*?<\/section>/g)].map(([s]) => {
    const title = text(/<h2[^>]*>([\s\S]*?)<\/h2>/.exec(s)[1]);
    const lists = [...s.matchAll(/<ul class="uman-people">([\s\S]*?)<\/ul>/g)]
      .map(([, ul]) => [...ul.matchAll(/<li>([\s\S]*?)<\/li>/g)].map(([, li]) => text(li)));
    const a = /<p class="uman-ask">[\s\S]*?<a href="([^"]*)">([\s\S]*?)<\/a>/.exec(s);
    return { title, lists, ask: a ? { href: unescape(a[1]), name: text(a[2]) } : null };
  });
}

/** The subject of a mailto link, decoded. */
function subjectOf(href) {
  return decodeURIComponent(/\?subject=(.*)$/.exec(href)[1]);
}

describe('«Vos Responsables»: each person sees exactly who manages their access', () => {
  let srv;
  let beta;
  const NO_NISS = Object.values(NISS);

  /** The page of username, with the checks every page passes: 200, no NISS. */
  async function pageOf(username, path = '/acces/responsables') {
    const c = await login(srv, username);
    const r = await c.get(path);
    assert.equal(r.status, 200, `${username}: ${path}`);
    for (const n of NO_NISS) {
      const formatted = `${n.slice(0, 2)}.${n.slice(2, 4)}.${n.slice(4, 6)}-${n.slice(6, 9)}.${n.slice(9)}`;
      assert.ok(!r.text.includes(n) && !r.text.includes(formatted), `${username}: no NISS on the page`);
    }
    return r.text;
  }

  before(async () => {
    srv = await startDemo();
    // PharmaPlatel: Claire GAP, Paul co-GAP, Lukas GL, Zoë co-GL, Jan user.
    const claire = await login(srv, 'claire.dubois');
    const q = await activate(srv, claire);
    await addUser(srv, claire, q, { niss: NISS.jan, username: 'jan.peeters', email: 'jan@pharmaplatel.example.be', apps: ['SADM'] });
    person(srv, { niss: NISS.new1, last: ZOE.last, first: ZOE.first, email: 'zoe@example.be', username: 'zoe.dhondt' });
    addAccount(srv, { org: ID.org, quality: q, niss: NISS.new1, type: 'COGL', username: 'zoe.cogl', email: 'zoe@pharmaplatel.example.be' });
    const paul = person(srv, { niss: NISS.paul, last: 'Martin', first: 'Paul', email: 'paul.martin@example.be', username: 'paul.martin' });
    sql(srv, "INSERT INTO org_manager(org_id, person_id, role, since) VALUES (?, ?, 'COGAP', '2026-01-05T09:00:00Z')", [ID.org, paul]);
    // Beta Soins: Marie GAP, Sophie GL; nobody of PharmaPlatel there.
    person(srv, { niss: NISS.marie, last: 'Lambert', first: 'Marie', email: 'marie.lambert@beta.example.be', username: 'marie.lambert' });
    person(srv, { niss: NISS.sophie, last: 'Leroy', first: 'Sophie', email: 'sophie.leroy@example.be', username: 'sophie.leroy' });
    beta = addOrg(srv, { enterprise: '0403170701', name: 'Beta Soins', gap: NISS.marie, email: 'contact@beta.example.be', phone: '+32 9 999 99 99' });
    activateQuality(srv, { org: beta, email: 'sante@beta.example.be', gl: NISS.sophie, username: 'sophie.gl', userEmail: 'sophie@beta.example.be' });
  });
  after(() => srv?.stop());

  const PHARMA_MAIN = (self) => [
    `Claire Dubois${self === 'claire' ? ' (vous)' : ''} — ${GAP} — claire.dubois@example.be`,
    `Paul Martin${self === 'paul' ? ' (vous)' : ''} — ${COGAP} — paul.martin@example.be`,
  ];
  const PHARMA_LOCAL = (self) => [
    `Lukas Schmitz${self === 'lukas' ? ' (vous)' : ''} — ${GL} — lukas.schmitz@example.be`,
    `${ZOE_NAME} — ${COGL} — zoe@pharmaplatel.example.be`,
  ];

  it('a user: the GL and co-GL, the GAP and co-GAP, and to ask the GL', async () => {
    const html = await pageOf('jan.peeters');
    const s = sections(html);
    assert.deepEqual(s.map((x) => x.title), [`PharmaPlatel — ${HEALTH}`]);
    assert.deepEqual(s[0].lists, [PHARMA_LOCAL(), PHARMA_MAIN()]);
    assert.equal(s[0].ask.name, 'Lukas Schmitz');
    assert.match(s[0].ask.href, /^mailto:lukas\.schmitz@example\.be\?subject=/);
    assert.equal(subjectOf(s[0].ask.href), `Demande d'accès à une application — PharmaPlatel — ${HEALTH}`);
    const t = text(html);
    assert.match(t, /Votre rôle : Utilisateur/);
    assert.match(t, /contact@pharmaplatel\.example\.be · \+32 2 511 51 51/);
    assert.doesNotMatch(t, /Beta Soins|Marie Lambert|Sophie Leroy|beta\.example\.be|\+32 9 999/);
  });

  it('a GL: themselves (vous) among the local managers, and to ask the GAP', async () => {
    const s = sections(await pageOf('lukas.schmitz'));
    assert.deepEqual(s.map((x) => x.title), [`PharmaPlatel — ${HEALTH}`]);
    assert.deepEqual(s[0].lists, [PHARMA_LOCAL('lukas'), PHARMA_MAIN()]);
    assert.equal(s[0].ask.name, 'Claire Dubois');
    assert.match(s[0].ask.href, /^mailto:claire\.dubois@example\.be\?subject=/);
  });

  it('a GAP and a co-GAP: the organisation they manage, with its GAP and co-GAPs', async () => {
    const gap = await pageOf('claire.dubois');
    assert.deepEqual(sections(gap).map((x) => [x.title, x.lists, x.ask]),
      [[`PharmaPlatel — ${GAP}`, [PHARMA_MAIN('claire')], null]]);
    assert.match(text(gap), /Le représentant légal de l'organisation vous a désigné\(e\) Gestionnaire d'Accès Principal/);
    assert.doesNotMatch(text(gap), /Vous n'êtes enregistré\(e\) comme utilisateur dans aucune/);
    const cogap = await pageOf('paul.martin');
    assert.deepEqual(sections(cogap).map((x) => [x.title, x.lists]),
      [[`PharmaPlatel — ${COGAP}`, [PHARMA_MAIN('paul')]]]);
    assert.match(text(cogap), /Le Gestionnaire d'Accès Principal vous a désigné\(e\) Co-Responsable des Accès/);
  });

  it('another organisation\'s people see their own managers only, and never PharmaPlatel\'s', async () => {
    const gl = sections(await pageOf('sophie.leroy'));
    assert.deepEqual(gl.map((x) => [x.title, x.lists]), [[`Beta Soins — ${HEALTH}`, [
      [`Sophie Leroy (vous) — ${GL} — sophie@beta.example.be`],
      [`Marie Lambert — ${GAP} — marie.lambert@beta.example.be`],
    ]]]);
    const gap = await pageOf('marie.lambert');
    assert.deepEqual(sections(gap).map((x) => [x.title, x.lists]), [[`Beta Soins — ${GAP}`, [
      [`Marie Lambert (vous) — ${GAP} — marie.lambert@beta.example.be`],
    ]]]);
    for (const html of [await pageOf('sophie.leroy'), gap]) {
      assert.doesNotMatch(text(html), /PharmaPlatel|Claire Dubois|Lukas Schmitz|Paul Martin|Zoë|pharmaplatel/);
    }
  });

  it('the other organisation\'s id in the address changes nothing of what is shown', async () => {
    const html = await pageOf('jan.peeters', `/acces/responsables?org=${beta}`);
    assert.deepEqual(sections(html).map((x) => [x.title, x.lists]), [[`PharmaPlatel — ${HEALTH}`, [PHARMA_LOCAL(), PHARMA_MAIN()]]]);
    assert.doesNotMatch(text(html), /Beta Soins|Marie Lambert|Sophie Leroy|beta\.example\.be/);
  });

  it('names are escaped: the co-GL\'s markup is text', async () => {
    const html = await pageOf('jan.peeters');
    assert.ok(!html.includes('<i>'), 'no markup from a stored name');
    assert.ok(html.includes('D&#39;Hondt &lt;i&gt;&amp;amp;&lt;/i&gt;') || html.includes('D&#x27;Hondt &lt;i&gt;&amp;amp;&lt;/i&gt;'),
      'the name written escaped');
    assert.ok(html.includes('Zoë &quot;Z&quot;'), 'quotes escaped');
  });

  it('the mail link to ask: an address stored with ? or & adds no header to the mail', async () => {
    sql(srv, "UPDATE account SET email = 'lukas?cc=evil&bcc=x@example.be' WHERE username = 'lukas.schmitz'");
    try {
      const [s] = sections(await pageOf('jan.peeters'));
      assert.equal(s.ask.href.split('?subject=')[0], 'mailto:lukas%3Fcc%3Devil%26bcc%3Dx@example.be');
      assert.equal(subjectOf(s.ask.href), `Demande d'accès à une application — PharmaPlatel — ${HEALTH}`);
    } finally {
      sql(srv, "UPDATE account SET email = 'lukas.schmitz@example.be' WHERE username = 'lukas.schmitz'");
    }
  });

  it('nobody: a person of no organisation is told so; a visitor must log in first', async () => {
    person(srv, { niss: NISS.els, email: 'els@example.be', username: 'els.nobody' });
    const t = text(await pageOf('els.nobody'));
    assert.match(t, /Vous n'êtes enregistré\(e\) comme utilisateur dans aucune entreprise ou organisation/);
    assert.doesNotMatch(t, /PharmaPlatel|Beta Soins/);
    const r = await new Client(srv.url).get('/acces/responsables');
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/login?level=1&next=/acces/responsables');
  });
});
