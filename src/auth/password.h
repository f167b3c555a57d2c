/* password.h — Argon2id password hashes (libargon2, in the form libsodium reads), and the
 * password policy.
 * Hashing is slow on purpose (~15-50 ms): callers run it on the web layer's workers. */
#ifndef PORTIER_AUTH_PASSWORD_H
#define PORTIER_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/* One application's password settings: the Argon2id costs of new hashes and the list of
 * common passwords refused. Made by cmd/ from the configuration (password_ops,
 * password_mem_kib, share_dir/data/common-passwords.txt), reached through struct app and
 * handed to the services that hash; read-only once the server runs. */
struct password_cfg {
	unsigned long long ops;   /* Argon2id passes */
	size_t mem;               /* Argon2id memory, bytes */
	char **common;            /* lower case, sorted; NULL: no list */
	size_t ncommon;
};

/* Costs ops and mem_kib (KiB); one below libsodium's minimum keeps its default (2 passes,
 * 19 MiB). No list of common passwords yet. */
void password_cfg_init(struct password_cfg *cfg, unsigned long long ops, size_t mem_kib);
/* Loads the list of common passwords (one a line) used by password_check, replacing any
 * list cfg had. Returns 0 or -1. */
int password_cfg_load_common(struct password_cfg *cfg, const char *path);
/* Frees the list (the costs stay). */
void password_cfg_free(struct password_cfg *cfg);

/* Hashes pw with cfg's costs into out (crypto_pwhash_STRBYTES). Returns 0, or -1 (out of
 * memory). */
int password_hash(const struct password_cfg *cfg, const char *pw, char *out, size_t outlen);
/* True when pw matches the encoded hash (constant time in the password): the costs are
 * the hash's own. */
bool password_verify(const char *encoded, const char *pw);
/* True when encoded was made with other costs than cfg's (rehash at login). */
bool password_needs_rehash(const struct password_cfg *cfg, const char *encoded);
/* Spends the time of one verification (cfg's costs) without a real hash: unknown
 * accounts take as long as known ones. */
void password_burn(const struct password_cfg *cfg, const char *pw);

/* Why a new password is refused; password_policy_msgid() gives the French msgid. */
enum password_problem {
	PASSWORD_OK = 0,
	PASSWORD_TOO_SHORT,     /* fewer than 12 characters */
	PASSWORD_TOO_LONG,      /* more than 128 characters */
	PASSWORD_COMMON,        /* on the bundled list of common passwords */
	PASSWORD_LIKE_USERNAME, /* contains the user name */
};

/* Checks a new password against the policy (cfg's list of common passwords). */
enum password_problem password_check(const struct password_cfg *cfg, const char *pw,
    const char *username);
const char *password_problem_msgid(enum password_problem p);

#endif
