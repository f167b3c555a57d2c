/* pki_api.c — what portier publishes about system certificates: the CRL of its system CA
 * (GET /pki/system-ca.crl, DER) and the CA certificate (GET /pki/system-ca.pem), public;
 * and the agency portal's lookup of an organisation's channel of "Messages structurés"
 * (GET /api/message-channels?enterprise=…&application=…), for a confidential client of
 * portier's OpenID provider (HTTP Basic with its id and secret). */
#include "apps/app.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "be/be.h"
#include "machine/certs.h"
#include "oidc/clients.h"

#define BASIC_MAX 512

static int
crl(struct web_req *r)
{
	const struct app *app = web_app(r);
	unsigned char *der = NULL;
	size_t len = 0;
	int rc;

	if (app->machine == NULL || app->machine->ca == NULL)
		return web_error(r, 404);
	if (machine_crl(app->store, app->machine->ca, clock_time(), &der, &len) != 0)
		return web_error(r, 503);
	web_add_header(r, "Cache-Control", "public, max-age=300");
	rc = web_send(r, 200, "application/pkix-crl", der, len);
	free(der);
	return rc;
}

static int
ca_pem(struct web_req *r)
{
	const struct app *app = web_app(r);
	const char *pem;

	if (app->machine == NULL || app->machine->ca == NULL)
		return web_error(r, 404);
	pem = machine_ca_pem(app->machine->ca);
	return web_send(r, 200, "application/x-pem-file", pem, strlen(pem));
}

static int
api_error(struct web_req *r, int status, const char *code)
{
	json_t *o = json_pack("{s:s}", "error", code);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int rc;

	json_decref(o);
	if (text == NULL)
		return web_error(r, 500);
	if (status == 401)
		web_add_header(r, "WWW-Authenticate", "Basic realm=\"portier\"");
	rc = web_send(r, status, "application/json", text, strlen(text));
	free(text);
	return rc;
}

/* Whether the request carries the Basic credentials of a confidential client. */
static bool
client_ok(struct web_req *r)
{
	const char *h = web_header(r, "Authorization");
	struct oidc_client c;
	char *dec, *colon;
	size_t n = 0, len;

	if (h == NULL || strncasecmp(h, "Basic ", 6) != 0)
		return false;
	h += 6;
	len = strlen(h);
	if (len == 0 || len > BASIC_MAX || (dec = arena_alloc(web_arena(r), len + 1)) == NULL ||
	    sodium_base642bin((unsigned char *)dec, len, h, len, NULL, &n, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return false;
	dec[n] = '\0';
	if (strlen(dec) != n || (colon = strchr(dec, ':')) == NULL)
		return false;
	*colon = '\0';
	if (oidc_client_get(((const struct app *)web_app(r))->store, web_arena(r), dec, &c) != 0)
		return false;
	return oidc_client_secret_ok(&c, colon + 1);
}

static int
channel(struct web_req *r)
{
	const struct app *app = web_app(r);
	const char *ent = web_query(r, "enterprise"), *appl = web_query(r, "application");
	char number[11];
	struct channel_row ch;
	json_t *o;
	char *text;
	int rc;

	if (!client_ok(r))
		return api_error(r, 401, "invalid_client");
	if (ent == NULL || be_enterprise_parse(ent, number) != BE_OK || appl == NULL ||
	    appl[0] == '\0' || strlen(appl) > 64)
		return api_error(r, 400, "invalid_request");
	rc = machine_channel_lookup(app->store, number, appl, web_arena(r), &ch);
	if (rc < 0)
		return api_error(r, 503, "temporarily_unavailable");
	if (rc > 0)
		return api_error(r, 404, "not_found");
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "enterprise", number,
	    "application", ch.application, "quality", ch.quality, "channel", ch.kind,
	    "sender", ch.sender, "updated_at", ch.updated_at);
	if (o != NULL && strcmp(ch.kind, "ws") == 0) {
		json_object_set_new(o, "certificate", json_string(ch.cert));
		json_object_set_new(o, "x5t#S256", json_string(ch.thumbprint));
	} else if (o != NULL) {
		json_object_set_new(o, "ssh_key", json_string(ch.ssh_key));
	}
	text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (text == NULL)
		return web_error(r, 500);
	web_add_header(r, "Cache-Control", "no-store");
	rc = web_send(r, 200, "application/json", text, strlen(text));
	free(text);
	return rc;
}

int
pki_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/pki/system-ca.crl", crl, 0) != 0 ||
	    web_route(s, "GET", "/pki/system-ca.pem", ca_pem, 0) != 0 ||
	    web_route(s, "GET", "/api/message-channels", channel, 0) != 0)
		return -1;
	return 0;
}
