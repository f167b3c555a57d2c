/* upstream.c — the stored side of brokering: upstream providers (checked, their secret
 * sealed at rest), the single-use logins under way, and the person an upstream login
 * names (found, or created from the persons register), all audited without the NISS. */
#include "auth/upstream.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/login.h"
#include "auth/person.h"
#include "auth/upstream_sql.h"
#include "base/clock.h"
#include "policy/loa.h"

#define NAME_MAX_ 128
#define TEXT_MAX 256

bool
upstream_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	/* "callback" is the door's own address (/login/idp/callback). */
	if (n == 0 || n > UPSTREAM_ID_MAX || strcmp(id, "callback") == 0)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* Printable ASCII, no spaces, at most max bytes. */
static bool
token_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* http(s) URL without spaces or quotes; http only for loopback (tests). */
static bool
url_ok(const char *u, bool https_only)
{
	if (!token_ok(u, UPSTREAM_URL_MAX) || strpbrk(u, "\"'<>\\`") != NULL)
		return false;
	if (strncmp(u, "https://", 8) == 0)
		return true;
	return !https_only && (strncmp(u, "http://127.0.0.1:", 17) == 0 ||
	    strncmp(u, "http://localhost:", 17) == 0 || strncmp(u, "http://[::1]:", 13) == 0);
}

static int
check_new(const struct upstream_idp_new *n, char *err, size_t errlen)
{
	const char *why = NULL;

	if (!upstream_id_ok(n->id))
		why = "--id: 1-32 characters among a-z 0-9 - _";
	else if (n->name == NULL || n->name[0] == '\0' || strlen(n->name) > NAME_MAX_)
		why = "--name: 1-128 characters";
	else if (!url_ok(n->issuer, false) || n->issuer[strlen(n->issuer) - 1] == '/')
		why = "--issuer: an https URL (http only on loopback), without a final /";
	else if (!token_ok(n->client_id, TEXT_MAX))
		why = "--client-id: 1-256 printable characters";
	else if (n->auth_method == NULL || (strcmp(n->auth_method, "client_secret_basic") != 0 &&
	    strcmp(n->auth_method, "private_key_jwt") != 0))
		why = "client authentication: client_secret_basic or private_key_jwt";
	else if (n->secret == NULL || n->secret_len == 0 || n->secret_len > UPSTREAM_SECRET_MAX)
		why = "--client-secret or --private-key is needed";
	else if (n->scope == NULL || strncmp(n->scope, "openid", 6) != 0 ||
	    strlen(n->scope) > TEXT_MAX || strpbrk(n->scope, "\"'<>&\\\t\r\n") != NULL)
		why = "--scope: starts with openid, at most 256 characters";
	else if (n->level_max < LOA_LOW || n->level_max > LOA_HIGH)
		why = "--level: low, substantial or high";
	else if (!token_ok(n->nn_claim, TEXT_MAX))
		why = "--national-number-claim: 1-256 printable characters";
	else if (n->logo != NULL && !url_ok(n->logo, true) && !(strncmp(n->logo, "/static/", 8) == 0 &&
	    token_ok(n->logo, UPSTREAM_URL_MAX) && strpbrk(n->logo, "\"'<>\\`") == NULL &&
	    strstr(n->logo, "..") == NULL))
		why = "--logo: an https URL or a /static/ path";
	if (why == NULL)
		return 0;
	snprintf(err, errlen, "%s", why);
	return -1;
}

/* The associated data of a provider's sealed secret: moved to another row, it fails. */
static void
secret_ad(const char *id, char out[64])
{
	snprintf(out, 64, "upstream_idp.secret:%s", id);
}

static int
audit_cli(struct store_tx *tx, const char *by, const char *action, const char *id)
{
	char object[64];
	struct audit_event ev = {
		.actor = by, .actor_role = "operator", .action = action, .object = object,
		.details = "{}",
	};

	snprintf(object, sizeof(object), "idp:%s", id);
	return audit_append(tx, &ev);
}

int
upstream_idp_add(struct store *s, const struct upstream_idp_new *n, const char *by,
    char *err, size_t errlen)
{
	struct store_tx *tx = NULL;
	unsigned char *sealed = NULL;
	size_t sealed_n = 0;
	char ad[64], now[CLOCK_TEXT_SIZE];
	int rc;

	if (check_new(n, err, errlen) != 0)
		return -1;
	secret_ad(n->id, ad);
	if (secret_encode(ad, n->secret, n->secret_len, &sealed, &sealed_n) != 0 ||
	    clock_text(clock_time(), now) != 0 || store_begin(s, STORE_WRITE, &tx) != 0) {
		snprintf(err, errlen, "cannot store the provider");
		rc = -1;
		goto done;
	}
	rc = store_exec_try(tx, SQL_UPSTREAM_IDP_ADD, "tttttbtittt", n->id, n->name, n->issuer,
	    n->client_id, n->auth_method, sealed, sealed_n, n->scope, (int64_t)n->level_max,
	    n->nn_claim, n->logo, now);
	if (rc == -2)
		goto done;
	if (rc != 1 || audit_cli(tx, by, "idp.add", n->id) != 0 || store_commit(&tx) != 0) {
		snprintf(err, errlen, "database error");
		rc = -1;
		goto done;
	}
	rc = 0;
done:
	store_rollback(&tx);
	if (sealed != NULL)
		sodium_memzero(sealed, sealed_n);   /* the secret itself without a KEK */
	free(sealed);
	return rc;
}

static const char *
dup_or_null(struct arena *a, struct store_q *q, int col)
{
	return store_null(q, col) ? NULL : arena_strdup(a, store_text(q, col));
}

int
upstream_idp_list(struct store *s, struct arena *a, struct upstream_idp **out, size_t *n)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	struct upstream_idp *v = NULL;
	size_t cap = 0;
	int rc = -1, step;

	*out = NULL;
	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_UPSTREAM_IDP_LIST, &q, "") != 0)
		goto done;
	while ((step = store_next(q)) == 1) {
		struct upstream_idp *e;

		if (*n == cap) {
			struct upstream_idp *bigger;

			cap = cap ? cap * 2 : 8;
			bigger = arena_alloc(a, cap * sizeof(*bigger));
			if (bigger == NULL)
				goto done;
			if (*n > 0)
				memcpy(bigger, v, *n * sizeof(*v));
			v = bigger;
		}
		e = &v[(*n)++];
		memset(e, 0, sizeof(*e));
		e->id = arena_strdup(a, store_text(q, UPIDP_LIST_ID));
		e->name = arena_strdup(a, store_text(q, UPIDP_LIST_NAME));
		e->issuer = arena_strdup(a, store_text(q, UPIDP_LIST_ISSUER));
		e->client_id = arena_strdup(a, store_text(q, UPIDP_LIST_CLIENT_ID));
		e->auth_method = arena_strdup(a, store_text(q, UPIDP_LIST_AUTH));
		e->scope = arena_strdup(a, store_text(q, UPIDP_LIST_SCOPE));
		e->level_max = (int)store_int(q, UPIDP_LIST_LEVEL_MAX);
		e->nn_claim = arena_strdup(a, store_text(q, UPIDP_LIST_NN_CLAIM));
		e->logo = dup_or_null(a, q, UPIDP_LIST_LOGO);
		e->created_at = arena_strdup(a, store_text(q, UPIDP_LIST_CREATED_AT));
		if (e->id == NULL || e->name == NULL || e->issuer == NULL || e->client_id == NULL ||
		    e->auth_method == NULL || e->scope == NULL || e->nn_claim == NULL ||
		    e->created_at == NULL)
			goto done;
	}
	if (step != 0)
		goto done;
	*out = v;
	rc = 0;
done:
	store_done(q);
	store_rollback(&tx);
	if (rc != 0)
		*n = 0;
	return rc;
}

int
upstream_idp_get(struct store *s, struct arena *a, const char *id, struct upstream_idp *out)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	const void *blob;
	size_t blen = 0, got = 0;
	char ad[64];
	int rc = -1, step;

	memset(out, 0, sizeof(*out));
	if (!upstream_id_ok(id))
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_UPSTREAM_IDP_GET, &q, "t", id) != 0)
		goto done;
	step = store_next(q);
	if (step != 1) {
		rc = step == 0 ? 1 : -1;
		goto done;
	}
	out->id = arena_strdup(a, store_text(q, UPIDP_GET_ID));
	out->name = arena_strdup(a, store_text(q, UPIDP_GET_NAME));
	out->issuer = arena_strdup(a, store_text(q, UPIDP_GET_ISSUER));
	out->client_id = arena_strdup(a, store_text(q, UPIDP_GET_CLIENT_ID));
	out->auth_method = arena_strdup(a, store_text(q, UPIDP_GET_AUTH));
	out->scope = arena_strdup(a, store_text(q, UPIDP_GET_SCOPE));
	out->level_max = (int)store_int(q, UPIDP_GET_LEVEL_MAX);
	out->nn_claim = arena_strdup(a, store_text(q, UPIDP_GET_NN_CLAIM));
	out->logo = dup_or_null(a, q, UPIDP_GET_LOGO);
	blob = store_blob(q, UPIDP_GET_SECRET, &blen);
	/* One byte more for a NUL: a client secret is used as a string. */
	out->secret = arena_alloc(a, UPSTREAM_SECRET_MAX + 1);
	if (out->id == NULL || out->name == NULL || out->issuer == NULL ||
	    out->client_id == NULL || out->auth_method == NULL || out->scope == NULL ||
	    out->nn_claim == NULL || out->secret == NULL || blob == NULL)
		goto done;
	secret_ad(out->id, ad);
	if (secret_decode(ad, blob, blen, out->secret, UPSTREAM_SECRET_MAX, &got) != 0)
		goto done;
	out->secret[got] = '\0';
	out->secret_len = got;
	rc = 0;
done:
	store_done(q);
	store_rollback(&tx);
	if (rc != 0 && out->secret != NULL)
		sodium_memzero(out->secret, UPSTREAM_SECRET_MAX + 1);
	return rc;
}

int
upstream_idp_remove(struct store *s, const char *id, const char *by)
{
	struct store_tx *tx = NULL;
	int rc = -1, n;

	if (!upstream_id_ok(id))
		return 1;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	n = store_exec(tx, SQL_UPSTREAM_IDP_REMOVE, "t", id);
	if (n < 0)
		goto done;
	if (n == 0) {
		rc = 1;
		goto done;
	}
	if (audit_cli(tx, by, "idp.remove", id) != 0 || store_commit(&tx) != 0)
		goto done;
	rc = 0;
done:
	store_rollback(&tx);
	return rc;
}

struct rewrap_row {
	char id[UPSTREAM_ID_MAX + 1];
	unsigned char *secret;
	size_t n;
};

int
upstream_secrets_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed)
{
	struct rewrap_row *rows = NULL;
	struct store_q *q = NULL;
	size_t n = 0, cap = 0;
	int rc = -1, step;

	*changed = 0;
	if (store_query(tx, SQL_UPSTREAM_IDP_SECRETS, &q, "") != 0)
		return -1;
	while ((step = store_next(q)) == 1) {
		const char *id = store_text(q, UPIDP_SECRETS_ID);
		const void *blob;
		size_t blen = 0;
		char ad[64];
		int w;

		if (n == cap) {
			struct rewrap_row *bigger = realloc(rows, (cap = cap ? cap * 2 : 8) *
			    sizeof(*rows));

			if (bigger == NULL)
				goto done;
			rows = bigger;
		}
		memset(&rows[n], 0, sizeof(rows[n]));
		if (id == NULL || strlen(id) > UPSTREAM_ID_MAX)
			goto done;
		memcpy(rows[n].id, id, strlen(id) + 1);
		blob = store_blob(q, UPIDP_SECRETS_SECRET, &blen);
		secret_ad(id, ad);
		w = secret_rewrap(old, new_k, ad, blob, blen, &rows[n].secret, &rows[n].n);
		if (w != 0) {
			rc = w > 0 ? 1 : -1;
			goto done;
		}
		n++;
	}
	store_done(q);
	q = NULL;
	if (step != 0)
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].secret == NULL)
			continue;         /* sealed under the new key already */
		if (store_exec(tx, SQL_UPSTREAM_IDP_SET_SECRET, "tb", rows[i].id, rows[i].secret,
		    rows[i].n) != 1)
			goto done;
		(*changed)++;
	}
	rc = 0;
done:
	store_done(q);
	for (size_t i = 0; i < n; i++) {
		if (rows[i].secret != NULL)
			sodium_memzero(rows[i].secret, rows[i].n);
		free(rows[i].secret);
	}
	free(rows);
	return rc;
}

static void
state_hash(const char *state, unsigned char out[crypto_hash_sha256_BYTES])
{
	crypto_hash_sha256(out, (const unsigned char *)state, strlen(state));
}

int
upstream_pending_add(struct store *s, const char *state, const struct upstream_pending *p)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	struct store_tx *tx = NULL;
	int64_t now = clock_time();
	int rc = -1;

	state_hash(state, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0 ||
	    store_exec(tx, SQL_UPSTREAM_LOGIN_PURGE, "i", now) < 0 ||
	    store_exec(tx, SQL_UPSTREAM_LOGIN_ADD, "bttttii", h, sizeof(h), p->idp, p->nonce,
	    p->verifier, p->next, (int64_t)p->level, now + UPSTREAM_LOGIN_TTL) != 1 ||
	    store_commit(&tx) != 0)
		goto done;
	rc = 0;
done:
	store_rollback(&tx);
	return rc;
}

int
upstream_pending_take(struct store *s, struct arena *a, const char *state,
    struct upstream_pending *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	int64_t expires;
	int rc = -1, step;

	memset(out, 0, sizeof(*out));
	/* The state as bound by the door (state.session), bounded. */
	if (state == NULL || strlen(state) < UPSTREAM_STATE_LEN || strlen(state) > 256)
		return 1;
	state_hash(state, h);
	/* Read and deleted in one write transaction: a second callback with the same state
	 * finds nothing (replay), whichever comes first. */
	if (store_begin(s, STORE_WRITE, &tx) != 0 ||
	    store_query(tx, SQL_UPSTREAM_LOGIN_GET, &q, "b", h, sizeof(h)) != 0)
		goto done;
	step = store_next(q);
	if (step != 1) {
		rc = step == 0 ? 1 : -1;
		goto done;
	}
	out->idp = arena_strdup(a, store_text(q, UPLOGIN_IDP));
	out->nonce = arena_strdup(a, store_text(q, UPLOGIN_NONCE));
	out->verifier = arena_strdup(a, store_text(q, UPLOGIN_VERIFIER));
	out->next = arena_strdup(a, store_text(q, UPLOGIN_NEXT));
	out->level = (int)store_int(q, UPLOGIN_LEVEL);
	expires = store_int(q, UPLOGIN_EXPIRES_AT);
	store_done(q);
	q = NULL;
	if (out->idp == NULL || out->nonce == NULL || out->verifier == NULL || out->next == NULL)
		goto done;
	if (store_exec(tx, SQL_UPSTREAM_LOGIN_TAKE, "b", h, sizeof(h)) != 1 ||
	    store_commit(&tx) != 0)
		goto done;
	rc = expires > clock_time() ? 0 : 1;
done:
	store_done(q);
	store_rollback(&tx);
	if (rc != 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

static const char *
language_or_fr(const char *l)
{
	if (l != NULL && (strcmp(l, "fr") == 0 || strcmp(l, "nl") == 0 || strcmp(l, "de") == 0 ||
	    strcmp(l, "en") == 0))
		return l;
	return "fr";
}

static char *
login_details(const char *idp, int level, const char *reason)
{
	json_t *j = json_object();
	char *out = NULL;

	if (j == NULL)
		return NULL;
	if (json_object_set_new(j, "idp", json_string(idp)) == 0 &&
	    (level == 0 || json_object_set_new(j, "level", json_integer(level)) == 0) &&
	    (reason == NULL || json_object_set_new(j, "reason", json_string(reason)) == 0))
		out = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return out;
}

int
upstream_login_person(struct store *s, const char *idp, const char *niss, int level,
    const struct actor *by, int64_t *person, bool *created)
{
	struct store_tx *tx = NULL;
	char actor[24], object[32], door[48];
	char *det = login_details(idp, level, NULL);
	struct person_seed seed = {
		.niss = niss, .language = language_or_fr(by->lang), .names_from = "register",
		.from_register = true,
	};
	struct audit_event create = {
		.actor = actor, .actor_role = "person", .action = "person.create",
		.object = object, .details = "{\"via\":\"idp\"}", .source = by->source,
		.request_id = by->request_id,
	};
	struct audit_event login = {
		.actor = actor, .actor_role = "person", .action = "login.idp.success",
		.object = door, .details = det, .source = by->source, .request_id = by->request_id,
	};
	int rc = -1;

	*person = 0;
	*created = false;
	if (det == NULL || store_begin(s, STORE_WRITE, &tx) != 0)
		goto done;
	rc = person_ensure(tx, &seed, person, created);
	if (rc != 0)
		goto done;       /* 1: unknown to the register too */
	rc = -1;
	snprintf(actor, sizeof(actor), "%" PRId64, *person);
	snprintf(object, sizeof(object), "person:%" PRId64, *person);
	snprintf(door, sizeof(door), "door:idp:%s", idp);
	if ((*created && audit_append(tx, &create) != 0) || audit_append(tx, &login) != 0 ||
	    store_commit(&tx) != 0)
		goto done;
	rc = 0;
done:
	store_rollback(&tx);
	free(det);
	if (rc != 0) {
		*person = 0;
		*created = false;
	}
	return rc;
}

int
upstream_login_refused(struct store *s, const char *idp, const char *reason,
    const struct actor *by)
{
	struct store_tx *tx = NULL;
	char door[48];
	char *det = login_details(idp, 0, reason);
	struct audit_event ev = {
		.actor_role = "person", .action = "login.idp.failure", .object = door,
		.details = det, .source = by->source, .request_id = by->request_id,
	};
	int rc = -1;

	snprintf(door, sizeof(door), "door:idp:%s", idp);
	if (det != NULL && store_begin(s, STORE_WRITE, &tx) == 0 && audit_append(tx, &ev) == 0)
		rc = store_commit(&tx);
	store_rollback(&tx);
	free(det);
	return rc;
}
