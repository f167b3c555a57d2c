/* checkpoint.c — Ed25519-signed checkpoints of the audit chain's head: the key file, the
 * signed message, the checkpoint file (append-only) and table, and the serving node's timer. */
#include "audit/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/sql.h"
#include "base/log.h"

#define SECRET_TAG "portier-audit-key-v1 "
#define PUBLIC_TAG "portier-audit-pub-v1 "
/* Domain separation: a signature over this message is never valid for anything else. */
#define MESSAGE_TAG "portier audit checkpoint v1"
#define SCHEMA_CHECKPOINTS 19   /* migration that made audit_checkpoint */

/* Reads a small text file whole (at most outlen - 1 bytes). 0, or -1 with errno's reason. */
static int
read_small(const char *path, char *out, size_t outlen, struct stat *st, char *err,
    size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0 || fstat(fd, st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = read(fd, out, outlen - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	out[n] = '\0';
	return 0;
}

/* 32 bytes from exactly 64 hex digits followed by an optional newline. 0 or -1. */
static int
hex32(const char *hex, unsigned char out[32])
{
	size_t len = strlen(hex), bin = 0;

	if (len == 65 && hex[64] == '\n')
		len = 64;
	if (len != 64 || sodium_hex2bin(out, 32, hex, 64, NULL, &bin, NULL) != 0 || bin != 32)
		return -1;
	return 0;
}

/* Writes text to a new file (never an existing one) with mode. 0 or -1 (reason in err). */
static int
write_new(const char *path, const char *text, mode_t mode, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	size_t len = strlen(text);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) != 0 || write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd) == 0 ? 0 : -1;
}

void
audit_cp_pub_text(const struct audit_cp_key *k, char *out, size_t outlen)
{
	char hex[crypto_sign_PUBLICKEYBYTES * 2 + 1];

	sodium_bin2hex(hex, sizeof(hex), k->pk, sizeof(k->pk));
	snprintf(out, outlen, PUBLIC_TAG "%s\n", hex);
}

int
audit_cp_keygen(const char *path, const char *pub_path, struct audit_cp_key *out, char *err,
    size_t errlen)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	char hex[crypto_sign_SEEDBYTES * 2 + 1], text[128], pub[128];
	int rc = -1;

	randombytes_buf(seed, sizeof(seed));
	if (crypto_sign_seed_keypair(out->pk, out->sk, seed) != 0) {
		snprintf(err, errlen, "cannot make a key pair");
		goto done;
	}
	out->secret = true;
	sodium_bin2hex(hex, sizeof(hex), seed, sizeof(seed));
	snprintf(text, sizeof(text), SECRET_TAG "%s\n", hex);
	if (write_new(path, text, 0600, err, errlen) != 0)
		goto done;
	audit_cp_pub_text(out, pub, sizeof(pub));
	if (pub_path != NULL && write_new(pub_path, pub, 0644, err, errlen) != 0) {
		unlink(path);
		goto done;
	}
	rc = 0;
done:
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(text, sizeof(text));
	return rc;
}

int
audit_cp_key_load(const char *path, struct audit_cp_key *k, char *err, size_t errlen)
{
	char text[160];
	unsigned char seed[crypto_sign_SEEDBYTES];
	struct stat st;
	int rc = -1;

	memset(k, 0, sizeof(*k));
	if (read_small(path, text, sizeof(text), &st, err, errlen) != 0)
		return -1;
	if (strncmp(text, PUBLIC_TAG, strlen(PUBLIC_TAG)) == 0) {
		if (hex32(text + strlen(PUBLIC_TAG), k->pk) != 0)
			goto bad;
		rc = 0;
		goto done;
	}
	if (strncmp(text, SECRET_TAG, strlen(SECRET_TAG)) != 0)
		goto bad;
	/* A key others can read signs nothing: whoever read it could forge checkpoints. */
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: the checkpoint key may be read by others (mode %03o): "
		    "chmod 600 it", path, (unsigned)(st.st_mode & 0777));
		goto done;
	}
	if (hex32(text + strlen(SECRET_TAG), seed) != 0 ||
	    crypto_sign_seed_keypair(k->pk, k->sk, seed) != 0)
		goto bad;
	k->secret = true;
	rc = 0;
	goto done;
bad:
	snprintf(err, errlen, "%s: not a portier audit checkpoint key (made by `portier audit "
	    "keygen`)", path);
done:
	sodium_memzero(text, sizeof(text));
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* The signed message: a tag, then the fields on lines of their own. */
static size_t
message(const struct audit_cp *cp, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, MESSAGE_TAG "\n%" PRId64 "\n%s\n%" PRId64 "\n", cp->seq,
	    cp->hash, cp->made_at);

	return n > 0 && (size_t)n < outlen ? (size_t)n : 0;
}

int
audit_cp_sign(const struct audit_cp_key *k, struct audit_cp *cp)
{
	char m[192];
	size_t len = message(cp, m, sizeof(m));

	if (!k->secret || len == 0)
		return -1;
	return crypto_sign_detached(cp->sig, NULL, (const unsigned char *)m, len, k->sk);
}

bool
audit_cp_valid(const struct audit_cp_key *k, const struct audit_cp *cp)
{
	char m[192];
	size_t len = message(cp, m, sizeof(m));

	return len > 0 && crypto_sign_verify_detached(cp->sig, (const unsigned char *)m, len,
	    k->pk) == 0;
}

void
audit_cp_line(const struct audit_cp *cp, char out[AUDIT_CP_LINE_MAX])
{
	char sig[crypto_sign_BYTES * 2 + 1];

	sodium_bin2hex(sig, sizeof(sig), cp->sig, sizeof(cp->sig));
	snprintf(out, AUDIT_CP_LINE_MAX, "cp1 %" PRId64 " %s %" PRId64 " %s\n", cp->seq, cp->hash,
	    cp->made_at, sig);
}

/* A decimal integer >= 0 of at most 18 digits, ending at a space or the end. */
static int
number(const char **p, int64_t *out)
{
	int64_t v = 0;
	int digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 18) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	if (digits == 0 || (**p != ' ' && **p != '\0'))
		return -1;
	*out = v;
	return 0;
}

/* Exactly n lowercase hex digits at *p, copied to out (n + 1 bytes). */
static int
hex_field(const char **p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = (*p)[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
	}
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	return 0;
}

int
audit_cp_parse(const char *line, struct audit_cp *cp)
{
	char sig[crypto_sign_BYTES * 2 + 1];
	const char *p = line;
	size_t bin = 0;

	memset(cp, 0, sizeof(*cp));
	if (strncmp(p, "cp1 ", 4) != 0)
		return -1;
	p += 4;
	if (number(&p, &cp->seq) != 0 || cp->seq < 1 || *p++ != ' ' ||
	    hex_field(&p, AUDIT_CP_HASH_HEX - 1, cp->hash) != 0 || *p++ != ' ' ||
	    number(&p, &cp->made_at) != 0 || *p++ != ' ' ||
	    hex_field(&p, sizeof(sig) - 1, sig) != 0)
		return -1;
	if (!(p[0] == '\0' || (p[0] == '\n' && p[1] == '\0')))
		return -1;
	if (sodium_hex2bin(cp->sig, sizeof(cp->sig), sig, sizeof(sig) - 1, NULL, &bin, NULL) != 0 ||
	    bin != sizeof(cp->sig))
		return -1;
	return 0;
}

void
audit_cp_list_free(struct audit_cp_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
list_add(struct audit_cp_list *l, const struct audit_cp *cp)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct audit_cp *v = reallocarray(l->v, cap, sizeof(*v));

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *cp;
	return 0;
}

int
audit_cp_read_file(const char *path, struct audit_cp_list *l, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char line[AUDIT_CP_LINE_MAX];
	int lineno = 0, rc = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		struct audit_cp cp;

		lineno++;
		if (audit_cp_parse(line, &cp) != 0) {
			snprintf(err, errlen, "%s:%d: not a checkpoint line", path, lineno);
			rc = -1;
		} else if (list_add(l, &cp) != 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -1;
	}
	fclose(f);
	return rc;
}

/* The checkpoint of the current row of SQL_AUDIT_CP_LAST / _ALL. 0, or -1 when malformed. */
static int
cp_of_row(struct store_q *q, struct audit_cp *cp)
{
	const char *hash = store_text(q, AUDIT_CP_HASH), *sig = store_text(q, AUDIT_CP_SIGNATURE);
	size_t bin = 0;

	memset(cp, 0, sizeof(*cp));
	cp->seq = store_int(q, AUDIT_CP_SEQ);
	cp->made_at = store_int(q, AUDIT_CP_MADE_AT);
	if (hash == NULL || strlen(hash) != AUDIT_CP_HASH_HEX - 1 || sig == NULL ||
	    sodium_hex2bin(cp->sig, sizeof(cp->sig), sig, strlen(sig), NULL, &bin, NULL) != 0 ||
	    bin != sizeof(cp->sig))
		return -1;
	memcpy(cp->hash, hash, AUDIT_CP_HASH_HEX);
	return 0;
}

int
audit_cp_read_db(struct store *s, struct audit_cp_list *l)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_schema_version(s) < SCHEMA_CHECKPOINTS)
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_AUDIT_CP_ALL, &q, "") != 0) {
		store_rollback(&tx);
		return -1;
	}
	while ((rc = store_next(q)) == 1) {
		struct audit_cp cp;

		/* A row whose signature is not even hex keeps a zero signature: refused later. */
		(void)cp_of_row(q, &cp);
		if (list_add(l, &cp) != 0) {
			rc = -1;
			break;
		}
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : 0;
}

/* The chain's head and the last checkpoint in tx (zeros when none). 0 or -1. */
static int
heads(struct store_tx *tx, int64_t *seq, char hash[AUDIT_CP_HASH_HEX], struct audit_cp *last)
{
	struct store_q *q;
	int rc;

	*seq = 0;
	hash[0] = '\0';
	memset(last, 0, sizeof(*last));
	if (store_query(tx, SQL_AUDIT_LAST, &q, "") != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		const char *h = store_text(q, AUDIT_LAST_HASH);

		*seq = store_int(q, AUDIT_LAST_SEQ);
		if (h == NULL || strlen(h) != AUDIT_CP_HASH_HEX - 1)
			rc = -1;
		else
			memcpy(hash, h, AUDIT_CP_HASH_HEX);
	}
	store_done(q);
	if (rc < 0 || store_query(tx, SQL_AUDIT_CP_LAST, &q, "") != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		(void)cp_of_row(q, last);
	store_done(q);
	return rc < 0 ? -1 : 0;
}

static bool
due(const struct audit_cp_config *c, int64_t seq, const struct audit_cp *last, int64_t now,
    bool force)
{
	if (seq <= last->seq)
		return false;
	return force || seq - last->seq >= c->every || now - last->made_at >= c->seconds;
}

/* Appends line to the checkpoint file: O_APPEND (never over what is there), then fsync. */
static int
append_line(const char *path, const char *line, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	size_t len = strlen(line);

	if (fd < 0 || write(fd, line, len) != (ssize_t)len || fsync(fd) != 0) {
		snprintf(err, errlen, "checkpoint file %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

int
audit_checkpoint(struct store *s, const struct audit_cp_config *c, int64_t now, bool force,
    struct audit_cp *made, char *err, size_t errlen)
{
	struct store_tx *tx = NULL;
	struct audit_cp cp = { 0 }, last;
	char line[AUDIT_CP_LINE_MAX], sig[crypto_sign_BYTES * 2 + 1];
	int64_t seq;
	int rc = -1, n;

	snprintf(err, errlen, "database error");
	/* A look first, without the write lock every node would otherwise take each second. */
	if (store_begin(s, STORE_READ, &tx) != 0 || heads(tx, &seq, cp.hash, &last) != 0)
		goto done;
	store_rollback(&tx);
	if (!due(c, seq, &last, now, force)) {
		rc = 0;
		goto done;
	}
	/* Under the write lock: the head cannot move, and another node's checkpoint of the
	 * same position is seen (or refused by the primary key). */
	if (store_begin(s, STORE_WRITE, &tx) != 0 || heads(tx, &seq, cp.hash, &last) != 0)
		goto done;
	if (!due(c, seq, &last, now, force)) {
		rc = 0;
		goto done;
	}
	cp.seq = seq;
	cp.made_at = now;
	if (audit_cp_sign(c->key, &cp) != 0) {
		snprintf(err, errlen, "cannot sign");
		goto done;
	}
	sodium_bin2hex(sig, sizeof(sig), cp.sig, sizeof(cp.sig));
	n = store_exec(tx, SQL_AUDIT_CP_INSERT, "itit", cp.seq, cp.hash, cp.made_at, sig);
	if (n < 0 || store_commit(&tx) != 0)
		goto done;
	if (n == 0) {
		rc = 0;
		goto done;
	}
	/* After the commit: the write lock is not held during the fsync. */
	audit_cp_line(&cp, line);
	if (c->file != NULL && append_line(c->file, line, err, errlen) != 0)
		goto done;
	if (made != NULL)
		*made = cp;
	rc = 1;
done:
	store_rollback(&tx);
	return rc;
}

struct audit_cp_runner {
	struct store *s;
	const struct audit_cp_config *c;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	bool failing;   /* the last attempt failed: logged once until one succeeds */
};

static void
runner_once(struct audit_cp_runner *r, bool force)
{
	char err[600];
	int rc = audit_checkpoint(r->s, r->c, (int64_t)time(NULL), force, NULL, err, sizeof(err));

	if (rc < 0 && !r->failing)
		log_err(NULL, "audit checkpoint: %s", err);
	r->failing = rc < 0;
}

static void *
runner_main(void *arg)
{
	struct audit_cp_runner *r = arg;

	pthread_mutex_lock(&r->mu);
	while (!r->stop) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_cond_timedwait(&r->cv, &r->mu, &until);
		if (r->stop)
			break;
		pthread_mutex_unlock(&r->mu);
		runner_once(r, false);
		pthread_mutex_lock(&r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

int
audit_cp_start(struct store *s, const struct audit_cp_config *c, struct audit_cp_runner **out)
{
	struct audit_cp_runner *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return -1;
	r->s = s;
	r->c = c;
	if (pthread_mutex_init(&r->mu, NULL) != 0) {
		free(r);
		return -1;
	}
	if (pthread_cond_init(&r->cv, NULL) != 0) {
		pthread_mutex_destroy(&r->mu);
		free(r);
		return -1;
	}
	if (pthread_create(&r->thread, NULL, runner_main, r) != 0) {
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void
audit_cp_stop(struct audit_cp_runner *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	/* The events since the last checkpoint are covered before the node goes. */
	runner_once(r, true);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r);
}
