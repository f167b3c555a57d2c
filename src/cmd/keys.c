/* keys.c — `portier keys rotate|list|kek-new|rewrap`: the OpenID Connect signing keys and
 * the key-encryption key (KEK) that keeps them, the TOTP keys and the pairwise secret
 * encrypted in the database (base/envelope.h). Rotation makes a new active key of each alg;
 * the retired ones stay in the JWKS until the ID tokens they signed expire. */
#include "cmd/cmd.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "auth/totp.h"
#include "auth/upstream.h"
#include "base/envelope.h"
#include "base/log.h"
#include "machine/ca.h"
#include "oidc/claims.h"
#include "oidc/keys.h"
#include "saml/saml.h"
#include "store/store.h"

static const char usage[] =
    "usage: portier keys rotate|list [--db PATH] [--config FILE]\n"
    "       portier keys saml-rotate [--overlap-days N] [--db PATH] [--config FILE]\n"
    "       portier keys kek-new --to FILE\n"
    "       portier keys rewrap --old FILE --new FILE [--db PATH] [--config FILE]\n"
    "       portier keys system-ca [--cert FILE --key FILE] [--db PATH] [--config FILE]\n"
    "\n"
    "Manages the signing keys of the OpenID Connect provider (one ES256 and one RS256 key,\n"
    "kept in the database).\n"
    "  rotate   make a new signing key of each alg; the previous ones stay published in the\n"
    "           JWKS until the ID tokens they signed have expired, then they are removed\n"
    "  list     show the keys: kid, created, state (active, published until …)\n"
    "Servers pick up a new key within 30 seconds.\n"
    "  saml-rotate  make a new signing key and certificate of the SAML identity provider\n"
    "           (RSA 2048, rsa-sha256); the previous certificate stays in the metadata\n"
    "           (/saml/metadata) for N more days (default 14), while service providers\n"
    "           refresh their copy; the first key is made at the first SAML request\n"
    "  kek-new  write a new key-encryption key (32 random bytes, hex) to FILE (mode 0600)\n"
    "  rewrap   re-encrypt the signing keys (OpenID and SAML), TOTP keys, pairwise secret,\n"
    "           upstream providers' secrets and system CA key from the KEK in --old to\n"
    "           the one in --new, in one transaction; then set kek_file to --new\n"
    "  system-ca  print the certificate of the CA that signs system certificates (made at\n"
    "           the first start, its key sealed under the KEK); with --cert and --key,\n"
    "           replace it by an external CA (PEM; servers use it from their next start)\n"
    "The KEK is read from kek_file, else from $CREDENTIALS_DIRECTORY/portier-kek.\n";

/* Re-encodes every secret at rest from old to new inside tx: 0; 1 when old does not open
 * one of them; -1. *changed: rows written. */
static int
rewrap_all(struct store_tx *tx, const struct kek *old, const struct kek *new_k, int *changed)
{
	int n[6] = { 0, 0, 0, 0, 0, 0 }, rc;

	rc = oidc_keys_rewrap(tx, old, new_k, &n[0]);
	if (rc == 0)
		rc = totp_keys_rewrap(tx, old, new_k, &n[1]);
	if (rc == 0)
		rc = oidc_pairwise_rewrap(tx, old, new_k, &n[2]);
	if (rc == 0)
		rc = upstream_secrets_rewrap(tx, old, new_k, &n[3]);
	if (rc == 0)
		rc = machine_ca_rewrap(tx, old, new_k, &n[4]);
	if (rc == 0)
		rc = saml_keys_rewrap(tx, old, new_k, &n[5]);
	*changed = n[0] + n[1] + n[2] + n[3] + n[4] + n[5];
	return rc;
}

static int
audit_kek(struct store_tx *tx, const char *action, const struct kek *from,
    const struct kek *to, int rows)
{
	char details[160], a[2 * KEK_ID_BYTES + 1] = "", b[2 * KEK_ID_BYTES + 1] = "";
	struct audit_event ev = {
		.actor = "system", .actor_role = "system", .object = "keys:at-rest",
		.action = action, .details = details,
	};

	if (from != NULL)
		kek_id_hex(from, a);
	if (to != NULL)
		kek_id_hex(to, b);
	if (snprintf(details, sizeof(details), "{\"from\":\"%s\",\"to\":\"%s\",\"rows\":%d}",
	    a, b, rows) >= (int)sizeof(details))
		return -1;
	return audit_append(tx, &ev);
}

int
keys_at_rest_start(const struct config *c, struct store *s)
{
	struct store_tx *tx = NULL;
	struct kek k;
	char err[1200], id[2 * KEK_ID_BYTES + 1];
	bool found = false;
	int changed = 0, rc;

	if (kek_find(c->kek_file, &k, &found, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: %s\n", err);
		return -1;
	}
	kek_install(found ? &k : NULL);
	if (store_begin(s, STORE_WRITE, &tx) != 0) {
		fputs("portier: keys at rest: database error\n", stderr);
		return -1;
	}
	/* With a KEK: plaintext secrets are sealed, sealed ones checked (a wrong KEK writes
	 * nothing). Without: sealed ones cannot be read, the start is refused. */
	rc = rewrap_all(tx, found ? &k : NULL, found ? &k : NULL, &changed);
	if (rc == 0 && changed > 0 && audit_kek(tx, "keys.wrapped", NULL, &k, changed) != 0)
		rc = -1;
	if (rc != 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		if (rc == 1 && found) {
			kek_id_hex(&k, id);
			fprintf(stderr, "portier: the key-encryption key %s does not open the secrets "
			    "in the database (wrong kek_file?): nothing changed, start refused\n", id);
		} else if (rc == 1) {
			fputs("portier: the database holds encrypted secrets and no key-encryption "
			    "key is configured (kek_file or the credential portier-kek): start "
			    "refused\n", stderr);
		} else {
			fputs("portier: keys at rest: database error\n", stderr);
		}
		kek_install(NULL);
		sodium_memzero(&k, sizeof(k));
		return -1;
	}
	/* Without a KEK the server says so at its start (instance.c); the CLI stays quiet. */
	if (found && changed > 0) {
		kek_id_hex(&k, id);
		log_info(NULL, "keys at rest: %d secret(s) sealed under key-encryption key %s",
		    changed, id);
	}
	sodium_memzero(&k, sizeof(k));
	return 0;
}

/* `keys kek-new --to FILE`. */
static int
kek_new(const char *to)
{
	char err[1200];

	if (to == NULL) {
		fputs(usage, stderr);
		return 2;
	}
	if (kek_new_file(to, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: keys kek-new: %s\n", err);
		return 1;
	}
	printf("new key-encryption key written to %s (mode 0600)\n", to);
	return 0;
}

/* `keys rewrap --old FILE --new FILE`: the store was opened with --old as kek_file (which
 * sealed any plaintext left and checked --old opens everything). */
static int
rewrap(struct store *s, const char *old_path, const char *new_path)
{
	struct kek old, new_k;
	struct store_tx *tx = NULL;
	char err[1200], id[2 * KEK_ID_BYTES + 1];
	int changed = 0, rc = 1;

	memset(&old, 0, sizeof(old));
	memset(&new_k, 0, sizeof(new_k));
	if (kek_load(old_path, &old, err, sizeof(err)) != 0 ||
	    kek_load(new_path, &new_k, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: keys rewrap: %s\n", err);
		goto done;
	}
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		goto fail;
	rc = rewrap_all(tx, &old, &new_k, &changed);
	if (rc == 0 && audit_kek(tx, "keys.rewrapped", &old, &new_k, changed) != 0)
		rc = -1;
	if (rc != 0 || store_commit(&tx) != 0) {
		store_rollback(&tx);
		if (rc == 1) {
			fputs("portier: keys rewrap: --old does not open the secrets: nothing "
			    "changed\n", stderr);
			rc = 1;
			goto done;
		}
		goto fail;
	}
	kek_id_hex(&new_k, id);
	printf("%d secret(s) re-encrypted under key-encryption key %s; set kek_file to %s\n",
	    changed, id, new_path);
	rc = 0;
	goto done;
fail:
	fputs("portier: keys rewrap: database error: nothing changed\n", stderr);
	rc = 1;
done:
	sodium_memzero(&old, sizeof(old));
	sodium_memzero(&new_k, sizeof(new_k));
	return rc;
}

/* Reads a whole small file (a PEM) into a malloc'ed text; NULL when it cannot. */
static char *
read_small(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = f ? malloc(MACHINE_PEM_MAX + 1) : NULL;
	size_t n = 0;

	if (buf != NULL) {
		n = fread(buf, 1, MACHINE_PEM_MAX, f);
		buf[n] = '\0';
		if (ferror(f) || n == MACHINE_PEM_MAX) {
			free(buf);
			buf = NULL;
		}
	}
	if (f != NULL)
		fclose(f);
	return buf;
}

/* `keys system-ca [--cert FILE --key FILE]`. */
static int
system_ca(struct store *s, const char *cert, const char *key)
{
	struct machine_ca *ca = NULL;
	char err[512], *c = NULL, *k = NULL;
	int rc = 1;

	if ((cert == NULL) != (key == NULL)) {
		fputs(usage, stderr);
		return 2;
	}
	if (cert != NULL) {
		if ((c = read_small(cert)) == NULL || (k = read_small(key)) == NULL) {
			fprintf(stderr, "portier: keys system-ca: cannot read %s\n", c ? key : cert);
			goto done;
		}
		if (machine_ca_import(s, c, k, err, sizeof(err)) != 0) {
			fprintf(stderr, "portier: keys system-ca: %s\n", err);
			goto done;
		}
	}
	if (machine_ca_open(s, "", &ca, err, sizeof(err)) != 0) {
		fprintf(stderr, "portier: keys system-ca: %s\n", err);
		goto done;
	}
	fputs(machine_ca_pem(ca), stdout);
	rc = 0;
done:
	machine_ca_free(ca);
	if (k != NULL)
		sodium_memzero(k, strlen(k));
	free(k);
	free(c);
	return rc;
}

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

/* Takes "--NAME FILE" / "--NAME=FILE" out of argv (cmd_config does not know them). */
static int
take_opt(int *argc, char **argv, const char *name, const char **out)
{
	size_t nl = strlen(name);

	for (int i = 1; i < *argc; i++) {
		int drop = 0;

		if (strncmp(argv[i], "--", 2) != 0 || strncmp(argv[i] + 2, name, nl) != 0)
			continue;
		if (argv[i][2 + nl] == '=') {
			*out = argv[i] + 3 + nl;
			drop = 1;
		} else if (argv[i][2 + nl] == '\0') {
			if (i + 1 >= *argc)
				return -1;
			*out = argv[i + 1];
			drop = 2;
		} else {
			continue;
		}
		for (int j = i; j + drop < *argc; j++)
			argv[j] = argv[j + drop];
		*argc -= drop;
		return 0;
	}
	return 0;
}

/* `keys saml-rotate`: overlap is the number of days, 0 to 365 (NULL: the default). */
static int
saml_rotate(struct store *s, const char *overlap)
{
	char kid[JWS_KID_MAX];
	int days = SAML_KEY_OVERLAP_DAYS;

	if (overlap != NULL) {
		size_t n = strlen(overlap);

		days = 0;
		for (size_t i = 0; i < n; i++)
			days = overlap[i] >= '0' && overlap[i] <= '9' && days <= 365 ?
			    days * 10 + (overlap[i] - '0') : 1000;
		if (n == 0 || days > 365) {
			fputs("portier: keys saml-rotate: --overlap-days: 0 to 365\n", stderr);
			return 2;
		}
	}
	if (saml_keys_rotate(s, "cli", days, kid) != 0) {
		fputs("portier: keys saml-rotate: database error\n", stderr);
		return 1;
	}
	printf("new SAML signing key %s; the previous certificate stays in the metadata for "
	    "%d day(s)\n", kid, days);
	return 0;
}

int
cmd_keys(int argc, char **argv)
{
	struct config c;
	struct store *s;
	char *pos[1], kid[JWS_ALGS][JWS_KID_MAX];
	const char *old_path = NULL, *new_path = NULL, *to = NULL, *ca_cert = NULL,
	    *ca_key = NULL, *overlap = NULL;
	int npos, rc;
	int64_t now = (int64_t)time(NULL);

	if (take_opt(&argc, argv, "old", &old_path) != 0 ||
	    take_opt(&argc, argv, "new", &new_path) != 0 ||
	    take_opt(&argc, argv, "to", &to) != 0 ||
	    take_opt(&argc, argv, "cert", &ca_cert) != 0 ||
	    take_opt(&argc, argv, "key", &ca_key) != 0 ||
	    take_opt(&argc, argv, "overlap-days", &overlap) != 0) {
		fputs(usage, stderr);
		return 2;
	}
	rc = cmd_config(argc, argv, usage, &c, pos, 1, &npos);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (npos != 1 || (strcmp(pos[0], "rotate") != 0 && strcmp(pos[0], "list") != 0 &&
	    strcmp(pos[0], "kek-new") != 0 && strcmp(pos[0], "rewrap") != 0 &&
	    strcmp(pos[0], "system-ca") != 0 && strcmp(pos[0], "saml-rotate") != 0)) {
		fputs(usage, stderr);
		return 2;
	}
	if (strcmp(pos[0], "kek-new") == 0)
		return kek_new(to);
	if (strcmp(pos[0], "rewrap") == 0) {
		if (old_path == NULL || new_path == NULL) {
			fputs(usage, stderr);
			return 2;
		}
		if ((size_t)snprintf(c.kek_file, sizeof(c.kek_file), "%s", old_path) >=
		    sizeof(c.kek_file)) {
			fputs("portier: keys rewrap: --old too long\n", stderr);
			return 2;
		}
	}
	if (open_store(&c, &s) != 0)
		return 1;
	if (strcmp(pos[0], "rewrap") == 0) {
		rc = rewrap(s, old_path, new_path);
		store_close(s);
		return rc;
	}
	if (strcmp(pos[0], "saml-rotate") == 0) {
		rc = saml_rotate(s, overlap);
		store_close(s);
		return rc;
	}
	if (strcmp(pos[0], "system-ca") == 0) {
		rc = system_ca(s, ca_cert, ca_key);
		store_close(s);
		return rc;
	}
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
