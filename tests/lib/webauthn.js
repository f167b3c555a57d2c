// webauthn.js — a software passkey authenticator for the tests and the benchmark: ES256
// keys made with node:crypto, CBOR written here (RFC 8949, definite lengths), attestation
// "none", authenticator data with the flags asked. Not portier's code: it checks portier.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export const b64url = (buf) => Buffer.from(buf).toString('base64url');
export const fromB64url = (s) => Buffer.from(s, 'base64url');

function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) { const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(n, 1); return b; }
  const b = Buffer.alloc(5); b[0] = (major << 5) | 26; b.writeUInt32BE(n, 1); return b;
}

/** CBOR of v: integers, Buffers (byte strings), strings, arrays, and Maps (key order kept). */
export function cbor(v) {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([head(3, b.length), b]); }
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cbor)]);
  if (v instanceof Map) return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
  throw new Error(`no CBOR for ${typeof v}`);
}

const sha256 = (b) => createHash('sha256').update(b).digest();
export const UP = 0x01;
export const UV = 0x04;

export class SoftAuthenticator {
  /** rpId and origin as the browser would give them (the server's). */
  constructor({ rpId, origin }) {
    this.rpId = rpId;
    this.origin = origin;
    this.creds = [];
  }

  authData(flags, count, attested) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(count >>> 0);
    return Buffer.concat([sha256(Buffer.from(this.rpId)), Buffer.from([flags | (attested ? 0x40 : 0)]), c,
      ...(attested ? [attested] : [])]);
  }

  clientData(type, challenge, origin = this.origin) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create with the server's options (JSON, base64url): the form
   *  fields of portier's enrolment, and the new credential (kept here). */
  create(options, { flags = UP | UV } = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const id = randomBytes(16);
    const cose = cbor(new Map([[1, 2], [3, -7], [-1, 1], [-2, fromB64url(jwk.x)], [-3, fromB64url(jwk.y)]]));
    const len = Buffer.alloc(2);
    len.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), len, id, cose]);
    const ad = this.authData(flags, 0, attested);
    const att = cbor(new Map([['fmt', 'none'], ['attStmt', new Map()], ['authData', ad]]));
    const cred = { id, privateKey, userHandle: fromB64url(options.user.id), count: 0 };
    this.creds.push(cred);
    return {
      cred,
      fields: {
        clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge)),
        attestationObject: b64url(att),
        transports: 'internal',
      },
    };
  }

  /** navigator.credentials.get: signs for cred (default: the first one allowed, else the
   *  first kept); the counter grows by one unless count is given. */
  get(options, { cred, flags = UP | UV, count, origin } = {}) {
    const allowed = (options.allowCredentials ?? []).map((c) => c.id);
    const c = cred ?? this.creds.find((x) => allowed.length === 0 || allowed.includes(b64url(x.id)));
    if (!c) throw new Error('no credential for these options');
    c.count = count ?? c.count + 1;
    const cd = this.clientData('webauthn.get', options.challenge, origin);
    const ad = this.authData(flags, c.count);
    const sig = sign('sha256', Buffer.concat([ad, sha256(cd)]), c.privateKey);
    return {
      credentialId: b64url(c.id),
      clientDataJSON: b64url(cd),
      authenticatorData: b64url(ad),
      signature: b64url(sig),
      userHandle: b64url(c.userHandle),
    };
  }
}
