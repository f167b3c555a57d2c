/* jwks_uri.c — the JWKS of clients registered by URL: one libcurl GET within limits (https,
 * no redirect, 5 s, 64 KiB), kept per client for its Cache-Control max-age (bounded). */
#include "oidc/jwks_uri.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/analyzer.h"
#include "oidc/client_auth.h"
#include "oidc/clients.h"

/* A few clients register keys by URL; the least recently fetched entry makes room. The
 * documents are public keys, the same for whichever application of the process asks. */
#define CACHE_SLOTS 64

struct slot {
	char *client_id, *uri, *doc;   /* doc: the usable JWKS, NULL before a success */
	int64_t fetched_at, expires_at;
	int64_t kid_refetch_at;        /* the last refetch for an unknown kid */
	int64_t failed_at;             /* the last failed fetch (0: none) */
};

static struct slot cache[CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

bool
oidc_jwks_is_uri(const char *registered)
{
	return registered != NULL && (strncmp(registered, "https://", 8) == 0 ||
	    strncmp(registered, "http://", 7) == 0);
}

/* ---- fetching ---- */

struct body {
	char *data;
	size_t len;
	bool too_big;
};

static size_t
collect(char *ptr, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t k = size * n;
	char *p;

	if (b->len + k > OIDC_JWKS_FETCH_MAX) {
		b->too_big = true;
		return 0;            /* libcurl stops with a write error */
	}
	p = realloc(b->data, b->len + k + 1);
	if (p == NULL)
		return 0;
	memcpy(p + b->len, ptr, k);
	b->data = p;
	b->len += k;
	b->data[b->len] = '\0';
	return k;
}

/* Reads max-age from a Cache-Control header line into *age (left alone otherwise). */
static size_t
header_line(char *ptr, size_t size, size_t n, void *arg)
{
	int64_t *age = arg;
	size_t k = size * n;
	char line[256], *m;

	if (k < 14 || k >= sizeof(line) || strncasecmp(ptr, "cache-control:", 14) != 0)
		return k;
	memcpy(line, ptr, k);
	line[k] = '\0';
	m = strcasestr(line, "max-age=");
	if (m != NULL) {
		char *end;
		long long v = strtoll(m + 8, &end, 10);

		if (end != m + 8 && v >= 0)
			*age = v;
	}
	if (strcasestr(line, "no-store") != NULL || strcasestr(line, "no-cache") != NULL)
		*age = 0;
	return k;
}

/* GETs uri: 0 with the usable JWKS (malloc'd) in *doc and the document's max-age (-1 when
 * none) in *age; 1 with a reason in why. */
static int
fetch(const char *uri, char **doc, int64_t *age, char *why, size_t whylen)
{
	struct body b = { 0 };
	CURL *h;
	CURLcode cc;
	long status = 0;
	char err[128];
	int rc = 1;

	*doc = NULL;
	*age = -1;
	/* Checked again here: the row may have been written by hand. */
	if (!oidc_uri_valid(uri) || !oidc_jwks_is_uri(uri)) {
		snprintf(why, whylen, "the JWKS URL is not https");
		return 1;
	}
	h = curl_easy_init();
	if (h == NULL) {
		snprintf(why, whylen, "libcurl");
		return 1;
	}
	curl_easy_setopt(h, CURLOPT_URL, uri);
	/* oidc_uri_valid allows http only on loopback. */
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, strncmp(uri, "https://", 8) == 0 ?
	    "https" : "http");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, OIDC_JWKS_FETCH_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, OIDC_JWKS_FETCH_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)OIDC_JWKS_FETCH_MAX);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_line);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, age);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	if (b.too_big || cc == CURLE_FILESIZE_EXCEEDED)
		snprintf(why, whylen, "the JWKS is larger than %d bytes", OIDC_JWKS_FETCH_MAX);
	else if (cc != CURLE_OK)
		snprintf(why, whylen, "%s", curl_easy_strerror(cc));
	else if (status != 200)
		snprintf(why, whylen, "HTTP %ld", status);
	else if (b.data == NULL || oidc_jwks_usable(b.data, b.len, doc, err, sizeof(err)) != 0)
		snprintf(why, whylen, "%s", b.data == NULL ? "empty answer" : err);
	else
		rc = 0;
	free(b.data);
	return rc;
}

/* ---- the cache ---- */

static void
slot_clear(struct slot *s)
{
	free(s->client_id);
	free(s->uri);
	free(s->doc);
	memset(s, 0, sizeof(*s));
}

/* Gives slot s to client_id and uri (copies). s, or NULL when out of memory. */
static struct slot *
slot_fill(struct slot *s, const char *client_id, const char *uri)
{
	char *cid = strdup(client_id), *u = strdup(uri);

	slot_clear(s);
	if (cid == NULL || u == NULL) {
		free(cid);
		free(u);
		return NULL;
	}
	/* gcc 12's analyzer loses the copies once they are kept in an entry of the static
	 * array (reached through a moving index): slot_clear frees them. */
	ANALYZER_IGNORE("-Wanalyzer-malloc-leak")
	s->client_id = cid;
	s->uri = u;
	return s;
	ANALYZER_END
}

/* The slot of client_id (its entry forgotten when the URL changed), or a free or the
 * oldest one, claimed for it; NULL when out of memory. Under cache_lock. */
static struct slot *
slot_of(const char *client_id, const char *uri)
{
	struct slot *old = &cache[0];

	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct slot *s = &cache[i];

		if (s->client_id != NULL && strcmp(s->client_id, client_id) == 0) {
			if (strcmp(s->uri, uri) == 0)
				return s;
			slot_clear(s);
			old = s;
			break;
		}
		if (s->client_id == NULL || (old->client_id != NULL &&
		    s->fetched_at < old->fetched_at))
			old = s;
	}
	return slot_fill(old, client_id, uri);
}

static bool
has_kid(const char *doc, const char *kid)
{
	json_t *set = json_loads(doc, 0, NULL), *jwk;
	bool found = false;
	size_t i;

	json_array_foreach(json_object_get(set, "keys"), i, jwk) {
		const char *k = json_string_value(json_object_get(jwk, "kid"));

		if (k != NULL && strcmp(k, kid) == 0)
			found = true;
	}
	json_decref(set);
	return found;
}

enum need { USE_CACHED, FETCH, PAUSED };

/* What to do for the slot at now. Under cache_lock. */
static enum need
need_of(struct slot *s, const char *kid, int64_t now)
{
	if (s->doc != NULL && now < s->expires_at) {
		if (kid == NULL || has_kid(s->doc, kid))
			return USE_CACHED;
		if (s->kid_refetch_at != 0 && now - s->kid_refetch_at < OIDC_JWKS_KID_REFETCH)
			return USE_CACHED;    /* the verification refuses the unknown kid */
		s->kid_refetch_at = now;
		return FETCH;
	}
	if (s->failed_at != 0 && now - s->failed_at < OIDC_JWKS_FAIL_PAUSE)
		return PAUSED;
	return FETCH;
}

int
oidc_jwks_uri_get(struct arena *a, const char *client_id, const char *uri, const char *kid,
    int64_t now, const char **jwks, char *why, size_t whylen)
{
	struct slot *s;
	enum need need;
	char *doc = NULL;
	int64_t age = -1;
	int rc = -1;

	*jwks = NULL;
	pthread_mutex_lock(&cache_lock);
	s = slot_of(client_id, uri);
	need = s != NULL ? need_of(s, kid, now) : USE_CACHED;
	if (s != NULL && need == USE_CACHED)
		rc = (*jwks = arena_strdup(a, s->doc)) != NULL ? 0 : -1;
	pthread_mutex_unlock(&cache_lock);
	if (s == NULL || need == USE_CACHED)
		return rc;
	if (need == PAUSED) {
		snprintf(why, whylen, "the last fetch failed less than %d s ago",
		    OIDC_JWKS_FAIL_PAUSE);
		return 1;
	}
	/* The fetch runs outside the lock: its timeout bounds it; two requests meeting an
	 * empty entry at once may both fetch. */
	rc = fetch(uri, &doc, &age, why, whylen);
	pthread_mutex_lock(&cache_lock);
	s = slot_of(client_id, uri);
	if (s != NULL && rc == 0) {
		free(s->doc);
		s->doc = doc;
		doc = NULL;
		s->fetched_at = now;
		s->failed_at = 0;
		if (age < OIDC_JWKS_TTL_MIN)
			age = OIDC_JWKS_TTL_MIN;
		if (age > OIDC_JWKS_TTL_MAX)
			age = OIDC_JWKS_TTL_MAX;
		s->expires_at = now + age;
	} else if (s != NULL) {
		s->failed_at = now;
	}
	/* A failed refetch for a kid keeps the fresh document: the kid stays unknown. */
	if (s != NULL && s->doc != NULL && now < s->expires_at)
		rc = (*jwks = arena_strdup(a, s->doc)) != NULL ? 0 : -1;
	else if (rc == 0 || s == NULL)
		rc = -1;
	pthread_mutex_unlock(&cache_lock);
	free(doc);
	return rc;
}

void
oidc_jwks_uri_flush(void)
{
	pthread_mutex_lock(&cache_lock);
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		slot_clear(&cache[i]);
	pthread_mutex_unlock(&cache_lock);
}
