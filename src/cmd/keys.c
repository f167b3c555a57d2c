/* keys.c — `portier keys rotate|list`: the OpenID Connect signing keys. Rotation makes a
 * new active key of each alg (ES256, RS256); the retired ones stay in the JWKS until the
 * ID tokens they signed expire. */
#include "cmd/cmd.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "oidc/keys.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier keys rotate|list [--db PATH] [--config FILE]\n"
    "\n"
    "Manages the signing keys of the OpenID Connect provider (one ES256 and one RS256 key,\n"
    "kept in the database).\n"
    "  rotate   make a new signing key of each alg; the previous ones stay published in the\n"
    "           JWKS until the ID tokens they signed have expired, then they are removed\n"
    "  list     show the keys: kid, created, state (active, published until …)\n"
    "Servers pick up a new key within 30 seconds.\n";

static void
iso(int64_t t, char out[24])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
print_key(void *arg, const struct oidc_key_info *k)
{
	char created[24], until[24];
	int64_t now = *(const int64_t *)arg;

	iso(k->created_at, created);
	if (k->retired_at == 0) {
		printf("%-44s %s  %s  active\n", k->kid, k->alg, created);
	} else {
		iso(k->publish_until, until);
		printf("%-44s %s  %s  %s %s\n", k->kid, k->alg, created,
		    k->publish_until > now ? "retired, published until" : "retired, expired",
		    until);
	}
	return 0;
}

int
cmd_keys(int argc, char **argv)
{
	struct config c;
	struct store *s;
	char *pos[1], kid[JWS_ALGS][JWS_KID_MAX];
	int npos, rc;
	int64_t now = (int64_t)time(NULL);

	rc = cmd_config(argc, argv, usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || (strcmp(pos[0], "rotate") != 0 && strcmp(pos[0], "list") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 1;
	if (strcmp(pos[0], "rotate") == 0) {
		rc = oidc_keys_rotate(s, "cli", kid);
		for (int a = 0; rc == 0 && a < JWS_ALGS; a++)
			printf("new %s signing key %s\n", jws_alg_name((enum jws_alg)a), kid[a]);
		if (rc != 0)
			fputs("portier: keys rotate: database error\n", stderr);
	} else {
		rc = oidc_keys_ensure(s);
		if (rc == 0) {
			printf("%-44s %s  %-20s  %s\n", "kid", "alg  ", "created", "state");
			rc = oidc_keys_list(s, print_key, &now);
		}
		if (rc != 0)
			fputs("portier: keys list: database error\n", stderr);
	}
	store_close(s);
	return rc == 0 ? 0 : 1;
}
