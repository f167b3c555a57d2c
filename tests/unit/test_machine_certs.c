/* test_machine_certs.c — system certificates (issue 15): portier's CA signing CSRs and
 * refusing bad ones (signature, weak key, garbage, oversized), certificates from elsewhere
 * refused (expired, a CA, no clientAuth, a thumbprint already registered), the CRL holding
 * the revoked serials and verifying with OpenSSL, the expiry mails each once, the channels
 * of "Messages structurés"; on SQLite and, with PORTIER_TEST_PG, PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "access/org.h"
#include "access/quality.h"
#include "audit/audit.h"
#include "machine/certs.h"
#include "machine/internal.h"
#include "policy/loa.h"
#include "store/store.h"
#include "store_fixture.h"
#include "test_arena.h"

enum { P_GAP = 1, P_GL, P_USER, P_OTHER };
#define DAY (24L * 3600)

struct fixture {
	struct store_fixture fx;
	struct machine_settings set;
	int64_t org, other_org, q, now;
};
static struct fixture *F;

/* ---- keys, CSRs, certificates made here ---- */

static EVP_PKEY *
key_of(const char *kind)
{
	if (strcmp(kind, "rsa1024") == 0)
		return EVP_RSA_gen(1024);
	if (strcmp(kind, "rsa2048") == 0)
		return EVP_RSA_gen(2048);
	if (strcmp(kind, "p521") == 0)
		return EVP_EC_gen("P-521");
	return EVP_EC_gen("P-256");
}

static char *
pem_of(BIO *b)
{
	char *p, *out;
	long n = BIO_get_mem_data(b, &p);

	out = malloc((size_t)n + 1);
	assert_non_null(out);
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	BIO_free(b);
	return out;
}

/* A PEM CSR with a key of kind; tamper: its subject changed after signing. */
static char *
csr_of(const char *kind, bool tamper)
{
	EVP_PKEY *k = key_of(kind);
	X509_REQ *req = X509_REQ_new();
	BIO *b = BIO_new(BIO_s_mem());
	char *out;

	assert_non_null(k);
	X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN", MBSTRING_ASC,
	    (const unsigned char *)"claimed by the CSR", -1, -1, 0);
	assert_int_equal(X509_REQ_set_pubkey(req, k), 1);
	assert_true(X509_REQ_sign(req, k, EVP_sha256()) > 0);
	if (tamper)
		X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "O", MBSTRING_ASC,
		    (const unsigned char *)"changed", -1, -1, 0);
	assert_int_equal(PEM_write_bio_X509_REQ(b, req), 1);
	out = pem_of(b);
	X509_REQ_free(req);
	EVP_PKEY_free(k);
	return out;
}

/* A self-signed certificate from -1 day to days (negative: ended), with the EKU eku (NULL:
 * none) and CA:TRUE when ca. */
static char *
cert_of(int days, const char *eku, bool ca)
{
	EVP_PKEY *k = key_of("p256");
	X509 *x = X509_new();
	BIO *b = BIO_new(BIO_s_mem());
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	BIGNUM *bn;
	unsigned char r[8];
	char *out;

	assert_non_null(k);
	X509_set_version(x, 2);
	randombytes_buf(r, sizeof(r));
	r[0] &= 0x7f;
	bn = BN_bin2bn(r, sizeof(r), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	    (const unsigned char *)"external", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, k);
	ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(F->now - 10 * DAY));
	ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(F->now + days * DAY));
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, ca ? "critical,CA:TRUE" :
	    "critical,CA:FALSE");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	if (eku != NULL) {
		e = X509V3_EXT_conf_nid(NULL, &ctx, NID_ext_key_usage, eku);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_int_equal(PEM_write_bio_X509(b, x), 1);
	out = pem_of(b);
	X509_free(x);
	EVP_PKEY_free(k);
	return out;
}

/* ---- the world: an organisation, its quality with a GL and a user ---- */

static struct actor
who(int64_t person)
{
	struct actor w = STORE_FIXTURE_WHO(person, LOA_LOW);

	return w;
}

static int64_t
count(const char *sql)
{
	return store_fixture_count(&F->fx, sql);
}

static int
setup(void **state)
{
	struct actor gap;
	struct user_input gl = {
		.username = "lukas.schmitz", .last_name = "Schmitz", .first_name = "Lukas",
		.data.title = "M.", .data.language = "de",
		.data.email = "lukas.schmitz@example.be", .data.local_email = "",
	};
	struct activation_input in = {
		.quality = "health_related", .email = "qualite@example.be", .mode = "gl",
		.niss = "90022800193", .gl = gl,
	};
	struct access_errors err = { 0 };
	char why[256];
	bool again;

	F = calloc(1, sizeof(*F));
	if (F == NULL || store_fixture_open(&F->fx, "machine", 2) != 0)
		return -1;
	F->now = (int64_t)time(NULL);
	assert_int_equal(store_fixture_person(F->fx.s, "17073003384", "Dubois", "Claire", "fr",
	    "system"), P_GAP);
	assert_int_equal(store_fixture_person(F->fx.s, "90022800193", "Schmitz", "Lukas", "de",
	    "system"), P_GL);
	assert_int_equal(store_fixture_person(F->fx.s, "80010100305", "Janssens", "Marie", "nl",
	    "system"), P_USER);
	assert_int_equal(store_fixture_person(F->fx.s, "80010100503", "Lambert", "Paul", "fr",
	    "system"), P_OTHER);
	F->org = store_fixture_org(F->fx.s, "0552627113", "Pharma Test SA", P_GAP);
	assert_true(F->org > 0);
	F->other_org = store_fixture_org(F->fx.s, "0403170701", "Autre SA", P_OTHER);
	assert_true(F->other_org > 0);
	gap = who(P_GAP);
	assert_int_equal(quality_activate(F->fx.s, &gap, F->org, &in, &err, &F->q, &again),
	    ACCESS_OK);
	assert_int_equal(machine_ca_open(F->fx.s, "http://127.0.0.1/pki/system-ca.crl",
	    &F->set.ca, why, sizeof(why)), 0);
	F->set.days = MACHINE_DAYS_DEFAULT;
	*state = F;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	machine_ca_free(F->set.ca);
	assert_int_equal(store_fixture_end(&F->fx, test_arena()), 0);
	free(F);
	F = NULL;
	return 0;
}

static enum access_rc
reg(int64_t person, const char *label, const char *csr, const char *cert,
    struct access_errors *err, char id[MACHINE_PUBLIC_ID_SIZE])
{
	struct actor w = who(person);
	struct cert_input in = {
		.label = label, .csr = csr, .csr_len = csr ? strlen(csr) : 0,
		.cert = cert, .cert_len = cert ? strlen(cert) : 0,
		.apps = { "SADM", "SARA" }, .napps = 2,
	};

	return machine_cert_register(F->fx.s, &F->set, &w, F->org, F->q, &in, F->now, err, id);
}

/* ---- the tests ---- */

static void
csr_signed(void **state)
{
	struct access_errors err;
	char id[MACHINE_PUBLIC_ID_SIZE];
	char *csr = csr_of("p256", false), *csr2 = csr_of("rsa2048", false);
	struct cert_row row;
	struct actor w = who(P_GL);
	BIO *b;
	X509 *x;

	(void)state;
	assert_int_equal(reg(P_GL, "Logiciel de paie", csr, NULL, &err, id), ACCESS_OK);
	assert_int_equal((int)strlen(id), MACHINE_PUBLIC_ID_SIZE - 1);
	assert_int_equal(machine_cert_get(F->fx.s, &w, F->org, F->q, id, F->now, test_arena(),
	    &row), ACCESS_OK);
	assert_string_equal(row.status, "active");
	assert_true(row.by_portier);
	/* The subject is the organisation's, never the CSR's. */
	assert_non_null(strstr(row.subject, "O=Pharma Test SA"));
	assert_non_null(strstr(row.subject, "NTRBE-0552627113"));
	assert_non_null(strstr(row.subject, "CN=Logiciel de paie"));
	assert_null(strstr(row.subject, "claimed"));
	assert_string_equal(row.issuer, "CN=portier system CA,O=portier,C=BE");
	b = BIO_new_mem_buf(row.pem, -1);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	assert_non_null(x);
	assert_int_equal(X509_check_ca(x), 0);
	assert_true(X509_get_extended_key_usage(x) & XKU_SSL_CLIENT);
	/* Three years from now. */
	assert_true(machine_time_of(row.not_after) - F->now == MACHINE_DAYS_DEFAULT * DAY);
	X509_free(x);
	BIO_free(b);
	assert_int_equal(reg(P_GAP, "ERP", csr2, NULL, &err, id), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM system_cert_app"), 4);
	assert_int_equal(store_fixture_audit(F->fx.s, "system_cert.register", NULL, NULL, NULL,
	    NULL), 2);
	free(csr);
	free(csr2);
}

static void
csr_refused(void **state)
{
	struct access_errors err;
	char id[MACHINE_PUBLIC_ID_SIZE], *big;
	char *bad = csr_of("p256", true), *weak = csr_of("rsa1024", false),
	    *p521 = csr_of("p521", false), *good = csr_of("p256", false);
	int64_t before = count("SELECT count(*) FROM system_cert");

	(void)state;
	assert_int_equal(reg(P_GL, "x", bad, NULL, &err, id), ACCESS_INVALID);
	assert_string_equal(access_error_of(&err, "csr"),
	    "La signature de la demande de certificat n'est pas valable.");
	assert_int_equal(reg(P_GL, "x", weak, NULL, &err, id), ACCESS_INVALID);
	assert_non_null(strstr(access_error_of(&err, "csr"), "2048"));
	assert_int_equal(reg(P_GL, "x", p521, NULL, &err, id), ACCESS_INVALID);
	assert_non_null(strstr(access_error_of(&err, "csr"), "2048"));
	assert_int_equal(reg(P_GL, "x", "not a PEM at all", NULL, &err, id), ACCESS_INVALID);
	assert_string_equal(access_error_of(&err, "csr"),
	    "Ce texte n'est pas au format PEM attendu.");
	big = calloc(1, MACHINE_PEM_MAX + 100);
	assert_non_null(big);
	memcpy(big, good, strlen(good));
	memset(big + strlen(good), '\n', MACHINE_PEM_MAX + 50 - strlen(good));
	assert_int_equal(reg(P_GL, "x", big, NULL, &err, id), ACCESS_INVALID);
	assert_non_null(strstr(access_error_of(&err, "csr"), "16"));
	/* Both a CSR and a certificate, or neither. */
	assert_int_equal(reg(P_GL, "x", NULL, NULL, &err, id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "csr"));
	/* A label, and applications of the quality only. */
	assert_int_equal(reg(P_GL, "", good, NULL, &err, id), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "label"));
	{
		struct actor w = who(P_GL);
		struct cert_input in = { .label = "x", .csr = good, .csr_len = strlen(good),
		    .apps = { "NOT_AN_APP" }, .napps = 1 };

		assert_int_equal(machine_cert_register(F->fx.s, &F->set, &w, F->org, F->q, &in,
		    F->now, &err, id), ACCESS_INVALID);
		assert_non_null(access_error_of(&err, "apps"));
	}
	assert_int_equal(count("SELECT count(*) FROM system_cert"), before);
	free(big);
	free(bad);
	free(weak);
	free(p521);
	free(good);
}

static void
external_refused(void **state)
{
	struct access_errors err;
	char id[MACHINE_PUBLIC_ID_SIZE];
	char *ok = cert_of(400, "clientAuth", false), *expired = cert_of(-1, "clientAuth", false),
	    *ca = cert_of(400, "clientAuth", true), *server = cert_of(400, "serverAuth", false),
	    *none = cert_of(400, NULL, false);
	int64_t before = count("SELECT count(*) FROM system_cert");

	(void)state;
	assert_int_equal(reg(P_GL, "x", NULL, expired, &err, id), ACCESS_INVALID);
	assert_string_equal(access_error_of(&err, "cert"), "Ce certificat a expiré.");
	assert_int_equal(reg(P_GL, "x", NULL, ca, &err, id), ACCESS_INVALID);
	assert_non_null(strstr(access_error_of(&err, "cert"), "autorité"));
	assert_int_equal(reg(P_GL, "x", NULL, server, &err, id), ACCESS_INVALID);
	assert_non_null(strstr(access_error_of(&err, "cert"), "clientAuth"));
	assert_int_equal(reg(P_GL, "x", NULL, none, &err, id), ACCESS_INVALID);
	assert_non_null(strstr(access_error_of(&err, "cert"), "clientAuth"));
	assert_int_equal(count("SELECT count(*) FROM system_cert"), before);
	assert_int_equal(reg(P_GL, "Stock", NULL, ok, &err, id), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM system_cert WHERE by_portier = 0"), 1);
	/* The same certificate again: its thumbprint is taken. */
	assert_int_equal(reg(P_GAP, "Stock bis", NULL, ok, &err, id), ACCESS_INVALID);
	assert_string_equal(access_error_of(&err, "cert"), "Ce certificat est déjà enregistré.");
	assert_int_equal(count("SELECT count(*) FROM system_cert"), before + 1);
	free(ok);
	free(expired);
	free(ca);
	free(server);
	free(none);
}

static void
policy_cells(void **state)
{
	struct access_errors err;
	char id[MACHINE_PUBLIC_ID_SIZE];
	char *csr = csr_of("p256", false);
	int64_t before = count("SELECT count(*) FROM system_cert");
	int64_t denied = store_fixture_audit(F->fx.s, "access.denied", NULL, NULL, NULL, NULL);

	(void)state;
	/* A user of the quality, another organisation's GAP: refused, audited, nothing. */
	assert_int_equal(reg(P_USER, "x", csr, NULL, &err, id), ACCESS_DENIED);
	assert_int_equal(reg(P_OTHER, "x", csr, NULL, &err, id), ACCESS_DENIED);
	assert_int_equal(store_fixture_audit(F->fx.s, "access.denied", NULL, NULL, NULL, NULL),
	    denied + 2);
	assert_int_equal(count("SELECT count(*) FROM system_cert"), before);
	free(csr);
}

static void
revoke_and_crl(void **state)
{
	struct access_errors err;
	char id[MACHINE_PUBLIC_ID_SIZE], serial[80];
	char *csr = csr_of("p256", false);
	struct actor gl = who(P_GL), user = who(P_USER);
	struct cert_row row;
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t len = 0;
	X509_CRL *crl;
	X509 *cax;
	BIO *b;
	bool found = false;

	(void)state;
	assert_int_equal(reg(P_GL, "A revoquer", csr, NULL, &err, id), ACCESS_OK);
	assert_int_equal(machine_cert_get(F->fx.s, &gl, F->org, F->q, id, F->now, test_arena(),
	    &row), ACCESS_OK);
	snprintf(serial, sizeof(serial), "%s", row.serial);
	/* The CRL before: without it (and cached). */
	assert_int_equal(machine_crl(F->fx.s, F->set.ca, F->now, &der, &len), 0);
	free(der);
	assert_int_equal(machine_cert_revoke(F->fx.s, &F->set, &user, F->org, F->q, id,
	    "clé perdue", F->now, &err), ACCESS_DENIED);
	assert_int_equal(machine_cert_revoke(F->fx.s, &F->set, &gl, F->org, F->q, id, "",
	    F->now, &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "reason"));
	assert_int_equal(machine_cert_revoke(F->fx.s, &F->set, &gl, F->org, F->q, id,
	    "clé perdue", F->now, &err), ACCESS_OK);
	assert_int_equal(machine_cert_revoke(F->fx.s, &F->set, &gl, F->org, F->q, id,
	    "encore", F->now, &err), ACCESS_CONFLICT);
	assert_int_equal(store_fixture_audit(F->fx.s, "system_cert.revoke", NULL, NULL,
	    "reason", "clé perdue"), 1);
	/* The shown status is a constant, not the row's text freed with the statement. */
	assert_int_equal(machine_cert_get(F->fx.s, &gl, F->org, F->q, id, F->now, test_arena(),
	    &row), ACCESS_OK);
	assert_string_equal(row.status, "revoked");
	assert_string_equal(row.reason, "clé perdue");
	/* The CRL after: made again, holds the serial, verifies with the CA's key. */
	assert_int_equal(machine_crl(F->fx.s, F->set.ca, F->now, &der, &len), 0);
	p = der;
	crl = d2i_X509_CRL(NULL, &p, (long)len);
	assert_non_null(crl);
	b = BIO_new_mem_buf(machine_ca_pem(F->set.ca), -1);
	cax = PEM_read_bio_X509(b, NULL, NULL, NULL);
	assert_non_null(cax);
	assert_int_equal(X509_CRL_verify(crl, X509_get0_pubkey(cax)), 1);
	assert_non_null(X509_CRL_get0_nextUpdate(crl));
	for (int i = 0; i < sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)); i++) {
		const ASN1_INTEGER *sn = X509_REVOKED_get0_serialNumber(
		    sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), i));
		BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
		char *h = BN_bn2hex(bn);

		found |= strcasecmp(h, serial) == 0;
		OPENSSL_free(h);
		BN_free(bn);
	}
	assert_true(found);
	X509_free(cax);
	BIO_free(b);
	X509_CRL_free(crl);
	free(der);
	free(csr);
}

static void
expiry_mails(void **state)
{
	struct access_errors err;
	char id[MACHINE_PUBLIC_ID_SIZE];
	char *csr = csr_of("p256", false);
	int64_t issued = F->now, na = issued + MACHINE_DAYS_DEFAULT * DAY;
	int64_t mails = count("SELECT count(*) FROM mail_outbox WHERE kind = 'system_cert_expiring'");
	int64_t certs_due;

	(void)state;
	assert_int_equal(reg(P_GL, "Expire", csr, NULL, &err, id), ACCESS_OK);
	/* Nothing due three years ahead. */
	certs_due = machine_expiry_sweep(F->fx.s, NULL, issued);
	assert_true(certs_due >= 0);
	/* 61 days before: still nothing for this one; 60 days before: one notice. */
	machine_expiry_sweep(F->fx.s, NULL, na - 61 * DAY);
	assert_int_equal(count("SELECT count(*) FROM system_cert_notice n JOIN system_cert c ON "
	    "c.id = n.cert_id WHERE c.name = 'Expire'"), 0);
	machine_expiry_sweep(F->fx.s, NULL, na - 60 * DAY);
	machine_expiry_sweep(F->fx.s, NULL, na - 59 * DAY);
	assert_int_equal(count("SELECT count(*) FROM system_cert_notice n JOIN system_cert c ON "
	    "c.id = n.cert_id WHERE c.name = 'Expire'"), 1);
	machine_expiry_sweep(F->fx.s, NULL, na - 30 * DAY);
	machine_expiry_sweep(F->fx.s, NULL, na - 7 * DAY);
	machine_expiry_sweep(F->fx.s, NULL, na - 6 * DAY);
	assert_int_equal(count("SELECT count(*) FROM system_cert_notice n JOIN system_cert c ON "
	    "c.id = n.cert_id WHERE c.name = 'Expire'"), 3);
	/* Each notice went to the GL (the quality's address in the organisation) and the GAP
	 * (no address: none), three times; the GL's in German. */
	assert_true(count("SELECT count(*) FROM mail_outbox WHERE kind = 'system_cert_expiring' "
	    "AND recipient = 'lukas.schmitz@example.be'") >= 3);
	assert_true(count("SELECT count(*) FROM mail_outbox WHERE kind = 'system_cert_expiring'") >=
	    mails + 3);
	free(csr);
}

static void
channels(void **state)
{
	struct access_errors err;
	char id[MACHINE_PUBLIC_ID_SIZE];
	char *csr = csr_of("p256", false);
	struct actor gl = who(P_GL), user = who(P_USER);
	struct channel_row ch;
	static const char ed[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPNZpJkcSG6fovGE4Crul7jFPgXy4PSfZqfXinuqqf22 test@example";

	(void)state;
	assert_true(machine_ssh_key_ok(ed));
	assert_false(machine_ssh_key_ok("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ== x"));
	assert_false(machine_ssh_key_ok("ssh-dss AAAA"));
	assert_false(machine_ssh_key_ok("ssh-ed25519 !!!!"));
	assert_true(machine_sender_ok("PHARMA-0552627113"));
	assert_false(machine_sender_ok("a b"));
	assert_false(machine_sender_ok("ab"));
	assert_int_equal(reg(P_GL, "WS", csr, NULL, &err, id), ACCESS_OK);
	assert_int_equal(machine_channel_put(F->fx.s, &user, F->org, F->q, &(struct channel_input){
	    .application = "SADM", .kind = "ws", .cert = id, .sender = "PHARMA01" }, F->now, &err),
	    ACCESS_DENIED);
	assert_int_equal(machine_channel_put(F->fx.s, &gl, F->org, F->q, &(struct channel_input){
	    .application = "SADM", .kind = "sftp", .ssh_key = "ssh-rsa nope", .sender = "x y" },
	    F->now, &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "ssh_key"));
	assert_non_null(access_error_of(&err, "sender"));
	assert_int_equal(count("SELECT count(*) FROM message_channel"), 0);
	assert_int_equal(machine_channel_put(F->fx.s, &gl, F->org, F->q, &(struct channel_input){
	    .application = "SADM", .kind = "ws", .cert = id, .sender = "PHARMA01" }, F->now, &err),
	    ACCESS_OK);
	assert_int_equal(machine_channel_put(F->fx.s, &gl, F->org, F->q, &(struct channel_input){
	    .application = "SARA", .kind = "sftp", .ssh_key = ed, .sender = "PHARMA02" }, F->now,
	    &err), ACCESS_OK);
	assert_int_equal(machine_channel_lookup(F->fx.s, "0552627113", "SADM", test_arena(), &ch),
	    0);
	assert_string_equal(ch.kind, "ws");
	assert_string_equal(ch.cert, id);
	assert_string_equal(ch.sender, "PHARMA01");
	assert_int_equal(machine_channel_lookup(F->fx.s, "0552627113", "SARA", test_arena(), &ch),
	    0);
	assert_string_equal(ch.ssh_key, ed);
	assert_int_equal(machine_channel_lookup(F->fx.s, "0403170701", "SADM", test_arena(), &ch),
	    1);
	assert_int_equal(machine_channel_remove(F->fx.s, &gl, F->org, F->q, "SARA"), ACCESS_OK);
	assert_int_equal(machine_channel_lookup(F->fx.s, "0552627113", "SARA", test_arena(), &ch),
	    1);
	free(csr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(csr_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(csr_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(external_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(policy_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(revoke_and_crl, setup, teardown),
		cmocka_unit_test_setup_teardown(expiry_mails, setup, teardown),
		cmocka_unit_test_setup_teardown(channels, setup, teardown),
	};

	store_fixture_register();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
