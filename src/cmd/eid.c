/* eid.c — `portier eid`: the test eID hierarchy (test-ca: init, card, revoke, server)
 * for tests and the demo, `verify` to check a certificate; and the eID and TLS settings
 * of serve and demo turned into a verifier, proxies and PEM texts (eid_runtime_setup). */
#include "cmd/cmd.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/eid.h"
#include "auth/eid_testca.h"
#include "base/arena.h"
#include "base/log.h"
#include "be/be.h"
#include "store/store.h"
#include "web/web.h"

#define PEM_FILE_MAX (1 << 20)

static const char eid_usage[] =
    "usage: portier eid test-ca [init] --dir DIR\n"
    "       portier eid test-ca card --dir DIR --niss NISS --last LAST --first FIRST\n"
    "                                [--ec] [--expired] [--name NAME] [--password PW]\n"
    "                                [--ocsp-url URL] [--signature]\n"
    "       portier eid test-ca revoke --dir DIR (--niss NISS | --name NAME)\n"
    "       portier eid test-ca server --dir DIR\n"
    "       portier eid verify --trust FILE [--crl FILES] [--revocation crl|ocsp|both|off]\n"
    "                          [--ocsp-url URL] CERT.pem\n"
    "\n"
    "test-ca makes a TEST eID hierarchy (never for production: its keys are not protected):\n"
    "  init     root -> \"Citizen CA\"; writes trust.pem (for eid_trust) and crl.pem (eid_crl)\n"
    "  card     a card certificate with the eID subject layout C=BE, CN=First Last\n"
    "           (Authentication), SN, GN, serialNumber=NISS: cards/NAME.pem, .key.pem and\n"
    "           .p12 (password --password, default 1234); RSA 2048, or EC P-384 with --ec;\n"
    "           --expired: validity ended yesterday; NAME defaults to the NISS;\n"
    "           --signature: the card's signature certificate instead (nonRepudiation only)\n"
    "  revoke   puts a card on the Citizen CA's CRL and rewrites crl.pem\n"
    "  server   server.pem / server.key.pem for 127.0.0.1, ::1 and localhost (tls_cert/tls_key)\n"
    "verify checks CERT.pem as the eID door would and prints the outcome (NISS masked).\n";

struct args {
	const char *dir, *niss, *last, *first, *name, *password, *ocsp_url;
	const char *trust, *crl, *revocation;
	const char *pos[2];
	int npos;
	bool ec, expired, signature;
};

static int
parse(int argc, char **argv, struct args *a)
{
	static const struct {
		const char *flag;
		size_t off;
	} values[] = {
		{ "--dir", offsetof(struct args, dir) },
		{ "--niss", offsetof(struct args, niss) },
		{ "--last", offsetof(struct args, last) },
		{ "--first", offsetof(struct args, first) },
		{ "--name", offsetof(struct args, name) },
		{ "--password", offsetof(struct args, password) },
		{ "--ocsp-url", offsetof(struct args, ocsp_url) },
		{ "--trust", offsetof(struct args, trust) },
		{ "--crl", offsetof(struct args, crl) },
		{ "--revocation", offsetof(struct args, revocation) },
	};

	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool known = false;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			fputs(eid_usage, stdout);
			return 1;
		}
		if (strcmp(arg, "--ec") == 0) {
			a->ec = true;
			continue;
		}
		if (strcmp(arg, "--expired") == 0) {
			a->expired = true;
			continue;
		}
		if (strcmp(arg, "--signature") == 0) {
			a->signature = true;
			continue;
		}
		for (size_t k = 0; k < sizeof(values) / sizeof(values[0]); k++) {
			size_t n = strlen(values[k].flag);

			if (strncmp(arg, values[k].flag, n) != 0 || (arg[n] != '\0' && arg[n] != '='))
				continue;
			known = true;
			if (arg[n] == '=') {
				*(const char **)(void *)((char *)a + values[k].off) = arg + n + 1;
			} else if (i + 1 < argc) {
				*(const char **)(void *)((char *)a + values[k].off) = argv[++i];
			} else {
				fprintf(stderr, "portier eid: %s needs a value\n", values[k].flag);
				return -1;
			}
			break;
		}
		if (known)
			continue;
		if (strncmp(arg, "--", 2) == 0 || a->npos == 2) {
			fprintf(stderr, "portier eid: unexpected argument '%s'\n%s", arg, eid_usage);
			return -1;
		}
		a->pos[a->npos++] = arg;
	}
	return 0;
}

static int
verify(const struct args *a)
{
	struct eid_options o = { 0 };
	struct eid_verifier *v = NULL;
	struct eid_identity id;
	enum eid_status st;
	char err[512], masked[16];
	struct arena *ar;
	FILE *f;
	char *pem;
	size_t n;
	int rc = 1;

	if (a->npos != 2 || a->trust == NULL) {
		fprintf(stderr, "portier eid verify: needs --trust FILE and CERT.pem\n");
		return 2;
	}
	o.trust = a->trust;
	o.crl = a->crl ? a->crl : "";
	o.ocsp_url = a->ocsp_url;
	o.revocation = a->crl ? EID_REVOCATION_CRL : EID_REVOCATION_OFF;
	if (a->revocation != NULL && eid_revocation_parse(a->revocation, &o.revocation) != 0) {
		fprintf(stderr, "portier eid verify: --revocation is crl, ocsp, both or off\n");
		return 2;
	}
	if (eid_verifier_new(&o, &v, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier eid verify: %s\n", err);
		return 1;
	}
	pem = calloc(1, 65536);
	f = pem ? fopen(a->pos[1], "r") : NULL;
	if (f == NULL) {
		fprintf(stderr, "portier eid verify: cannot read %s\n", a->pos[1]);
		free(pem);
		eid_verifier_free(v);
		return 1;
	}
	n = fread(pem, 1, 65535, f);
	fclose(f);
	ar = arena_new(0);
	st = ar != NULL ? eid_verify_pem(v, pem, n, ar, &id) : EID_ERROR;
	free(pem);
	eid_verifier_free(v);
	if (ar == NULL)
		printf("refused: %s\n", eid_status_reason(st));
	else if (st != EID_OK)
		printf("refused: %s%s%s\n", eid_status_reason(st), id.detail[0] ? ": " : "",
		    id.detail);
	else {
		be_niss_mask(id.niss, masked);
		printf("accepted: %s %s, NISS %s, certificate %s from %s\n", id.first_name,
		    id.last_name, masked, id.serial, id.issuer);
		rc = 0;
	}
	arena_free(ar);
	return rc;
}

static int
test_ca(const struct args *a)
{
	const char *what = a->npos > 1 ? a->pos[1] : "init";
	char err[1024];
	int rc;

	if (a->dir == NULL) {
		fprintf(stderr, "portier eid test-ca: --dir DIR is required\n");
		return 2;
	}
	if (strcmp(what, "init") != 0 && strcmp(what, "card") != 0 &&
	    strcmp(what, "revoke") != 0 && strcmp(what, "server") != 0) {
		fprintf(stderr, "portier eid test-ca: unknown action '%s'\n%s", what, eid_usage);
		return 2;
	}
	rc = eid_testca_init(a->dir, err, sizeof(err));
	if (rc == 0 && strcmp(what, "card") == 0) {
		struct eid_card_options o = {
			.niss = a->niss, .last = a->last, .first = a->first, .name = a->name,
			.password = a->password, .ocsp_url = a->ocsp_url, .ec = a->ec,
			.expired = a->expired,
			.signature = a->signature,
		};

		rc = eid_testca_card(a->dir, &o, err, sizeof(err));
		if (rc == 0)
			printf("card %s/cards/%s.pem (.key.pem, .p12)\n", a->dir,
			    a->name ? a->name : a->niss);
	} else if (rc == 0 && strcmp(what, "revoke") == 0) {
		rc = eid_testca_revoke(a->dir, a->name ? a->name : a->niss, err, sizeof(err));
		if (rc == 0)
			printf("revoked; CRL %s/crl.pem\n", a->dir);
	} else if (rc == 0 && strcmp(what, "server") == 0) {
		rc = eid_testca_server(a->dir, err, sizeof(err));
		if (rc == 0)
			printf("server certificate %s/server.pem (key server.key.pem)\n", a->dir);
	} else if (rc == 0) {
		printf("test CA in %s: trust.pem, crl.pem\n", a->dir);
	}
	if (rc != 0) {
		fprintf(stderr, "portier eid test-ca: %s\n", err);
		return 1;
	}
	return 0;
}

int
cmd_eid(int argc, char **argv)
{
	struct args a;
	int rc = parse(argc, argv, &a);

	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (a.npos >= 1 && strcmp(a.pos[0], "test-ca") == 0)
		return test_ca(&a);
	if (a.npos >= 1 && strcmp(a.pos[0], "verify") == 0)
		return verify(&a);
	fputs(eid_usage, stderr);
	return 2;
}

/* ---- serve and demo ---- */

/* The demo people of demo_seed.c and the kind of card each carries. */
static const struct {
	const char *niss, *last, *first;
	bool ec;
} demo_cards[] = {
	{ "85073003328", "Peeters", "Jan", false },
	{ "17073003384", "Dubois", "Claire", true },
	{ "90022800193", "Schmitz", "Lukas", false },
};

/* Reads a whole text file (at most PEM_FILE_MAX bytes); NULL with a message on error. */
static char *
read_text(const char *setting, const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "portier: %s: cannot read %s\n", setting, path);
		return NULL;
	}
	buf = calloc(1, PEM_FILE_MAX + 1);
	if (buf != NULL) {
		n = fread(buf, 1, PEM_FILE_MAX + 1, f);
		if (n == 0 || n > PEM_FILE_MAX) {
			fprintf(stderr, "portier: %s: %s is empty or too large\n", setting, path);
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* Demo without eid_trust: the test CA under the database's folder (var/eid), a card
 * for each demo person and, for the TLS listener, a server certificate. */
static int
demo_ca(struct config *c, struct eid_runtime *rt)
{
	/* A PostgreSQL connection string has no folder: the current one. */
	const char *slash = store_is_pg(c->db) ? NULL : strrchr(c->db, '/');
	char err[1024], path[1200];

	if (slash != NULL && (size_t)(slash - c->db) + 5 > sizeof(rt->demo_dir)) {
		snprintf(err, sizeof(err), "the database path is too long");
		goto fail;
	}
	if (slash != NULL)
		snprintf(rt->demo_dir, sizeof(rt->demo_dir), "%.*s/eid", (int)(slash - c->db), c->db);
	else
		snprintf(rt->demo_dir, sizeof(rt->demo_dir), "eid");
	if (eid_testca_init(rt->demo_dir, err, sizeof(err)) != 0)
		goto fail;
	for (size_t i = 0; i < sizeof(demo_cards) / sizeof(demo_cards[0]); i++) {
		struct eid_card_options o = {
			.niss = demo_cards[i].niss, .last = demo_cards[i].last,
			.first = demo_cards[i].first, .ec = demo_cards[i].ec,
		};

		snprintf(path, sizeof(path), "%s/cards/%s.pem", rt->demo_dir, o.niss);
		if (access(path, F_OK) != 0 && eid_testca_card(rt->demo_dir, &o, err,
		    sizeof(err)) != 0)
			goto fail;
	}
	if (c->tls_listen[0] != '\0' && c->tls_cert[0] == '\0') {
		snprintf(path, sizeof(path), "%s/server.pem", rt->demo_dir);
		if (access(path, F_OK) != 0 && eid_testca_server(rt->demo_dir, err,
		    sizeof(err)) != 0)
			goto fail;
		snprintf(c->tls_cert, sizeof(c->tls_cert), "%s/server.pem", rt->demo_dir);
		snprintf(c->tls_key, sizeof(c->tls_key), "%s/server.key.pem", rt->demo_dir);
	}
	snprintf(c->eid_trust, sizeof(c->eid_trust), "%s/trust.pem", rt->demo_dir);
	if (c->eid_crl[0] == '\0')
		snprintf(c->eid_crl, sizeof(c->eid_crl), "%s/crl.pem", rt->demo_dir);
	log_info(NULL, "demo: test eID CA and cards in %s (never for production)", rt->demo_dir);
	return 0;
fail:
	fprintf(stderr, "portier: demo eID: %s\n", err);
	return -1;
}

static bool
header_name_ok(const char *h)
{
	size_t n = strlen(h);

	return n > 0 && strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n;
}

/* Appends the machine_trust PEM to the client CAs of the TLS listener. 0 or -1. */
static int
machine_trust_add(const struct config *c, struct eid_runtime *rt)
{
	char *more = read_text("machine_trust", c->machine_trust), *both;
	size_t a = rt->client_ca_pem ? strlen(rt->client_ca_pem) : 0;

	if (more == NULL)
		return -1;
	both = malloc(a + strlen(more) + 2);
	if (both == NULL) {
		free(more);
		return -1;
	}
	if (a > 0)
		memcpy(both, rt->client_ca_pem, a);
	both[a] = '\n';
	memcpy(both + a + 1, more, strlen(more) + 1);
	free(more);
	free(rt->client_ca_pem);
	rt->client_ca_pem = both;
	return 0;
}

int
eid_runtime_setup(struct config *c, struct eid_runtime *rt)
{
	struct eid_options o = { 0 };
	char err[1024];

	memset(rt, 0, sizeof(*rt));
	if (c->tls_listen[0] != '\0' && !web_listen_ok(c->tls_listen)) {
		fprintf(stderr, "portier: tls_listen address '%s' is not ADDR:PORT\n", c->tls_listen);
		return -1;
	}
	if (!header_name_ok(c->eid_proxy_header)) {
		fprintf(stderr, "portier: eid_proxy_header must be a header name\n");
		return -1;
	}
	if (eid_revocation_parse(c->eid_revocation, &o.revocation) != 0) {
		fprintf(stderr, "portier: eid_revocation must be crl, ocsp, both or off\n");
		return -1;
	}
	if (c->demo && c->eid_trust[0] == '\0' && demo_ca(c, rt) != 0)
		goto fail;
	if (eid_proxies_parse(c->trusted_proxies, &rt->proxies, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		goto fail;
	}
	if (c->eid_trust[0] != '\0') {
		o.trust = c->eid_trust;
		o.crl = c->eid_crl;
		o.ocsp_url = c->eid_ocsp_url;
		if (eid_verifier_new(&o, &rt->verifier, err, sizeof(err)) != 0) {
			fprintf(stderr, "portier: %s\n", err);
			goto fail;
		}
		if (o.revocation == EID_REVOCATION_OFF)
			log_warn(NULL, "eid: eid_revocation = off: revoked cards are accepted");
	}
	if (c->tls_listen[0] != '\0') {
		if (c->tls_cert[0] == '\0' || c->tls_key[0] == '\0') {
			fprintf(stderr, "portier: tls_listen needs tls_cert and tls_key\n");
			goto fail;
		}
		rt->tls_cert_pem = read_text("tls_cert", c->tls_cert);
		rt->tls_key_pem = read_text("tls_key", c->tls_key);
		if (rt->tls_cert_pem == NULL || rt->tls_key_pem == NULL)
			goto fail;
		if (c->eid_trust[0] != '\0') {
			rt->client_ca_pem = read_text("eid_trust", c->eid_trust);
			if (rt->client_ca_pem == NULL)
				goto fail;
		}
		/* Machines' certificates (tls_client_auth): their CAs are named in the request
		 * for a certificate too; the token endpoint matches the certificate itself. */
		if (c->machine_trust[0] != '\0' && machine_trust_add(c, rt) != 0)
			goto fail;
	}
	return 0;
fail:
	eid_runtime_free(rt);
	return -1;
}

void
eid_runtime_free(struct eid_runtime *rt)
{
	eid_verifier_free(rt->verifier);
	eid_proxies_free(rt->proxies);
	free(rt->tls_cert_pem);
	if (rt->tls_key_pem != NULL) {
		sodium_memzero(rt->tls_key_pem, strlen(rt->tls_key_pem));
		free(rt->tls_key_pem);
	}
	free(rt->client_ca_pem);
	memset(rt, 0, sizeof(*rt));
}
