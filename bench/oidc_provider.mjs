// oidc_provider.mjs — the reference of bench/oidc.sh: oidc-provider from npm (tests/
// node_modules), configured like portier's bench client: confidential client with
// client_secret_basic, code flow with PKCE S256 required, ES256 ID tokens carrying the
// same claims, pairwise subjects (HMAC-SHA256), refresh tokens always issued and rotated,
// the same lifetimes. Its storage is the in-memory adapter it ships with (portier writes
// every code, token and audit event to SQLite).
// Run by bench/oidc.mjs with fork(): argv PORT; env BENCH_CB, BENCH_SECRET. Messages:
// { mint: n, challenge } → { codes: [...] }: authorization codes made with the provider's
// own models, as its authorization endpoint would after login and consent.
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';

const { default: Provider } = await import(new URL('../tests/node_modules/oidc-provider/lib/index.js', import.meta.url));

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

provider.listen(port, '127.0.0.1', () => process.send({ ready: true }));
