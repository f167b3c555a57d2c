/* test_web_session.c — a session made by web_session_ensure, through a real web server on
 * 127.0.0.1: its texts (lang, auth_method, capacity) are "" as struct web_session says,
 * both in the request and in what the store is given, never NULL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "web/web.h"

/* What the fake store was given by the last create: a text's state, "NULL" or [value]. */
static char created[256];

static const char *
shown(struct arena *a, const char *v)
{
	return v == NULL ? "NULL" : arena_printf(a, "[%s]", v);
}

static int
fake_create(void *arg, const unsigned char id_hash[32], const struct web_session *s)
{
	(void)arg;
	(void)id_hash;
	snprintf(created, sizeof(created), "lang=%s auth_method=%s capacity=%s",
	    s->lang == NULL ? "NULL" : s->lang[0] == '\0' ? "[]" : s->lang,
	    s->auth_method == NULL ? "NULL" : s->auth_method[0] == '\0' ? "[]" : s->auth_method,
	    s->capacity == NULL ? "NULL" : s->capacity[0] == '\0' ? "[]" : s->capacity);
	return 0;
}

static int
fake_load(void *arg, struct arena *a, const unsigned char id_hash[32], struct web_session *out)
{
	(void)arg;
	(void)a;
	(void)id_hash;
	(void)out;
	return 1;
}

static int
fake_touch(void *arg, const unsigned char id_hash[32], int64_t now)
{
	(void)arg;
	(void)id_hash;
	(void)now;
	return 0;
}

static int
fake_destroy(void *arg, const unsigned char id_hash[32])
{
	(void)arg;
	(void)id_hash;
	return 0;
}

/* A new session's texts as the handler sees them, in the body. */
static int
ensure(struct web_req *r)
{
	struct web_session *s = web_session_ensure(r);
	struct arena *a = web_arena(r);
	const char *body;

	if (s == NULL)
		return -1;
	body = arena_printf(a, "lang=%s auth_method=%s capacity=%s", shown(a, s->lang),
	    shown(a, s->auth_method), shown(a, s->capacity));
	return body == NULL ? -1 : web_send(r, 200, "text/plain", body, strlen(body));
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	char *out = arg;
	size_t have = strlen(out), add = size * n;

	if (have + add >= 256)
		return 0;
	memcpy(out + have, p, add);
	out[have + add] = '\0';
	return add;
}

/* GET url into body (256 bytes); the status, or -1. */
static long
get(const char *url, char *body)
{
	CURL *curl = curl_easy_init();
	long status = -1;

	body[0] = '\0';
	if (curl != NULL && curl_easy_setopt(curl, CURLOPT_URL, url) == CURLE_OK &&
	    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect) == CURLE_OK &&
	    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body) == CURLE_OK &&
	    curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(curl);
	return status;
}

static void
new_session_texts_empty(void **state)
{
	struct web_config cfg = {
		.listen = "127.0.0.1:0", .share_dir = ".", .locale_dir = "build/locale",
		.threads = 2, .workers = 1, .idle_timeout = 1800, .absolute_timeout = 43200,
		.sessions = { .load = fake_load, .create = fake_create, .touch = fake_touch,
		    .destroy = fake_destroy },
	};
	struct web_server *srv;
	char err[256], url[64], body[256];

	(void)state;
	srv = web_server_new(&cfg, err, sizeof(err));
	if (srv == NULL)
		fail_msg("web_server_new: %s", err);
	assert_int_equal(web_route(srv, "GET", "/ensure", ensure, 0), 0);
	if (web_server_start(srv, err, sizeof(err)) != 0)
		fail_msg("web_server_start: %s", err);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ensure", web_server_port(srv));
	assert_int_equal(get(url, body), 200);
	/* Before, the texts were left NULL at creation, for every reader to guard against. */
	assert_string_equal(body, "lang=[] auth_method=[] capacity=[]");
	assert_string_equal(created, "lang=[] auth_method=[] capacity=[]");
	web_server_stop(srv, 1000);
	web_server_free(srv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_session_texts_empty),
	};
	int rc;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
