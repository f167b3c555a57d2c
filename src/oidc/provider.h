/* provider.h — one OpenID provider's configured state: its issuer, its signing-key cache,
 * its client cache and its pairwise secret, all for one store. Made by cmd/ from the
 * configuration, reached through the application; two providers live side by side. */
#ifndef PORTIER_OIDC_PROVIDER_H
#define PORTIER_OIDC_PROVIDER_H

#include <stddef.h>

#include "access/profiles.h"
#include "oidc/clients.h"
#include "oidc/grants.h"
#include "oidc/keys.h"
#include "store/store.h"

#define OIDC_ISSUER_MAX 256

struct oidc_provider;

/* The issuer of a configuration: configured when set, else http://LISTEN, without a
 * trailing slash, into out. 0, or -1 with a reason in err when it is not an http(s) URL
 * without query or fragment (or does not fit). */
int oidc_issuer_of(const char *configured, const char *listen, char *out, size_t outlen,
    char *err, size_t errlen);
/* A provider for store s with that issuer (oidc_issuer_of) and its caches (keys reloaded
 * at most every keys_ttl seconds). NULL with a reason in err. */
struct oidc_provider *oidc_provider_new(struct store *s, const char *issuer, int keys_ttl,
    char *err, size_t errlen);
/* Frees the provider and its caches (after the server stopped). NULL is fine. */
void oidc_provider_free(struct oidc_provider *p);

const char *oidc_provider_issuer(const struct oidc_provider *p);
struct store *oidc_provider_store(const struct oidc_provider *p);
/* The current signing keys; give them back with oidc_provider_keys_put. NULL on error. */
const struct oidc_keyring *oidc_provider_keys_get(struct oidc_provider *p);
void oidc_provider_keys_put(struct oidc_provider *p, const struct oidc_keyring *k);
/* A client through the provider's cache (oidc_client_get_cached), its texts in a.
 * 0, 1 or -1. */
int oidc_provider_client(struct oidc_provider *p, struct arena *a, const char *id,
    struct oidc_client *out);
/* A page of a pending authorization (/oidc/continue/ID), read in one transaction rather
 * than one per part: the live request, its client (through the cache, else read there),
 * the texts of the client's application (has_app false when it is unknown) and, when
 * person_id > 0, that person's profiles for it, at most max into profiles (n_profiles).
 * Texts in a. Returns 0, 1 (no live request of that id, or its client is gone) or -1. */
struct oidc_flow_view {
	struct oidc_request req;
	struct oidc_client client;
	struct access_app app;
	bool has_app;
	size_t n_profiles;
};
int oidc_provider_flow(struct oidc_provider *p, struct arena *a, const char *id,
    int64_t person_id, struct access_profile *profiles, size_t max,
    struct oidc_flow_view *out);
/* The group commit of the provider's store (batch.h), for oidc_code_issue and the token
 * operations (grants.h). */
struct oidc_batch *oidc_provider_batch(const struct oidc_provider *p);
/* Commits and answers what is queued and joins the group commit's thread: at shutdown,
 * after the server stopped and before the store is closed (oidc_provider_free does it
 * too). */
void oidc_provider_stop(struct oidc_provider *p);
/* The installation's pairwise secret (oidc_pairwise_secret), read once per provider.
 * 0 or -1. */
int oidc_provider_secret(struct oidc_provider *p, unsigned char out[32]);

#endif
