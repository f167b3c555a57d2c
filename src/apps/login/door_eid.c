/* door_eid.c — the eID door: log in with the X.509 authentication certificate of a
 * Belgian identity card, over portier's TLS listener or a trusted reverse proxy; in demo
 * mode also through the demo card reader. All three end in the same verification. */
#include "apps/login/door_eid.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "apps/app.h"
#include "apps/login/login.h"
#include "auth/eid_login.h"
#include "auth/eid_reader.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/msgid.h"
#include "policy/loa.h"

#define EXTRA_CERTS 4              /* intermediates read from the TLS handshake */
#define PEM_MAX (32 * 1024)        /* a decoded certificate header */
#define DEMO_CARDS_MAX 64
#define CHALLENGE_BYTES 32
#define P12_PASSWORD_MAX 128

void
door_eid_prepare(struct eid_door *d)
{
	if (d->proxy_header == NULL || d->proxy_header[0] == '\0')
		d->proxy_header = "X-SSL-Client-Cert";
}

/* The door of the request's application (struct app's eid_door, made by cmd/). */
static const struct eid_door *
door_of(struct web_req *r)
{
	const struct app *app = web_app(r);

	return app->eid_door;
}

/* https://HOST:PORT/login/eid?next=… for a visitor on the plain listener, when portier
 * has its own TLS listener; HOST from the Host header (letters, digits, dots, dashes). */
static const char *
tls_url(struct web_req *r, const char *next)
{
	const char *host = web_header(r, "Host");
	int port = door_of(r)->server ? web_server_tls_port(door_of(r)->server) : 0;
	char name[256];
	size_t n;

	if (web_tls(r) || port == 0 || host == NULL)
		return NULL;
	n = strcspn(host, ":");
	if (host[0] == '[' || n == 0 || n >= sizeof(name) ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") < n)
		return NULL;
	memcpy(name, host, n);
	name[n] = '\0';
	return arena_printf(web_arena(r), "https://%s:%d/login/eid?next=%s", name, port,
	    web_url_encode(web_arena(r), next));
}

/* The eID page: what the door needs, and why an attempt was refused (error_msgid). */
static int
eid_page(struct web_req *r, int status, const char *error_msgid, const char *next)
{
	struct tmpl_ctx *c = web_page(r, N_("Connexion avec votre carte d'identité électronique"));
	const char *url;

	if (c == NULL)
		return -1;
	tmpl_set(c, "next", next);
	tmpl_set(c, "next_q", web_url_encode(web_arena(r), next));
	tmpl_set_bool(c, "configured", door_of(r)->verifier != NULL);
	tmpl_set_bool(c, "demo_reader", door_of(r)->demo_reader);
	url = tls_url(r, next);
	if (url != NULL)
		tmpl_set(c, "tls_url", url);
	if (error_msgid != NULL)
		tmpl_set(c, "eid_error", web_t(r, error_msgid));
	return web_render_status(r, status, "eid/login", c);
}

/* An identity that says nothing but why (a constant). */
static void
no_identity(struct eid_identity *id, const char *detail)
{
	memset(id, 0, sizeof(*id));
	id->niss = id->last_name = id->first_name = id->serial = id->issuer = "";
	id->detail = detail;
}

/* Wipes the NISS of an accepted card from the request's arena (it is never logged and
 * should not outlive its use). */
static void
wipe_identity(struct eid_identity *id)
{
	if (id->niss != NULL)
		sodium_memzero((void *)(uintptr_t)id->niss, strlen(id->niss));
	sodium_memzero(id, sizeof(*id));
}

static int
refuse(struct web_req *r, enum eid_status st, const struct eid_identity *id, const char *via,
    const char *next)
{
	struct app *app = web_app(r);
	struct actor by = app_actor(r);
	const char *detail = id != NULL && id->detail != NULL ? id->detail : "";

	metric_login(MDOOR_EID, MRES_FAILURE);
	log_info(web_rid(r), "eid: login refused via %s: %s%s%s", via, eid_status_reason(st),
	    detail[0] ? ": " : "", detail);
	if (eid_login_refused(app->store, &by, st, id, via) != 0)
		log_err(web_rid(r), "eid: audit event not written");
	return eid_page(r, st == EID_ERROR ? 500 : st == EID_NOT_CONFIGURED ? 503 : 403,
	    eid_status_msgid(st), next);
}

/* A certificate the verifier accepted: the person, a new session id at level high, and
 * back to the page that asked. */
static int
eid_accept(struct web_req *r, const struct eid_identity *id, const char *via, const char *next)
{
	struct app *app = web_app(r);
	struct eid_login a = { .id = id, .via = via, .by = app_actor(r) };

	if (eid_login(app->store, &a) != 0) {
		log_err(web_rid(r), "eid: cannot record the login");
		return refuse(r, EID_ERROR, id, via, next);
	}
	if (login_session_open(r, a.person_id, "eid", LOA_HIGH) != 0)
		return -1;
	log_info(web_rid(r), "eid: person %lld logged in via %s%s", (long long)a.person_id, via,
	    a.created ? " (created at first eID login)" : "");
	return web_redirect(r, next);
}

static enum eid_status
verify_header(struct web_req *r, const char *value, struct eid_identity *id)
{
	char *pem = arena_alloc(web_arena(r), PEM_MAX);
	long n;

	if (pem == NULL)
		return EID_ERROR;
	n = eid_header_decode(value, pem, PEM_MAX);
	if (n < 0) {
		no_identity(id, "header is not URL-escaped PEM");
		return EID_MALFORMED;
	}
	return eid_verify_pem(door_of(r)->verifier, pem, (size_t)n, web_arena(r), id);
}

static enum eid_status
verify_handshake(struct web_req *r, const unsigned char *der, size_t len,
    struct eid_identity *id)
{
	const unsigned char *extra[EXTRA_CERTS];
	size_t extra_len[EXTRA_CERTS], n = 0;

	while (n < EXTRA_CERTS) {
		extra[n] = web_client_cert(r, n + 1, &extra_len[n]);
		if (extra[n] == NULL)
			break;
		n++;
	}
	return eid_verify_der(door_of(r)->verifier, der, len, extra, extra_len, n, web_arena(r),
	    id);
}

/* GET /login/eid: the certificate from a trusted proxy's header or from the handshake. */
static int
eid_login_get(struct web_req *r)
{
	const char *next = login_next(web_query(r, "next"));
	const char *hdr = web_header(r, door_of(r)->proxy_header);
	const unsigned char *der;
	struct eid_identity id;
	enum eid_status st;
	const char *via;
	size_t len;

	if (hdr != NULL && hdr[0] != '\0') {
		via = "proxy";
		/* The TCP peer, not the forwarded address: only a proxy hands a certificate,
		 * and only one that terminated TLS (on portier's own TLS listener the header
		 * is the client's, and a card's certificate is public). */
		if (!eid_proxies_trusted(door_of(r)->proxies, web_peer(r)) || !web_via_proxy(r)) {
			log_warn(web_rid(r), "eid: %s header from %s, not a trusted proxy: ignored",
			    door_of(r)->proxy_header, web_peer(r));
			return refuse(r, EID_PROXY_UNTRUSTED, NULL, via, next);
		}
		st = verify_header(r, hdr, &id);
	} else {
		via = "tls";
		der = web_client_cert(r, 0, &len);
		if (der == NULL)
			return eid_page(r, 200, NULL, next);
		st = verify_handshake(r, der, len, &id);
	}
	/* The verifier gives the NISS only with EID_OK. */
	if (st != EID_OK)
		return refuse(r, st, &id, via, next);
	st = eid_accept(r, &id, via, next) == 0 ? EID_OK : EID_ERROR;
	wipe_identity(&id);
	return st == EID_OK ? 0 : -1;
}

/* ---- demo card reader (demo mode only) ---- */

static int
demo_page(struct web_req *r, int status, const char *error_msgid, const char *next)
{
	struct eid_card_info *cards;
	struct tmpl_ctx *c;
	size_t n;

	if (web_session_ensure(r) == NULL)
		return -1;
	c = web_page(r, N_("Lecteur de carte de démonstration"));
	cards = arena_alloc(web_arena(r), DEMO_CARDS_MAX * sizeof(*cards));
	if (c == NULL || cards == NULL)
		return -1;
	if (eid_reader_list(door_of(r)->demo_dir, web_arena(r), cards, DEMO_CARDS_MAX, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tmpl_ctx *item = tmpl_list_add(c, "cards");

		if (item == NULL)
			return -1;
		tmpl_set(item, "id", cards[i].id);
		tmpl_set(item, "label", cards[i].label);
		tmpl_set(item, "key", cards[i].key);
		tmpl_set_bool(item, "checked", i == 0);
	}
	tmpl_set(c, "next", next);
	tmpl_set(c, "next_q", web_url_encode(web_arena(r), next));
	if (error_msgid != NULL)
		tmpl_set(c, "eid_error", web_t(r, error_msgid));
	return web_render_status(r, status, "eid/demo", c);
}

static int
demo_get(struct web_req *r)
{
	if (!door_of(r)->demo_reader)
		return web_error(r, 404);
	return demo_page(r, 200, NULL, login_next(web_query(r, "next")));
}

/* POST /login/eid/demo: the server draws a challenge, the demo reader signs it with the
 * chosen card's key (or the uploaded PKCS#12's), the signature is checked with the
 * certificate's public key, then the certificate goes through the verifier. */
static int
demo_post(struct web_req *r)
{
	const char *next = login_next(web_form(r, "next"));
	const char *card = web_form(r, "card"), *password = web_form(r, "password");
	unsigned char challenge[CHALLENGE_BYTES];
	struct eid_reader_result res = { 0 };
	struct eid_identity id;
	const void *p12;
	size_t p12_len = 0;
	enum eid_status st;
	int rc;

	if (!door_of(r)->demo_reader)
		return web_error(r, 404);
	randombytes_buf(challenge, sizeof(challenge));
	p12 = web_upload(r, "p12", &p12_len, NULL, NULL);
	if (p12 != NULL && p12_len > 0) {
		if (password != NULL && strlen(password) > P12_PASSWORD_MAX)
			password = "";
		rc = eid_reader_sign_p12(p12, p12_len, password, challenge, sizeof(challenge), &res);
		if (rc == 1)
			return demo_page(r, 422, N_("Le fichier n'a pas pu être ouvert : vérifiez qu'il "
			    "s'agit d'un fichier PKCS#12 (.p12) et son mot de passe."), next);
	} else if (card != NULL && card[0] != '\0') {
		rc = eid_reader_sign(door_of(r)->demo_dir, card, challenge, sizeof(challenge), &res);
		if (rc == 1)
			return demo_page(r, 422, N_("Choisissez une carte de démonstration."), next);
	} else {
		return demo_page(r, 422, N_("Choisissez une carte de démonstration."), next);
	}
	if (rc != 0)
		return -1;
	st = eid_check_possession(res.cert, res.cert_len, challenge, sizeof(challenge), res.sig,
	    res.sig_len);
	if (st == EID_OK)
		st = eid_verify_der(door_of(r)->verifier, res.cert, res.cert_len, NULL, NULL, 0,
		    web_arena(r), &id);
	else
		no_identity(&id, "");
	eid_reader_result_free(&res);
	if (st != EID_OK)
		return refuse(r, st, &id, "demo", next);
	rc = eid_accept(r, &id, "demo", next);
	wipe_identity(&id);
	return rc;
}

int
door_eid_routes(struct web_server *s)
{
	if (web_route(s, "GET", "/login/eid", eid_login_get, 0) != 0 ||
	    web_route(s, "GET", "/login/eid/demo", demo_get, 0) != 0 ||
	    web_route(s, "POST", "/login/eid/demo", demo_post, WEB_UPLOAD) != 0)
		return -1;
	return 0;
}
