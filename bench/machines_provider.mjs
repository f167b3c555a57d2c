// machines_provider.mjs — the reference of bench/machines.mjs: oidc-provider from npm
// (tests/node_modules) configured like portier for machines: client_credentials, opaque
// access tokens of 600 s, a client authenticating with private_key_jwt (its JWKS) and one
// with self_signed_tls_client_auth (its registered certificate in x5c), certificate-bound
// tokens (cnf x5t#S256), the certificate handed by a trusted proxy in X-SSL-Client-Cert
// (URL-escaped PEM) as portier reads it; introspection on.
// Storage: with BENCH_PG (a libpq keyword string: host=... port=... dbname=... user=...)
// a PostgreSQL adapter (npm pg, a pool of 8 connections like portier's db_pool default)
// on one table of its own database in portier's cluster, as oidc-provider's published
// PostgreSQL/Sequelize example lays it out (payload JSONB, id, grant_id, uid, user_code,
// expires_at, consumed_at): every token, and every private_key_jwt assertion's jti
// (oidc-provider's ReplayDetection model), is written there, as portier writes its tokens
// and audit events to its database. Without BENCH_PG (portier on its embedded SQLite file)
// a Map in this process: oidc-provider's documentation says its in-memory storage is for
// development only; the bench says which one ran.
// Run with fork(): argv PORT; env BENCH_MACHINES (JSON: { jwk, certPem, scope }), BENCH_PG.
// Sends 'ready' when listening.
import { X509Certificate } from 'node:crypto';
import { generateKeyPairSync } from 'node:crypto';

const { default: Provider } = await import(new URL('../tests/node_modules/oidc-provider/lib/index.js', import.meta.url));

const port = Number(process.argv[2]);
const cfg = JSON.parse(process.env.BENCH_MACHINES);
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signing = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'bench' };
const cert = new X509Certificate(cfg.certPem);
const certJwk = { ...cert.publicKey.export({ format: 'jwk' }), x5c: [cert.raw.toString('base64')] };

const store = new Map();
class MapAdapter {
  constructor(name) { this.name = name; }

  key(id) { return `${this.name}:${id}`; }

  async upsert(id, payload) { store.set(this.key(id), payload); }

  async find(id) { return store.get(this.key(id)); }

  async findByUid() { return undefined; }

  async findByUserCode() { return undefined; }

  async consume(id) { const v = store.get(this.key(id)); if (v) v.consumed = Math.floor(Date.now() / 1000); }

  async destroy(id) { store.delete(this.key(id)); }

  async revokeByGrantId() {}
}

/** libpq's keyword=value string (tests/lib/pg.sh) as pg's options: host is the socket's folder. */
function pgOptions(conn) {
  const kv = Object.fromEntries(conn.trim().split(/\s+/).map((w) => w.split('=', 2)));
  return { host: kv.host, port: Number(kv.port ?? 5432), database: kv.dbname, user: kv.user, max: 8 };
}

// One table for every model (the model's name is part of the key); the secondary keys
// oidc-provider looks up by (grant_id for revokeByGrantId, uid for sessions, user_code for
// device codes) indexed where set; expires_at indexed for a sweeper (none runs in a bench).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS oidc_payloads (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  uid text,
  user_code text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (model, id)
);
CREATE INDEX IF NOT EXISTS oidc_payloads_grant_id ON oidc_payloads (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_payloads_uid ON oidc_payloads (model, uid) WHERE uid IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_payloads_user_code ON oidc_payloads (model, user_code) WHERE user_code IS NOT NULL;
CREATE INDEX IF NOT EXISTS oidc_payloads_expires_at ON oidc_payloads (expires_at);`;

let pool = null;

/** oidc-provider's adapter interface on PostgreSQL: a row per stored object; a found row
 *  past its expiry is absent, a consumed one carries consumed (as the memory adapter). */
class PgAdapter {
  constructor(name) { this.name = name; }

  async upsert(id, payload, expiresIn) {
    const expires = typeof expiresIn === 'number' ? new Date(Date.now() + expiresIn * 1000) : null;
    await pool.query(`INSERT INTO oidc_payloads (model, id, payload, grant_id, uid, user_code, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
        uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
    [this.name, id, payload, payload.grantId ?? null, payload.uid ?? null, payload.userCode ?? null, expires]);
  }

  async #one(where, value) {
    const r = await pool.query(`SELECT payload, consumed_at FROM oidc_payloads
      WHERE model = $1 AND ${where} = $2 AND (expires_at IS NULL OR expires_at > now()) LIMIT 1`, [this.name, value]);
    if (r.rowCount === 0) return undefined;
    const { payload, consumed_at: consumed } = r.rows[0];
    return consumed ? { ...payload, consumed: Math.floor(consumed.getTime() / 1000) } : payload;
  }

  find(id) { return this.#one('id', id); }

  findByUid(uid) { return this.#one('uid', uid); }

  findByUserCode(userCode) { return this.#one('user_code', userCode); }

  async consume(id) {
    await pool.query('UPDATE oidc_payloads SET consumed_at = now() WHERE model = $1 AND id = $2', [this.name, id]);
  }

  async destroy(id) {
    await pool.query('DELETE FROM oidc_payloads WHERE model = $1 AND id = $2', [this.name, id]);
  }

  async revokeByGrantId(grantId) {
    await pool.query('DELETE FROM oidc_payloads WHERE grant_id = $1', [grantId]);
  }
}

if (process.env.BENCH_PG) {
  const { default: pg } = await import(new URL('../tests/node_modules/pg/lib/index.js', import.meta.url));
  pool = new pg.Pool(pgOptions(process.env.BENCH_PG));
  await pool.query(SCHEMA);
}

const base = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: cfg.scope,
  id_token_signed_response_alg: 'ES256' };
const provider = new Provider(`http://127.0.0.1:${port}`, {
  adapter: pool ? PgAdapter : MapAdapter,
  jwks: { keys: [signing] },
  scopes: cfg.scope.split(' '),
  clients: [
    { ...base, client_id: 'm-jwt', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [cfg.jwk] },
      token_endpoint_auth_signing_alg: 'ES256' },
    { ...base, client_id: 'm-tls', token_endpoint_auth_method: 'self_signed_tls_client_auth',
      jwks: { keys: [certJwk] }, tls_client_certificate_bound_access_tokens: true },
    { client_id: 'rs', client_secret: 'rs-secret-rs-secret-rs-secret-rs', grant_types: [], response_types: [], redirect_uris: [],
      id_token_signed_response_alg: 'ES256' },
  ],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    mTLS: {
      enabled: true,
      certificateBoundAccessTokens: true,
      selfSignedTlsClientAuth: true,
      getCertificate(ctx) {
        const h = ctx.get('x-ssl-client-cert');
        return h ? decodeURIComponent(h) : undefined;
      },
    },
  },
  ttl: { ClientCredentials: 600 },
  clientAuthMethods: ['private_key_jwt', 'self_signed_tls_client_auth', 'client_secret_basic'],
});
provider.proxy = true;
provider.listen(port, '127.0.0.1', () => process.send?.('ready'));
