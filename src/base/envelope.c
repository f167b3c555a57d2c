/* envelope.c — the key-encryption key (file or systemd credential) and the envelopes that
 * keep signing keys, TOTP secrets and the pairwise secret encrypted in the database. */
#include "base/envelope.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SECRET_MAX 8192   /* an RSA-2048 private key in DER is about 1.2 kB */

static struct kek installed;
static bool have_installed;

static void
kek_name(struct kek *k)
{
	crypto_generichash(k->id, sizeof(k->id), k->key, sizeof(k->key),
	    (const unsigned char *)"portier-kek-id", 14);
}

int
kek_load(const char *path, struct kek *out, char *err, size_t errlen)
{
	unsigned char buf[130];
	struct stat st;
	size_t n = 0, bin = 0;
	ssize_t r;
	int fd, rc = -1;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "key-encryption key %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "key-encryption key %s: not a regular file", path);
		goto done;
	}
	if ((st.st_mode & 0077) != 0) {
		snprintf(err, errlen, "key-encryption key %s: readable by others (chmod 600)", path);
		goto done;
	}
	while (n < sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)r;
	/* Exactly 32 bytes: raw (its last byte may be a newline's code); else hex, a final
	 * newline allowed. */
	if (n == KEK_BYTES) {
		memcpy(out->key, buf, KEK_BYTES);
		rc = 0;
	}
	while (rc != 0 && n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (rc == 0) {
		/* raw, read above */
	} else if (n == 2 * KEK_BYTES && sodium_hex2bin(out->key, KEK_BYTES, (const char *)buf,
	    n, NULL, &bin, NULL) == 0 && bin == KEK_BYTES) {
		rc = 0;
	} else {
		snprintf(err, errlen, "key-encryption key %s: not 32 bytes (64 hex digits); make "
		    "one with `portier keys kek-new --to FILE`", path);
	}
	if (rc == 0)
		kek_name(out);
done:
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	if (rc != 0)
		sodium_memzero(out, sizeof(*out));
	return rc;
}

int
kek_find(const char *path, struct kek *out, bool *found, char *err, size_t errlen)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");
	char cred[1100];

	*found = false;
	if (path != NULL && path[0] != '\0') {
		*found = true;
		return kek_load(path, out, err, errlen);
	}
	if (dir == NULL || dir[0] == '\0')
		return 0;
	if ((size_t)snprintf(cred, sizeof(cred), "%s/%s", dir, ENVELOPE_CREDENTIAL) >=
	    sizeof(cred)) {
		snprintf(err, errlen, "CREDENTIALS_DIRECTORY too long");
		return -1;
	}
	if (access(cred, F_OK) != 0)
		return 0;
	*found = true;
	return kek_load(cred, out, err, errlen);
}

int
kek_new_file(const char *path, char *err, size_t errlen)
{
	unsigned char key[KEK_BYTES];
	char hex[2 * KEK_BYTES + 2];
	int fd, rc = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	hex[2 * KEK_BYTES] = '\n';
	if (write(fd, hex, 2 * KEK_BYTES + 1) != 2 * KEK_BYTES + 1 || fsync(fd) != 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else
		rc = 0;
	if (close(fd) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(path);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

void
kek_id_hex(const struct kek *k, char out[2 * KEK_ID_BYTES + 1])
{
	sodium_bin2hex(out, 2 * KEK_ID_BYTES + 1, k->id, KEK_ID_BYTES);
}

void
kek_install(const struct kek *k)
{
	if (k == NULL) {
		sodium_memzero(&installed, sizeof(installed));
		have_installed = false;
		return;
	}
	installed = *k;
	have_installed = true;
}

const struct kek *
kek_current(void)
{
	return have_installed ? &installed : NULL;
}

bool
envelope_is(const void *stored, size_t n)
{
	return stored != NULL && n >= ENVELOPE_OVERHEAD && memcmp(stored, ENVELOPE_MAGIC, 4) == 0;
}

int
envelope_seal(const struct kek *k, const char *ad, const void *pt, size_t n,
    unsigned char *out)
{
	unsigned char *nonce = out + 4 + KEK_ID_BYTES;

	if (n > SECRET_MAX)
		return -1;
	memcpy(out, ENVELOPE_MAGIC, 4);
	memcpy(out + 4, k->id, KEK_ID_BYTES);
	randombytes_buf(nonce, NONCE);
	/* The associated data ties the ciphertext to its table, column and row. */
	return crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + NONCE, NULL, pt, n,
	    (const unsigned char *)ad, strlen(ad), NULL, nonce, k->key) == 0 ? 0 : -1;
}

int
envelope_open(const struct kek *k, const char *ad, const void *env, size_t n,
    unsigned char *out, size_t outmax, size_t *outlen)
{
	const unsigned char *e = env;
	unsigned long long len = 0;

	*outlen = 0;
	if (!envelope_is(env, n) || n - ENVELOPE_OVERHEAD > outmax)
		return -1;
	if (sodium_memcmp(e + 4, k->id, KEK_ID_BYTES) != 0)
		return 1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &len, NULL,
	    e + 4 + KEK_ID_BYTES + NONCE, n - 4 - KEK_ID_BYTES - NONCE,
	    (const unsigned char *)ad, strlen(ad), e + 4 + KEK_ID_BYTES, k->key) != 0) {
		sodium_memzero(out, outmax);
		return 1;
	}
	*outlen = (size_t)len;
	return 0;
}

int
secret_encode(const char *ad, const void *pt, size_t n, unsigned char **out, size_t *outn)
{
	const struct kek *k = kek_current();

	if (n > SECRET_MAX)
		return -1;
	*out = malloc(n + ENVELOPE_OVERHEAD);
	if (*out == NULL)
		return -1;
	if (k == NULL) {
		if (n > 0)
			memcpy(*out, pt, n);
		*outn = n;
		return 0;
	}
	if (envelope_seal(k, ad, pt, n, *out) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*outn = n + ENVELOPE_OVERHEAD;
	return 0;
}

int
secret_decode(const char *ad, const void *stored, size_t n, unsigned char *out,
    size_t outmax, size_t *outlen)
{
	const struct kek *k = kek_current();

	if (envelope_is(stored, n)) {
		if (k == NULL) {
			log_err(NULL, "keys at rest: %s is encrypted and no key-encryption key is "
			    "configured", ad);
			return -1;
		}
		if (envelope_open(k, ad, stored, n, out, outmax, outlen) != 0) {
			log_err(NULL, "keys at rest: %s does not open with the key-encryption key",
			    ad);
			return -1;
		}
		return 0;
	}
	if (k != NULL) {
		log_err(NULL, "keys at rest: %s is stored in clear though a key-encryption key "
		    "is configured: refused", ad);
		return -1;
	}
	if (n > outmax)
		return -1;
	if (n > 0)
		memcpy(out, stored, n);
	*outlen = n;
	return 0;
}

int
secret_rewrap(const struct kek *old, const struct kek *new_k, const char *ad,
    const void *stored, size_t n, unsigned char **out, size_t *outn)
{
	unsigned char *pt = NULL;
	size_t len = n;
	int rc = -1;

	*out = NULL;
	*outn = 0;
	if (envelope_is(stored, n)) {
		if (old == NULL)
			return 1;
		pt = malloc(n);
		if (pt == NULL)
			return -1;
		rc = envelope_open(old, ad, stored, n, pt, n, &len);
		if (rc != 0)
			goto done;
		rc = -1;
		/* Already sealed under the key it should be: left as it is. */
		if (new_k != NULL && sodium_memcmp(old->id, new_k->id, KEK_ID_BYTES) == 0) {
			rc = 0;
			goto done;
		}
	} else {
		if (new_k == NULL)
			return 0;
		pt = malloc(n > 0 ? n : 1);
		if (pt == NULL)
			return -1;
		if (n > 0)
			memcpy(pt, stored, n);
	}
	*out = malloc(len + ENVELOPE_OVERHEAD);
	if (*out == NULL)
		goto done;
	if (new_k == NULL) {
		memcpy(*out, pt, len);
		*outn = len;
	} else if (envelope_seal(new_k, ad, pt, len, *out) == 0) {
		*outn = len + ENVELOPE_OVERHEAD;
	} else {
		free(*out);
		*out = NULL;
		goto done;
	}
	rc = 0;
done:
	if (pt != NULL) {
		sodium_memzero(pt, n);
		free(pt);
	}
	return rc;
}
