/* test_csam_exception.c — the exception procedure (csam/exception.h) and the helpdesk
 * back office (csam/helpdesk.h): requesters with eID or a Belgian domicile stopped, every
 * field checked, the same form stored once, the reference's status for anyone and the
 * request for its requester only; the helpdesk role from the command line service, the
 * queue and its filters, paper received, the four-eyes rule (the same operator twice is
 * refused and audited), the organisation and its GAP created on approval, rejection with
 * a reason, the activation letter; and the PDF documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/org.h"
#include "csam/exception.h"
#include "csam/helpdesk.h"
#include "pdf/forms.h"
#include "policy/loa.h"
#include "store/store.h"
#include "store_fixture.h"
#include "clock_fixture.h"

#define TODAY "2030-06-15"
#define E1 "1200000163"       /* active, registered below by the standard procedure */
#define E5 "1200000559"       /* active, represented by the enterprise E6 */
#define E6 "1200000658"
#define NISS_H1 "80010100107"
#define NISS_H2 "80010100206"
#define NISS_X "82020200621"  /* no helpdesk role */
#define NISS_GAP "91090900550"
/* The operator at the command line (portier helpdesk add/remove). */
static const struct actor CLI = { .name = "cli", .lang = "fr", .source = "cli" };

/* The registers, in the imports' formats (docs/registry-formats.md). */
static const char kbo_enterprises[] =
    "\"1200.000.163\",\"AC\",\"000\",\"2\",\"014\",,01-01-2001\n"
    "\"1200.000.559\",\"AC\",\"000\",\"2\",\"610\",,01-01-2012\n"
    "\"1200.000.658\",\"AC\",\"000\",\"2\",\"014\",,01-01-2000\n";
static const char kbo_denominations[] =
    "\"1200.000.163\",\"1\",\"001\",\"Alpha Médical\"\n"
    "\"1200.000.559\",\"1\",\"001\",\"Echo Distribution\"\n"
    "\"1200.000.658\",\"1\",\"001\",\"Foxtrot Holding\"\n";
static const char reg_persons[] =
    "\"NISS\",\"LastName\",\"FirstNames\",\"BirthDate\",\"Sex\",\"Language\",\"Country\"\n"
    "\"" NISS_H1 "\",\"Hotel\",\"Hugo\",1980-01-01,\"M\",\"fr\",\"BE\"\n"
    "\"" NISS_H2 "\",\"India\",\"Iris\",1980-01-01,\"F\",\"nl\",\"BE\"\n";
static const char reg_functions[] =
    "\"EnterpriseNumber\",\"RepresentativeNISS\",\"RepresentativeEnterpriseNumber\","
    "\"FunctionCode\",\"FunctionLabel\",\"BeginDate\",\"EndDate\"\n"
    "\"" E5 "\",,\"" E6 "\",\"ADM\",\"Administrateur\",2012-01-01,\n";
/* E1's GAP (the organisation registered by the standard procedure). */
#define NISS_E1_GAP "70010100188"

static struct {
	struct store_fixture fx;
	int64_t h1, h2;
	int64_t x;               /* Xavier, who logs in, with no helpdesk role at first */
} F;
/* The texts the services return live here until the group ends. */
static struct arena *A;

static int64_t
count(const char *sql)
{
	return store_fixture_count(&F.fx, sql);
}

/* Xavier, and E1 registered with its GAP, through the services. */
static int
make_world(void)
{
	struct org_new n = { .enterprise = E1, .country = "BE", .name = "Alpha Médical",
	    .contact_email = "a@alpha.example", .contact_phone = "02 511 51 51",
	    .procedure = "standard" };
	struct store_tx *tx;
	int64_t gap;

	F.x = store_fixture_person(F.fx.s, NISS_X, "Xray", "Xavier", "fr", "test");
	gap = store_fixture_person(F.fx.s, NISS_E1_GAP, "Golf", "Gaston", "fr", "test");
	if (F.x < 0 || gap < 0 || store_begin(F.fx.s, STORE_WRITE, &tx) != 0)
		return -1;
	if (org_create(tx, &n, gap, &(struct actor){ .person_id = gap, .role = "legal_rep" })
	    <= 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx) == 0 ? 0 : -1;
}

static int
group_setup(void **state)
{
	(void)state;
	A = arena_new(0);
	if (A == NULL || store_fixture_open(&F.fx, "csamx", 2) != 0 ||
	    store_fixture_kbo(&F.fx, kbo_enterprises, kbo_denominations, NULL) != 0 ||
	    store_fixture_registry(&F.fx, false, reg_persons) != 0 ||
	    store_fixture_registry(&F.fx, true, reg_functions) != 0)
		return -1;
	return make_world();
}

static int
group_teardown(void **state)
{
	(void)state;
	arena_free(A);
	return store_fixture_close(&F.fx);
}

static struct actor
anonymous(void)
{
	/* As app_actor builds a visitor not logged in. */
	struct actor w = { .name = "anonymous", .lang = "fr", .source = "127.0.0.1",
	    .request_id = "00" };

	return w;
}

static struct actor
operator(int64_t id)
{
	struct actor w = { .person_id = id, .level = LOA_SUBSTANTIAL, .lang = "fr",
	    .source = "127.0.0.1", .request_id = "01" };

	return w;
}

/* A complete request for a foreign company. */
static struct csam_exc_form
foreign(const char *token)
{
	struct csam_exc_form f = {
		.case_kind = "foreign_company", .has_eid = "no", .rep_domicile_be = "no",
		.company_country = "FR", .company_name = "Dispositifs Médicaux de Lyon SAS",
		.company_reg = "FR 123 456 789", .company_address = "1 rue de la République, 69001 Lyon",
		.rep_kind = "person", .rep_last_name = "Martin", .rep_first_name = "Sophie",
		.rep_birth_date = "1978-03-12", .rep_nationality = "FR", .rep_country = "FR",
		.rep_address = "1 rue de la République, 69001 Lyon", .rep_doc_type = "passport",
		.rep_doc_number = "18AB12345", .rep_doc_country = "FR",
		.gap_niss = "78.43.12-044.80", .gap_last_name = "Martin", .gap_first_name = "Sophie",
		.gap_has_eid = "no", .contact_email = "direction@dml.example",
		.contact_phone = "+33 4 72 00 00 00", .declaration = "yes", .token = token,
		.today = TODAY,
	};

	return f;
}

#define TOK(c) c "123456789abcdef0123456789abcdef"

static char ref_foreign[CSAM_REFERENCE_MAX], key_foreign[CSAM_KEY_LEN + 1];
static char ref_belgian[CSAM_REFERENCE_MAX];

static void
test_stopped(void **state)
{
	struct actor w = anonymous();
	struct access_errors err = { 0 };
	struct csam_exc_created out;
	struct csam_exc_form f = foreign(TOK("0"));
	bool stopped;

	(void)state;
	f.has_eid = "yes";
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &out), ACCESS_REFUSED);
	assert_true(stopped);
	f.has_eid = "no";
	f.rep_domicile_be = "yes";
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &out), ACCESS_REFUSED);
	assert_true(stopped);
	f.rep_domicile_be = "no";
	f.rep_country = "BE";
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &out), ACCESS_REFUSED);
	assert_true(stopped);
	assert_int_equal(count("SELECT count(*) FROM exception_request"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = "
	    "'exception.refused' AND actor = 'anonymous'"), 3);
}

static void
test_invalid(void **state)
{
	struct actor w = anonymous();
	struct access_errors err = { 0 };
	struct csam_exc_created out;
	struct csam_exc_form f = { .has_eid = "no", .rep_domicile_be = "no", .token = "x",
	    .today = TODAY };
	bool stopped;

	(void)state;
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &out), ACCESS_INVALID);
	assert_false(stopped);
	assert_non_null(access_error_of(&err, "case_kind"));

	memset(&err, 0, sizeof(err));
	f = foreign(TOK("1"));
	f.company_country = "BE";
	f.rep_birth_date = "2031-01-01";
	f.gap_niss = "78431204481";
	f.contact_email = "direction";
	f.declaration = NULL;
	f.rep_doc_type = "visa";
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &out), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "company_country"));
	assert_non_null(access_error_of(&err, "rep_birth_date"));
	assert_non_null(access_error_of(&err, "gap_niss"));
	assert_non_null(access_error_of(&err, "contact_email"));
	assert_non_null(access_error_of(&err, "declaration"));
	assert_non_null(access_error_of(&err, "rep_doc_type"));
	assert_null(access_error_of(&err, "company_name"));

	/* A Belgian enterprise already registered, or one whose representing company is not
	 * the one the registry knows. */
	memset(&err, 0, sizeof(err));
	f = foreign(TOK("1"));
	f.case_kind = "rep_abroad";
	f.enterprise = "1200.000.163";
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &out), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "enterprise"));
	memset(&err, 0, sizeof(err));
	f.case_kind = "rep_company";
	f.enterprise = E5;
	f.rep_company_name = "Alpha";
	f.rep_company_country = "BE";
	f.rep_company_number = E1;
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &out), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "rep_company_number"));
	assert_null(access_error_of(&err, "enterprise"));
	assert_int_equal(count("SELECT count(*) FROM exception_request"), 0);
}

static void
test_submit_once(void **state)
{
	struct actor w = anonymous();
	struct access_errors err = { 0 };
	struct csam_exc_created out, again;
	struct csam_exc_form f = foreign(TOK("2"));
	struct arena *a = arena_new(0);
	struct csam_exc x;
	char lower[CSAM_REFERENCE_MAX];
	const char *status = NULL;
	bool stopped;

	(void)state;
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &out), ACCESS_OK);
	assert_int_equal(strlen(out.reference), 12);
	assert_memory_equal(out.reference, "EX-", 3);
	assert_int_equal(strlen(out.key), 32);
	assert_false(out.replayed);
	/* The same form again: the same request, a new key (the old one stops working). */
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &again), ACCESS_OK);
	assert_true(again.replayed);
	assert_string_equal(again.reference, out.reference);
	assert_int_equal(count("SELECT count(*) FROM exception_request"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = 'request_received' "
	    "AND recipient = 'direction@dml.example'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = "
	    "'exception.submit'"), 1);

	assert_int_equal(csam_exception_status(F.fx.s, A, out.reference, &status), ACCESS_OK);
	assert_string_equal(status, "received");
	/* Typed in lower case, without dashes. */
	snprintf(lower, sizeof(lower), "ex%.4s%.4s", out.reference + 3, out.reference + 8);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	assert_int_equal(csam_exception_status(F.fx.s, A, lower, &status), ACCESS_OK);
	assert_int_equal(csam_exception_status(F.fx.s, A, "EX-AAAA-AAAA", &status), ACCESS_NOT_FOUND);
	assert_int_equal(csam_exception_status(F.fx.s, A, "<script>", &status), ACCESS_NOT_FOUND);

	assert_int_equal(csam_exception_for_requester(F.fx.s, a, out.reference, out.key, &x),
	    ACCESS_NOT_FOUND);
	assert_int_equal(csam_exception_for_requester(F.fx.s, a, out.reference, again.key, &x),
	    ACCESS_OK);
	assert_string_equal(x.company_name, "Dispositifs Médicaux de Lyon SAS");
	assert_string_equal(x.gap_niss, "78431204480");
	assert_string_equal(x.enterprise, "");
	assert_false(x.gap_has_eid);
	memcpy(ref_foreign, out.reference, strlen(out.reference) + 1);
	memcpy(key_foreign, again.key, strlen(again.key) + 1);

	/* A Belgian enterprise represented by a company: the registry's representative. */
	f = foreign(TOK("3"));
	f.case_kind = "rep_company";
	f.enterprise = "1200.000.559";
	f.rep_company_name = "Foxtrot Holding";
	f.rep_company_country = "BE";
	f.rep_company_number = "BE 1200.000.658";
	f.gap_niss = NISS_H2;
	f.gap_has_eid = "yes";
	f.rep_kind = "person";               /* ignored: case 2 is a company */
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &out), ACCESS_OK);
	assert_int_equal(csam_exception_for_requester(F.fx.s, a, out.reference, out.key, &x),
	    ACCESS_OK);
	assert_string_equal(x.enterprise, E5);
	assert_string_equal(x.company_name, "Echo Distribution");
	assert_string_equal(x.rep_kind, "company");
	assert_string_equal(x.rep_company_number, E6);
	memcpy(ref_belgian, out.reference, strlen(out.reference) + 1);
	arena_free(a);
}

static void
test_helpdesk_role(void **state)
{
	struct arena *a = arena_new(0);
	struct csam_operator *ops;

	(void)state;
	assert_int_equal(csam_helpdesk_grant(F.fx.s, &CLI, NISS_H1), ACCESS_OK);
	assert_int_equal(csam_helpdesk_grant(F.fx.s, &CLI, NISS_H1), ACCESS_CONFLICT);
	assert_int_equal(csam_helpdesk_grant(F.fx.s, &CLI, NISS_H2), ACCESS_OK);
	assert_int_equal(csam_helpdesk_grant(F.fx.s, &CLI, "85073003328"), ACCESS_NOT_FOUND);
	assert_int_equal(csam_helpdesk_grant(F.fx.s, &CLI, NISS_X), ACCESS_OK);
	assert_int_equal(csam_helpdesk_revoke(F.fx.s, &CLI, NISS_X), ACCESS_OK);
	assert_int_equal(csam_helpdesk_revoke(F.fx.s, &CLI, NISS_X), ACCESS_NOT_FOUND);
	assert_int_equal(csam_helpdesk_list(F.fx.s, a, &ops), 2);
	assert_string_equal(ops[0].last_name, "Hotel");
	F.h1 = ops[0].person_id;
	F.h2 = ops[1].person_id;
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action IN "
	    "('helpdesk.grant', 'helpdesk.revoke') AND actor = 'cli'"), 4);
	arena_free(a);
}

static void
test_denied(void **state)
{
	struct actor x = operator(F.x);
	struct arena *a = arena_new(0);
	struct csam_queue_filter f = { 0 };
	struct csam_queue_item *items;
	struct csam_approval ap;
	enum csam_refusal why;
	size_t n, total;
	int64_t before = store_fixture_audit(F.fx.s, "access.denied", NULL, NULL,
	    "action", "decide_exception");

	(void)state;
	assert_int_equal(csam_queue(F.fx.s, a, &x, &f, &items, &n, &total), ACCESS_DENIED);
	assert_int_equal(csam_paper_received(F.fx.s, &x, ref_foreign, &why), ACCESS_DENIED);
	assert_int_equal(csam_approve(F.fx.s, NULL, &x, ref_foreign, false, &ap, &why), ACCESS_DENIED);
	assert_int_equal(store_fixture_audit(F.fx.s, "access.denied", NULL, NULL,
	    "action", "decide_exception"), before + 3);
	assert_int_equal(count("SELECT count(*) FROM exception_decision"), 0);
	arena_free(a);
}

static void
test_queue(void **state)
{
	struct actor h1 = operator(F.h1);
	struct arena *a = arena_new(0);
	struct csam_queue_filter f = { 0 };
	struct csam_queue_item *items;
	size_t n, total;

	(void)state;
	assert_int_equal(csam_queue(F.fx.s, a, &h1, &f, &items, &n, &total), ACCESS_OK);
	assert_int_equal(total, 2);
	assert_string_equal(items[0].reference, ref_foreign);
	f.case_kind = "rep_company";
	assert_int_equal(csam_queue(F.fx.s, a, &h1, &f, &items, &n, &total), ACCESS_OK);
	assert_int_equal(total, 1);
	assert_string_equal(items[0].reference, ref_belgian);
	f.case_kind = NULL;
	f.status = "paper";
	assert_int_equal(csam_queue(F.fx.s, a, &h1, &f, &items, &n, &total), ACCESS_OK);
	assert_int_equal(total, 0);
	f.status = NULL;
	f.older_than_days = 7;
	assert_int_equal(csam_queue(F.fx.s, a, &h1, &f, &items, &n, &total), ACCESS_OK);
	assert_int_equal(total, 0);
	f.older_than_days = 0;
	f.reference = ref_belgian;
	assert_int_equal(csam_queue(F.fx.s, a, &h1, &f, &items, &n, &total), ACCESS_OK);
	assert_int_equal(total, 1);
	arena_free(a);
}

static void
test_four_eyes(void **state)
{
	struct actor h1 = operator(F.h1), h2 = operator(F.h2);
	struct csam_approval ap;
	enum csam_refusal why;
	struct csam_letter l;

	(void)state;
	/* No approval before the signed paper. */
	assert_int_equal(csam_approve(F.fx.s, NULL, &h1, ref_foreign, true, &ap, &why), ACCESS_CONFLICT);
	assert_int_equal(why, CSAM_REFUSAL_NO_PAPER);
	assert_int_equal(csam_activation_letter(F.fx.s, A, &h1, ref_foreign, &l), ACCESS_CONFLICT);
	assert_int_equal(csam_paper_received(F.fx.s, &h1, ref_foreign, &why), ACCESS_OK);
	assert_int_equal(csam_paper_received(F.fx.s, &h1, ref_foreign, &why), ACCESS_CONFLICT);
	assert_int_equal(why, CSAM_REFUSAL_STATE);

	assert_int_equal(csam_approve(F.fx.s, NULL, &h1, ref_foreign, true, &ap, &why), ACCESS_OK);
	assert_true(ap.waiting);
	assert_int_equal(count("SELECT count(*) FROM exception_request WHERE status = "
	    "'approving'"), 1);
	/* The same operator again: refused and audited, nothing changes. */
	assert_int_equal(csam_approve(F.fx.s, NULL, &h1, ref_foreign, true, &ap, &why), ACCESS_REFUSED);
	assert_int_equal(why, CSAM_REFUSAL_SAME_OPERATOR);
	assert_int_equal(store_fixture_audit(F.fx.s, "exception.approve.refused", NULL,
	    NULL, "reason", "same_operator"), 1);
	assert_int_equal(count("SELECT count(*) FROM organisation WHERE procedure = "
	    "'exception'"), 0);
	/* A second operator completes it: organisation, GAP (a new person), mail, audit. */
	assert_int_equal(csam_approve(F.fx.s, NULL, &h2, ref_foreign, true, &ap, &why), ACCESS_OK);
	assert_false(ap.waiting);
	assert_true(ap.org_id > 0);
	assert_true(ap.letter);
	assert_int_equal(count("SELECT count(*) FROM organisation WHERE procedure = 'exception' "
	    "AND enterprise IS NULL AND country = 'FR' AND foreign_reg = 'FR 123 456 789'"), 1);
	assert_int_equal(count("SELECT count(*) FROM org_manager m JOIN person p ON "
	    "p.id = m.person_id WHERE m.role = 'GAP' AND p.niss = '78431204480' AND "
	    "p.last_name = 'Martin'"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = "
	    "'request_approved' AND body LIKE '%Sophie Martin%'"), 1);
	assert_int_equal(count("SELECT count(*) FROM exception_decision WHERE action = "
	    "'approve'"), 2);
	assert_int_equal(csam_approve(F.fx.s, NULL, &h2, ref_foreign, true, &ap, &why), ACCESS_CONFLICT);
	assert_int_equal(why, CSAM_REFUSAL_STATE);
	assert_int_equal(csam_reject(F.fx.s, NULL, &h2, ref_foreign, "trop tard", &why), ACCESS_CONFLICT);

	/* The activation letter of the GAP without eID: a fresh code each time. */
	assert_int_equal(csam_activation_letter(F.fx.s, A, &h2, ref_foreign, &l), ACCESS_OK);
	assert_int_equal(strlen(l.code), 19);
	assert_string_equal(l.gap_name, "Sophie Martin");
	assert_string_equal(l.reference, ref_foreign);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = "
	    "'activation.issue'"), 1);
}

static void
test_reject(void **state)
{
	struct actor h1 = operator(F.h1);
	enum csam_refusal why;

	(void)state;
	assert_int_equal(csam_reject(F.fx.s, NULL, &h1, ref_belgian, "", &why), ACCESS_REFUSED);
	assert_int_equal(why, CSAM_REFUSAL_REASON);
	assert_int_equal(csam_reject(F.fx.s, NULL, &h1, ref_belgian, "Le représentant a une carte eID.",
	    &why), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM exception_request WHERE status = "
	    "'rejected' AND reason = 'Le représentant a une carte eID.'"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = "
	    "'request_rejected' AND body LIKE '%carte eID%'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = "
	    "'exception.reject' AND org = '" E5 "'"), 1);
	assert_int_equal(csam_reject(F.fx.s, NULL, &h1, "EX-2222-2222", "x", &why), ACCESS_NOT_FOUND);
}

/* Separation of duties: an operator acts on no request she filed or that names her as
 * GAP, whatever the four-eyes setting; her colleagues do, and they are two. */
static void
test_own_request(void **state)
{
	struct actor h1 = operator(F.h1), h2 = operator(F.h2), x = operator(F.x);
	struct actor anon = anonymous();
	struct access_errors err = { 0 };
	struct csam_exc_created mine, names_h2;
	struct csam_exc_form f = foreign(TOK("7"));
	struct csam_approval ap;
	struct csam_letter l;
	enum csam_refusal why;
	bool stopped;
	int64_t orgs = count("SELECT count(*) FROM organisation");

	(void)state;
	/* Hugo, helpdesk operator, logged in, files a request naming himself GAP. */
	f.gap_niss = NISS_H1;
	f.gap_last_name = "Hotel";
	f.gap_first_name = "Hugo";
	f.company_reg = "FR 777 777 777";
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &h1, &f, &err, &stopped, &mine), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM exception_request WHERE submitted_by = "
	    "(SELECT id FROM person WHERE niss = '" NISS_H1 "')"), 1);
	/* Paper, approval without four-eyes, rejection, letter: none of them is his. */
	assert_int_equal(csam_paper_received(F.fx.s, &h1, mine.reference, &why), ACCESS_REFUSED);
	assert_int_equal(why, CSAM_REFUSAL_OWN);
	assert_int_equal(csam_approve(F.fx.s, NULL, &h1, mine.reference, false, &ap, &why),
	    ACCESS_REFUSED);
	assert_int_equal(why, CSAM_REFUSAL_OWN);
	assert_int_equal(csam_reject(F.fx.s, NULL, &h1, mine.reference, "non", &why), ACCESS_REFUSED);
	assert_int_equal(why, CSAM_REFUSAL_OWN);
	assert_int_equal(count("SELECT count(*) FROM exception_decision d JOIN exception_request "
	    "r ON r.id = d.request_id WHERE r.reference = (SELECT reference FROM "
	    "exception_request WHERE gap_niss = '" NISS_H1 "')"), 0);
	assert_int_equal(store_fixture_audit(F.fx.s, "exception.*.refused", NULL, NULL,
	    "reason", "own_request"), 3);
	/* Iris records the paper and approves: under four-eyes a second colleague is needed,
	 * and Hugo is not one. */
	assert_int_equal(csam_paper_received(F.fx.s, &h2, mine.reference, &why), ACCESS_OK);
	assert_int_equal(csam_approve(F.fx.s, NULL, &h2, mine.reference, true, &ap, &why), ACCESS_OK);
	assert_true(ap.waiting);
	assert_int_equal(csam_approve(F.fx.s, NULL, &h1, mine.reference, true, &ap, &why),
	    ACCESS_REFUSED);
	assert_int_equal(why, CSAM_REFUSAL_OWN);
	assert_int_equal(count("SELECT count(*) FROM organisation"), orgs);
	/* Xavier, a third operator, completes it. */
	assert_int_equal(csam_helpdesk_grant(F.fx.s, &CLI, NISS_X), ACCESS_OK);
	assert_int_equal(csam_approve(F.fx.s, NULL, &x, mine.reference, true, &ap, &why), ACCESS_OK);
	assert_false(ap.waiting);
	assert_int_equal(count("SELECT count(*) FROM organisation"), orgs + 1);
	/* Nor the activation letter of himself. */
	assert_int_equal(csam_activation_letter(F.fx.s, A, &h1, mine.reference, &l), ACCESS_REFUSED);

	/* Filed by someone else (anonymously), naming Iris: Iris may not, Hugo may. */
	f = foreign(TOK("8"));
	f.gap_niss = NISS_H2;
	f.company_reg = "FR 888 888 888";
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &anon, &f, &err, &stopped, &names_h2),
	    ACCESS_OK);
	assert_int_equal(csam_paper_received(F.fx.s, &h2, names_h2.reference, &why),
	    ACCESS_REFUSED);
	assert_int_equal(why, CSAM_REFUSAL_OWN);
	assert_int_equal(csam_paper_received(F.fx.s, &h1, names_h2.reference, &why), ACCESS_OK);
	assert_int_equal(csam_reject(F.fx.s, NULL, &h2, names_h2.reference, "non", &why),
	    ACCESS_REFUSED);
	assert_int_equal(csam_reject(F.fx.s, NULL, &h1, names_h2.reference, "Pas de signature.",
	    &why), ACCESS_OK);
	assert_int_equal(csam_helpdesk_revoke(F.fx.s, &CLI, NISS_X), ACCESS_OK);
}

static const char *
identity(void *arg, const char *msgid)
{
	(void)arg;
	return msgid;
}

static void
test_pdfs(void **state)
{
	struct arena *a = arena_new(0);
	char code[] = "ABCD-EFGH-JKLM-NPQR";
	struct csam_letter l = { .code = code, .expires_at = 1900000000,
	    .gap_name = "Sophie Martin", .org_name = "Dispositifs Médicaux de Lyon SAS",
	    .reference = "EX-ABCD-EFGH", .language = "fr" };
	struct csam_exc x;
	size_t len = 0;
	char *pdf;

	(void)state;
	assert_int_equal(csam_exception_for_requester(F.fx.s, a, ref_foreign, key_foreign, &x),
	    ACCESS_OK);
	pdf = pdf_exception_form(&x, "Helpdesk | Boîte postale 1 | 1000 Bruxelles", identity,
	    NULL, &len);
	assert_non_null(pdf);
	assert_true(len > 2000);
	assert_memory_equal(pdf, "%PDF-", 5);
	/* The reference is the document's subject and printed on it (text is not compressed). */
	assert_non_null(memmem(pdf, len, ref_foreign, strlen(ref_foreign)));
	assert_non_null(memmem(pdf, len, "(Martin)", 8));
	/* Windows-1252 bytes, written as octal escapes in the PDF's strings. */
	assert_non_null(memmem(pdf, len, "Dispositifs M\\351dicaux", 19));
	free(pdf);
	pdf = pdf_activation_letter(&l, "https://portier.example/activer", identity, NULL, &len);
	assert_non_null(pdf);
	assert_non_null(memmem(pdf, len, "ABCD-EFGH-JKLM-NPQR", 19));
	free(pdf);
	arena_free(a);
}

/* Appends "label n; " to out: the counts of a test, compared at once. */
static void
tally(char *out, size_t size, const char *label, int64_t n)
{
	size_t len = strlen(out);

	snprintf(out + len, size - len, "%s %lld; ", label, (long long)n);
}

/* The times these services store come from the service's clock (docs/store-contract.md,
 * rule 3), not the database's: with the clock 1,095 days back, a helpdesk operator's
 * role and person, two requests, their mails, the paper, the decisions, the organisation
 * and its GAP are all dated then. Before, strftime('now') (SQLite) and now()
 * (PostgreSQL) wrote today's date whatever the clock said. */
static void
test_times_follow_the_clock(void **state)
{
	struct actor w = anonymous(), h1 = operator(F.h1);
	struct access_errors err = { 0 };
	struct csam_exc_created one, two;
	struct csam_exc_form f = foreign(TOK("a"));
	struct csam_approval ap;
	struct clock_fixture c;
	enum csam_refusal why;
	char sql[512], got[512] = "";
	bool stopped;

	(void)state;
	assert_int_equal(clock_fixture_back(&c), 0);
	assert_true(store_fixture_person(F.fx.s, "76060604753", "Juliett", "Jules", "fr",
	    "test") > 0);
	assert_int_equal(csam_helpdesk_grant(F.fx.s, &CLI, "76060604753"), ACCESS_OK);
	f.company_reg = "FR 555 555 555";
	f.gap_niss = "75050501191";
	f.contact_email = "clock@dml.example";
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &one),
	    ACCESS_OK);
	f = foreign(TOK("b"));
	f.company_reg = "FR 666 666 666";
	f.gap_niss = "75050502379";
	f.contact_email = "clock@dml.example";
	assert_int_equal(csam_exception_submit(F.fx.s, NULL, A, &w, &f, &err, &stopped, &two),
	    ACCESS_OK);
	assert_int_equal(csam_paper_received(F.fx.s, &h1, one.reference, &why), ACCESS_OK);
	assert_int_equal(csam_approve(F.fx.s, NULL, &h1, one.reference, false, &ap, &why),
	    ACCESS_OK);
	assert_true(ap.org_id > 0);
	assert_int_equal(csam_reject(F.fx.s, NULL, &h1, two.reference, "Pas de papier.", &why),
	    ACCESS_OK);
	assert_int_equal(clock_fixture_end(&c), 0);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM person WHERE niss IN ('76060604753', "
	    "'75050501191') AND created_at < '%s'", c.before);
	tally(got, sizeof(got), "person", count(sql));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM platform_role r JOIN person p ON "
	    "p.id = r.person_id WHERE p.niss = '76060604753' AND r.since < '%s'", c.before);
	tally(got, sizeof(got), "platform_role", count(sql));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM exception_request WHERE reference IN "
	    "('%s', '%s') AND submitted_at < '%s'", one.reference, two.reference, c.before);
	tally(got, sizeof(got), "submitted_at", count(sql));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM exception_request WHERE reference = "
	    "'%s' AND paper_at < '%s' AND decided_at < '%s' AND decided_at >= paper_at",
	    one.reference, c.before, c.before);
	tally(got, sizeof(got), "paper_at+decided_at", count(sql));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM exception_request WHERE reference = "
	    "'%s' AND status = 'rejected' AND decided_at < '%s'", two.reference, c.before);
	tally(got, sizeof(got), "decided_at(rejected)", count(sql));
	/* The decisions keep their milliseconds (the same text as before). */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM exception_decision d JOIN "
	    "exception_request r ON r.id = d.request_id WHERE r.reference IN ('%s', '%s') AND "
	    "d.at < '%s' AND d.at LIKE '____-__-__T__:__:__.___Z'", one.reference,
	    two.reference, c.before);
	tally(got, sizeof(got), "exception_decision", count(sql));
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM organisation o JOIN org_manager m ON "
	    "m.org_id = o.id WHERE o.id = %lld AND o.created_at < '%s' AND m.role = 'GAP' AND "
	    "m.since < '%s'", (long long)ap.org_id, c.before, c.before);
	tally(got, sizeof(got), "organisation+org_manager", count(sql));
	/* Two acknowledgements, the approval and the rejection. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM mail_outbox WHERE recipient = "
	    "'clock@dml.example' AND created_at < '%s'", c.before);
	tally(got, sizeof(got), "mail_outbox", count(sql));
	/* All at once: a failure shows every column that did not follow the clock. */
	assert_string_equal(got, "person 2; platform_role 1; submitted_at 2; "
	    "paper_at+decided_at 1; decided_at(rejected) 1; exception_decision 3; "
	    "organisation+org_manager 1; mail_outbox 4; ");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stopped),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_submit_once),
		cmocka_unit_test(test_helpdesk_role),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_four_eyes),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_own_request),
		cmocka_unit_test(test_pdfs),
		cmocka_unit_test(test_times_follow_the_clock),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
