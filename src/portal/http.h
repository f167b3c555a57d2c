/* http.h — the portal's back-channel to portier: small HTTP requests through libcurl,
 * http and https only, no redirects followed, time limits, a cap on every body read. */
#ifndef PORTIER_PORTAL_HTTP_H
#define PORTIER_PORTAL_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/buf.h"

struct phttp_resp {
	long status;                 /* HTTP status, 0 when no answer */
	struct buf body;             /* capped at the request's max */
};

/* Initialises libcurl once for the process (before threads). ca_file: the PEM file of the
 * CAs an https issuer's certificate must chain to, instead of the system bundle (NULL or
 * "": the system bundle); it must be readable and hold at least one certificate.
 * Certificates and host names are always verified. Returns 0, or -1 with a reason in err. */
int phttp_init(const char *ca_file, char *err, size_t errlen);
void phttp_cleanup(void);

/* GET url, with "Authorization: Bearer <bearer>" when bearer is not NULL, reading at most
 * max bytes. Returns 0 when an answer came (any status), -1 with a reason in err. */
int phttp_get(const char *url, const char *bearer, size_t max, struct phttp_resp *out,
    char *err, size_t errlen);
/* POST an application/x-www-form-urlencoded body, authenticated with HTTP Basic as
 * client_secret_basic wants (user and password form-encoded first) when user is not
 * NULL. Returns as phttp_get. */
int phttp_post_form(const char *url, const char *user, const char *password, const char *body,
    size_t max, struct phttp_resp *out, char *err, size_t errlen);
void phttp_resp_free(struct phttp_resp *r);

/* An OpenID client's steps shared by the portal (oidc_client.c) and the upstream-provider
 * login (auth/upstream_rp.c). The key set at url (at most JWKS_MAX bytes) into *out:
 * 0, or -1 with a reason in err. */
struct portal_jwks;
int phttp_jwks(const char *url, struct portal_jwks **out, char *err, size_t errlen);
/* A token request (RFC 6749 §4.1.3): body POSTed as phttp_post_form does, the answer read
 * as a JSON object (at most max bytes). 0 with *out (the caller's reference) on 200; 1 when
 * the endpoint refused (its error code, printable and short, in err); -1 when no usable
 * answer came (reason in err). */
int phttp_token(const char *url, const char *user, const char *password, const char *body,
    size_t max, json_t **out, char *err, size_t errlen);
/* An endpoint URL named name in a discovery document into out (size bytes with the NUL):
 * http(s), printable, no spaces. 0 (out "" when absent and not required), or -1. */
int phttp_endpoint(json_t *doc, const char *name, bool required, char *out, size_t size);
/* Whether the discovery document's array name lists word; true when the array is absent
 * (not advertised: the default holds). */
bool phttp_lists(json_t *doc, const char *name, const char *word);

/* Percent-encodes s for a form or query value (only A-Z a-z 0-9 - . _ ~ kept), in a;
 * NULL when out of memory. */
char *phttp_encode(struct arena *a, const char *s);

#endif
