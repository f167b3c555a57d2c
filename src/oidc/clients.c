/* clients.c — registration, reading and checks of relying parties. Registration is one
 * transaction with its audit event; the secret exists only in the caller's buffer. */
#include "oidc/clients.h"

#include <pthread.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "access/profiles.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "oidc/coherence.h"
#include "fed/jws.h"
#include "oidc/sql.h"
#include "oidc/toolbox_sql.h"
#include "value/value.h"

#define SECRET_INPUT_MAX 256

static const char *const known_scopes[] = { "openid", "profile", "email", "national_number" };

bool
oidc_scope_known(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof(known_scopes) / sizeof(known_scopes[0]); i++)
		if (strlen(known_scopes[i]) == len && memcmp(known_scopes[i], word, len) == 0)
			return true;
	return false;
}

size_t
oidc_word(const char **p)
{
	const char *e;

	while (**p == ' ')
		(*p)++;
	e = strchr(*p, ' ');
	return e ? (size_t)(e - *p) : strlen(*p);
}

bool
oidc_scope_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	while (p != NULL && *p != '\0') {
		size_t l = oidc_word(&p);

		if (l == wl && wl > 0 && memcmp(p, word, wl) == 0)
			return true;
		p += l;
	}
	return false;
}

bool
oidc_client_id_valid(const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > OIDC_CLIENT_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* True when the authority of an http URI (after "http://") names a loopback host. */
static bool
loopback(const char *authority)
{
	static const char *const hosts[] = { "127.0.0.1", "localhost", "[::1]" };

	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		size_t n = strlen(hosts[i]);

		if (strncmp(authority, hosts[i], n) == 0 &&
		    (authority[n] == ':' || authority[n] == '/' || authority[n] == '\0'))
			return true;
	}
	return false;
}

bool
oidc_uri_valid(const char *uri)
{
	/* Plain http only to this machine (RFC 8252 §7.3). */
	return value_ok(VALUE_URL, uri, OIDC_URI_MAX) &&
	    (strncmp(uri, "https://", 8) == 0 || loopback(uri + 7));
}

bool
oidc_audience_valid(const char *aud)
{
	size_t n = aud ? strlen(aud) : 0;

	if (n == 0 || n > OIDC_URI_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (aud[i] < 0x21 || aud[i] > 0x7e || aud[i] == '"' || aud[i] == '\\')
			return false;
	return oidc_uri_valid(aud) || (strncmp(aud, "urn:", 4) == 0 && n > 4);
}

static void
secret_hash(const char *secret, size_t n, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)secret, n, NULL, 0);
}

bool
oidc_client_secret_ok(const struct oidc_client *c, const char *secret)
{
	unsigned char h[32];
	size_t n = secret ? strlen(secret) : 0;
	bool ok;

	if (!c->confidential || n == 0 || n > SECRET_INPUT_MAX)
		return false;
	secret_hash(secret, n, h);
	ok = sodium_memcmp(h, c->secret_hash, sizeof(h)) == 0;
	sodium_memzero(h, sizeof(h));
	return ok;
}

static bool
uri_in(const char *const *list, size_t n, const char *uri)
{
	if (uri == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], uri) == 0)
			return true;
	return false;
}

bool
oidc_client_redirect_ok(const struct oidc_client *c, const char *uri)
{
	return uri_in(c->redirect, c->n_redirect, uri);
}

bool
oidc_client_post_logout_ok(const struct oidc_client *c, const char *uri)
{
	return uri_in(c->post_logout, c->n_post_logout, uri);
}

bool
oidc_client_scope_ok(const struct oidc_client *c, const char *scope)
{
	if (strcmp(scope, "national_number") == 0 && !c->allow_national_number)
		return false;
	return oidc_scope_has(c->scopes, scope);
}

int
oidc_uri_origin(const char *uri, char *out, size_t outlen)
{
	const char *host, *end;
	size_t n;

	if (uri == NULL)
		return -1;
	if (strncmp(uri, "https://", 8) == 0)
		host = uri + 8;
	else if (strncmp(uri, "http://", 7) == 0)
		host = uri + 7;
	else
		return -1;
	end = host + strcspn(host, "/?#");
	n = (size_t)(end - uri);
	if (end == host || n + 1 > outlen)
		return -1;
	memcpy(out, uri, n);
	out[n] = '\0';
	return 0;
}

bool
oidc_client_origin_ok(const struct oidc_client *c, const char *origin)
{
	char o[OIDC_URI_MAX + 1];

	if (origin == NULL || origin[0] == '\0')
		return false;
	for (size_t i = 0; i < c->n_redirect; i++)
		if (oidc_uri_origin(c->redirect[i], o, sizeof(o)) == 0 && strcmp(o, origin) == 0)
			return true;
	return false;
}

int
oidc_public_origin_known(struct store *s, const char *origin)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	/* An origin is scheme://authority: nothing after the authority, nothing odd in it. */
	if (origin == NULL || strlen(origin) > OIDC_URI_MAX || !oidc_uri_valid(origin) ||
	    strchr(strchr(origin, ':') + 3, '/') != NULL || strchr(origin, '?') != NULL)
		return 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_CLIENT_PUBLIC_ORIGIN, &q, "t", origin) != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : rc;
}

/* Checks the scope list: known words, single spaces, "openid" among them; writes the
 * normalised list (national_number dropped unless allowed) into out. */
static int
scopes_check(const char *in, bool allow_nn, char *out, size_t outlen, char *err, size_t errlen)
{
	const char *p = in;
	size_t used = 0;

	out[0] = '\0';
	while (*p != '\0') {
		size_t wl = oidc_word(&p);

		if (wl == 0)
			break;
		if (!oidc_scope_known(p, wl)) {
			snprintf(err, errlen, "unknown scope '%.*s' (known: openid profile email "
			    "national_number)", (int)(wl > 40 ? 40 : wl), p);
			return -1;
		}
		if (wl == 15 && memcmp(p, "national_number", 15) == 0 && !allow_nn) {
			snprintf(err, errlen, "scope national_number needs --allow-national-number");
			return -1;
		}
		if (used + wl + 2 > outlen) {
			snprintf(err, errlen, "too many scopes");
			return -1;
		}
		if (used > 0)
			out[used++] = ' ';
		memcpy(out + used, p, wl);
		used += wl;
		out[used] = '\0';
		p += wl;
	}
	if (!oidc_scope_has(out, "openid")) {
		snprintf(err, errlen, "the scopes must include openid");
		return -1;
	}
	return 0;
}

static int
uris_check(const char *const *uris, size_t n, const char *what, char *err, size_t errlen)
{
	if (n > OIDC_URIS_MAX) {
		snprintf(err, errlen, "at most %d %s URIs", OIDC_URIS_MAX, what);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!oidc_uri_valid(uris[i])) {
			snprintf(err, errlen, "%s URI '%.80s' refused: an absolute https URI (http only "
			    "on 127.0.0.1, localhost or [::1]) without fragment", what, uris[i]);
			return -1;
		}
	return 0;
}

/* The application's minimum level (the access catalogue's, access/profiles.h), 0 when
 * there is no such application, -1 on error. */
static int
app_min_level(struct store_tx *tx, const char *code)
{
	struct access_app app;
	int rc = access_application_get(tx, NULL, code, &app);

	return rc == 0 ? app.min_level : rc == 1 ? 0 : -1;
}

static int
audit_client(struct store_tx *tx, const char *actor, const char *action, const char *id,
    const char *details)
{
	char object[96];
	struct audit_event ev = {
		.actor = actor, .actor_role = "system", .object = object, .action = action,
		.details = details,
	};

	snprintf(object, sizeof(object), "oidc_client:%s", id);
	return audit_append(tx, &ev);
}

/* A new random secret into secret and its hash into hash. */
static void
secret_new(char secret[OIDC_SECRET_LEN + 1], unsigned char hash[32])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	jws_b64url_encode(raw, sizeof(raw), secret, OIDC_SECRET_LEN + 1);
	sodium_memzero(raw, sizeof(raw));
	secret_hash(secret, strlen(secret), hash);
}

int
oidc_client_add(struct store *s, const struct oidc_client_new *n, const char *actor,
    char secret[OIDC_SECRET_LEN + 1], char *err, size_t errlen)
{
	char scopes[OIDC_SCOPES_MAX], details[256], at[CLOCK_TEXT_SIZE];
	const char *sector = n->sector ? n->sector : n->id;
	unsigned char hash[32];
	struct store_tx *tx;
	enum jws_alg alg;
	int min, level, rc;

	secret[0] = '\0';
	if (!oidc_client_id_valid(n->id)) {
		snprintf(err, errlen, "client id: 1 to 64 characters among A-Z a-z 0-9 . _ -");
		return -1;
	}
	if (!oidc_client_id_valid(sector)) {
		snprintf(err, errlen, "sector: 1 to 64 characters among A-Z a-z 0-9 . _ -");
		return -1;
	}
	if (n->application == NULL || strlen(n->application) > OIDC_APP_MAX) {
		snprintf(err, errlen, "an application code is needed (--application)");
		return -1;
	}
	if (n->n_redirect == 0) {
		snprintf(err, errlen, "at least one redirect URI is needed");
		return -1;
	}
	if (scopes_check(n->scopes ? n->scopes : "openid", n->allow_national_number, scopes,
	    sizeof(scopes), err, errlen) != 0 ||
	    uris_check(n->redirect, n->n_redirect, "redirect", err, errlen) != 0 ||
	    uris_check(n->post_logout, n->n_post_logout, "post-logout redirect", err, errlen) != 0)
		return -1;
	if (n->min_level < 0 || n->min_level > 3) {
		snprintf(err, errlen, "minimum level: 1 (low), 2 (substantial) or 3 (high)");
		return -1;
	}
	if (jws_alg_parse(n->id_token_alg ? n->id_token_alg : "ES256", &alg) != 0) {
		snprintf(err, errlen, "ID token signing algorithm: RS256 or ES256");
		return -1;
	}
	if (n->backchannel_logout_uri != NULL && !oidc_uri_valid(n->backchannel_logout_uri)) {
		snprintf(err, errlen, "back-channel logout URI: an absolute https URI (http only "
		    "on loopback)");
		return -1;
	}
	if (n->backchannel_session_required && n->backchannel_logout_uri == NULL) {
		snprintf(err, errlen, "--backchannel-logout-session-required needs "
		    "--backchannel-logout-uri");
		return -1;
	}
	if (n->audience != NULL && !oidc_audience_valid(n->audience)) {
		snprintf(err, errlen, "audience: an https URI (http only on loopback) or a urn:");
		return -1;
	}
	if (store_begin(s, STORE_WRITE, &tx) != 0) {
		snprintf(err, errlen, "database busy or unavailable");
		return -1;
	}
	min = app_min_level(tx, n->application);
	if (min <= 0) {
		store_rollback(&tx);
		snprintf(err, errlen, min == 0 ? "no secured application '%s' in the catalogue" :
		    "database error", n->application);
		return -1;
	}
	/* A client never asks less than its application's own minimum. */
	level = n->min_level > min ? n->min_level : min;
	if (!n->public_client)
		secret_new(secret, hash);
	/* created_at from the service's clock (docs/store-contract.md, rule 3). */
	rc = clock_text(clock_time(), at) != 0 ? -1 : n->public_client ?
	    store_exec_try(tx, SQL_OIDC_CLIENT_INSERT, "tntitittt", n->id, n->application,
		(int64_t)level, scopes, (int64_t)n->allow_national_number, sector,
		jws_alg_name(alg), at) :
	    store_exec_try(tx, SQL_OIDC_CLIENT_INSERT, "tbtitittt", n->id, hash, sizeof(hash),
		n->application, (int64_t)level, scopes, (int64_t)n->allow_national_number, sector,
		jws_alg_name(alg), at);
	if (rc == -2) {
		store_rollback(&tx);
		sodium_memzero(secret, OIDC_SECRET_LEN + 1);
		return -2;
	}
	for (size_t i = 0; rc == 1 && i < n->n_redirect; i++)
		if (store_exec(tx, SQL_OIDC_CLIENT_URI_INSERT, "ttt", n->id, "redirect",
		    n->redirect[i]) < 0)
			rc = -1;
	for (size_t i = 0; rc == 1 && i < n->n_post_logout; i++)
		if (store_exec(tx, SQL_OIDC_CLIENT_URI_INSERT, "ttt", n->id, "post_logout",
		    n->post_logout[i]) < 0)
			rc = -1;
	if (rc == 1 && (n->audience != NULL || n->require_par ||
	    n->backchannel_logout_uri != NULL) &&
	    store_exec(tx, SQL_OIDC_CLIENT_OPTION_INSERT, "ttiti", n->id, n->audience,
	    (int64_t)n->require_par, n->backchannel_logout_uri,
	    (int64_t)n->backchannel_session_required) < 0)
		rc = -1;
	if (rc == 1 && json_text(details, sizeof(details), "{s:s, s:i, s:b, s:b, s:s}",
	    "application", n->application, "min_level", level, "confidential",
	    !n->public_client, "national_number", n->allow_national_number,
	    "id_token_alg", jws_alg_name(alg)) != 0)
		rc = -1;
	if (rc != 1 || audit_client(tx, actor, "oidc.client.added", n->id, details) != 0 ||
	    oidc_cache_bump(tx, OIDC_CACHE_CLIENTS) != 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		sodium_memzero(secret, OIDC_SECRET_LEN + 1);
		snprintf(err, errlen, "database error (a redirect URI given twice?)");
		return -1;
	}
	return 0;
}

int
oidc_client_rotate_secret(struct store *s, const char *id, const char *actor,
    char secret[OIDC_SECRET_LEN + 1])
{
	unsigned char hash[32];
	struct store_tx *tx;
	int rc;

	secret[0] = '\0';
	if (!oidc_client_id_valid(id))
		return 1;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	secret_new(secret, hash);
	rc = store_exec(tx, SQL_OIDC_CLIENT_SET_SECRET, "tb", id, hash, sizeof(hash));
	if (rc == 1 && audit_client(tx, actor, "oidc.client.secret_rotated", id, NULL) == 0 &&
	    oidc_cache_bump(tx, OIDC_CACHE_CLIENTS) == 0 && store_commit(&tx) == 0)
		return 0;
	store_rollback(&tx);
	sodium_memzero(secret, OIDC_SECRET_LEN + 1);
	return rc == 0 ? 1 : -1;
}

int
oidc_client_remove(struct store *s, const char *id, const char *actor)
{
	struct store_tx *tx;
	int rc;

	if (!oidc_client_id_valid(id))
		return 1;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_exec(tx, SQL_OIDC_CLIENT_DELETE, "t", id);
	if (rc == 0) {
		store_rollback(&tx);
		return 1;
	}
	if (rc != 1 || audit_client(tx, actor, "oidc.client.removed", id, NULL) != 0 ||
	    oidc_cache_bump(tx, OIDC_CACHE_CLIENTS) != 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

/* A copy of a column in a, "" for NULL; NULL only when a is full. */
static const char *
col_text(struct arena *a, struct store_q *q, int col)
{
	const char *t = store_text(q, col);

	return arena_strdup(a, t ? t : "");
}

/* The options of migration 032 (oidc_client_option): the audience, "" when none. */
static int
client_option_read(struct store_tx *tx, struct arena *a, const char *id,
    struct oidc_client *out)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_OIDC_CLIENT_OPTION_GET, &q, "t", id) != 0)
		return -1;
	rc = store_next(q);
	out->audience = rc == 1 ? col_text(a, q, OIDC_CLIENT_OPTION_GET_AUDIENCE) : "";
	out->require_par = rc == 1 && store_int(q, OIDC_CLIENT_OPTION_GET_REQUIRE_PAR) != 0;
	out->backchannel_logout_uri = rc == 1 ? col_text(a, q, OIDC_CLIENT_OPTION_GET_BCL_URI) :
	    "";
	out->backchannel_session_required = rc == 1 &&
	    store_int(q, OIDC_CLIENT_OPTION_GET_BCL_SESSION) != 0;
	store_done(q);
	return rc < 0 || out->audience == NULL || out->backchannel_logout_uri == NULL ? -1 : 0;
}

int
oidc_client_read(struct store_tx *tx, struct arena *a, const char *id,
    struct oidc_client *out)
{
	struct store_q *q;
	size_t hl = 0;
	const void *h;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_query(tx, SQL_OIDC_CLIENT_GET, &q, "t", id) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		out->id = col_text(a, q, OIDC_CLIENT_GET_ID);
		h = store_blob(q, OIDC_CLIENT_GET_SECRET_HASH, &hl);
		out->confidential = h != NULL && hl == sizeof(out->secret_hash);
		if (out->confidential)
			memcpy(out->secret_hash, h, hl);
		out->application = col_text(a, q, OIDC_CLIENT_GET_APPLICATION);
		out->min_level = (int)store_int(q, OIDC_CLIENT_GET_MIN_LEVEL);
		out->scopes = col_text(a, q, OIDC_CLIENT_GET_SCOPES);
		out->allow_national_number =
		    store_int(q, OIDC_CLIENT_GET_ALLOW_NATIONAL_NUMBER) != 0;
		out->sector = col_text(a, q, OIDC_CLIENT_GET_SECTOR);
		out->created_at = col_text(a, q, OIDC_CLIENT_GET_CREATED_AT);
		if (out->id == NULL || out->application == NULL || out->scopes == NULL ||
		    out->sector == NULL || out->created_at == NULL)
			rc = -1;
		/* The column's CHECK admits only the two; anything else reads as ES256. */
		if (jws_alg_parse(store_text(q, OIDC_CLIENT_GET_ID_TOKEN_ALG),
		    &out->id_token_alg) != 0)
			out->id_token_alg = JWS_ES256;
	}
	store_done(q);
	if (rc != 1)
		return rc == 0 ? 1 : -1;
	if (client_option_read(tx, a, id, out) != 0)
		return -1;
	if (store_query(tx, SQL_OIDC_CLIENT_URIS, &q, "t", id) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		const char *kind = store_text(q, OIDC_CLIENT_URIS_KIND), **slot = NULL;

		if (kind == NULL || store_text(q, OIDC_CLIENT_URIS_URI) == NULL)
			continue;
		/* The registration admits OIDC_URIS_MAX of each kind. */
		if (strcmp(kind, "redirect") == 0 && out->n_redirect < OIDC_URIS_MAX)
			slot = &out->redirect[out->n_redirect++];
		else if (strcmp(kind, "post_logout") == 0 && out->n_post_logout < OIDC_URIS_MAX)
			slot = &out->post_logout[out->n_post_logout++];
		if (slot != NULL && (*slot = col_text(a, q, OIDC_CLIENT_URIS_URI)) == NULL) {
			rc = -1;
			break;
		}
	}
	store_done(q);
	return rc < 0 ? -1 : 0;
}

/* Copies c with its texts into a, in one allocation: what the cache keeps and hands out.
 * Returns 0 or -1 (a full). */
static int
client_copy(struct arena *a, const struct oidc_client *c, struct oidc_client *out)
{
	const char **text[7 + 2 * OIDC_URIS_MAX];
	size_t n = 0, total = 0;
	char *p;

	/* out's fields point at c's texts until each is moved into the new block. */
	*out = *c;
	text[n++] = &out->id;
	text[n++] = &out->application;
	text[n++] = &out->scopes;
	text[n++] = &out->sector;
	text[n++] = &out->created_at;
	text[n++] = &out->audience;
	text[n++] = &out->backchannel_logout_uri;
	for (size_t i = 0; i < out->n_redirect; i++)
		text[n++] = &out->redirect[i];
	for (size_t i = 0; i < out->n_post_logout; i++)
		text[n++] = &out->post_logout[i];
	for (size_t i = 0; i < n; i++) {
		if (*text[i] == NULL)
			*text[i] = "";
		total += strlen(*text[i]) + 1;
	}
	p = arena_alloc(a, total);
	if (p == NULL) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(*text[i]) + 1;

		memcpy(p, *text[i], l);
		*text[i] = p;
		p += l;
	}
	return 0;
}

#define CACHE_SLOTS 32

/* A cached client owns its texts: an arena per entry, freed when the entry is replaced. */
struct cache_slot {
	bool used;
	int64_t loaded_at;
	struct arena *arena;
	struct oidc_client c;
};

/* One provider's cache: its own store, its own slots, its own lock. */
struct oidc_client_cache {
	struct store *s;
	pthread_mutex_t lock;
	/* Counts the clears: a client read from the store before a clear is served but not
	 * cached after it (it may be the version the clear is there to drop). */
	uint64_t generation;
	struct cache_slot slot[CACHE_SLOTS];
};

struct oidc_client_cache *
oidc_client_cache_new(struct store *s)
{
	struct oidc_client_cache *cache = calloc(1, sizeof(*cache));

	if (cache == NULL)
		return NULL;
	cache->s = s;
	if (pthread_mutex_init(&cache->lock, NULL) != 0) {
		free(cache);
		return NULL;
	}
	return cache;
}

void
oidc_client_cache_free(struct oidc_client_cache *cache)
{
	if (cache == NULL)
		return;
	pthread_mutex_destroy(&cache->lock);
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		arena_free(cache->slot[i].arena);
	sodium_memzero(cache->slot, sizeof(cache->slot));
	free(cache);
}

int
oidc_client_peek_cached(struct oidc_client_cache *cache, struct arena *a, const char *id,
    struct oidc_client *out)
{
	int64_t now = (int64_t)time(NULL);
	int rc = 1;

	if (!oidc_client_id_valid(id))
		return 1;
	pthread_mutex_lock(&cache->lock);
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		if (cache->slot[i].used && strcmp(cache->slot[i].c.id, id) == 0 &&
		    now - cache->slot[i].loaded_at < OIDC_CLIENT_CACHE_TTL) {
			rc = client_copy(a, &cache->slot[i].c, out);
			break;
		}
	pthread_mutex_unlock(&cache->lock);
	return rc;
}

int
oidc_client_get_cached(struct oidc_client_cache *cache, struct arena *a, const char *id,
    struct oidc_client *out)
{
	int64_t now = (int64_t)time(NULL);
	struct cache_slot *slot = cache->slot;
	size_t i = 0, oldest = 0;
	struct oidc_client fresh;
	struct arena *entry, *old;
	uint64_t generation;
	int rc;

	if (!oidc_client_id_valid(id))
		return 1;
	pthread_mutex_lock(&cache->lock);
	generation = cache->generation;
	for (i = 0; i < CACHE_SLOTS; i++) {
		if (slot[i].used && strcmp(slot[i].c.id, id) == 0 &&
		    now - slot[i].loaded_at < OIDC_CLIENT_CACHE_TTL) {
			/* Into the caller's arena: the entry may be replaced once unlocked. */
			rc = client_copy(a, &slot[i].c, out);
			pthread_mutex_unlock(&cache->lock);
			return rc;
		}
		if (slot[i].loaded_at < slot[oldest].loaded_at)
			oldest = i;
	}
	pthread_mutex_unlock(&cache->lock);
	rc = oidc_client_get(cache->s, a, id, out);
	if (rc != 0)
		return rc;
	/* The entry's own copy, in its own arena, made before the lock is taken; without
	 * memory for it the client is served, not cached. */
	entry = arena_new(0);
	if (entry == NULL || client_copy(entry, out, &fresh) != 0) {
		arena_free(entry);
		return 0;
	}
	pthread_mutex_lock(&cache->lock);
	if (cache->generation != generation) {
		pthread_mutex_unlock(&cache->lock);
		arena_free(entry);
		return 0;
	}
	/* The slot of the same client if there is one, else the oldest. */
	for (i = 0; i < CACHE_SLOTS; i++)
		if (slot[i].used && strcmp(slot[i].c.id, id) == 0)
			break;
	if (i == CACHE_SLOTS)
		i = oldest;
	old = slot[i].arena;
	slot[i].used = true;
	slot[i].loaded_at = now;
	slot[i].arena = entry;
	slot[i].c = fresh;
	pthread_mutex_unlock(&cache->lock);
	/* Nobody reads the replaced entry any more: hits copy out under the lock. */
	arena_free(old);
	return 0;
}

void
oidc_client_cache_clear(struct oidc_client_cache *cache)
{
	struct arena *old[CACHE_SLOTS];

	pthread_mutex_lock(&cache->lock);
	cache->generation++;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		old[i] = cache->slot[i].arena;
		sodium_memzero(&cache->slot[i], sizeof(cache->slot[i]));
	}
	pthread_mutex_unlock(&cache->lock);
	/* Hits copy out under the lock: nobody reads the dropped entries any more. */
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		arena_free(old[i]);
}

int
oidc_client_get(struct store *s, struct arena *a, const char *id, struct oidc_client *out)
{
	struct store_tx *tx;
	int rc;

	if (!oidc_client_id_valid(id))
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = oidc_client_read(tx, a, id, out);
	store_rollback(&tx);
	return rc;
}

/* The ids of the clients, in order, as a list in the listing's arena. */
struct id_item {
	const char *id;
	struct id_item *next;
};

int
oidc_client_list(struct store *s, int (*fn)(void *arg, const struct oidc_client *c), void *arg)
{
	struct arena *a = arena_new(0);
	struct id_item *ids = NULL, **tail = &ids;
	struct store_tx *tx = NULL;
	struct store_q *q;
	struct oidc_client c;
	int rc = -1;

	if (a == NULL || store_begin(s, STORE_READ, &tx) != 0)
		goto done;
	if (store_query(tx, SQL_OIDC_CLIENT_LIST, &q, "") != 0)
		goto done;
	while ((rc = store_next(q)) == 1) {
		struct id_item *it = arena_alloc(a, sizeof(*it));

		if (it == NULL || (it->id = col_text(a, q, OIDC_CLIENT_LIST_ID)) == NULL) {
			rc = -1;
			break;
		}
		*tail = it;
		tail = &it->next;
	}
	store_done(q);
	/* One open query per transaction: read the ids first, then each client. */
	for (const struct id_item *it = ids; rc == 0 && it != NULL; it = it->next) {
		if (oidc_client_read(tx, a, it->id, &c) != 0)
			rc = -1;
		else if (fn(arg, &c) != 0)
			break;
	}
done:
	store_rollback(&tx);
	arena_free(a);
	return rc < 0 ? -1 : 0;
}
