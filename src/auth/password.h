/* password.h — Argon2id password hashes (libargon2, in the form libsodium reads), and the
 * password policy.
 * Hashing is slow on purpose (~15-50 ms): callers run it on the web layer's workers. */
#ifndef PORTIER_AUTH_PASSWORD_H
#define PORTIER_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/* Argon2id cost: operations and memory (KiB). Set once at start from the configuration. */
void password_set_cost(unsigned long long ops, size_t mem_kib);

/* Hashes pw into out (crypto_pwhash_STRBYTES). Returns 0, or -1 (out of memory). */
int password_hash(const char *pw, char *out, size_t outlen);
/* True when pw matches the encoded hash (constant time in the password). */
bool password_verify(const char *encoded, const char *pw);
/* True when encoded was made with other costs than the current ones (rehash at login). */
bool password_needs_rehash(const char *encoded);
/* Spends the time of one verification without a real hash: unknown accounts take as
 * long as known ones. */
void password_burn(const char *pw);

/* Why a new password is refused; password_policy_msgid() gives the French msgid. */
enum password_problem {
	PASSWORD_OK = 0,
	PASSWORD_TOO_SHORT,     /* fewer than 12 characters */
	PASSWORD_TOO_LONG,      /* more than 128 characters */
	PASSWORD_COMMON,        /* on the bundled list of common passwords */
	PASSWORD_LIKE_USERNAME, /* contains the user name */
};

/* Loads the list of common passwords (one a line) used by password_check. Returns 0 or -1. */
int password_load_common(const char *path);
/* Checks a new password against the policy. */
enum password_problem password_check(const char *pw, const char *username);
const char *password_problem_msgid(enum password_problem p);

#endif
