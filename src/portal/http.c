/* http.c — libcurl requests for the portal's back-channel (discovery, JWKS, token,
 * userinfo, the registry API): one easy handle per request, bounded in time and size. */
#include "portal/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/pct.h"
#include "portal/idtoken.h"

#define CONNECT_MS 5000
#define TOTAL_MS 15000

/* The CA file an https issuer must chain to; "" for the system bundle. Set once by
 * phttp_init() before any thread starts, read-only afterwards. */
static char ca_file_[1024];

/* Refuses a CA file that cannot be read or holds no certificate, so that a mistake shows
 * at start rather than as every login failing. */
static int
ca_file_check(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	X509 *x;
	int n = 0;

	if (f == NULL) {
		snprintf(err, errlen, "ca_file %s cannot be read: %s", path, strerror(errno));
		return -1;
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		X509_free(x);
		n++;
	}
	ERR_clear_error();
	fclose(f);
	if (n == 0) {
		snprintf(err, errlen, "ca_file %s holds no PEM certificate", path);
		return -1;
	}
	return 0;
}

int
phttp_init(const char *ca_file, char *err, size_t errlen)
{
	if (ca_file != NULL && ca_file[0] != '\0') {
		if (strlen(ca_file) >= sizeof(ca_file_)) {
			snprintf(err, errlen, "ca_file: path too long");
			return -1;
		}
		if (ca_file_check(ca_file, err, errlen) != 0)
			return -1;
		memcpy(ca_file_, ca_file, strlen(ca_file) + 1);
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl cannot start");
		return -1;
	}
	return 0;
}

/* Peer and host name always verified; with a ca_file, its CAs only (the default CA
 * folder is dropped too, or the system's roots would still be trusted). */
static int
tls_trust(CURL *c)
{
	if (curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK)
		return -1;
	if (ca_file_[0] == '\0')
		return 0;
	if (curl_easy_setopt(c, CURLOPT_CAINFO, ca_file_) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CAPATH, NULL) != CURLE_OK)
		return -1;
	return 0;
}

/* The reason of a failed request, saying which CAs were asked when the issuer's
 * certificate was refused. */
static void
failure(CURLcode rc, const char *ebuf, char *err, size_t errlen)
{
	const char *why = ebuf[0] ? ebuf : curl_easy_strerror(rc);

	if (rc == CURLE_WRITE_ERROR)
		snprintf(err, errlen, "answer over the size limit");
	else if (rc == CURLE_PEER_FAILED_VERIFICATION && ca_file_[0] != '\0')
		snprintf(err, errlen, "the issuer's TLS certificate is not trusted: it must "
		    "chain to a CA of ca_file %s and name the issuer's host (%s)", ca_file_, why);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION)
		snprintf(err, errlen, "the issuer's TLS certificate is not trusted: it must "
		    "chain to a CA of the system bundle (or set ca_file) and name the issuer's "
		    "host (%s)", why);
	else if (rc == CURLE_SSL_CACERT_BADFILE)
		snprintf(err, errlen, "ca_file %s cannot be used (%s)", ca_file_, why);
	else
		snprintf(err, errlen, "%s", why);
}

void
phttp_cleanup(void)
{
	curl_global_cleanup();
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	/* A short count makes libcurl stop with CURLE_WRITE_ERROR: the cap is reached. */
	if (buf_add(b, p, size * n) != 0)
		return 0;
	return size * n;
}

static int
perform(CURL *c, struct curl_slist *headers, size_t max, struct phttp_resp *out, char *err,
    size_t errlen)
{
	char ebuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	memset(out, 0, sizeof(*out));
	buf_init(&out->body, max);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)TOTAL_MS);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "portier-portal");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	if (tls_trust(c) != 0) {
		snprintf(err, errlen, "libcurl refused the TLS settings");
		buf_free(&out->body);
		return -1;
	}
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		failure(rc, ebuf, err, errlen);
		buf_free(&out->body);
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	if (out->body.data == NULL && buf_add(&out->body, "", 0) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
phttp_get(const char *url, const char *bearer, size_t max, struct phttp_resp *out,
    char *err, size_t errlen)
{
	struct curl_slist *h = NULL, *t;
	char auth[2200];
	CURL *c = curl_easy_init();
	int rc = -1;

	if (c == NULL) {
		snprintf(err, errlen, "libcurl cannot start");
		return -1;
	}
	h = curl_slist_append(h, "Accept: application/json");
	if (h != NULL && bearer != NULL) {
		if ((size_t)snprintf(auth, sizeof(auth), "Authorization: Bearer %s", bearer) >=
		    sizeof(auth)) {
			snprintf(err, errlen, "access token too long");
			goto done;
		}
		t = curl_slist_append(h, auth);
		if (t == NULL)
			goto done;
		h = t;
	}
	if (h == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	rc = perform(c, h, max, out, err, errlen);
done:
	sodium_memzero(auth, sizeof(auth));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}

char *
phttp_encode(struct arena *a, const char *s)
{
	return pct_encode(a, s, "");
}

/* "Authorization: Basic base64(enc(user):enc(password))" (RFC 6749 §2.3.1). */
static char *
basic_header(struct arena *a, const char *user, const char *password)
{
	const char *u = phttp_encode(a, user), *p = phttp_encode(a, password);
	char *pair, *b64, *h;
	size_t n, b64len;

	if (u == NULL || p == NULL)
		return NULL;
	pair = arena_printf(a, "%s:%s", u, p);
	if (pair == NULL)
		return NULL;
	n = strlen(pair);
	b64len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	b64 = arena_alloc(a, b64len);
	if (b64 == NULL)
		return NULL;
	sodium_bin2base64(b64, b64len, (const unsigned char *)pair, n,
	    sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(pair, n);
	h = arena_printf(a, "Authorization: Basic %s", b64);
	sodium_memzero(b64, strlen(b64));
	return h;
}

int
phttp_post_form(const char *url, const char *user, const char *password, const char *body,
    size_t max, struct phttp_resp *out, char *err, size_t errlen)
{
	struct arena *a = arena_new(64 * 1024);
	struct curl_slist *h = NULL, *t;
	char *auth = NULL;
	CURL *c = curl_easy_init();
	int rc = -1;

	if (c == NULL || a == NULL) {
		snprintf(err, errlen, "libcurl cannot start");
		goto done;
	}
	h = curl_slist_append(h, "Accept: application/json");
	t = h ? curl_slist_append(h, "Content-Type: application/x-www-form-urlencoded") : NULL;
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	h = t;
	if (user != NULL) {
		auth = basic_header(a, user, password ? password : "");
		t = auth ? curl_slist_append(h, auth) : NULL;
		if (t == NULL) {
			snprintf(err, errlen, "out of memory");
			goto done;
		}
		h = t;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	rc = perform(c, h, max, out, err, errlen);
done:
	if (auth != NULL)
		sodium_memzero(auth, strlen(auth));
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	arena_free(a);
	return rc;
}

void
phttp_resp_free(struct phttp_resp *r)
{
	buf_free(&r->body);
}

int
phttp_jwks(const char *url, struct portal_jwks **out, char *err, size_t errlen)
{
	struct phttp_resp r;
	int rc;

	if (phttp_get(url, NULL, JWKS_MAX, &r, err, errlen) != 0)
		return -1;
	rc = r.status == 200 ? portal_jwks_parse(r.body.data, r.body.len, out) : -1;
	if (rc != 0)
		snprintf(err, errlen, "JWKS: answer %ld is not a usable key set", r.status);
	phttp_resp_free(&r);
	return rc;
}

int
phttp_token(const char *url, const char *user, const char *password, const char *body,
    size_t max, json_t **out, char *err, size_t errlen)
{
	struct phttp_resp r;
	json_t *doc;
	int rc = -1;

	*out = NULL;
	if (phttp_post_form(url, user, password, body, max, &r, err, errlen) != 0)
		return -1;
	doc = json_loadb(r.body.data, r.body.len, JSON_REJECT_DUPLICATES, NULL);
	if (doc == NULL || !json_is_object(doc)) {
		snprintf(err, errlen, "token endpoint: answer %ld is not JSON", r.status);
	} else if (r.status != 200) {
		const char *e = json_string_value(json_object_get(doc, "error"));

		/* The provider's error code only: printable, short. */
		snprintf(err, errlen, "token endpoint refused (%ld): %.64s", r.status,
		    e ? e : "no error code");
		for (char *p = err; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				*p = '?';
		rc = 1;
	} else {
		*out = doc;
		doc = NULL;
		rc = 0;
	}
	json_decref(doc);
	phttp_resp_free(&r);
	return rc;
}

int
phttp_endpoint(json_t *doc, const char *name, bool required, char *out, size_t size)
{
	const char *v = json_string_value(json_object_get(doc, name));

	out[0] = '\0';
	if (v == NULL)
		return required ? -1 : 0;
	if (strlen(v) >= size ||
	    (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0))
		return -1;
	for (const char *p = v; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return -1;
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

bool
phttp_lists(json_t *doc, const char *name, const char *word)
{
	json_t *a = json_object_get(doc, name), *v;
	size_t i;

	if (a == NULL)
		return true;
	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), word) == 0)
			return true;
	return false;
}
