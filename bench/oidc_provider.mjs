// oidc_provider.mjs — the reference of bench/oidc.sh: oidc-provider from npm (tests/
// node_modules), configured like portier's bench client: confidential client with
// client_secret_basic, code flow with PKCE S256 required, ES256 ID tokens carrying the
// same claims, pairwise subjects (HMAC-SHA256), refresh tokens always issued and rotated,
// the same lifetimes. Its storage is the in-memory adapter it ships with (portier writes
// every code, token and audit event to SQLite).
// Run by bench/oidc.mjs with fork(): argv PORT; env BENCH_CB, BENCH_SECRET. Messages:
// { mint: n, challenge } → { codes: [...] }: authorization codes made with the provider's
// own models, as its authorization endpoint would after login and consent.
// With BENCH_SSO=1 (bench/sso.mjs): the interactions are on, served here as portier serves
// its own: a login (once per person, before the measure), the consent (once), then on
// every authorization a profile choice page (a prompt of its own, "select_account",
// always asked) with a hidden CSRF field checked on its POST, as portier's guide asks;
// bench_choice=no in the authorization request skips that page.
import { createHmac, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

const {
  default: Provider, interactionPolicy: { Check, Prompt, base },
} = await import(new URL('../tests/node_modules/oidc-provider/lib/index.js', import.meta.url));
const SSO = process.env.BENCH_SSO === '1';

const port = Number(process.argv[2]);
const CB = process.env.BENCH_CB;
const SECRET = process.env.BENCH_SECRET;
const pairwiseKey = randomBytes(32);
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'bench-es256' };

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);
const store = new Map();

/** oidc-provider's adapter interface on a Map (no expiry: a run lasts minutes). */
class MapAdapter {
  constructor(name) { this.name = name; }

  key(id) { return `${this.name}:${id}`; }

  async upsert(id, payload) {
    const key = this.key(id);
    if (this.name === 'Session') store.set(`sessionUid:${payload.uid}`, id);
    if (GRANTABLE.has(this.name) && payload.grantId) {
      const members = store.get(`grant:${payload.grantId}`);
      if (members) members.push(key);
      else store.set(`grant:${payload.grantId}`, [key]);
    }
    if (payload.userCode) store.set(`userCode:${payload.userCode}`, id);
    store.set(key, payload);
  }

  async find(id) { return store.get(this.key(id)); }

  async findByUid(uid) { return this.find(store.get(`sessionUid:${uid}`)); }

  async findByUserCode(code) { return this.find(store.get(`userCode:${code}`)); }

  async consume(id) {
    const v = store.get(this.key(id));
    if (v) v.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) { store.delete(this.key(id)); }

  async revokeByGrantId(grantId) {
    for (const k of store.get(`grant:${grantId}`) ?? []) store.delete(k);
    store.delete(`grant:${grantId}`);
  }
}

const CLAIMS = {
  name: 'Jan Peeters',
  given_name: 'Jan',
  family_name: 'Peeters',
  locale: 'nl',
  organisation: { enterprise_number: '0552627113', name: 'Pharma Test SA', country: 'BE' },
  quality: {
    code: 'health_related',
    name: {
      fr: 'Institution liée au domaine de la santé',
      nl: 'Instelling verbonden aan het domein van de gezondheidszorg',
      de: 'Einrichtung im Bereich des Gesundheitswesens',
      en: 'Institution linked to the health sector',
    },
  },
  role: 'USER',
  applications: ['MEDSEIP', 'TESTAPP', 'TESTONE'],
};

/** The default prompts (login, consent) and the profile choice, asked on every
 * authorization until the interaction brings one back. */
function ssoPolicy() {
  const policy = base();
  policy.add(new Prompt({ name: 'select_account', requestable: true },
    new Check('profile_choice', 'the person chooses the organisation',
      (ctx) => (ctx.oidc.result?.select_account || ctx.oidc.params.bench_choice === 'no'
        ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT))));
  return policy;
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'bench',
    client_secret: SECRET,
    redirect_uris: [CB],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
    subject_type: 'pairwise',
  }],
  adapter: MapAdapter,
  jwks: { keys: [jwk] },
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'locale', 'organisation', 'quality', 'role', 'applications'],
  },
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, ...CLAIMS }),
  }),
  // bench_choice=no: the same authorization without the page (its lightest flow).
  ...(SSO ? { interactions: { policy: ssoPolicy() }, extraParams: ['bench_choice'] } : {}),
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  subjectTypes: ['pairwise'],
  pairwiseIdentifier: async (ctx, accountId, client) => createHmac('sha256', pairwiseKey)
    .update(`${client.sectorIdentifier ?? client.clientId}\0${accountId}`).digest('base64url'),
  issueRefreshToken: async () => true,
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    IdToken: 600,
    RefreshToken: 12 * 3600,
    Grant: 12 * 3600,
    Session: 12 * 3600,
    Interaction: 900,
  },
  cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
});
// Quiet: no warnings for development settings on stderr during the run.
provider.on('server_error', (ctx, err) => { process.stderr.write(`oidc-provider: ${err}\n`); });

async function mint(n, challenge) {
  const client = await provider.Client.find('bench');
  const now = Math.floor(Date.now() / 1000);
  const codes = [];
  for (let i = 0; i < n; i++) {
    const grant = new provider.Grant({ accountId: 'jan', clientId: 'bench' });
    grant.addOIDCScope('openid profile');
    const grantId = await grant.save();
    const code = new provider.AuthorizationCode({
      accountId: 'jan', client, grantId, scope: 'openid profile', redirectUri: CB,
      codeChallenge: challenge, codeChallengeMethod: 'S256', nonce: `n${i}`, authTime: now,
      acr: 'urn:portier:loa:low', amr: ['pwd'], expiresWithSession: false,
    });
    codes.push(await code.save());
  }
  return codes;
}

process.on('message', async (m) => {
  if (m.mint) process.send({ codes: await mint(m.mint, m.challenge) });
  if (m.stop) process.exit(0);
});

// The profile choice as portier shows it (the person, the organisations, CSRF).
const PROFILES = [['1', 'Pharma Test SA (0552.627.113)'], ['2', 'Medi Distribution SPRL (0417.497.106)']];
const csrf = new Map();

function esc(v) {
  return String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function form(req) {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => { body += d; });
    req.on('end', () => resolve(new URLSearchParams(body)));
  });
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt } = details;
  if (req.method === 'GET') {
    const token = randomBytes(32).toString('base64url');
    csrf.set(uid, token);
    const opts = PROFILES.map(([v, l]) => `<option value="${v}">${esc(l)}</option>`).join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Etape 3</title></head><body>
<main><h1>Choisissez votre profil</h1><p>${esc(CLAIMS.name)}</p><form method="post" action="/interaction/${uid}">
<input type="hidden" name="_csrf" value="${token}"><select id="org" name="org">${opts}</select>
<button>Se connecter</button></form></main></body></html>`);
    return;
  }
  const f = await form(req);
  const want = Buffer.from(csrf.get(uid) ?? '');
  const got = Buffer.from(f.get('_csrf') ?? '');
  csrf.delete(uid);
  if (want.length === 0 || want.length !== got.length || !timingSafeEqual(want, got)) {
    res.writeHead(403).end('csrf');
    return;
  }
  let result;
  if (prompt.name === 'login') {
    result = { login: { accountId: 'jan' } };
  } else if (prompt.name === 'consent') {
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    result = { consent: { grantId: await grant.save() } };
  } else {
    if (!PROFILES.some(([v]) => v === f.get('org'))) {
      res.writeHead(422).end('choice');
      return;
    }
    result = { select_account: { org: f.get('org') } };
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

if (SSO) {
  const cb = provider.callback();
  http.createServer((req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(req, res).catch((e) => { process.stderr.write(`interaction: ${e}\n`); res.writeHead(500).end(); });
    } else {
      cb(req, res);
    }
  }).listen(port, '127.0.0.1', () => process.send({ ready: true }));
} else {
  provider.listen(port, '127.0.0.1', () => process.send({ ready: true }));
}
