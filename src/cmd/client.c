/* client.c — `portier client add|list|remove`: the relying parties of the OpenID Connect
 * provider. The secret of a confidential client is printed once and never stored. */
#include "cmd/cmd.h"
#include "cmd/opts.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oidc/client_auth.h"
#include "oidc/clients.h"
#include "oidc/jwks_uri.h"
#include "store/store.h"

#define ARGS_MAX 64

static const char usage[] =
    "usage: portier client add --id ID --redirect-uri URI [--redirect-uri URI …]\n"
    "                          --application CODE [--scope \"openid profile …\"]\n"
    "                          [--min-level 1|2|3] [--post-logout-uri URI …]\n"
    "                          [--public] [--allow-national-number] [--sector NAME]\n"
    "                          [--id-token-alg ES256|RS256] [--jwks FILE | --jwks-uri URL]\n"
    "                          [--audience URI]\n"
    "                          [--require-par] [--backchannel-logout-uri URI\n"
    "                          [--backchannel-logout-session-required]]\n"
    "       portier client list\n"
    "       portier client jwks --id ID (--jwks FILE | --jwks-uri URL)\n"
    "       portier client rotate-secret --id ID\n"
    "       portier client remove --id ID\n"
    "       (each also takes --db PATH and --config FILE)\n"
    "\n"
    "Registers the relying parties of the OpenID Connect provider.\n"
    "  --id ID              client_id: 1-64 characters among A-Z a-z 0-9 . _ -\n"
    "  --redirect-uri URI   a redirect URI, matched exactly (https; http only on loopback)\n"
    "  --post-logout-uri U  a post_logout_redirect_uri for RP-initiated logout\n"
    "  --application CODE   the secured application the client stands for (MEDSEIP …):\n"
    "                       only people granted it can log in\n"
    "  --scope LIST         allowed scopes among openid profile email national_number\n"
    "                       (default \"openid profile\")\n"
    "  --min-level N        minimum level of assurance: 1 low, 2 substantial, 3 high (eID);\n"
    "                       never below the application's own minimum\n"
    "  --public             no secret (browser or native app): PKCE is required\n"
    "  --allow-national-number  the client may receive the national number (scope\n"
    "                       national_number)\n"
    "  --sector NAME        pairwise sector: clients of one sector see the same sub\n"
    "                       (default: the client id)\n"
    "  --id-token-alg ALG   how its ID tokens are signed (id_token_signed_response_alg):\n"
    "                       ES256 (default) or RS256\n"
    "  --jwks FILE          public keys (JWKS) of a confidential client, which may then\n"
    "                       authenticate with private_key_jwt (RFC 7523); `client jwks` sets\n"
    "                       them for a client or a machine (a system certificate's\n"
    "                       client_id), replacing the ones before\n"
    "  --jwks-uri URL       the same keys published at URL (https; http only on loopback),\n"
    "                       fetched when needed (5 s, 64 KiB, no redirect) and kept for\n"
    "                       their Cache-Control max-age (5 min to 24 h)\n"
    "  --audience URI       the resource server (portier rs add) its access tokens are\n"
    "                       meant for: that one may introspect them\n"
    "  --require-par        authorization requests only through /oidc/par (RFC 9126)\n"
    "  --backchannel-logout-uri URI  where logout tokens are posted (OpenID Connect\n"
    "                       Back-Channel Logout 1.0) when its sessions end at portier\n"
    "  --backchannel-logout-session-required  its ID and logout tokens carry sid\n"
    "The secret of a confidential client is printed once: keep it, it cannot be shown again;\n"
    "rotate-secret gives the client a new one (the old one stops working at once).\n";

struct opts {
	const char *id, *application, *scope, *sector, *id_token_alg, *jwks_file, *audience;
	const char *bcl_uri, *jwks_uri;
	const char *redirect[ARGS_MAX], *post_logout[ARGS_MAX];
	size_t n_redirect, n_post_logout;
	int min_level;
	bool public_client, allow_nn, require_par, bcl_session;
};

/* Takes this command's options out of argv (cmd_opts); what remains goes to cmd_config. */
static int
parse(int argc, char **argv, struct opts *o, char **rest, int *nrest)
{
	const char *level = NULL;
	const struct cmd_opt table[] = {
		{ .name = "id", .value = &o->id },
		{ .name = "redirect-uri", .many = o->redirect, .nmany = &o->n_redirect,
		    .maxmany = ARGS_MAX },
		{ .name = "post-logout-uri", .many = o->post_logout, .nmany = &o->n_post_logout,
		    .maxmany = ARGS_MAX },
		{ .name = "application", .value = &o->application },
		{ .name = "scope", .value = &o->scope },
		{ .name = "sector", .value = &o->sector },
		{ .name = "id-token-alg", .value = &o->id_token_alg },
		{ .name = "jwks", .value = &o->jwks_file },
		{ .name = "jwks-uri", .value = &o->jwks_uri },
		{ .name = "audience", .value = &o->audience },
		{ .name = "backchannel-logout-uri", .value = &o->bcl_uri },
		{ .name = "min-level", .value = &level },
		{ .name = "public", .flag = &o->public_client },
		{ .name = "allow-national-number", .flag = &o->allow_nn },
		{ .name = "require-par", .flag = &o->require_par },
		{ .name = "backchannel-logout-session-required", .flag = &o->bcl_session },
	};

	if (cmd_opts(argc, argv, table, sizeof(table) / sizeof(table[0]), rest,
	    2 * ARGS_MAX + 63, nrest) != 0)
		return -1;
	rest[*nrest] = NULL;
	return cmd_opt_level(level, &o->min_level) ? 0 : -1;
}

static int
print_client(void *arg, const struct oidc_client *c)
{
	(void)arg;
	printf("%s\n  type: %s\n  application: %s, minimum level %d\n  scopes: %s%s\n"
	    "  sector: %s\n  id_token_signed_response_alg: %s\n  created: %s\n", c->id,
	    c->confidential ? "confidential" : "public", c->application, c->min_level, c->scopes,
	    c->allow_national_number ? " (national number allowed)" : "", c->sector,
	    jws_alg_name(c->id_token_alg), c->created_at);
	if (c->audience[0] != '\0')
		printf("  audience: %s\n", c->audience);
	if (c->require_par)
		puts("  require_pushed_authorization_requests: true");
	if (c->backchannel_logout_uri[0] != '\0')
		printf("  backchannel_logout_uri: %s%s\n", c->backchannel_logout_uri,
		    c->backchannel_session_required ? " (session required)" : "");
	for (size_t i = 0; i < c->n_redirect; i++)
		printf("  redirect_uri: %s\n", c->redirect[i]);
	for (size_t i = 0; i < c->n_post_logout; i++)
		printf("  post_logout_redirect_uri: %s\n", c->post_logout[i]);
	return 0;
}

/* The JWKS file's text (malloc'd), checked; NULL with a message. */
static char *
jwks_read(const char *path)
{
	char *text = malloc(OIDC_JWKS_MAX + 2), err[256];
	FILE *f = fopen(path, "r");
	size_t n = f != NULL && text != NULL ? fread(text, 1, OIDC_JWKS_MAX + 1, f) : 0;

	if (f != NULL)
		fclose(f);
	if (text == NULL || n == 0) {
		fprintf(stderr, "portier: --jwks: cannot read %s\n", path);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	if (strlen(text) != n || oidc_jwks_check(text, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: --jwks: %s\n", strlen(text) != n ? "not text" : err);
		free(text);
		return NULL;
	}
	return text;
}

/* client jwks: the keys of a relying party or of a machine. */
static int
set_jwks(struct store *s, const struct opts *o)
{
	char *text, err[256];
	int rc;

	if (o->id == NULL || (o->jwks_file == NULL) == (o->jwks_uri == NULL) ||
	    !oidc_client_id_valid(o->id)) {
		fputs("portier: client jwks needs --id ID and --jwks FILE or --jwks-uri URL\n",
		    stderr);
		return 2;
	}
	if (o->jwks_uri != NULL) {
		if (oidc_client_jwks_uri_set(s, o->id, o->jwks_uri, err, sizeof(err)) != 0) {
			fprintf(stderr, "portier: client jwks: %s\n", err);
			return 1;
		}
		printf("client %s: keys at %s for private_key_jwt\n", o->id, o->jwks_uri);
		return 0;
	}
	text = jwks_read(o->jwks_file);
	if (text == NULL)
		return 2;
	rc = oidc_client_jwks_set(s, o->id, text, err, sizeof(err));
	free(text);
	if (rc != 0) {
		fprintf(stderr, "portier: client jwks: %s\n", err);
		return 1;
	}
	printf("client %s: keys registered for private_key_jwt\n", o->id);
	return 0;
}

static int
add(struct store *s, const struct opts *o)
{
	struct oidc_client_new n = {
		.id = o->id, .public_client = o->public_client, .application = o->application,
		.min_level = o->min_level, .scopes = o->scope ? o->scope : "openid profile",
		.allow_national_number = o->allow_nn, .sector = o->sector,
		.id_token_alg = o->id_token_alg, .audience = o->audience,
		.require_par = o->require_par, .backchannel_logout_uri = o->bcl_uri,
		.backchannel_session_required = o->bcl_session,
		.redirect = o->redirect, .n_redirect = o->n_redirect,
		.post_logout = o->post_logout, .n_post_logout = o->n_post_logout,
	};
	char secret[OIDC_SECRET_LEN + 1], err[256];
	int rc;

	char *jwks = NULL;

	if (o->id == NULL || o->application == NULL || o->n_redirect == 0) {
		fputs("portier: client add needs --id, --application and --redirect-uri\n", stderr);
		return 2;
	}
	if ((o->jwks_file != NULL || o->jwks_uri != NULL) && o->public_client) {
		fputs("portier: --jwks is for a confidential client, not with --public\n", stderr);
		return 2;
	}
	if (o->jwks_file != NULL && o->jwks_uri != NULL) {
		fputs("portier: --jwks or --jwks-uri, not both\n", stderr);
		return 2;
	}
	if (o->jwks_uri != NULL && (!oidc_uri_valid(o->jwks_uri) ||
	    !oidc_jwks_is_uri(o->jwks_uri))) {
		fputs("portier: --jwks-uri: an https URL (http only on loopback)\n", stderr);
		return 2;
	}
	if (o->jwks_file != NULL && (jwks = jwks_read(o->jwks_file)) == NULL)
		return 2;
	rc = oidc_client_add(s, &n, "cli", secret, err, sizeof(err));
	if (rc == 0 && ((jwks != NULL && oidc_client_jwks_set(s, o->id, jwks, err,
	    sizeof(err)) != 0) || (o->jwks_uri != NULL && oidc_client_jwks_uri_set(s, o->id,
	    o->jwks_uri, err, sizeof(err)) != 0))) {
		fprintf(stderr, "portier: client add: %s\n", err);
		rc = 1;
	}
	free(jwks);
	if (rc == 1) {
		sodium_memzero(secret, sizeof(secret));
		return 1;
	}
	if (rc == -2) {
		fprintf(stderr, "portier: a client '%s' exists already\n", o->id);
		return 1;
	}
	if (rc != 0) {
		fprintf(stderr, "portier: client add: %s\n", err);
		return rc == -1 ? 2 : 1;
	}
	printf("client %s registered\n", o->id);
	if (!o->public_client) {
		printf("client_secret: %s\n(shown once: it is stored only as a hash)\n", secret);
		sodium_memzero(secret, sizeof(secret));
	}
	return 0;
}

int
cmd_client(int argc, char **argv)
{
	struct opts o = { 0 };
	struct config c;
	struct store *s;
	char *rest[2 * ARGS_MAX + 64], *pos[1];
	int nrest, npos, rc;

	if (argc > 2 * ARGS_MAX + 60 || parse(argc, argv, &o, rest, &nrest) != 0) {
		fputs(usage, stderr);
		return 2;
	}
	rc = cmd_config(nrest, rest, usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "list") != 0 &&
	    strcmp(pos[0], "remove") != 0 && strcmp(pos[0], "rotate-secret") != 0 &&
	    strcmp(pos[0], "jwks") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	if ((strcmp(pos[0], "remove") == 0 || strcmp(pos[0], "rotate-secret") == 0) &&
	    o.id == NULL) {
		fprintf(stderr, "portier: client %s needs --id\n", pos[0]);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 1;
	if (strcmp(pos[0], "add") == 0) {
		rc = add(s, &o);
	} else if (strcmp(pos[0], "jwks") == 0) {
		rc = set_jwks(s, &o);
	} else if (strcmp(pos[0], "list") == 0) {
		rc = oidc_client_list(s, print_client, NULL) == 0 ? 0 : 1;
		if (rc != 0)
			fputs("portier: client list: database error\n", stderr);
	} else if (strcmp(pos[0], "rotate-secret") == 0) {
		char secret[OIDC_SECRET_LEN + 1];

		rc = oidc_client_rotate_secret(s, o.id, "cli", secret);
		if (rc == 0)
			printf("client %s: new client_secret: %s\n(shown once: it is stored only as a "
			    "hash)\n", o.id, secret);
		else if (rc == 1)
			fprintf(stderr, "portier: no confidential client '%s'\n", o.id);
		else
			fputs("portier: client rotate-secret: database error\n", stderr);
		sodium_memzero(secret, sizeof(secret));
		rc = rc == 0 ? 0 : 1;
	} else {
		rc = oidc_client_remove(s, o.id, "cli");
		/* Its keys go too: a client added later under this id does not inherit them. */
		if (rc == 0 && oidc_client_jwks_delete(s, o.id) != 0)
			rc = -1;
		if (rc == 0)
			printf("client %s removed, with its grants and tokens\n", o.id);
		else if (rc == 1)
			fprintf(stderr, "portier: no client '%s'\n", o.id);
		else
			fputs("portier: client remove: database error\n", stderr);
		rc = rc == 0 ? 0 : 1;
	}
	store_close(s);
	return rc;
}
