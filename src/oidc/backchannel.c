/* backchannel.c — back-channel logout (backchannel.h): queuing in the transaction that
 * ends the sessions, signing a logout token at each attempt, posting it with
 * libcurl from one thread per process, a lease per notification so that nodes never post
 * the same one twice at once. The thread also delivers a second outbox given at its start
 * (the SAML SPs' SOAP LogoutRequests, saml/backchannel.c). */
#include "oidc/backchannel.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/jsontext.h"
#include "base/log.h"
#include "fed/jws.h"
#include "oidc/claims.h"
#include "oidc/provider.h"
#include "oidc/grants.h"
#include "oidc/toolbox_sql.h"

#define BATCH 20
#define LEASE_SECONDS 60              /* a claimed notification waits this long */
#define POST_TIMEOUT 10L              /* seconds for one POST */
#define BCL_EVENT "http://schemas.openid.net/event/backchannel-logout"

/* ---- queuing ---- */

int
oidc_backchannel_account(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    const char *why)
{
	int64_t now = clock_time();

	if (store_exec(tx, SQL_OIDC_BCL_ENQUEUE_ACCOUNT, "iiti", account_id, now, why,
	    org_quality_id) < 0 ||
	    store_exec(tx, SQL_OIDC_BCL_REVOKE_ACCOUNT, "iiti", account_id, now, why,
	    org_quality_id) < 0)
		return -1;
	return 0;
}

int
oidc_backchannel_person(struct store *s, int64_t person_id, const char *why,
    const struct actor *ctx)
{
	int64_t now = clock_time();
	char actor[24], details[96];
	struct audit_event ev = {
		.actor = actor, .actor_role = "person", .object = "oidc_client:*",
		.action = "oidc.backchannel.queued", .details = details,
		.source = ctx ? ctx->source : NULL, .request_id = ctx ? ctx->request_id : NULL,
	};
	struct store_tx *tx;
	int n;

	snprintf(actor, sizeof(actor), "%" PRId64, person_id);
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	n = store_exec(tx, SQL_OIDC_BCL_ENQUEUE_PERSON, "iit", person_id, now, why);
	if (n >= 0 && store_exec(tx, SQL_OIDC_BCL_REVOKE_PERSON, "iit", person_id, now, why) < 0)
		n = -1;
	/* Audited only when someone is to be told. */
	if (n > 0 && (json_text(details, sizeof(details), "{s:i, s:s}", "notifications", n,
	    "reason", why) != 0 || audit_append(tx, &ev) != 0))
		n = -1;
	if (n < 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return 0;
}

int
oidc_sid(struct oidc_provider *p, int64_t grant_id, char out[OIDC_SID_LEN + 1])
{
	unsigned char key[32], h[16];
	char in[32];
	int n = snprintf(in, sizeof(in), "sid:%" PRId64, grant_id);

	if (oidc_provider_secret(p, key) != 0)
		return -1;
	crypto_generichash(h, sizeof(h), (const unsigned char *)in, (size_t)n, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	return jws_b64url_encode(h, sizeof(h), out, OIDC_SID_LEN + 1) == OIDC_SID_LEN ? 0 : -1;
}

/* ---- the logout token ---- */

/* Signs the logout token of a notification into out: iss, aud, iat, exp, jti, sub, sid,
 * events; no nonce (Back-Channel Logout §2.4). 0 or -1. */
static int
logout_token(struct oidc_provider *p, struct arena *a, const char *client_id,
    int64_t grant_id, int64_t person_id, struct buf *out)
{
	const struct oidc_keyring *kr = NULL;
	char sub[OIDC_SUB_LEN + 1], sid[OIDC_SID_LEN + 1], jti[OIDC_TOKEN_LEN + 1];
	int64_t now = clock_time();
	struct oidc_client c;
	char *payload = NULL;
	json_t *o = NULL;
	int rc = -1;

	if (oidc_provider_client(p, a, client_id, &c) != 0 ||
	    oidc_subject(p, &c, person_id, sub) != 0 || oidc_sid(p, grant_id, sid) != 0)
		return -1;
	oidc_random_token(jti);
	o = json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:{s:{}}}",
	    "iss", oidc_provider_issuer(p), "aud", c.id, "iat", (json_int_t)now,
	    "exp", (json_int_t)(now + OIDC_LOGOUT_TOKEN_TTL), "jti", jti, "sub", sub,
	    "sid", sid, "events", BCL_EVENT);
	payload = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	kr = payload != NULL ? oidc_provider_keys_get(p) : NULL;
	if (kr != NULL) {
		rc = jws_sign(oidc_keyring_signer_alg(kr, c.id_token_alg), "logout+jwt", payload,
		    strlen(payload), out);
		oidc_provider_keys_put(p, kr);
	}
	free(payload);
	json_decref(o);
	return rc;
}

/* ---- posting ---- */

static size_t
discard(char *ptr, size_t size, size_t n, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * n;
}

/* POSTs logout_token=token to uri. 0 when the relying party answered 2xx, else 1 with
 * a short reason in why. */
static int
post_token(const char *uri, const char *token, char *why, size_t whylen)
{
	CURL *h = curl_easy_init();
	char *body = NULL;
	long status = 0;
	CURLcode cc;

	if (h == NULL) {
		snprintf(why, whylen, "libcurl");
		return 1;
	}
	/* The token is base64url and dots: nothing to escape in the form. */
	if (asprintf(&body, "logout_token=%s", token) < 0) {
		curl_easy_cleanup(h);
		snprintf(why, whylen, "out of memory");
		return 1;
	}
	curl_easy_setopt(h, CURLOPT_URL, uri);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, POST_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	free(body);
	if (cc != CURLE_OK) {
		snprintf(why, whylen, "%s", curl_easy_strerror(cc));
		return 1;
	}
	if (status < 200 || status > 299) {
		snprintf(why, whylen, "HTTP %ld", status);
		return 1;
	}
	return 0;
}

/* What one notification needs, read under its lease. */
struct bcl_item {
	const char *client_id, *uri, *token;
	int64_t grant_id, person_id, attempts;
};

/* Claims notification id (due at due) and reads it, with a logout token signed now.
 * 0 claimed, 1 taken by another node or gone, -1. */
static int
claim(struct oidc_provider *p, struct arena *a, int64_t id, int64_t due, int64_t now,
    struct bcl_item *it)
{
	struct store *s = oidc_provider_store(p);
	struct store_tx *tx;
	struct store_q *q;
	struct buf tok;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	rc = store_exec(tx, SQL_OIDC_BCL_CLAIM, "iii", id, due, now + LEASE_SECONDS);
	if (rc == 1 && store_query(tx, SQL_OIDC_BCL_GET, &q, "i", id) == 0) {
		rc = store_next(q);
		if (rc == 1) {
			it->client_id = arena_strdup(a, store_text(q, OIDC_BCL_GET_CLIENT_ID));
			it->uri = arena_strdup(a, store_text(q, OIDC_BCL_GET_URI));
			it->grant_id = store_int(q, OIDC_BCL_GET_GRANT_ID);
			it->person_id = store_int(q, OIDC_BCL_GET_PERSON_ID);
			it->attempts = store_int(q, OIDC_BCL_GET_ATTEMPTS);
			if (it->client_id == NULL || it->uri == NULL)
				rc = -1;
		}
		store_done(q);
	} else if (rc == 1) {
		rc = -1;
	}
	if (rc != 1) {
		store_rollback(&tx);
		return rc < 0 ? -1 : 1;
	}
	if (store_commit(&tx) != 0)
		return -1;
	/* A token for each attempt: a logout token lives OIDC_LOGOUT_TOKEN_TTL (2 min) while
	 * retries go on for hours, so one kept from the first attempt would reach the
	 * relying party expired from the third on. */
	buf_init(&tok, 64 * 1024);
	rc = logout_token(p, a, it->client_id, it->grant_id, it->person_id, &tok);
	it->token = rc == 0 && tok.data != NULL ? arena_strdup(a, tok.data) : NULL;
	buf_free(&tok);
	return it->token != NULL ? 0 : -1;
}

int64_t
oidc_bcl_delay(int64_t attempts)
{
	int64_t delay = OIDC_BCL_RETRY_FIRST;

	for (int64_t i = 0; i < attempts && delay < OIDC_BCL_RETRY_MAX; i++)
		delay *= 2;
	return delay > OIDC_BCL_RETRY_MAX ? OIDC_BCL_RETRY_MAX : delay;
}

/* Records the outcome of an attempt: sent, a retry after a doubling delay, or failed
 * after OIDC_BCL_ATTEMPTS. */
static void
record(struct store *s, int64_t id, const struct bcl_item *it, int sent, const char *why)
{
	int64_t now = clock_time(), delay = oidc_bcl_delay(it->attempts);
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return;
	if (sent == 0)
		rc = store_exec(tx, SQL_OIDC_BCL_SENT, "ii", id, now);
	else if (it->attempts + 1 >= OIDC_BCL_ATTEMPTS)
		rc = store_exec(tx, SQL_OIDC_BCL_FAILED, "it", id, why);
	else
		rc = store_exec(tx, SQL_OIDC_BCL_RETRY, "iit", id, now + delay, why);
	if (rc < 0 || store_commit(&tx) != 0)
		store_rollback(&tx);
	if (sent != 0)
		log_warn(NULL, "oidc: back-channel logout to %s: %s (attempt %" PRId64 " of %d)",
		    it->client_id, why, it->attempts + 1, OIDC_BCL_ATTEMPTS);
}

static int
deliver_one(struct oidc_provider *p, int64_t id, int64_t due, int64_t now)
{
	struct arena *a = arena_new(256 * 1024);
	struct bcl_item it = { 0 };
	char why[160] = "";
	int rc, sent;

	if (a == NULL)
		return -1;
	rc = claim(p, a, id, due, now, &it);
	if (rc == 0) {
		sent = post_token(it.uri, it.token, why, sizeof(why));
		record(oidc_provider_store(p), id, &it, sent, why);
	}
	arena_free(a);
	return rc < 0 ? -1 : 0;
}

int
oidc_backchannel_deliver_due(struct oidc_provider *p, int64_t now, int max)
{
	struct store *s = oidc_provider_store(p);
	int64_t ids[BATCH], due[BATCH];
	int n;

	if (max <= 0 || max > BATCH)
		max = BATCH;
	_Static_assert(OIDC_BCL_DUE_ID == 0 && OIDC_BCL_DUE_NEXT_ATTEMPT == 1,
	    "store_read_pairs reads id and next_attempt as columns 0 and 1");
	n = store_read_pairs(s, SQL_OIDC_BCL_DUE, now, max, ids, due, max);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (deliver_one(p, ids[i], due[i], now) < 0)
			log_warn(NULL, "oidc: back-channel logout %" PRId64 " not attempted", ids[i]);
	return n;
}

/* ---- the thread ---- */

struct oidc_bcl_runner {
	struct oidc_provider *p;
	struct oidc_bcl_also also;    /* the second outbox (fn NULL: none) */
	int64_t purged_at;            /* the last purge of old notifications */
	int64_t expired_at;           /* the last oidc_purge */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop, running;
};

/* Drops the notifications done (sent or failed) more than OIDC_BCL_KEEP ago. */
static void
purge(struct oidc_bcl_runner *b)
{
	struct store_tx *tx;

	b->purged_at = clock_time();
	if (store_begin(oidc_provider_store(b->p), STORE_WRITE, &tx) != 0)
		return;
	if (store_exec(tx, SQL_OIDC_BCL_PURGE, "i", b->purged_at - OIDC_BCL_KEEP) < 0 ||
	    store_commit(&tx) != 0)
		store_rollback(&tx);
}

static void *
loop(void *arg)
{
	struct oidc_bcl_runner *b = arg;
	bool stop = false;

	while (!stop) {
		struct timespec until;

		/* The service's clock (a test clock in tests) decides what is due. */
		if (oidc_backchannel_deliver_due(b->p, clock_time(), BATCH) < 0)
			log_err(NULL, "oidc: cannot read the back-channel logout outbox");
		if (b->also.fn != NULL && b->also.fn(b->also.arg, clock_time()) < 0)
			log_err(NULL, "oidc: the second logout outbox cannot be read");
		if (clock_time() - b->purged_at >= 3600)
			purge(b);
		/* What expired goes once a minute, here rather than on the paths that issue:
		 * on PostgreSQL a purge's generic plan ("expires_at <= $1") scans the whole
		 * table, which a token path paid every 64th token (bench-machines). */
		if (clock_time() - b->expired_at >= OIDC_PURGE_EVERY) {
			b->expired_at = clock_time();
			if (oidc_purge(oidc_provider_store(b->p)) != 0)
				log_warn(NULL, "oidc: purge of what expired failed");
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		pthread_mutex_lock(&b->lock);
		if (!b->stop)
			pthread_cond_timedwait(&b->wake, &b->lock, &until);
		stop = b->stop;
		pthread_mutex_unlock(&b->lock);
	}
	return NULL;
}

int
oidc_backchannel_start(struct oidc_provider *p, const struct oidc_bcl_also *also,
    struct oidc_bcl_runner **out)
{
	struct oidc_bcl_runner *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (b == NULL)
		return -1;
	b->p = p;
	if (also != NULL)
		b->also = *also;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->wake, NULL);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    pthread_create(&b->thread, NULL, loop, b) != 0) {
		oidc_backchannel_stop(b);
		return -1;
	}
	b->running = true;
	*out = b;
	return 0;
}

void
oidc_backchannel_stop(struct oidc_bcl_runner *b)
{
	if (b == NULL)
		return;
	if (b->running) {
		pthread_mutex_lock(&b->lock);
		b->stop = true;
		pthread_cond_signal(&b->wake);
		pthread_mutex_unlock(&b->lock);
		pthread_join(b->thread, NULL);
		curl_global_cleanup();
	}
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->wake);
	free(b);
}
