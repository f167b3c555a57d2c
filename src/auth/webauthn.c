/* webauthn.c — WebAuthn Level 2 verification (§7.1 registration, §7.2 assertion, §8.2
 * packed and §8.7 none attestation) over OpenSSL, libcbor and jansson; no I/O. */
#include "auth/webauthn.h"

#include <cbor.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define FLAG_UP 0x01
#define FLAG_UV 0x04
#define FLAG_BE 0x08
#define FLAG_BS 0x10
#define FLAG_AT 0x40
#define FLAG_ED 0x80
#define CBOR_DEPTH_MAX 8      /* COSE keys and attestation objects nest 3 deep */
#define X5C_MAX 4

const char *
wa_status_text(enum wa_status s)
{
	static const char *const t[] = {
		[WA_OK] = "ok", [WA_MALFORMED] = "malformed", [WA_TOO_LARGE] = "too large",
		[WA_WRONG_TYPE] = "wrong type", [WA_WRONG_CHALLENGE] = "wrong challenge",
		[WA_WRONG_ORIGIN] = "wrong origin", [WA_WRONG_RP] = "wrong relying party",
		[WA_NO_UP] = "user not present", [WA_NO_UV] = "user not verified",
		[WA_UNSUPPORTED_ALG] = "unsupported algorithm",
		[WA_BAD_SIGNATURE] = "bad signature", [WA_BAD_ATTESTATION] = "bad attestation",
		[WA_COUNTER] = "sign counter regression", [WA_ERROR] = "error",
	};

	return (unsigned)s < sizeof(t) / sizeof(t[0]) ? t[s] : "error";
}

/* ---- base64url ---- */

int
wa_b64url_encode(const unsigned char *in, size_t n, char *out, size_t outlen)
{
	if (outlen < sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -1;
	sodium_bin2base64(out, outlen, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int
wa_b64url_decode(const char *in, unsigned char *out, size_t outlen, size_t *n)
{
	size_t len = strlen(in);

	while (len > 0 && in[len - 1] == '=')
		len--;
	if (len == 0 || len / 4 * 3 > outlen + 2)
		return -1;
	if (sodium_base642bin(out, outlen, in, len, NULL, n, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	return 0;
}

/* ---- CBOR: a bounded scan before libcbor sees the bytes ---- */

/* The argument of a CBOR head at p (ai its additional information): 0 and *v, *hl the
 * head's length; -1 when truncated, reserved or indefinite (CTAP2 canonical CBOR has
 * definite lengths only). */
static int
cbor_head(const unsigned char *p, size_t avail, uint64_t *v, size_t *hl)
{
	unsigned ai = p[0] & 31, k;

	if (ai < 24) {
		*v = ai;
		*hl = 1;
		return 0;
	}
	if (ai > 27)
		return -1;
	k = 1u << (ai - 24);
	if (avail < 1 + (size_t)k)
		return -1;
	*v = 0;
	for (unsigned i = 0; i < k; i++)
		*v = *v << 8 | p[1 + i];
	*hl = 1 + k;
	return 0;
}

/* Walks the first CBOR item of buf without recursion: definite lengths, depth at most
 * CBOR_DEPTH_MAX, every length within buf. 0 and *used (the item's bytes), or -1. libcbor
 * then parses only what this accepted (its own free is recursive). */
static int
cbor_scan(const unsigned char *buf, size_t len, size_t *used)
{
	uint64_t left[CBOR_DEPTH_MAX + 1];
	int depth = 0;
	size_t pos = 0;

	left[0] = 1;
	while (depth >= 0) {
		uint64_t v;
		size_t hl;
		unsigned major;

		if (left[depth] == 0) {
			depth--;
			continue;
		}
		left[depth]--;
		if (pos >= len || cbor_head(buf + pos, len - pos, &v, &hl) != 0)
			return -1;
		major = buf[pos] >> 5;
		pos += hl;
		switch (major) {
		case 0: case 1:
			break;
		case 2: case 3:
			if (v > len - pos)
				return -1;
			pos += (size_t)v;
			break;
		case 4: case 5: case 6:
			if (major == 5 && v > len)
				return -1;
			if (major == 5)
				v *= 2;
			if (major == 6)
				v = 1;
			if (v > len - pos)   /* every item takes a byte at least */
				return -1;
			if (v > 0) {
				if (depth == CBOR_DEPTH_MAX)
					return -1;
				left[++depth] = v;
			}
			break;
		default:   /* 7: simple values and floats; the head held their bytes */
			break;
		}
	}
	*used = pos;
	return 0;
}

/* libcbor's item of exactly buf (scanned first), or NULL. */
static cbor_item_t *
cbor_parse_all(const unsigned char *buf, size_t len)
{
	struct cbor_load_result res;
	cbor_item_t *item;
	size_t used = 0;

	if (cbor_scan(buf, len, &used) != 0 || used != len)
		return NULL;
	item = cbor_load(buf, len, &res);
	if (item != NULL && (res.error.code != CBOR_ERR_NONE || res.read != len)) {
		cbor_decref(&item);
		return NULL;
	}
	return item;
}

/* The value of text key name in map m, or NULL (also when the key is there twice). */
static cbor_item_t *
map_text(cbor_item_t *m, const char *name)
{
	struct cbor_pair *p = cbor_map_handle(m);
	size_t n = strlen(name);
	cbor_item_t *found = NULL;

	for (size_t i = 0; i < cbor_map_size(m); i++) {
		if (!cbor_isa_string(p[i].key) || !cbor_string_is_definite(p[i].key) ||
		    cbor_string_length(p[i].key) != n ||
		    memcmp(cbor_string_handle(p[i].key), name, n) != 0)
			continue;
		if (found != NULL)
			return NULL;
		found = p[i].value;
	}
	return found;
}

/* A CBOR integer as int64 (COSE labels and algorithms); -1 when not one or out of range. */
static int
cbor_int(cbor_item_t *it, int64_t *v)
{
	uint64_t u;

	if (!cbor_isa_uint(it) && !cbor_isa_negint(it))
		return -1;
	u = cbor_get_int(it);
	if (u > INT64_MAX)
		return -1;
	*v = cbor_isa_uint(it) ? (int64_t)u : -1 - (int64_t)u;
	return 0;
}

/* The value of integer label label in COSE map m, or NULL (also when twice). */
static cbor_item_t *
map_int(cbor_item_t *m, int64_t label)
{
	struct cbor_pair *p = cbor_map_handle(m);
	cbor_item_t *found = NULL;

	for (size_t i = 0; i < cbor_map_size(m); i++) {
		int64_t k;

		if (cbor_int(p[i].key, &k) != 0 || k != label)
			continue;
		if (found != NULL)
			return NULL;
		found = p[i].value;
	}
	return found;
}

/* A definite byte string's bytes and length, or NULL. */
static const unsigned char *
bytes_of(cbor_item_t *it, size_t *n)
{
	if (it == NULL || !cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it))
		return NULL;
	*n = cbor_bytestring_length(it);
	return cbor_bytestring_handle(it);
}

/* ---- keys and signatures ---- */

static EVP_PKEY *
pkey_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = NULL, *chk = NULL;
	EVP_PKEY *pk = NULL;

	if (params == NULL)
		return NULL;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto done;
	chk = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	if (chk == NULL || EVP_PKEY_public_check(chk) != 1) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
done:
	EVP_PKEY_CTX_free(chk);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pk;
}

/* An EC2 P-256 public key of x and y (32 bytes each). */
static EVP_PKEY *
ec_key(const unsigned char *x, const unsigned char *y)
{
	unsigned char pt[65];
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *pk = NULL;

	if (bld == NULL)
		return NULL;
	pt[0] = 4;
	memcpy(pt + 1, x, 32);
	memcpy(pt + 33, y, 32);
	if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof(pt)) == 1)
		pk = pkey_from_params("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return pk;
}

/* An RSA public key of modulus n (2048 to 4096 bits) and exponent e (at most 4 bytes). */
static EVP_PKEY *
rsa_key(const unsigned char *n, size_t nlen, const unsigned char *e, size_t elen)
{
	OSSL_PARAM_BLD *bld;
	BIGNUM *bn = NULL, *be = NULL;
	EVP_PKEY *pk = NULL;

	if (nlen < 256 || nlen > 512 || n[0] == 0 || elen == 0 || elen > 4)
		return NULL;
	bld = OSSL_PARAM_BLD_new();
	bn = BN_bin2bn(n, (int)nlen, NULL);
	be = BN_bin2bn(e, (int)elen, NULL);
	if (bld != NULL && bn != NULL && be != NULL && BN_is_odd(be) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) == 1)
		pk = pkey_from_params("RSA", bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return pk;
}

/* The public key of a COSE_Key map (§5.8.5): EC2 P-256 with ES256, or RSA with RS256; *alg
 * its algorithm. WA_OK, WA_UNSUPPORTED_ALG or WA_MALFORMED. */
static enum wa_status
cose_key(cbor_item_t *m, EVP_PKEY **pk, int *alg)
{
	cbor_item_t *kty_i, *alg_i;
	const unsigned char *a, *b;
	size_t alen = 0, blen = 0;
	int64_t kty, al, crv;

	*pk = NULL;
	if (!cbor_isa_map(m) || (kty_i = map_int(m, 1)) == NULL || (alg_i = map_int(m, 3)) == NULL ||
	    cbor_int(kty_i, &kty) != 0 || cbor_int(alg_i, &al) != 0)
		return WA_MALFORMED;
	if (kty == 2 && al == WA_ALG_ES256) {
		if (map_int(m, -1) == NULL || cbor_int(map_int(m, -1), &crv) != 0 || crv != 1)
			return WA_UNSUPPORTED_ALG;
		a = bytes_of(map_int(m, -2), &alen);
		b = bytes_of(map_int(m, -3), &blen);
		if (a == NULL || b == NULL || alen != 32 || blen != 32)
			return WA_MALFORMED;
		*pk = ec_key(a, b);
	} else if (kty == 3 && al == WA_ALG_RS256) {
		a = bytes_of(map_int(m, -1), &alen);
		b = bytes_of(map_int(m, -2), &blen);
		if (a == NULL || b == NULL)
			return WA_MALFORMED;
		*pk = rsa_key(a, alen, b, blen);
	} else {
		return WA_UNSUPPORTED_ALG;
	}
	if (*pk == NULL)
		return WA_MALFORMED;
	*alg = (int)al;
	return WA_OK;
}

/* Whether sig is alg's signature (ES256: ECDSA P-256 DER; RS256: PKCS#1 v1.5) by pk over
 * a || b. */
static bool
sig_ok(EVP_PKEY *pk, int alg, const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen, const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int want = alg == WA_ALG_ES256 ? EVP_PKEY_EC : EVP_PKEY_RSA;
	bool ok = false;

	if (md == NULL || EVP_PKEY_get_base_id(pk) != want)
		goto done;
	if (alg == WA_ALG_ES256 && (EVP_PKEY_get_bits(pk) != 256 ||
	    !EVP_PKEY_is_a(pk, "EC")))
		goto done;
	if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) != 1 ||
	    EVP_DigestVerifyUpdate(md, a, alen) != 1 || EVP_DigestVerifyUpdate(md, b, blen) != 1)
		goto done;
	ok = EVP_DigestVerifyFinal(md, sig, siglen) == 1;
done:
	EVP_MD_CTX_free(md);
	return ok;
}

/* ---- clientDataJSON (§5.8.1) ---- */

/* Checks type, challenge (constant time) and origin; *hash gets SHA-256 of the bytes. */
static enum wa_status
client_data_check(const struct wa_expect *e, const char *type, const unsigned char *cd,
    size_t cdlen, unsigned char hash[32])
{
	unsigned char ch[WA_CHALLENGE_BYTES * 2];
	json_t *j, *v;
	const char *s;
	size_t n = 0;
	enum wa_status st = WA_MALFORMED;
	bool origin_ok = false;

	if (cdlen > WA_CLIENT_DATA_MAX)
		return WA_TOO_LARGE;
	if (cd == NULL || cdlen == 0)
		return WA_MALFORMED;
	j = json_loadb((const char *)cd, cdlen, JSON_REJECT_DUPLICATES, NULL);
	if (j == NULL || !json_is_object(j))
		goto done;
	if ((s = json_string_value(json_object_get(j, "type"))) == NULL)
		goto done;
	if (strcmp(s, type) != 0) {
		st = WA_WRONG_TYPE;
		goto done;
	}
	if ((s = json_string_value(json_object_get(j, "challenge"))) == NULL)
		goto done;
	if (wa_b64url_decode(s, ch, sizeof(ch), &n) != 0 || n != e->challenge_len ||
	    sodium_memcmp(ch, e->challenge, n) != 0) {
		st = WA_WRONG_CHALLENGE;
		goto done;
	}
	if ((s = json_string_value(json_object_get(j, "origin"))) == NULL)
		goto done;
	for (size_t i = 0; i < WA_ORIGINS_MAX && e->origins[i] != NULL; i++)
		if (e->origins[i][0] != '\0' && strcmp(s, e->origins[i]) == 0)
			origin_ok = true;
	v = json_object_get(j, "crossOrigin");
	if (!origin_ok || (v != NULL && !json_is_false(v))) {
		st = WA_WRONG_ORIGIN;
		goto done;
	}
	SHA256(cd, cdlen, hash);
	st = WA_OK;
done:
	json_decref(j);
	sodium_memzero(ch, sizeof(ch));
	return st;
}

/* ---- authenticator data (§6.1) ---- */

struct auth_data {
	const unsigned char *rp_hash;
	unsigned flags;
	uint32_t count;
	const unsigned char *aaguid, *cred_id, *cose;
	size_t cred_id_len, cose_len;
};

static enum wa_status
auth_data_parse(const unsigned char *p, size_t len, struct auth_data *a)
{
	size_t pos = 37, used;

	memset(a, 0, sizeof(*a));
	if (p == NULL || len < 37)
		return WA_MALFORMED;
	a->rp_hash = p;
	a->flags = p[32];
	a->count = (uint32_t)p[33] << 24 | (uint32_t)p[34] << 16 | (uint32_t)p[35] << 8 | p[36];
	if ((a->flags & FLAG_BS) && !(a->flags & FLAG_BE))
		return WA_MALFORMED;
	if (a->flags & FLAG_AT) {
		if (len - pos < 18)
			return WA_MALFORMED;
		a->aaguid = p + pos;
		a->cred_id_len = (size_t)p[pos + 16] << 8 | p[pos + 17];
		pos += 18;
		if (a->cred_id_len == 0 || a->cred_id_len > WA_CRED_ID_MAX ||
		    a->cred_id_len > len - pos)
			return WA_MALFORMED;
		a->cred_id = p + pos;
		pos += a->cred_id_len;
		if (cbor_scan(p + pos, len - pos, &used) != 0 || used > WA_COSE_MAX ||
		    (p[pos] >> 5) != 5)
			return WA_MALFORMED;
		a->cose = p + pos;
		a->cose_len = used;
		pos += used;
	}
	if (a->flags & FLAG_ED) {
		if (cbor_scan(p + pos, len - pos, &used) != 0 || (p[pos] >> 5) != 5)
			return WA_MALFORMED;
		pos += used;
	}
	return pos == len ? WA_OK : WA_MALFORMED;
}

/* rpIdHash, then the flags the policy requires: user present and verified. */
static enum wa_status
auth_data_check(const struct wa_expect *e, const struct auth_data *a)
{
	unsigned char h[32];

	SHA256((const unsigned char *)e->rp_id, strlen(e->rp_id), h);
	if (sodium_memcmp(h, a->rp_hash, 32) != 0)
		return WA_WRONG_RP;
	if (!(a->flags & FLAG_UP))
		return WA_NO_UP;
	if (!(a->flags & FLAG_UV))
		return WA_NO_UV;
	return WA_OK;
}

/* ---- packed attestation (§8.2) ---- */

/* The name entry nid of name as UTF-8 into out; false when absent or empty. */
static bool
name_entry(const X509_NAME *name, int nid, char *out, size_t outlen)
{
	int len = X509_NAME_get_text_by_NID((X509_NAME *)name, nid, out, (int)outlen);

	return len > 0 && (size_t)len < outlen;
}

/* §8.2.1: version 3, subject C, O, OU "Authenticator Attestation", CN, not a CA, the
 * AAGUID extension (when present) not critical and equal to aaguid, in its validity. */
static bool
attestation_cert_ok(X509 *x, const unsigned char *aaguid)
{
	const X509_NAME *sub = X509_get_subject_name(x);
	char buf[128];
	ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
	bool ok = false;
	int idx;

	if (oid == NULL || X509_get_version(x) != 2 || sub == NULL)
		goto done;
	if (!name_entry(sub, NID_countryName, buf, sizeof(buf)) || strlen(buf) != 2 ||
	    !name_entry(sub, NID_organizationName, buf, sizeof(buf)) ||
	    !name_entry(sub, NID_organizationalUnitName, buf, sizeof(buf)) ||
	    strcmp(buf, "Authenticator Attestation") != 0 ||
	    !name_entry(sub, NID_commonName, buf, sizeof(buf)))
		goto done;
	if (X509_check_ca(x) != 0)
		goto done;
	if (X509_cmp_current_time(X509_get0_notBefore(x)) >= 0 ||
	    X509_cmp_current_time(X509_get0_notAfter(x)) <= 0)
		goto done;
	idx = X509_get_ext_by_OBJ(x, oid, -1);
	if (idx >= 0) {
		X509_EXTENSION *ext = X509_get_ext(x, idx);
		const ASN1_OCTET_STRING *d = X509_EXTENSION_get_data(ext);
		const unsigned char *v = ASN1_STRING_get0_data(d);

		if (X509_EXTENSION_get_critical(ext) || ASN1_STRING_length(d) != 18 ||
		    v[0] != 0x04 || v[1] != 16 || memcmp(v + 2, aaguid, 16) != 0)
			goto done;
		if (X509_get_ext_by_OBJ(x, oid, idx) >= 0)
			goto done;
	}
	ok = true;
done:
	ASN1_OBJECT_free(oid);
	return ok;
}

/* A DER certificate that is exactly the bytes of it, or NULL. */
static X509 *
cert_of(cbor_item_t *it)
{
	const unsigned char *p, *start;
	size_t n = 0;
	X509 *x;

	if ((start = bytes_of(it, &n)) == NULL || n == 0 || n > WA_ATTESTATION_MAX)
		return NULL;
	p = start;
	x = d2i_X509(NULL, &p, (long)n);
	if (x != NULL && (size_t)(p - start) != n) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static enum wa_status
packed_check(cbor_item_t *stmt, const unsigned char *ad, size_t adlen,
    const unsigned char cdh[32], EVP_PKEY *cred, int cred_alg, const unsigned char *aaguid)
{
	cbor_item_t *alg_i = map_text(stmt, "alg"), *x5c = map_text(stmt, "x5c");
	X509 *chain[X5C_MAX] = { NULL };
	const unsigned char *sig;
	size_t siglen = 0, n = 0, keys = 2;
	enum wa_status st = WA_BAD_ATTESTATION;
	int64_t alg;

	sig = bytes_of(map_text(stmt, "sig"), &siglen);
	if (x5c != NULL)
		keys++;
	if (alg_i == NULL || sig == NULL || cbor_int(alg_i, &alg) != 0 || siglen == 0 ||
	    siglen > WA_SIG_MAX || cbor_map_size(stmt) != keys)
		return WA_BAD_ATTESTATION;   /* also ecdaaKeyId: not supported */
	if (x5c == NULL) {
		/* Self attestation: the credential's own key and algorithm. */
		if (alg != cred_alg)
			return WA_BAD_ATTESTATION;
		return sig_ok(cred, cred_alg, ad, adlen, cdh, 32, sig, siglen) ? WA_OK :
		    WA_BAD_ATTESTATION;
	}
	if (alg != WA_ALG_ES256 && alg != WA_ALG_RS256)
		return WA_UNSUPPORTED_ALG;
	if (!cbor_isa_array(x5c) || !cbor_array_is_definite(x5c))
		return WA_BAD_ATTESTATION;
	n = cbor_array_size(x5c);
	if (n == 0 || n > X5C_MAX)
		return WA_BAD_ATTESTATION;
	for (size_t i = 0; i < n; i++)
		if ((chain[i] = cert_of(cbor_array_handle(x5c)[i])) == NULL)
			goto done;
	if (!sig_ok(X509_get0_pubkey(chain[0]), (int)alg, ad, adlen, cdh, 32, sig, siglen) ||
	    !attestation_cert_ok(chain[0], aaguid))
		goto done;
	/* No trust anchors are configured (no metadata service): the chain must at least hold
	 * together, each certificate signed by the next. */
	for (size_t i = 0; i + 1 < n; i++)
		if (X509_verify(chain[i], X509_get0_pubkey(chain[i + 1])) != 1)
			goto done;
	st = WA_OK;
done:
	for (size_t i = 0; i < X5C_MAX; i++)
		X509_free(chain[i]);
	return st;
}

/* ---- the ceremonies ---- */

enum wa_status
wa_verify_registration(const struct wa_expect *e, const unsigned char *client_data,
    size_t client_data_len, const unsigned char *attestation, size_t attestation_len,
    struct wa_credential *out)
{
	unsigned char cdh[32];
	cbor_item_t *obj = NULL, *fmt, *stmt, *ad_i, *key = NULL;
	const unsigned char *ad;
	struct auth_data a;
	EVP_PKEY *pk = NULL;
	size_t adlen = 0;
	enum wa_status st;
	int alg = 0;

	memset(out, 0, sizeof(*out));
	if (attestation_len > WA_ATTESTATION_MAX)
		return WA_TOO_LARGE;
	st = client_data_check(e, "webauthn.create", client_data, client_data_len, cdh);
	if (st != WA_OK)
		return st;
	if (attestation == NULL || (obj = cbor_parse_all(attestation, attestation_len)) == NULL ||
	    !cbor_isa_map(obj)) {
		st = WA_MALFORMED;
		goto done;
	}
	fmt = map_text(obj, "fmt");
	stmt = map_text(obj, "attStmt");
	ad_i = map_text(obj, "authData");
	ad = bytes_of(ad_i, &adlen);
	st = WA_MALFORMED;
	if (fmt == NULL || !cbor_isa_string(fmt) || !cbor_string_is_definite(fmt) ||
	    stmt == NULL || !cbor_isa_map(stmt) || ad == NULL || cbor_map_size(obj) != 3)
		goto done;
	if ((st = auth_data_parse(ad, adlen, &a)) != WA_OK)
		goto done;
	if (a.cose == NULL) {
		st = WA_MALFORMED;
		goto done;
	}
	if ((st = auth_data_check(e, &a)) != WA_OK)
		goto done;
	if ((key = cbor_parse_all(a.cose, a.cose_len)) == NULL) {
		st = WA_MALFORMED;
		goto done;
	}
	if ((st = cose_key(key, &pk, &alg)) != WA_OK)
		goto done;
	if (cbor_string_length(fmt) == 4 && memcmp(cbor_string_handle(fmt), "none", 4) == 0) {
		st = cbor_map_size(stmt) == 0 ? WA_OK : WA_BAD_ATTESTATION;
		memcpy(out->fmt, "none", 5);
	} else if (cbor_string_length(fmt) == 6 &&
	    memcmp(cbor_string_handle(fmt), "packed", 6) == 0) {
		st = packed_check(stmt, ad, adlen, cdh, pk, alg, a.aaguid);
		memcpy(out->fmt, "packed", 7);
	} else {
		st = WA_BAD_ATTESTATION;
	}
	if (st != WA_OK)
		goto done;
	memcpy(out->id, a.cred_id, a.cred_id_len);
	out->id_len = a.cred_id_len;
	memcpy(out->cose, a.cose, a.cose_len);
	out->cose_len = a.cose_len;
	out->alg = alg;
	out->sign_count = a.count;
	memcpy(out->aaguid, a.aaguid, 16);
	out->backup_eligible = (a.flags & FLAG_BE) != 0;
done:
	EVP_PKEY_free(pk);
	if (key != NULL)
		cbor_decref(&key);
	if (obj != NULL)
		cbor_decref(&obj);
	if (st != WA_OK)
		memset(out, 0, sizeof(*out));
	return st;
}

enum wa_status
wa_verify_assertion(const struct wa_expect *e, const unsigned char *cose, size_t cose_len,
    int alg, uint32_t stored_count, const unsigned char *client_data, size_t client_data_len,
    const unsigned char *auth_data, size_t auth_data_len, const unsigned char *sig,
    size_t sig_len, uint32_t *new_count)
{
	unsigned char cdh[32];
	cbor_item_t *key = NULL;
	struct auth_data a;
	EVP_PKEY *pk = NULL;
	enum wa_status st;
	int key_alg = 0;

	if (auth_data_len > WA_AUTH_DATA_MAX || sig_len > WA_SIG_MAX || cose_len > WA_COSE_MAX)
		return WA_TOO_LARGE;
	st = client_data_check(e, "webauthn.get", client_data, client_data_len, cdh);
	if (st != WA_OK)
		return st;
	if ((st = auth_data_parse(auth_data, auth_data_len, &a)) != WA_OK)
		return st;
	if (a.cose != NULL)
		return WA_MALFORMED;   /* no attested credential data in an assertion */
	if ((st = auth_data_check(e, &a)) != WA_OK)
		return st;
	if (cose == NULL || (key = cbor_parse_all(cose, cose_len)) == NULL)
		return WA_MALFORMED;
	st = cose_key(key, &pk, &key_alg);
	cbor_decref(&key);
	if (st != WA_OK)
		return st;
	if (key_alg != alg) {
		st = WA_UNSUPPORTED_ALG;
		goto done;
	}
	if (sig == NULL || sig_len == 0 ||
	    !sig_ok(pk, alg, auth_data, auth_data_len, cdh, 32, sig, sig_len)) {
		st = WA_BAD_SIGNATURE;
		goto done;
	}
	/* §7.2 step 21: a counter that does not grow may be a cloned authenticator; both at
	 * zero is an authenticator without a counter (most synced passkeys). */
	if ((a.count != 0 || stored_count != 0) && a.count <= stored_count) {
		st = WA_COUNTER;
		goto done;
	}
	*new_count = a.count;
	st = WA_OK;
done:
	EVP_PKEY_free(pk);
	return st;
}

/* ---- the server's RP id and origins ---- */

int
wa_rp_of(const char *public_url, int tls_port, char *rp_id, size_t rp_len,
    char origins[2][300])
{
	const char *p;
	bool https;
	size_t hl;
	long port = 0;
	int n;

	if (strncmp(public_url, "https://", 8) == 0) {
		https = true;
		p = public_url + 8;
	} else if (strncmp(public_url, "http://", 7) == 0) {
		https = false;
		p = public_url + 7;
	} else {
		return -1;
	}
	hl = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
	if (hl == 0 || hl >= rp_len || (p[hl] != '\0' && p[hl] != ':' && p[hl] != '/'))
		return -1;
	for (size_t i = 0; i < hl; i++)
		rp_id[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
	rp_id[hl] = '\0';
	/* Browsers refuse an IP address as RP id: a server on the loopback address (the
	 * default listener, the demo) is the same place as "localhost", which they accept. */
	if (strncmp(rp_id, "127.", 4) == 0 && strspn(rp_id, "0123456789.") == hl) {
		if (rp_len < sizeof("localhost"))
			return -1;
		memcpy(rp_id, "localhost", sizeof("localhost"));
	}
	if (p[hl] == ':') {
		const char *q = p + hl + 1;

		for (; *q >= '0' && *q <= '9' && port <= 65535; q++)
			port = port * 10 + (*q - '0');
		if (q == p + hl + 1 || port == 0 || port > 65535 || (*q != '\0' && *q != '/'))
			return -1;
	}
	/* Browsers leave the scheme's default port out of an origin. */
	if (port == 0 || port == (https ? 443 : 80))
		n = snprintf(origins[0], 300, "%s://%s", https ? "https" : "http", rp_id);
	else
		n = snprintf(origins[0], 300, "%s://%s:%ld", https ? "https" : "http", rp_id, port);
	if (n < 0 || n >= 300)
		return -1;
	origins[1][0] = '\0';
	if (tls_port > 0) {
		if (tls_port == 443)
			n = snprintf(origins[1], 300, "https://%s", rp_id);
		else
			n = snprintf(origins[1], 300, "https://%s:%d", rp_id, tls_port);
		if (n < 0 || n >= 300)
			return -1;
	}
	return 0;
}
