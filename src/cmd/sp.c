/* sp.c — `portier sp add|list|remove|refresh`: the SAML service providers, registered from
 * their metadata (a file, or an https address fetched with libcurl), each linked to a
 * secured application of the catalogue (issue 14 part 3). */
#include "cmd/cmd.h"
#include "cmd/opts.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "saml/saml.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier sp add --metadata FILE|URL --application CODE [--min-level 1|2|3]\n"
    "                      [--allow-national-number] [--encrypt-assertions]\n"
    "                      [--sig-alg rsa-sha256|ecdsa-sha256]\n"
    "       portier sp list\n"
    "       portier sp remove --entity-id ID\n"
    "       portier sp refresh --entity-id ID [--metadata FILE|URL]\n"
    "       (each also takes --db PATH and --config FILE)\n"
    "\n"
    "Registers the service providers of the SAML 2.0 identity provider.\n"
    "  --metadata F|URL   the SP's metadata (an EntityDescriptor with an SPSSODescriptor):\n"
    "                     a file, or an http(s) address read now (at most 256 KiB)\n"
    "  --application CODE the secured application the SP stands for: only people\n"
    "                     granted it can log in\n"
    "  --min-level N      minimum level of assurance: 1 low, 2 substantial, 3 high (eID)\n"
    "  --allow-national-number  the SP receives the national number (attribute\n"
    "                     urn:portier:attribute:national_number)\n"
    "  --encrypt-assertions the Assertion goes encrypted to the SP's encryption key\n"
    "                     (its metadata must have one; AES-256-CBC, RSA-OAEP)\n"
    "  --sig-alg A        the signature of its Response and Assertion: rsa-sha256\n"
    "                     (default) or ecdsa-sha256 (the IdP's EC P-256 key)\n"
    "  --entity-id ID     the SP's entityID\n"
    "refresh reads the metadata again from where it came (or from --metadata): it must\n"
    "name the same entityID.\n";

struct opts {
	const char *metadata, *application, *entity_id, *sig_alg;
	int min_level;
	bool allow_nn, encrypt;
};

/* Takes this command's options out of argv (cmd_opts); what remains goes to cmd_config. */
static int
parse(int argc, char **argv, struct opts *o, char **rest, int *nrest)
{
	const char *level = NULL;
	const struct cmd_opt table[] = {
		{ .name = "metadata", .value = &o->metadata },
		{ .name = "application", .value = &o->application },
		{ .name = "entity-id", .value = &o->entity_id },
		{ .name = "min-level", .value = &level },
		{ .name = "allow-national-number", .flag = &o->allow_nn },
		{ .name = "encrypt-assertions", .flag = &o->encrypt },
		{ .name = "sig-alg", .value = &o->sig_alg },
	};

	if (cmd_opts(argc, argv, table, sizeof(table) / sizeof(table[0]), rest, 63, nrest) != 0)
		return -1;
	rest[*nrest] = NULL;
	if (o->sig_alg != NULL && strcmp(o->sig_alg, "rsa-sha256") != 0 &&
	    strcmp(o->sig_alg, "ecdsa-sha256") != 0) {
		fputs("portier: --sig-alg is rsa-sha256 or ecdsa-sha256\n", stderr);
		return -1;
	}
	return cmd_opt_level(level, &o->min_level) ? 0 : -1;
}

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	/* buf_add refuses past the buffer's bound: curl then stops the transfer. */
	return buf_add(b, p, size * n) == 0 ? size * n : 0;
}

/* Reads the metadata at src (a file, or an http(s) address) into b, NUL-terminated. */
static int
read_metadata(const char *src, struct buf *b)
{
	if (strncmp(src, "https://", 8) == 0 || strncmp(src, "http://", 7) == 0) {
		CURL *c = curl_easy_init();
		long code = 0;
		CURLcode rc;

		if (c == NULL)
			return -1;
		curl_easy_setopt(c, CURLOPT_URL, src);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(c);
		if (rc != CURLE_OK || code != 200) {
			fprintf(stderr, "portier: cannot read %s (%s, HTTP %ld)\n", src,
			    curl_easy_strerror(rc), code);
			return -1;
		}
	} else {
		FILE *f = fopen(src, "rb");
		char chunk[8192];
		size_t n;

		if (f == NULL) {
			fprintf(stderr, "portier: cannot open %s\n", src);
			return -1;
		}
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (buf_add(b, chunk, n) != 0) {
				fclose(f);
				fprintf(stderr, "portier: %s: larger than %d bytes\n", src,
				    SAML_METADATA_MAX);
				return -1;
			}
		fclose(f);
	}
	return buf_putc(b, '\0');
}

static int
print_sp(void *arg, const struct saml_sp *sp)
{
	char when[24];
	time_t t = (time_t)sp->refreshed_at;
	struct tm tm;

	(void)arg;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s\n  application: %s, minimum level %d%s%s%s\n  metadata: %s (read %s)\n",
	    sp->entity_id, sp->application, sp->min_level,
	    sp->allow_national_number ? " (national number allowed)" : "",
	    sp->encrypt_assertions ? " (assertions encrypted)" : "",
	    sp->ecdsa ? " (signed ecdsa-sha256)" : "", sp->source, when);
	return 0;
}

static int
add(struct store *s, const struct opts *o)
{
	char entity[SAML_ENTITY_MAX + 1], err[256];
	struct buf md;
	int rc;

	if (o->metadata == NULL || o->application == NULL) {
		fputs("portier: sp add needs --metadata and --application\n", stderr);
		return 2;
	}
	buf_init(&md, SAML_METADATA_MAX + 1);
	if (read_metadata(o->metadata, &md) != 0) {
		buf_free(&md);
		return 1;
	}
	rc = saml_sp_add(s, (const char *)md.data, o->metadata, o->application,
	    o->min_level ? o->min_level : 1, o->allow_nn, o->encrypt,
	    o->sig_alg != NULL && strcmp(o->sig_alg, "ecdsa-sha256") == 0, "cli", entity,
	    sizeof(entity), err,
	    sizeof(err));
	buf_free(&md);
	if (rc == -2) {
		fputs("portier: this service provider is registered already\n", stderr);
		return 1;
	}
	if (rc == 1) {
		fprintf(stderr, "portier: sp add: %s\n", err);
		return 1;
	}
	if (rc != 0) {
		fputs("portier: sp add: database error\n", stderr);
		return 1;
	}
	printf("service provider %s registered for %s\n", entity, o->application);
	return 0;
}

static int
refresh(struct store *s, const struct opts *o)
{
	struct arena *a = arena_new(SAML_METADATA_MAX * 2);
	struct saml_sp sp;
	char err[256];
	struct buf md;
	int rc = 1;

	buf_init(&md, SAML_METADATA_MAX + 1);
	if (a == NULL)
		goto done;
	rc = saml_sp_get(s, a, o->entity_id, &sp);
	if (rc != 0) {
		fprintf(stderr, rc > 0 ? "portier: no service provider '%s'\n" :
		    "portier: sp refresh: database error\n", o->entity_id);
		rc = 1;
		goto done;
	}
	rc = 1;
	if (read_metadata(o->metadata != NULL ? o->metadata : sp.source, &md) != 0)
		goto done;
	rc = saml_sp_refresh(s, o->entity_id, (const char *)md.data, "cli", err, sizeof(err));
	if (rc == 1)
		fprintf(stderr, "portier: sp refresh: %s\n", err);
	else if (rc != 0)
		fputs("portier: sp refresh: database error\n", stderr);
	else
		printf("service provider %s: metadata read again\n", o->entity_id);
	rc = rc == 0 ? 0 : 1;
done:
	buf_free(&md);
	arena_free(a);
	return rc;
}

int
cmd_sp(int argc, char **argv)
{
	struct opts o = { 0 };
	struct config c;
	struct store *s;
	char *rest[64], *pos[1];
	int nrest, npos, rc;

	if (argc > 60 || parse(argc, argv, &o, rest, &nrest) != 0) {
		fputs(usage, stderr);
		return 2;
	}
	rc = cmd_config(nrest, rest, usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || (strcmp(pos[0], "add") != 0 && strcmp(pos[0], "list") != 0 &&
	    strcmp(pos[0], "remove") != 0 && strcmp(pos[0], "refresh") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	if ((strcmp(pos[0], "remove") == 0 || strcmp(pos[0], "refresh") == 0) &&
	    o.entity_id == NULL) {
		fprintf(stderr, "portier: sp %s needs --entity-id\n", pos[0]);
		return 2;
	}
	if (open_store(&c, &s) != 0)
		return 1;
	if (strcmp(pos[0], "add") == 0) {
		rc = add(s, &o);
	} else if (strcmp(pos[0], "list") == 0) {
		rc = saml_sp_list(s, print_sp, NULL) == 0 ? 0 : 1;
		if (rc != 0)
			fputs("portier: sp list: database error\n", stderr);
	} else if (strcmp(pos[0], "refresh") == 0) {
		rc = refresh(s, &o);
	} else {
		rc = saml_sp_remove(s, o.entity_id, "cli");
		if (rc == 0)
			printf("service provider %s removed\n", o.entity_id);
		else if (rc == 1)
			fprintf(stderr, "portier: no service provider '%s'\n", o.entity_id);
		else
			fputs("portier: sp remove: database error\n", stderr);
		rc = rc == 0 ? 0 : 1;
	}
	store_close(s);
	return rc;
}
