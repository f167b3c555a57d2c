/* pending.c — SAML's pending requests in the federation service's table fed_request
 * (docs/federation.md): the neutral fields fed decides with, the browser that started the
 * request, and lasso's dump of the login as the protocol's opaque part. The id in the URL
 * is 256 random bits; only its BLAKE2b hash is stored. Also the AuthnRequest IDs seen. */
#include "saml/saml.h"

#include <sodium.h>
#include <string.h>

#include "base/clock.h"
#include "saml/sql.h"

static int
id_hash(const char *id, unsigned char h[32])
{
	if (id == NULL || strlen(id) != SAML_ID_LEN)
		return -1;
	crypto_generichash(h, 32, (const unsigned char *)id, SAML_ID_LEN, NULL, 0);
	return 0;
}

int
saml_pending_save(struct store *s, const struct saml_pending *p, char id[SAML_ID_LEN + 1])
{
	struct store_tx *tx = NULL;
	unsigned char raw[32], h[32];
	struct arena *a = arena_new(2 * strlen(p->dump) + 65536);
	const char *protocol;
	int rc = -1;

	/* SAML's opaque part: the binding of the answer on the first line, lasso's dump. */
	protocol = a != NULL ? arena_printf(a, "%s\n%s", p->artifact ? "artifact" : "post",
	    p->dump) : NULL;
	if (protocol == NULL) {
		arena_free(a);
		return -1;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(id, SAML_ID_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (id_hash(id, h) != 0 || store_begin(s, STORE_WRITE, &tx) != 0) {
		arena_free(a);
		return -1;
	}
	/* Expired requests go as new ones come: the table stays the size of the traffic of
	 * SAML_REQUEST_TTL seconds. */
	if (store_exec(tx, SQL_SAML_REQ_PURGE, "i", p->fr.created_at) < 0 ||
	    store_exec(tx, SQL_SAML_SEEN_PURGE, "i", p->fr.created_at) < 0 ||
	    store_exec(tx, SQL_SAML_REQ_INSERT, "bttiiibtii", h, sizeof(h), p->fr.requester,
	    p->fr.application, (int64_t)p->fr.level, (int64_t)(p->fr.force_login ? 1 : 0),
	    p->fr.max_age, p->browser, sizeof(p->browser), protocol, p->fr.created_at,
	    p->fr.created_at + SAML_REQUEST_TTL) != 1 ||
	    store_commit(&tx) != 0)
		goto done;
	rc = 0;
done:
	store_rollback(&tx);
	arena_free(a);
	return rc;
}

int
saml_pending_read(struct store *s, struct arena *a, const char *id, struct saml_pending *out)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	unsigned char h[32];
	const void *b;
	size_t bn = 0;
	int rc = -1, step;

	memset(out, 0, sizeof(*out));
	if (id_hash(id, h) != 0)
		return 1;
	if (store_begin(s, STORE_READ, &tx) != 0 ||
	    store_query(tx, SQL_SAML_REQ_GET, &q, "bi", h, sizeof(h), clock_time()) != 0)
		goto done;
	step = store_next(q);
	if (step < 0)
		goto done;
	rc = 1;
	if (step == 0)
		goto done;
	out->fr.kind = FED_SAML;
	out->fr.requester = arena_strdup(a, store_text(q, SAML_REQ_GET_REQUESTER));
	out->fr.application = arena_strdup(a, store_text(q, SAML_REQ_GET_APPLICATION));
	out->fr.level = (int)store_int(q, SAML_REQ_GET_LEVEL);
	out->fr.force_login = store_int(q, SAML_REQ_GET_FORCE_LOGIN) != 0;
	out->fr.max_age = store_int(q, SAML_REQ_GET_MAX_AGE);
	out->fr.created_at = store_int(q, SAML_REQ_GET_CREATED_AT);
	b = store_blob(q, SAML_REQ_GET_BROWSER, &bn);
	if (b == NULL || bn != sizeof(out->browser))
		goto fail;
	memcpy(out->browser, b, bn);
	b = store_null(q, SAML_REQ_GET_STALE_SESSION) ? NULL :
	    store_blob(q, SAML_REQ_GET_STALE_SESSION, &bn);
	if (b != NULL && bn == sizeof(out->fr.stale_session)) {
		memcpy(out->fr.stale_session, b, bn);
		out->fr.has_stale_session = true;
	}
	out->dump = arena_strdup(a, store_text(q, SAML_REQ_GET_PROTOCOL));
	if (out->fr.requester == NULL || out->fr.application == NULL || out->dump == NULL)
		goto fail;
	if (strncmp(out->dump, "artifact\n", 9) == 0) {
		out->artifact = true;
		out->dump += 9;
	} else if (strncmp(out->dump, "post\n", 5) == 0) {
		out->dump += 5;
	} else {
		goto fail;
	}
	rc = 0;
	goto done;
fail:
	rc = -1;
done:
	store_done(q);
	store_rollback(&tx);
	return rc;
}

/* Runs one write statement on the request's hash (with an optional blob). */
static int
req_write(struct store *s, int stmt, const char *id, const unsigned char *blob, size_t bn)
{
	struct store_tx *tx = NULL;
	unsigned char h[32];
	int n = -1;

	if (id_hash(id, h) != 0)
		return 0;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	n = blob != NULL ? store_exec(tx, stmt, "bb", h, sizeof(h), blob, bn) :
	    store_exec(tx, stmt, "b", h, sizeof(h));
	if (n < 0 || store_commit(&tx) != 0)
		n = -1;
	store_rollback(&tx);
	return n;
}

int
saml_pending_mark(struct store *s, const char *id, const unsigned char mark[32])
{
	return req_write(s, SQL_SAML_REQ_MARK, id, mark, 32) < 0 ? -1 : 0;
}

int
saml_pending_take(struct store *s, const char *id)
{
	int n = req_write(s, SQL_SAML_REQ_DELETE, id, NULL, 0);

	return n < 0 ? -1 : n == 1 ? 0 : 1;
}

int
saml_request_seen(struct store *s, const char *issuer, const char *request_id,
    int64_t expires_at)
{
	struct store_tx *tx = NULL;
	int rc = -1, x;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	x = store_exec_try(tx, SQL_SAML_SEEN_INSERT, "tti", issuer, request_id, expires_at);
	if (x == -2)
		rc = 1;
	else if (x == 1 && store_commit(&tx) == 0)
		rc = 0;
	store_rollback(&tx);
	return rc;
}

#define ARTIFACT_TTL 60              /* seconds an artifact waits for its resolution */

static void
artifact_hash(const char *artifact, unsigned char h[32])
{
	crypto_generichash(h, 32, (const unsigned char *)artifact, strlen(artifact), NULL, 0);
}

int
saml_artifact_save(struct store *s, const char *artifact, const char *entity_id,
    const char *message, int64_t now)
{
	struct store_tx *tx = NULL;
	unsigned char h[32];
	int rc = -1;

	artifact_hash(artifact, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (store_exec(tx, SQL_SAML_ART_PURGE, "i", now) >= 0 &&
	    store_exec(tx, SQL_SAML_ART_INSERT, "btti", h, sizeof(h), entity_id, message,
	    now + ARTIFACT_TTL) == 1 && store_commit(&tx) == 0)
		rc = 0;
	store_rollback(&tx);
	return rc;
}

int
saml_artifact_take(struct store *s, struct arena *a, const char *artifact,
    const char *entity_id, int64_t now, const char **message)
{
	struct store_tx *tx = NULL;
	struct store_q *q = NULL;
	unsigned char h[32];
	const char *owner = NULL;
	int rc = -1, step;

	*message = NULL;
	artifact_hash(artifact, h);
	if (store_begin(s, STORE_WRITE, &tx) != 0 ||
	    store_query(tx, SQL_SAML_ART_GET, &q, "bi", h, sizeof(h), now) != 0)
		goto done;
	step = store_next(q);
	if (step < 0)
		goto done;
	if (step == 1) {
		owner = arena_strdup(a, store_text(q, SAML_ART_GET_ENTITY_ID));
		*message = arena_strdup(a, store_text(q, SAML_ART_GET_MESSAGE));
		if (owner == NULL || *message == NULL)
			goto done;
	}
	store_done(q);
	q = NULL;
	/* Taken by whoever asks: an artifact tried by another SP is spent as well. */
	if (step == 1 && (store_exec(tx, SQL_SAML_ART_DELETE, "b", h, sizeof(h)) != 1 ||
	    store_commit(&tx) != 0))
		goto done;
	rc = step == 1 && strcmp(owner, entity_id) == 0 ? 0 : 1;
	if (rc != 0)
		*message = NULL;
done:
	store_done(q);
	store_rollback(&tx);
	return rc;
}
