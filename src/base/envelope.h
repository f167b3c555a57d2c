/* envelope.h — secrets at rest: a 32-byte key-encryption key (KEK) read from a file or a
 * systemd credential, and versioned XChaCha20-Poly1305 envelopes bound to their row. */
#ifndef PORTIER_BASE_ENVELOPE_H
#define PORTIER_BASE_ENVELOPE_H

#include <stdbool.h>
#include <stddef.h>

#define KEK_BYTES 32
#define KEK_ID_BYTES 8
/* "PKv1" | key id (8) | nonce (24) | ciphertext | tag (16) */
#define ENVELOPE_MAGIC "PKv1"
#define ENVELOPE_OVERHEAD (4 + KEK_ID_BYTES + 24 + 16)
#define ENVELOPE_CREDENTIAL "portier-kek"

struct kek {
	unsigned char key[KEK_BYTES];
	unsigned char id[KEK_ID_BYTES];   /* BLAKE2b of the key: names it, reveals nothing */
};

/* Reads a KEK file: 64 hex digits (a trailing newline allowed) or 32 raw bytes. Refuses a
 * file others can read. 0, or -1 with the reason in err. */
int kek_load(const char *path, struct kek *out, char *err, size_t errlen);
/* The KEK of this process: path when not empty, else $CREDENTIALS_DIRECTORY/portier-kek
 * when present (systemd LoadCredential). *found false: none configured. 0 or -1 (err). */
int kek_find(const char *path, struct kek *out, bool *found, char *err, size_t errlen);
/* Writes a new random KEK (hex) to path, created 0600, never over an existing file. */
int kek_new_file(const char *path, char *err, size_t errlen);
/* The key id in hex (17 bytes with NUL), for logs and audit. */
void kek_id_hex(const struct kek *k, char out[2 * KEK_ID_BYTES + 1]);

/* Process-wide on purpose: set once at start before any thread, read by the owners of the
 * secrets (signing keys, TOTP, pairwise secret). NULL: none configured. */
void kek_install(const struct kek *k);
const struct kek *kek_current(void);

/* Whether stored bytes are an envelope. */
bool envelope_is(const void *stored, size_t n);
/* Seals pt under k with associated data ad ("table.column:id"); out holds
 * n + ENVELOPE_OVERHEAD bytes. 0 or -1. */
int envelope_seal(const struct kek *k, const char *ad, const void *pt, size_t n,
    unsigned char *out);
/* Opens an envelope into out (outmax bytes). 0; 1 when sealed under another key, moved from
 * another row or altered; -1 malformed or too large. */
int envelope_open(const struct kek *k, const char *ad, const void *env, size_t n,
    unsigned char *out, size_t outmax, size_t *outlen);

/* What the owners of secrets use. secret_encode: sealed under the installed KEK, or the
 * plaintext copied when none is; *out malloc'ed. 0 or -1. */
int secret_encode(const char *ad, const void *pt, size_t n, unsigned char **out, size_t *outn);
/* secret_decode: an envelope opened with the installed KEK; a plaintext copied only when no
 * KEK is installed (with one, start has wrapped them all: a plaintext is refused). 0 or -1
 * (logged). */
int secret_decode(const char *ad, const void *stored, size_t n, unsigned char *out,
    size_t outmax, size_t *outlen);

/* Re-encodes one stored secret from old to new (either may be NULL: plaintext). *out is
 * malloc'ed, or NULL when the row stays as it is (already sealed under new). 0; 1 when old
 * does not open it (wrong key); -1 error. */
int secret_rewrap(const struct kek *old, const struct kek *new_k, const char *ad,
    const void *stored, size_t n, unsigned char **out, size_t *outn);

#endif
