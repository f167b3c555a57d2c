// machines_provider.mjs — the reference of bench/machines.mjs: oidc-provider from npm
// (tests/node_modules) configured like portier for machines: client_credentials, opaque
// access tokens of 600 s, a client authenticating with private_key_jwt (its JWKS) and one
// with self_signed_tls_client_auth (its registered certificate in x5c), certificate-bound
// tokens (cnf x5t#S256), the certificate handed by a trusted proxy in X-SSL-Client-Cert
// (URL-escaped PEM) as portier reads it; introspection on. In-memory storage (portier writes
// every token and audit event to its database).
// Run with fork(): argv PORT; env BENCH_MACHINES (JSON: { jwk, certPem, scope }). Sends
// 'ready' when listening.
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

const base = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: cfg.scope,
  id_token_signed_response_alg: 'ES256' };
const provider = new Provider(`http://127.0.0.1:${port}`, {
  adapter: MapAdapter,
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
