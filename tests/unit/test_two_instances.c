/* test_two_instances.c — two portier applications, configured differently, started in one
 * process (cmd/instance.c): each serves its own issuer and its own keys, hashes with its
 * own password costs, counts its own export streams and has its own page settings.
 * Before, these were process globals: the last one set won for both, the keys were those
 * of whichever store asked first, and one application's exports counted for the other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apps/app.h"
#include "auth/password.h"
#include "base/buf.h"
#include "cmd/config.h"
#include "apps/login/door_eid.h"
#include "cmd/instance.h"
#include "mail/mail.h"
#include "oidc/provider.h"
#include "store/store.h"
#include "store_fixture.h"

struct side {
	char dir[64];
	struct config c;
	struct instance *in;
};

static struct {
	struct side a, b;
	struct eid_runtime eid;    /* no TLS, no eID: shared, read-only */
} W;

static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	return buf_add(arg, data, size * n) == 0 ? size * n : 0;
}

/* GET http://127.0.0.1:port path as JSON; NULL on any failure. */
static json_t *
get_json(const struct side *s, const char *path)
{
	char url[128];
	struct buf body;
	CURL *curl = curl_easy_init();
	long status = 0;
	json_t *j = NULL;

	buf_init(&body, 1 << 20);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", instance_port(s->in), path);
	if (curl != NULL && curl_easy_setopt(curl, CURLOPT_URL, url) == CURLE_OK &&
	    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect) == CURLE_OK &&
	    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body) == CURLE_OK &&
	    curl_easy_perform(curl) == CURLE_OK &&
	    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
	    status == 200 && buf_putc(&body, '\0') == 0)
		j = json_loads(body.data, 0, NULL);
	curl_easy_cleanup(curl);
	buf_free(&body);
	return j;
}

static int
set(struct config *c, const char *key, const char *value)
{
	char err[256];

	if (config_set(c, key, value, err, sizeof(err)) != 0) {
		fprintf(stderr, "two_instances: %s\n", err);
		return -1;
	}
	return 0;
}

/* One side: its own folder and database, issuer and password costs; the templates,
 * migrations and data of this checkout, the catalogues beside the test binary's folder. */
static int
side_start(struct side *s, const char *tag, const char *issuer, const char *ops,
    const char *mem_kib, const char *const *more)
{
	char cwd[PATH_MAX], exe[PATH_MAX], db[128], locale[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0 || getcwd(cwd, sizeof(cwd)) == NULL ||
	    store_fixture_mkdir(s->dir, sizeof(s->dir), tag) != 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';                          /* $(O)/tests */
	snprintf(locale, sizeof(locale), "%s/../locale", exe);
	snprintf(db, sizeof(db), "%s/portier.db", s->dir);
	config_defaults(&s->c);
	if (set(&s->c, "listen", "127.0.0.1:0") != 0 || set(&s->c, "issuer", issuer) != 0 ||
	    set(&s->c, "db", db) != 0 || set(&s->c, "share_dir", cwd) != 0 ||
	    set(&s->c, "locale_dir", locale) != 0 || set(&s->c, "threads", "2") != 0 ||
	    set(&s->c, "password_ops", ops) != 0 ||
	    set(&s->c, "password_mem_kib", mem_kib) != 0 ||
	    set(&s->c, "log_level", "warn") != 0)
		return -1;
	for (size_t i = 0; more != NULL && more[i] != NULL; i += 2)
		if (set(&s->c, more[i], more[i + 1]) != 0)
			return -1;
	return instance_start(&s->c, &W.eid, &s->in);
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	/* Both run at the same time: the second is started while the first serves. */
	if (side_start(&W.a, "inst-a", "https://a.example.test", "1", "8", NULL) != 0 ||
	    side_start(&W.b, "inst-b", "https://b.example.test/idp", "3", "16",
	    (const char *const[]){ "four_eyes", "false",
	    "exception_address", "Helpdesk B | Rue B 2 | 1000 Bruxelles",
	    "eid_proxy_header", "X-Client-Cert-B", NULL }) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	int rc = 0;

	(void)state;
	instance_stop(W.a.in, 1000);
	instance_stop(W.b.in, 1000);
	if (W.a.dir[0] != '\0' && store_fixture_rmdir(W.a.dir) != 0)
		rc = -1;
	if (W.b.dir[0] != '\0' && store_fixture_rmdir(W.b.dir) != 0)
		rc = -1;
	curl_global_cleanup();
	return rc;
}

/* Each discovery document names its own issuer and endpoints under it. */
static void
each_its_issuer(void **state)
{
	json_t *a, *b;

	(void)state;
	/* Asked in turn, twice, so that neither answer is the first one's left over. */
	for (int round = 0; round < 2; round++) {
		a = get_json(&W.a, "/.well-known/openid-configuration");
		b = get_json(&W.b, "/.well-known/openid-configuration");
		assert_non_null(a);
		assert_non_null(b);
		assert_string_equal(json_string_value(json_object_get(a, "issuer")),
		    "https://a.example.test");
		assert_string_equal(json_string_value(json_object_get(b, "issuer")),
		    "https://b.example.test/idp");
		assert_string_equal(json_string_value(json_object_get(b, "token_endpoint")),
		    "https://b.example.test/idp/oidc/token");
		json_decref(a);
		json_decref(b);
	}
	assert_string_equal(oidc_provider_issuer(instance_app(W.a.in)->oidc),
	    "https://a.example.test");
	assert_string_equal(oidc_provider_issuer(instance_app(W.b.in)->oidc),
	    "https://b.example.test/idp");
}

/* Each publishes the keys of its own store: no key id in common. */
static void
each_its_keys(void **state)
{
	json_t *a = get_json(&W.a, "/oidc/jwks"), *b = get_json(&W.b, "/oidc/jwks");
	json_t *ka, *kb, *x, *y;
	size_t i, j;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	ka = json_object_get(a, "keys");
	kb = json_object_get(b, "keys");
	assert_true(json_array_size(ka) > 0);
	assert_true(json_array_size(kb) > 0);
	json_array_foreach(ka, i, x) {
		json_array_foreach(kb, j, y) {
			assert_non_null(json_string_value(json_object_get(x, "kid")));
			assert_string_not_equal(json_string_value(json_object_get(x, "kid")),
			    json_string_value(json_object_get(y, "kid")));
		}
	}
	json_decref(a);
	json_decref(b);
}

/* A password hashed by each carries that application's costs; each asks to rehash the
 * other's. */
static void
each_its_password_costs(void **state)
{
	const struct password_cfg *pa = instance_app(W.a.in)->password;
	const struct password_cfg *pb = instance_app(W.b.in)->password;
	char ha[crypto_pwhash_STRBYTES], hb[crypto_pwhash_STRBYTES];

	(void)state;
	assert_int_equal(password_hash(pa, "Un-mot-de-passe-solide", ha, sizeof(ha)), 0);
	assert_int_equal(password_hash(pb, "Un-mot-de-passe-solide", hb, sizeof(hb)), 0);
	assert_int_equal(strncmp(ha, "$argon2id$v=19$m=8,t=1,p=1$", 27), 0);
	assert_int_equal(strncmp(hb, "$argon2id$v=19$m=16,t=3,p=1$", 28), 0);
	assert_false(password_needs_rehash(pa, ha));
	assert_true(password_needs_rehash(pa, hb));
	assert_false(password_needs_rehash(pb, hb));
	assert_true(password_needs_rehash(pb, ha));
	assert_true(password_verify(ha, "Un-mot-de-passe-solide"));
	assert_true(password_verify(hb, "Un-mot-de-passe-solide"));
	/* Both read the common passwords of their share_dir. */
	assert_int_equal(password_check(pa, "password1234", NULL), PASSWORD_COMMON);
	assert_int_equal(password_check(pb, "password1234", NULL), PASSWORD_COMMON);
}

/* The places for long readers (export streams) are counted per store: one application's
 * exports under way never make another's refuse. */
static void
each_its_export_places(void **state)
{
	struct store *sa = instance_app(W.a.in)->store, *sb = instance_app(W.b.in)->store;
	int taken = 0;

	(void)state;
	while (taken < 64 && store_long_take(sa))
		taken++;
	assert_int_equal(taken, store_pool_size(sa) / 4);
	assert_false(store_long_take(sa));
	assert_true(store_long_take(sb));
	store_long_put(sb);
	while (taken-- > 0)
		store_long_put(sa);
	assert_true(store_long_take(sa));
	store_long_put(sa);
}

/* The settings of the pages come from each application: csam's, the eID door's. */
static void
each_its_page_settings(void **state)
{
	const struct app *a = instance_app(W.a.in), *b = instance_app(W.b.in);

	(void)state;
	assert_true(a->csam.four_eyes);
	assert_false(b->csam.four_eyes);
	assert_string_equal(b->csam.exception_address, "Helpdesk B | Rue B 2 | 1000 Bruxelles");
	assert_string_not_equal(a->csam.exception_address, b->csam.exception_address);
	assert_non_null(a->eid_door);
	assert_non_null(b->eid_door);
	assert_true(a->eid_door != b->eid_door);
	assert_string_equal(a->eid_door->proxy_header, "X-SSL-Client-Cert");
	assert_string_equal(b->eid_door->proxy_header, "X-Client-Cert-B");
}

/* Each writes its mails with its own catalogues: a third application started and stopped
 * meanwhile leaves the first's translator alone (before, the translator was a process
 * global that mail_stop cleared: the first's mails then went out in French). */
static void
each_its_mail_texts(void **state)
{
	struct side c = { 0 };
	const char *args[2] = { "EX-1234-5678", "Zorg NV" };
	struct buf subject, body;

	(void)state;
	assert_int_equal(side_start(&c, "inst-c", "https://c.example.test", "1", "8", NULL), 0);
	instance_stop(c.in, 1000);
	assert_int_equal(store_fixture_rmdir(c.dir), 0);
	buf_init(&subject, 4096);
	buf_init(&body, 65536);
	assert_non_null(instance_app(W.a.in)->mail);
	assert_int_equal(mail_render(instance_app(W.a.in)->mail, MAIL_REQUEST_RECEIVED, "nl", args,
	    2, &subject, &body), 0);
	assert_non_null(subject.data);
	assert_string_equal(subject.data, "Aanvraag EX-1234-5678 ontvangen");
	buf_reset(&subject);
	buf_reset(&body);
	assert_int_equal(mail_render(instance_app(W.b.in)->mail, MAIL_REQUEST_RECEIVED, "de", args,
	    2, &subject, &body), 0);
	assert_string_equal(subject.data, "Antrag EX-1234-5678 eingegangen");
	buf_free(&subject);
	buf_free(&body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_its_issuer),
		cmocka_unit_test(each_its_keys),
		cmocka_unit_test(each_its_password_costs),
		cmocka_unit_test(each_its_export_places),
		cmocka_unit_test(each_its_page_settings),
		cmocka_unit_test(each_its_mail_texts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
