/* checkpoint.h — signed checkpoints of the audit chain's head (docs/audit.md): an Ed25519
 * key kept outside the database signs (event, hash, time); verify checks the chain against them. */
#ifndef PORTIER_AUDIT_CHECKPOINT_H
#define PORTIER_AUDIT_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sodium.h>

#include "store/store.h"

#define AUDIT_CP_HASH_HEX 65   /* a chain hash: 64 hex digits and the NUL */
#define AUDIT_CP_LINE_MAX 256  /* one line of a checkpoint file, newline and NUL included */

/* The checkpoint key: the signing half only when read from the secret file. */
struct audit_cp_key {
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	bool secret;
};

/* One checkpoint: the chain's head at event seq had hash, signed at made_at (unix s). */
struct audit_cp {
	int64_t seq;
	char hash[AUDIT_CP_HASH_HEX];
	int64_t made_at;
	unsigned char sig[crypto_sign_BYTES];
};

/* Makes a new key in path (created, never overwritten, mode 0600) and, when pub_path is not
 * NULL, its public half in pub_path (0644). 0, or -1 with a reason in err. */
int audit_cp_keygen(const char *path, const char *pub_path, struct audit_cp_key *out,
    char *err, size_t errlen);
/* Reads a secret key file (refused when group or others may read it) or a public key file
 * (then k->secret is false). 0, or -1 with a reason in err. */
int audit_cp_key_load(const char *path, struct audit_cp_key *k, char *err, size_t errlen);
/* The public key as a file's text ("portier-audit-pub-v1 HEX\n"), into out (>= 96 bytes). */
void audit_cp_pub_text(const struct audit_cp_key *k, char *out, size_t outlen);

/* Signs cp (seq, hash, made_at) with k (which must hold the secret). 0 or -1. */
int audit_cp_sign(const struct audit_cp_key *k, struct audit_cp *cp);
/* True when cp's signature is k's over its fields. */
bool audit_cp_valid(const struct audit_cp_key *k, const struct audit_cp *cp);
/* One line of a checkpoint file: "cp1 SEQ HASH MADE_AT SIGNATURE\n". */
void audit_cp_line(const struct audit_cp *cp, char out[AUDIT_CP_LINE_MAX]);
/* Parses one such line (with or without its newline). 0, or -1 when malformed. */
int audit_cp_parse(const char *line, struct audit_cp *cp);

/* A list of checkpoints. */
struct audit_cp_list {
	struct audit_cp *v;
	size_t n, cap;
};
void audit_cp_list_free(struct audit_cp_list *l);
/* Appends the checkpoints of a file; a malformed line is -1 with "path:line: reason" in err. */
int audit_cp_read_file(const char *path, struct audit_cp_list *l, char *err, size_t errlen);
/* Appends the checkpoints stored in the database. 0; 1 when the database has no checkpoint
 * table (a schema before 019); -1 on a database error. */
int audit_cp_read_db(struct store *s, struct audit_cp_list *l);

/* When a checkpoint is due and where it goes. */
struct audit_cp_config {
	const struct audit_cp_key *key;
	const char *file;      /* the append-only checkpoint file, or NULL: the database only */
	int64_t every;         /* events since the last checkpoint that make one due */
	int64_t seconds;       /* seconds since the last checkpoint that make one due (if any event) */
};
/* Makes a checkpoint of the chain's head now when one is due (force: whenever the head is
 * past the last checkpoint), in the database (one per position, under the write lock) then
 * appended to the file (O_APPEND, fsync). Returns 1 made (*made filled when not NULL), 0 not
 * due, -1 error (a reason in err). */
int audit_checkpoint(struct store *s, const struct audit_cp_config *c, int64_t now, bool force,
    struct audit_cp *made, char *err, size_t errlen);

/* The serving node's timer: a thread checking every second whether a checkpoint is due. */
struct audit_cp_runner;
/* Starts it; c (and what it points to) must outlive the runner. 0, or -1. */
int audit_cp_start(struct store *s, const struct audit_cp_config *c,
    struct audit_cp_runner **out);
/* Makes a last checkpoint when the head moved, stops the thread, frees; NULL accepted. */
void audit_cp_stop(struct audit_cp_runner *r);

#endif
