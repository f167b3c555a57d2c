/* idp.c — `portier idp add|list|remove`: the upstream identity providers portier brokers
 * logins to (itsme, MyGov.be …; docs/upstream-idp.md). Secrets are sealed at rest. */
#include "cmd/cmd.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/upstream.h"
#include "cmd/opts.h"
#include "fed/jws.h"
#include "policy/loa.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier idp add --id ID --name NAME --issuer URL --client-id ID\n"
    "                       (--client-secret SECRET | --private-key FILE)\n"
    "                       [--level substantial|high|low] [--national-number-claim NAME]\n"
    "                       [--scope \"openid …\"] [--logo URL]\n"
    "       portier idp list\n"
    "       portier idp remove --id ID\n"
    "       (each also takes --db PATH and --config FILE)\n"
    "\n"
    "Registers the upstream OpenID providers offered as doors on the login page.\n"
    "  --id ID              1-32 characters among a-z 0-9 - _ (the door's address)\n"
    "  --name NAME          the door's title (\"itsme\", \"MyGov.be\" …)\n"
    "  --issuer URL         the provider's issuer (https; http only on loopback)\n"
    "  --client-id ID       portier's client_id at the provider\n"
    "  --client-secret S    client_secret_basic with that secret\n"
    "  --private-key FILE   private_key_jwt with that PEM key (P-256 or RSA): its public\n"
    "                       JWK is printed, to register at the provider\n"
    "  --level LEVEL        the ceiling of the provider's logins (default substantial):\n"
    "                       the level is its acr's, never above this\n"
    "  --national-number-claim NAME  the ID token claim holding the national number\n"
    "                       (default national_number)\n"
    "  --scope LIST         the scopes asked (default \"openid profile\")\n"
    "  --logo URL           an https address or a /static/ path of the door's logo\n"
    "The secret and the key are encrypted under the key-encryption key (kek_file) when one\n"
    "is configured.\n";

struct idp_opts {
	const char *id, *name, *issuer, *client_id, *secret, *key_file, *level, *nn_claim;
	const char *scope, *logo;
};

static int
level_of(const char *s)
{
	if (s == NULL || strcmp(s, "substantial") == 0 || strcmp(s, "2") == 0)
		return LOA_SUBSTANTIAL;
	if (strcmp(s, "high") == 0 || strcmp(s, "3") == 0)
		return LOA_HIGH;
	if (strcmp(s, "low") == 0 || strcmp(s, "1") == 0)
		return LOA_LOW;
	return LOA_NONE;
}

/* The private key of a PEM file as DER (SEC 1 or PKCS#1, as fed/jws.c reads it). */
static int
key_der(const char *path, unsigned char **der, size_t *n)
{
	FILE *f = fopen(path, "r");
	EVP_PKEY *pk;
	unsigned char *p = NULL;
	int len;

	*der = NULL;
	if (f == NULL) {
		fprintf(stderr, "portier: --private-key %s: %s\n", path, strerror(errno));
		return -1;
	}
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	len = pk ? i2d_PrivateKey(pk, &p) : -1;
	EVP_PKEY_free(pk);
	ERR_clear_error();
	if (len <= 0) {
		fprintf(stderr, "portier: --private-key %s: no PEM private key\n", path);
		return -1;
	}
	*der = malloc((size_t)len);
	if (*der != NULL)
		memcpy(*der, p, (size_t)len);
	OPENSSL_clear_free(p, (size_t)len);
	*n = (size_t)len;
	return *der ? 0 : -1;
}

static int
add(struct store *s, const struct idp_opts *o)
{
	struct upstream_idp_new n = {
		.id = o->id, .name = o->name, .issuer = o->issuer, .client_id = o->client_id,
		.scope = o->scope ? o->scope : "openid profile",
		.nn_claim = o->nn_claim ? o->nn_claim : "national_number", .logo = o->logo,
		.level_max = level_of(o->level),
	};
	struct jws_key *k = NULL;
	unsigned char *der = NULL;
	size_t der_n = 0;
	char err[256];
	int rc = 1;

	if ((o->secret == NULL) == (o->key_file == NULL)) {
		fputs("portier: idp add needs --client-secret or --private-key (one)\n", stderr);
		return 2;
	}
	if (o->secret != NULL) {
		n.auth_method = "client_secret_basic";
		n.secret = o->secret;
		n.secret_len = strlen(o->secret);
	} else {
		if (key_der(o->key_file, &der, &der_n) != 0)
			return 1;
		if (jws_key_from_der(der, der_n, &k) != 0) {
			fputs("portier: --private-key: a P-256 or RSA (2048-4096) key is needed\n",
			    stderr);
			goto done;
		}
		n.auth_method = "private_key_jwt";
		n.secret = der;
		n.secret_len = der_n;
	}
	rc = upstream_idp_add(s, &n, "cli", err, sizeof(err));
	if (rc == -2) {
		fprintf(stderr, "portier: a provider '%s' exists already\n", o->id);
		rc = 1;
	} else if (rc != 0) {
		fprintf(stderr, "portier: idp add: %s\n", err);
		rc = 1;
	} else {
		printf("provider %s registered; its redirect URI: <issuer>/login/idp/callback\n",
		    o->id);
		if (k != NULL)
			printf("public key to register at the provider (JWK): %s\n", jws_key_jwk(k));
	}
done:
	jws_key_free(k);
	if (der != NULL)
		jws_free_secret(der, der_n);
	return rc;
}

static int
list(struct store *s)
{
	struct arena *a = arena_new(256 * 1024);
	struct upstream_idp *v;
	size_t n;
	int rc = 1;

	if (a == NULL || upstream_idp_list(s, a, &v, &n) != 0) {
		fputs("portier: idp list: database error\n", stderr);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\n  name: %s\n  issuer: %s\n  client_id: %s (%s)\n  level: at most %d\n"
		    "  national number claim: %s\n  scope: %s\n  logo: %s\n  created: %s\n", v[i].id,
		    v[i].name, v[i].issuer, v[i].client_id, v[i].auth_method, v[i].level_max,
		    v[i].nn_claim, v[i].scope, v[i].logo ? v[i].logo : "-", v[i].created_at);
	rc = 0;
done:
	arena_free(a);
	return rc;
}

int
cmd_idp(int argc, char **argv)
{
	struct idp_opts o = { 0 };
	const struct cmd_opt opts[] = {
		{ .name = "id", .value = &o.id }, { .name = "name", .value = &o.name },
		{ .name = "issuer", .value = &o.issuer }, { .name = "client-id", .value = &o.client_id },
		{ .name = "client-secret", .value = &o.secret },
		{ .name = "private-key", .value = &o.key_file }, { .name = "level", .value = &o.level },
		{ .name = "national-number-claim", .value = &o.nn_claim },
		{ .name = "scope", .value = &o.scope }, { .name = "logo", .value = &o.logo },
	};
	struct config c;
	struct store *s;
	char *pos[1];
	int npos, rc;

	rc = cmd_opts_config(argc, argv, opts, sizeof(opts) / sizeof(opts[0]), usage, &c, pos, 1,
	    &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "list") != 0 &&
	    strcmp(pos[0], "remove") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(pos[0], "list") != 0 && o.id == NULL) {
		fprintf(stderr, "portier: idp %s needs --id\n", pos[0]);
		return 2;
	}
	if (strcmp(pos[0], "add") == 0 && level_of(o.level) == LOA_NONE) {
		fputs("portier: --level: low, substantial or high\n", stderr);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 1;
	if (strcmp(pos[0], "add") == 0) {
		rc = add(s, &o);
	} else if (strcmp(pos[0], "list") == 0) {
		rc = list(s);
	} else {
		rc = upstream_idp_remove(s, o.id, "cli");
		if (rc == 0)
			printf("provider %s removed\n", o.id);
		else if (rc == 1)
			fprintf(stderr, "portier: no provider '%s'\n", o.id);
		else
			fputs("portier: idp remove: database error\n", stderr);
		rc = rc == 0 ? 0 : 1;
	}
	if (o.secret != NULL)
		sodium_memzero((void *)(uintptr_t)o.secret, strlen(o.secret));
	store_close(s);
	return rc;
}
