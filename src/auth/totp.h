/* totp.h — codes from a mobile app (TOTP, RFC 6238 through liboath): HMAC-SHA1, 6 digits,
 * 30-second steps, ±1 step of clock drift; a code once accepted is refused (the last
 * accepted time step is kept per person). Enrolment shows a key, confirmed by a code. */
#ifndef PORTIER_AUTH_TOTP_H
#define PORTIER_AUTH_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/login.h"
#include "policy/actor.h"
#include "store/store.h"

#define TOTP_KEY_BYTES 20       /* RFC 4226 recommends 160 bits */
#define TOTP_STEP 30            /* seconds */
#define TOTP_DIGITS 6
#define TOTP_BASE32_MAX 48      /* 32 letters, or 8 groups of 4 with spaces, and NUL */
#define TOTP_URI_MAX 512
#define TOTP_PENDING_SECONDS 900 /* a key shown for enrolment stays the same this long */

/* ---- pure code ---- */

/* Fills key with random bytes (libsodium). */
void totp_key_new(unsigned char key[TOTP_KEY_BYTES]);
/* Writes the RFC 4648 base32 of key (no padding) into out; grouped: "ABCD EFGH …" for
 * people who type it. Returns 0, or -1 when out is too small. */
int totp_base32(const unsigned char *key, size_t n, bool grouped, char *out, size_t outlen);
/* Writes "otpauth://totp/portier:ACCOUNT?secret=…&issuer=portier&…" into out (account
 * percent-encoded). Returns 0, or -1 when out is too small. */
int totp_uri(const unsigned char key[TOTP_KEY_BYTES], const char *account, char *out,
    size_t outlen);
/* Checks code (6 or 8 digits) against key at unix time now within ±1 step. Returns 0 and
 * the matching time step in *step, 1 when it does not match, -1 for malformed input. */
int totp_match(const unsigned char *key, size_t n, int64_t now, const char *code,
    int64_t *step);
/* Writes the code of key at unix time now with digits digits (6 or 8) into out (9 bytes):
 * for tests and the demo. Returns 0 or -1. */
int totp_code(const unsigned char *key, size_t n, int64_t now, unsigned digits, char out[9]);

/* ---- the service: one transaction per operation, each with its audit event ---- */

enum totp_result {
	TOTP_OK,
	TOTP_WRONG,      /* not the code of this step or its neighbours */
	TOTP_REPLAYED,   /* the code of a step already used */
	TOTP_NONE,       /* no app enrolled (login) or no key waiting (enrolment) */
	TOTP_ERROR,      /* store error */
};

struct totp_status {
	bool active;
	int64_t enrolled_at;   /* unix seconds, when active */
};

/* Reads whether person has an app. Returns 0 or -1. */
int totp_status(struct store *s, int64_t person, struct totp_status *out);
/* The key to show on the enrolment page: the one waiting if younger than
 * TOTP_PENDING_SECONDS, else a new one (stored as waiting). Returns 0 or -1; the caller
 * wipes key after use. */
int totp_enrol_begin(struct store *s, const struct actor *by, int64_t now,
    unsigned char key[TOTP_KEY_BYTES]);
/* Confirms the waiting key with a first code: it replaces the app enrolled before. */
enum totp_result totp_enrol_confirm(struct store *s, const struct actor *by, const char *code,
    int64_t now);
/* Removes person's app. Returns 0, 1 when there was none, -1 on error. */
int totp_remove(struct store *s, const struct actor *by);
/* Inside tx (STORE_WRITE): checks code for person and marks its time step used. */
enum totp_result totp_check_tx(struct store_tx *tx, int64_t person, const char *code,
    int64_t now);

/* The door "Avec un code unique, généré par une application mobile": user name +
 * password + code, throttled and audited like the password door (door "totp"). Slow
 * (one Argon2id): run it on a worker. On LOGIN_OK, a->person_id is set. */
/* Keys at rest: inside tx (STORE_WRITE), re-encodes every stored key from old to new
 * (base/envelope.h secret_rewrap; NULL: plaintext). *changed: rows written. 0; 1 when a key
 * does not open with old (nothing written by this call is kept: roll tx back); -1. */
struct kek;
int totp_keys_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed);

enum login_result totp_login(struct store *s, struct login_attempt *a, const char *code);

#endif
