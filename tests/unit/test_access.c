/* test_access.c — the access-management services (issue 6) against a real SQLite store:
 * activating a quality (self-managed, with a designated local manager, twice), users and
 * their grants, optimistic concurrency, suspension, removal, lists with filters, the
 * export, co-GAPs, the hierarchy, the audit trail, the catalogue, "Vos Responsables"; and
 * the policy table of the product design (§2) as the services enforce it: each refusal
 * audited, nothing changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access/account.h"
#include "access/catalogue.h"
#include "access/export.h"
#include "access/hierarchy.h"
#include "access/org.h"
#include "access/profiles.h"
#include "access/quality.h"
#include "access/responsibles.h"
#include "access/search.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "auth/eid_login.h"
#include "auth/person.h"
#include "csam/helpdesk.h"
#include "policy/loa.h"
#include "registry/persons_import.h"
#include "store/store.h"
#include "store_fixture.h"
#include "value/value.h"
#include "test_arena.h"

/* People of the fixture (person ids in creation order). */
enum { P_GAP = 1, P_COGAP, P_GL, P_USER, P_OTHER_GAP, P_STRANGER, P_HELPDESK };
#define NISS_GAP "17073003384"
#define NISS_COGAP "85073003328"
#define NISS_GL "90022800193"
#define NISS_USER "80010100305"
#define NISS_OTHER_GAP "80010100503"
#define NISS_STRANGER "80010100701"
#define NISS_HELPDESK "80010100996"
#define NISS_NEW "75050500203"       /* unknown to portier */
#define NISS_NEW2 "75050500401"

struct fixture {
	struct store_fixture fx;
	struct arena *a;                 /* what the services read for the tests */
	int64_t org, other_org;
};

static struct fixture *F;

/* A read-only row count, on either backend (store_fixture_count). */
static int64_t
count(const char *sql)
{
	return store_fixture_count(&F->fx, sql);
}

/* The audit events of action (actor, org when not NULL) whose details hold key = val. */
static int64_t
audit_count(const char *action, const char *actor, const char *org, const char *key,
    const char *val)
{
	return store_fixture_audit(F->fx.s, action, actor, org, key, val);
}

static struct actor
who(int64_t person)
{
	struct actor w = STORE_FIXTURE_WHO(person, LOA_LOW);

	return w;
}

static int64_t
make_person(const char *niss, const char *last, const char *first)
{
	int64_t id = store_fixture_person(F->fx.s, niss, last, first, "fr", "system");

	assert_true(id > 0);
	return id;
}

static int
setup(void **state)
{
	F = calloc(1, sizeof(*F));
	if (F == NULL || store_fixture_open(&F->fx, "access", 2) != 0)
		return -1;
	F->a = arena_new(0);
	if (F->a == NULL)
		return -1;
	assert_int_equal(make_person(NISS_GAP, "Dubois", "Claire"), P_GAP);
	assert_int_equal(make_person(NISS_COGAP, "Peeters", "Jan"), P_COGAP);
	assert_int_equal(make_person(NISS_GL, "Schmitz", "Lukas"), P_GL);
	assert_int_equal(make_person(NISS_USER, "Janssens", "Marie"), P_USER);
	assert_int_equal(make_person(NISS_OTHER_GAP, "Lambert", "Paul"), P_OTHER_GAP);
	assert_int_equal(make_person(NISS_STRANGER, "Martin", "Sophie"), P_STRANGER);
	assert_int_equal(make_person(NISS_HELPDESK, "Helpdesk", "Hélène"), P_HELPDESK);
	F->org = store_fixture_org(F->fx.s, "0552627113", "Pharma Test SA", P_GAP);
	assert_true(F->org > 0);
	F->other_org = store_fixture_org(F->fx.s, "0403170701", "Autre SA", P_OTHER_GAP);
	assert_true(F->other_org > 0);
	{
		struct store_tx *tx;
		struct actor by = { .person_id = P_GAP, .role = "GAP" };

		assert_int_equal(store_begin(F->fx.s, STORE_WRITE, &tx), 0);
		assert_int_equal(org_add_cogap(tx, F->org, P_COGAP, &by), 0);
		assert_int_equal(store_commit(&tx), 0);
	}
	assert_int_equal(csam_helpdesk_grant(F->fx.s, &(struct actor){ .name = "test" },
	    NISS_HELPDESK), ACCESS_OK);
	*state = F;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(F->a);
	/* Every test leaves an intact audit chain. */
	assert_int_equal(store_fixture_end(&F->fx, test_arena()), 0);
	free(F);
	F = NULL;
	return 0;
}

/* ---- helpers driving the services ---- */

static struct user_input
gl_input(const char *username, const char *const *apps, size_t napps)
{
	struct user_input in = {
		.username = username, .last_name = "Schmitz", .first_name = "Lukas", .data.title = "M.",
		.data.language = "de", .data.email = "lukas.schmitz@example.be", .data.local_email = "",
		.apps = apps, .napps = napps,
	};

	return in;
}

/* The health quality activated by the GAP with Lukas Schmitz as local manager. */
static int64_t
activate_health(void)
{
	static const char *const apps[] = { "MEDSEIP", "SADM" };
	struct actor w = who(P_GAP);
	struct activation_input in = {
		.quality = "health_related", .email = "qualite@example.be", .mode = "gl",
		.niss = "90.02.28-001.93", .gl = gl_input("lukas.schmitz", apps, 2),
	};
	struct access_errors err = { 0 };
	int64_t q = 0;
	bool again;

	assert_int_equal(quality_activate(F->fx.s, &w, F->org, &in, &err, &q, &again), ACCESS_OK);
	assert_false(again);
	assert_true(q > 0);
	return q;
}

static int64_t
activate_other(const char *code, int64_t by)
{
	struct actor w = who(by);
	struct activation_input in = {
		.quality = code, .email = "autre@example.be", .mode = "self",
		.gl = {
			.username = "claire.dubois", .data.title = "Mme", .data.language = "fr",
			.data.email = "claire.dubois@example.be",
		},
	};
	struct access_errors err = { 0 };
	int64_t q = 0;

	assert_int_equal(quality_activate(F->fx.s, &w, F->org, &in, &err, &q, NULL), ACCESS_OK);
	return q;
}

static enum access_rc
add_user(int64_t by, int64_t quality, const char *niss, const char *username,
    const char *type, const char *const *apps, size_t napps, int64_t *account)
{
	struct actor w = who(by);
	struct user_input in = {
		.niss = niss, .username = username, .last_name = "Nouveau", .first_name = "Nadia",
		.data.title = "Mme", .data.language = "fr", .data.email = "nadia@example.be", .type = type,
		.apps = apps, .napps = napps,
	};
	struct access_errors err = { 0 };

	return account_create(F->fx.s, &w, F->org, quality, &in, &err, account);
}

/* ---- the world of a test, changed through the services (never raw SQL) ---- */

/* The account of person in the organisation, read as the GAP sees it in quality. */
static struct user_view
account_in(int64_t person, int64_t quality)
{
	struct actor gap = who(P_GAP);
	struct store_tx *tx;
	struct user_view v;

	assert_int_equal(store_begin(F->fx.s, STORE_READ, &tx), 0);
	assert_int_equal(account_of_person(tx, F->a, F->org, person, &v), 0);
	store_rollback(&tx);
	assert_int_equal(account_get(F->fx.s, &gap, F->org, quality, v.account_id, F->a, &v),
	    ACCESS_OK);
	return v;
}

/* The GAP suspends (or reactivates) person's account, seen from quality. */
static void
set_suspended(int64_t person, int64_t quality, bool suspend)
{
	struct actor gap = who(P_GAP);
	struct access_errors err = { 0 };
	struct user_view v = account_in(person, quality);

	assert_int_equal(account_set_status(F->fx.s, &gap, F->org, quality, v.account_id,
	    v.version, suspend, &err), ACCESS_OK);
}

/* The GAP, local manager of quality, makes person a co-manager there (the edition form
 * with its data unchanged and the type COGL). */
static void
make_cogl(int64_t person, int64_t quality)
{
	struct actor gap = who(P_GAP);
	struct access_errors err = { 0 };
	struct user_view v = account_in(person, quality);
	const char *apps[ACCESS_MAX_APPS];
	struct user_input in = {
		.username = v.username, .data = v.data, .type = "COGL", .apps = apps,
		.napps = v.napps,
	};

	for (size_t i = 0; i < v.napps; i++)
		apps[i] = v.apps[i];
	assert_int_equal(account_update(F->fx.s, &gap, F->org, quality, v.account_id, v.version,
	    &in, &err), ACCESS_OK);
}

/* The persons register holding this one person (the register's own import). */
static void
register_person(const char *niss, const char *last, const char *first, const char *lang)
{
	char path[160], err[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/persons.csv", F->fx.dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "\"NISS\",\"LastName\",\"FirstNames\",\"BirthDate\",\"Sex\",\"Language\","
	    "\"Country\"\n\"%s\",\"%s\",\"%s\",,\"F\",\"%s\",\"BE\"\n", niss, last, first, lang);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(persons_import(F->fx.s, test_arena(), path, NULL, NULL, err, sizeof(err)), 0);
}

static struct access_errors cogap_err;

/* The one co-GAP designation (access/hierarchy.h) as a page calls it; errors in
 * cogap_err. */
static enum access_rc
cogap_add(const struct actor *by, const char *niss, const char *last_name,
    const char *email)
{
	return hierarchy_cogap_add(F->fx.s, NULL, by, F->org, &(struct cogap_input){ .niss = niss,
	    .last_name = last_name, .email = email }, &cogap_err);
}

static int64_t
denied_events(void)
{
	return count("SELECT count(*) FROM audit_event WHERE action = 'access.denied'");
}

struct sink {
	char buf[65536];
	size_t n;
};

static int
to_sink(void *arg, const char *data, size_t len)
{
	struct sink *s = arg;

	if (s->n + len >= sizeof(s->buf))
		return -1;
	memcpy(s->buf + s->n, data, len);
	s->n += len;
	s->buf[s->n] = '\0';
	return 0;
}

static const char *
same(void *arg, const char *msgid)
{
	(void)arg;
	return msgid;
}

/* ---- activation (guide §3) ---- */

static void
activation_with_local_manager(void **state)
{
	int64_t q;

	(void)state;
	q = activate_health();
	assert_int_equal(count("SELECT count(*) FROM org_quality WHERE quality = 'health_related'"), 1);
	assert_int_equal(count("SELECT count(*) FROM quality_member m JOIN account a ON "
	    "a.id = m.account_id WHERE a.person_id = 3 AND m.type = 'GL'"), 1);
	assert_int_equal(count("SELECT count(*) FROM app_grant WHERE application IN "
	    "('MEDSEIP','SADM')"), 2);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = "
	    "'quality.activate' AND org = '0552627113'"), 1);
	assert_int_equal(audit_count("user.add", NULL, NULL, "type", "GL"), 1);
	/* The entity page lists it and no longer offers it. */
	{
		struct actor w = who(P_COGAP);
		struct arena *a = arena_new(0);
		struct entity_view v;
		bool offered = false;

		assert_int_equal(quality_entity(F->fx.s, &w, F->org, a, &v), ACCESS_OK);
		assert_false(v.is_gap);
		assert_int_equal(v.nactive, 1);
		assert_string_equal(v.active[0].name, "Institution liée au domaine de la santé");
		assert_int_equal(v.active[0].id, q);
		for (size_t i = 0; i < v.ninactive; i++)
			offered = offered || strcmp(v.inactive[i].code, "health_related") == 0;
		assert_false(offered);
		assert_int_equal(v.ninactive, 7);
		arena_free(a);
	}
}

static void
activation_twice_registers_once(void **state)
{
	static const char *const apps[] = { "MEDSEIP", "SADM" };
	struct actor w = who(P_GAP);
	struct activation_input in = {
		.quality = "health_related", .email = "qualite@example.be", .mode = "gl",
		.niss = NISS_GL, .gl = gl_input("lukas.schmitz", apps, 2),
	};
	struct access_errors err = { 0 };
	int64_t q1, q2 = 0;
	bool again = false;

	(void)state;
	q1 = activate_health();
	assert_int_equal(quality_activate(F->fx.s, &w, F->org, &in, &err, &q2, &again), ACCESS_OK);
	assert_true(again);
	assert_int_equal(q1, q2);
	assert_int_equal(count("SELECT count(*) FROM org_quality"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'quality.activate'"), 1);
	/* Another e-mail: refused, nothing changed. */
	in.email = "autre@example.be";
	memset(&err, 0, sizeof(err));
	assert_int_equal(quality_activate(F->fx.s, &w, F->org, &in, &err, &q2, &again), ACCESS_EXISTS);
	assert_non_null(access_error_of(&err, "quality"));
	assert_int_equal(count("SELECT count(*) FROM org_quality WHERE email = 'qualite@example.be'"), 1);
}

static void
activation_self_managed(void **state)
{
	int64_t q;

	(void)state;
	q = activate_other("youth_care", P_GAP);
	assert_true(q > 0);
	/* The GAP has an account and is the GL. */
	assert_int_equal(count("SELECT count(*) FROM quality_member m JOIN account a ON "
	    "a.id = m.account_id WHERE a.person_id = 1 AND m.type = 'GL'"), 1);
	assert_int_equal(count("SELECT count(*) FROM account WHERE username = 'claire.dubois'"), 1);
}

static void
activation_bad_input(void **state)
{
	static const char *const foreign_app[] = { "NO_SUCH_APP" };
	struct actor w = who(P_GAP);
	struct activation_input in = {
		.quality = "health_related", .email = "pas-une-adresse", .mode = "gl",
		.niss = "90022800194", .gl = gl_input("x", foreign_app, 1),
	};
	struct access_errors err = { 0 };
	struct user_prefill gl;
	int64_t events = count("SELECT count(*) FROM audit_event");

	(void)state;
	assert_int_equal(quality_activation_step1(F->fx.s, &w, F->org, &in, F->a, &gl, &err),
	    ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "email_quality"));
	assert_non_null(access_error_of(&err, "niss"));
	memset(&err, 0, sizeof(err));
	in.email = "qualite@example.be";
	in.niss = NISS_GL;
	assert_int_equal(quality_activation_step1(F->fx.s, &w, F->org, &in, F->a, &gl, &err), ACCESS_OK);
	/* Lukas is known: his names come from his record and cannot be changed here. */
	assert_true(gl.names_locked);
	assert_string_equal(gl.last_name, "Schmitz");
	memset(&err, 0, sizeof(err));
	assert_int_equal(quality_activate(F->fx.s, &w, F->org, &in, &err, NULL, NULL), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "username"));
	assert_non_null(access_error_of(&err, "apps"));
	/* An application of another quality is refused the same way. */
	{
		const struct catalogue_app dimona = {
			.code = "DIMONA", .quality = "employer",
			.names = { "Dimona", "Dimona", "Dimona", "Dimona" },
			.descriptions = { "d", "d", "d", "d" }, .min_level = 2, .sort = 999,
		};
		char cerr[256];

		assert_int_equal(catalogue_add_application(F->fx.s,
		    &(struct actor){ .name = "system" }, &dimona, cerr, sizeof(cerr)), 0);
		events++;    /* the catalogue's addition is audited; the refusals write nothing */
	}
	{
		static const char *const employer_app[] = { "DIMONA" };

		in.gl = gl_input("lukas.schmitz", employer_app, 1);
		memset(&err, 0, sizeof(err));
		assert_int_equal(quality_activate(F->fx.s, &w, F->org, &in, &err, NULL, NULL),
		    ACCESS_INVALID);
		assert_non_null(access_error_of(&err, "apps"));
	}
	/* Missing mode, missing e-mail. */
	in.mode = NULL;
	in.email = "";
	memset(&err, 0, sizeof(err));
	assert_int_equal(quality_activation_check(F->fx.s, &w, F->org, &in, &err), ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "mode"));
	assert_non_null(access_error_of(&err, "email_quality"));
	assert_int_equal(count("SELECT count(*) FROM org_quality"), 0);
	assert_int_equal(count("SELECT count(*) FROM account"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_event"), events);
}

static void
activation_with_new_person(void **state)
{
	static const char *const apps[] = { "MEDSEIP" };
	struct actor w = who(P_GAP);
	struct activation_input in = {
		.quality = "health_related", .email = "qualite@example.be", .mode = "gl",
		.niss = NISS_NEW,
		.gl = {
			.username = "anne.durand", .last_name = "  Durand ", .first_name = "Anne",
			.data.title = "Mme", .data.language = "fr", .data.email = "anne@example.be",
			.apps = apps, .napps = 1,
		},
	};
	struct access_errors err = { 0 };
	struct user_prefill gl;

	(void)state;
	assert_int_equal(quality_activation_step1(F->fx.s, &w, F->org, &in, F->a, &gl, &err), ACCESS_OK);
	assert_false(gl.names_locked);
	assert_int_equal(quality_activate(F->fx.s, &w, F->org, &in, &err, NULL, NULL), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM person WHERE niss = '75050500203' AND "
	    "last_name = 'Durand'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'person.create' "
	    "AND actor = '1'"), 1);
}

/* ---- users (guide §4) ---- */

static void
users_add_update_conflict(void **state)
{
	static const char *const medseip[] = { "MEDSEIP" };
	static const char *const two[] = { "SAA", "SANAC" };
	struct actor gl = who(P_GL);
	struct access_errors err = { 0 };
	struct user_view v, v2;
	int64_t q, acc = 0;

	(void)state;
	q = activate_health();
	/* The local manager adds a user with "Portail MEDSEIP". */
	assert_int_equal(add_user(P_GL, q, "75.05.05-002.03", "nadia.nouveau", "USER", medseip, 1,
	    &acc), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM app_grant g JOIN account a ON "
	    "a.id = g.account_id WHERE a.username = 'nadia.nouveau' AND g.application = 'MEDSEIP'"), 1);
	/* Again: already a user of the quality. */
	assert_int_equal(add_user(P_GL, q, NISS_NEW, "nadia.nouveau", "USER", medseip, 1, NULL),
	    ACCESS_EXISTS);
	/* Another person with the same user name: refused. */
	assert_int_equal(add_user(P_GL, q, NISS_NEW2, "Nadia.Nouveau", "USER", medseip, 1, NULL),
	    ACCESS_INVALID);
	assert_int_equal(count("SELECT count(*) FROM person WHERE niss = '75050500401'"), 0);

	assert_int_equal(account_get(F->fx.s, &gl, F->org, q, acc, F->a, &v), ACCESS_OK);
	assert_string_equal(v.type, "USER");
	assert_int_equal(v.napps, 1);
	v2 = v;
	/* Two managers edit the same user: the second save is refused. */
	{
		struct user_input in = {
			.username = v.username, .data.title = "Mme", .data.language = "nl",
			.data.email = "nadia@example.be", .apps = two, .napps = 2, .type = "USER",
		};
		struct actor gap = who(P_GAP);

		assert_int_equal(account_update(F->fx.s, &gl, F->org, q, acc, v.version, &in, &err),
		    ACCESS_OK);
		in.data.language = "de";
		assert_int_equal(account_update(F->fx.s, &gap, F->org, q, acc, v2.version, &in, &err),
		    ACCESS_CONFLICT);
	}
	assert_int_equal(count("SELECT count(*) FROM account WHERE language = 'nl'"), 1);
	assert_int_equal(count("SELECT count(*) FROM app_grant WHERE account_id = (SELECT id FROM "
	    "account WHERE username = 'nadia.nouveau')"), 2);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'grant.remove' "
	    "AND details LIKE '%MEDSEIP%'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'grant.add'"), 1);
}

static void
users_bad_input(void **state)
{
	static const char *const bad[] = { "SADM", "NOPE" };
	struct actor gl = who(P_GL);
	struct access_errors err = { 0 };
	struct user_prefill pre;
	struct user_input in = {
		.niss = "12345", .username = "", .last_name = "", .first_name = "Nadia",
		.data.title = "Dr", .data.language = "xx", .data.email = "nadia@", .data.local_email = "x y@z",
		.type = "BOSS", .apps = bad, .napps = 2,
	};
	int64_t q, events;

	(void)state;
	q = activate_health();
	events = count("SELECT count(*) FROM audit_event");
	assert_int_equal(account_prepare(F->fx.s, &gl, F->org, q, "12345", "USER", F->a, &pre, &err),
	    ACCESS_INVALID);
	assert_non_null(access_error_of(&err, "niss"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(account_prepare(F->fx.s, &gl, F->org, q, NISS_GL, "USER", F->a, &pre, &err),
	    ACCESS_INVALID);   /* already the GL of this quality */
	memset(&err, 0, sizeof(err));
	assert_int_equal(account_create(F->fx.s, &gl, F->org, q, &in, &err, NULL), ACCESS_INVALID);
	for (const char *const *f = (const char *const[]){ "niss", "username", "title",
	    "language", "email", "local_email", "type", "apps", NULL }; *f; f++)
		assert_non_null(access_error_of(&err, *f));
	/* A known NISS: its names come from the record, the last name is not required. */
	memset(&err, 0, sizeof(err));
	in.niss = NISS_USER;
	in.apps = NULL;
	in.napps = 0;
	in.username = "marie";
	in.data.title = "";
	in.data.language = "fr";
	in.data.email = "marie@example.be";
	in.data.local_email = NULL;
	in.type = "USER";
	assert_int_equal(account_check(F->fx.s, &gl, F->org, q, &in, &err), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM audit_event"), events);
	assert_int_equal(count("SELECT count(*) FROM account"), 1);
	/* Prefill of a known person. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(account_prepare(F->fx.s, &gl, F->org, q, "80.01.01-003.05", "USER", F->a, &pre,
	    &err), ACCESS_OK);
	assert_true(pre.names_locked);
	assert_string_equal(pre.last_name, "Janssens");
	assert_string_equal(pre.username, "marie.janssens");
}

/* A manager never writes the identity of a person someone knows: the persons register's
 * names are shown locked and stored whatever is typed; names typed for a person nobody
 * knows are the manager's until an eID card says otherwise. */
static void
names_come_from_register_or_card(void **state)
{
	struct actor gl = who(P_GL);
	struct access_errors err = { 0 };
	struct user_prefill pre;
	struct user_input in = {
		.niss = NISS_NEW, .username = "anne", .last_name = "Fausse", .first_name = "Identite",
		.data.title = "Mme", .data.language = "fr", .data.email = "anne@example.be", .type = "USER",
	};
	struct eid_identity card = { .niss = NISS_NEW2, .last_name = "Vandamme",
	    .first_name = "Jean-Claude", .serial = "0A", .issuer = "Citizen CA" };
	struct eid_login e = { .id = &card, .via = "demo",
	    .by = { .lang = "fr", .source = "127.0.0.1", .request_id = "t" } };
	int64_t q;

	(void)state;
	q = activate_health();
	register_person(NISS_NEW, "Dupont", "Anne Marie", "fr");
	/* Known to the register: its names, locked on the form. */
	assert_int_equal(account_prepare(F->fx.s, &gl, F->org, q, NISS_NEW, "USER", F->a, &pre, &err),
	    ACCESS_OK);
	assert_true(pre.names_locked);
	assert_string_equal(pre.last_name, "Dupont");
	/* Other names typed (a form tampered with): the register's are stored. */
	assert_int_equal(account_create(F->fx.s, &gl, F->org, q, &in, &err, NULL), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM person WHERE niss = '" NISS_NEW "' AND "
	    "last_name = 'Dupont' AND first_name = 'Anne Marie' AND name_source = 'register'"), 1);

	/* Nobody knows this one: the manager's names, until the first eID login. */
	in.niss = NISS_NEW2;
	in.username = "choisi";
	in.last_name = "Choisi";
	in.first_name = "Nom";
	assert_int_equal(account_prepare(F->fx.s, &gl, F->org, q, NISS_NEW2, "USER", F->a, &pre, &err),
	    ACCESS_OK);
	assert_false(pre.names_locked);
	assert_int_equal(account_create(F->fx.s, &gl, F->org, q, &in, &err, NULL), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM person WHERE niss = '" NISS_NEW2 "' AND "
	    "last_name = 'Choisi' AND name_source = 'manager'"), 1);
	assert_int_equal(eid_login(F->fx.s, &e), 0);
	assert_false(e.created);
	assert_int_equal(count("SELECT count(*) FROM person WHERE niss = '" NISS_NEW2 "' AND "
	    "last_name = 'Vandamme' AND first_name = 'Jean-Claude' AND name_source = 'eid'"), 1);
	assert_int_equal(audit_count("person.names", NULL, NULL, "from", "eid"), 1);
}

static void
users_suspend_remove(void **state)
{
	struct actor gl = who(P_GL);
	struct access_errors err = { 0 };
	struct user_view v;
	int64_t q, acc = 0, gl_acc;
	size_t removed;

	(void)state;
	q = activate_health();
	assert_int_equal(add_user(P_GL, q, NISS_USER, "marie", "USER", NULL, 0, &acc), ACCESS_OK);
	assert_int_equal(account_get(F->fx.s, &gl, F->org, q, acc, F->a, &v), ACCESS_OK);
	assert_int_equal(account_set_status(F->fx.s, &gl, F->org, q, acc, v.version, true, &err),
	    ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM account WHERE status = 'suspended'"), 1);
	/* A stale version: refused. */
	assert_int_equal(account_set_status(F->fx.s, &gl, F->org, q, acc, v.version, false, &err),
	    ACCESS_CONFLICT);
	assert_int_equal(account_set_status(F->fx.s, &gl, F->org, q, acc, v.version + 1, false,
	    &err), ACCESS_OK);
	/* Oneself: refused. */
	gl_acc = count("SELECT id FROM account WHERE person_id = 3");
	assert_int_equal(account_get(F->fx.s, &gl, F->org, q, gl_acc, F->a, &v), ACCESS_OK);
	assert_true(v.is_self);
	assert_int_equal(account_set_status(F->fx.s, &gl, F->org, q, gl_acc, v.version, true, &err),
	    ACCESS_INVALID);
	/* Removing the GL: refused; the user: done, their account with them. */
	{
		int64_t both[] = { acc, gl_acc };

		memset(&err, 0, sizeof(err));
		assert_int_equal(account_remove(F->fx.s, &gl, F->org, q, both, 2, &removed, &err),
		    ACCESS_INVALID);
		assert_int_equal(count("SELECT count(*) FROM quality_member"), 2);
		assert_int_equal(account_remove(F->fx.s, &gl, F->org, q, both, 1, &removed, &err),
		    ACCESS_OK);
		assert_int_equal(removed, 1);
	}
	assert_int_equal(count("SELECT count(*) FROM account WHERE person_id = 4"), 0);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'user.remove'"), 1);
}

/* An account's created_at and modified_at come from the service's clock (rule 3 of
 * docs/store-contract.md), not the database's: with the test clock three years back, a
 * new account, its membership and its suspension are dated then. Before, SQLite's strftime('now') wrote
 * today's date whatever the test clock said. */
static void
account_times_follow_the_clock(void **state)
{
	struct actor gl = who(P_GL);
	struct access_errors err = { 0 };
	struct user_view v;
	char path[] = "/tmp/portier-clock-XXXXXX", before[CLOCK_TEXT_SIZE], sql[256];
	static const char back[] = "-94608000\n";        /* 1,095 days */
	int64_t q, acc = 0, grants;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, back, sizeof(back) - 1), (ssize_t)(sizeof(back) - 1));
	close(fd);
	assert_int_equal(clock_use_file(path), 0);
	/* Two years back from the real time: every date written under the test clock is
	 * older than that. */
	assert_int_equal(clock_text((int64_t)time(NULL) - 2 * 365 * 86400, before), 0);
	/* The quality's activation (its GL, with two applications) under the clock too:
	 * org_quality.activated_at and the grants' granted_at are the clock's. */
	q = activate_health();
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM org_quality WHERE id = %" PRId64
	    " AND activated_at < '%s'", q, before);
	acc = count(sql);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM app_grant WHERE org_quality_id = %"
	    PRId64 " AND granted_at < '%s'", q, before);
	grants = count(sql);
	/* Both at once: a failure shows both tables. */
	snprintf(sql, sizeof(sql), "org_quality %" PRId64 ", app_grant %" PRId64, acc, grants);
	assert_string_equal(sql, "org_quality 1, app_grant 2");
	acc = 0;
	assert_int_equal(add_user(P_GL, q, NISS_USER, "marie", "USER", NULL, 0, &acc), ACCESS_OK);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM account WHERE id = %" PRId64
	    " AND created_at < '%s' AND modified_at = created_at", acc, before);
	assert_int_equal(count(sql), 1);
	/* And the membership it joined: since. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM quality_member WHERE account_id = %"
	    PRId64 " AND since < '%s'", acc, before);
	assert_int_equal(count(sql), 1);
	assert_int_equal(account_get(F->fx.s, &gl, F->org, q, acc, F->a, &v), ACCESS_OK);
	/* The suspension moves modified_at to the test clock's time, not to today. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "-90000000\n", 10), 10);
	close(fd);
	assert_int_equal(account_set_status(F->fx.s, &gl, F->org, q, acc, v.version, true, &err),
	    ACCESS_OK);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM account WHERE id = %" PRId64
	    " AND status = 'suspended' AND modified_at > created_at AND modified_at < '%s'",
	    acc, before);
	assert_int_equal(count(sql), 1);
	/* The file gone, the clock is the real one again (an absent file is 0). */
	assert_int_equal(unlink(path), 0);
}

static void
cogl_and_gl_change(void **state)
{
	struct actor gl = who(P_GL), gap = who(P_GAP);
	struct access_errors err = { 0 };
	struct user_view v;
	int64_t q, acc = 0;
	int64_t denied;

	(void)state;
	q = activate_health();
	assert_int_equal(add_user(P_GL, q, NISS_USER, "marie", "COGL", NULL, 0, &acc), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM quality_member WHERE type = 'COGL'"), 1);
	/* The co-GL may manage users but not designate co-GLs. */
	{
		struct actor cogl = who(P_USER);
		int64_t acc2 = 0;

		denied = denied_events();
		assert_int_equal(add_user(P_USER, q, NISS_STRANGER, "sophie", "USER", NULL, 0, &acc2),
		    ACCESS_OK);
		assert_int_equal(account_get(F->fx.s, &cogl, F->org, q, acc2, F->a, &v), ACCESS_OK);
		{
			struct user_input in = {
				.username = "sophie", .data.language = "fr", .data.email = "nadia@example.be",
				.type = "COGL",
			};

			assert_int_equal(account_update(F->fx.s, &cogl, F->org, q, acc2, v.version, &in,
			    &err), ACCESS_DENIED);
		}
		assert_int_equal(denied_events(), denied + 1);
		assert_int_equal(count("SELECT count(*) FROM quality_member WHERE type = 'COGL'"), 1);
	}
	/* Back to USER by the GL. */
	assert_int_equal(account_get(F->fx.s, &gl, F->org, q, acc, F->a, &v), ACCESS_OK);
	{
		struct user_input in = {
			.username = "marie", .data.language = "fr", .data.email = "nadia@example.be",
			.data.title = "Mme", .type = "USER",
		};

		assert_int_equal(account_update(F->fx.s, &gl, F->org, q, acc, v.version, &in, &err),
		    ACCESS_OK);
	}
	assert_int_equal(count("SELECT count(*) FROM quality_member WHERE type = 'COGL'"), 0);
	/* The GAP makes Marie the GL; Lukas becomes a user. */
	assert_int_equal(quality_set_gl(F->fx.s, &gap, F->org, q, acc, &err), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM quality_member m JOIN account a ON "
	    "a.id = m.account_id WHERE a.person_id = 4 AND m.type = 'GL'"), 1);
	assert_int_equal(count("SELECT count(*) FROM quality_member m JOIN account a ON "
	    "a.id = m.account_id WHERE a.person_id = 3 AND m.type = 'USER'"), 1);
	/* The former GL cannot designate GLs. */
	denied = denied_events();
	assert_int_equal(quality_set_gl(F->fx.s, &gl, F->org, q, acc, &err), ACCESS_DENIED);
	assert_int_equal(denied_events(), denied + 1);
	/* The quality's e-mail, by a manager of it; a bad one keeps the old. */
	{
		struct actor marie = who(P_USER);

		assert_int_equal(quality_set_email(F->fx.s, &marie, F->org, q, "x@", &err),
		    ACCESS_INVALID);
		assert_int_equal(quality_set_email(F->fx.s, &marie, F->org, q, "sante@example.be", &err),
		    ACCESS_OK);
		assert_int_equal(count("SELECT count(*) FROM org_quality WHERE email = "
		    "'sante@example.be'"), 1);
	}
}

/* ---- the policy, cell by cell as the services apply it ---- */

static void
policy_refusals_are_audited(void **state)
{
	static const char *const apps[] = { "MEDSEIP" };
	struct access_errors err = { 0 };
	struct activation_input in = {
		.quality = "health_care", .email = "q@example.be", .mode = "self",
		.gl = { .username = "x.y.z", .data.language = "fr", .data.email = "x@example.be" },
	};
	int64_t qa, qb, acc = 0, before_members, before_denied;
	struct arena *a = arena_new(0);
	struct user_page page;
	struct user_filter none = { 0 };

	(void)state;
	qa = activate_health();                       /* GL: Lukas */
	qb = activate_other("youth_care", P_GAP);     /* GL: Claire */
	assert_int_equal(add_user(P_GAP, qb, NISS_USER, "marie", "USER", NULL, 0, &acc),
	    ACCESS_OK);
	before_members = count("SELECT count(*) FROM quality_member");

	/* A local manager of quality A acting on quality B. */
	{
		struct actor gl = who(P_GL);
		struct user_view v;
		char youth[32];

		before_denied = denied_events();
		assert_int_equal(add_user(P_GL, qb, NISS_STRANGER, "sophie", "USER", NULL, 0, NULL),
		    ACCESS_DENIED);
		assert_int_equal(account_get(F->fx.s, &gl, F->org, qb, acc, F->a, &v), ACCESS_DENIED);
		assert_int_equal(search_users(F->fx.s, &gl, F->org, qb, &none, 1, 25, a, &page, &err),
		    ACCESS_DENIED);
		assert_int_equal(denied_events(), before_denied + 3);
		snprintf(youth, sizeof(youth), "%" PRId64, qb);
		assert_int_equal(store_fixture_audit2(F->fx.s, "access.denied", "3", NULL,
		    "reason", "other_quality", "quality", youth), 3);
		/* Nor may a local manager activate a quality. */
		assert_int_equal(quality_activate(F->fx.s, &gl, F->org, &in, &err, NULL, NULL),
		    ACCESS_DENIED);
	}
	/* A manager of organisation X acting on Y. */
	{
		struct actor other = who(P_OTHER_GAP);
		struct arena *b = arena_new(0);
		struct entity_view v;

		before_denied = denied_events();
		assert_int_equal(quality_entity(F->fx.s, &other, F->org, b, &v), ACCESS_DENIED);
		assert_int_equal(add_user(P_OTHER_GAP, qa, NISS_STRANGER, "sophie", "USER", apps, 1,
		    NULL), ACCESS_DENIED);
		assert_int_equal(quality_activate(F->fx.s, &other, F->org, &in, &err, NULL, NULL),
		    ACCESS_DENIED);
		assert_int_equal(denied_events(), before_denied + 3);
		assert_int_equal(audit_count("access.denied", "5", "0552627113", "reason",
		    "no_role"), 3);
		arena_free(b);
	}
	/* A user (no management role). */
	{
		struct actor user = who(P_USER);

		assert_int_equal(add_user(P_USER, qb, NISS_STRANGER, "sophie", "USER", NULL, 0,
		    NULL), ACCESS_DENIED);
		assert_int_equal(search_users(F->fx.s, &user, F->org, 0, &none, 1, 25, a, &page, &err),
		    ACCESS_DENIED);
	}
	/* A suspended local manager. */
	{
		struct actor gl = who(P_GL);

		set_suspended(P_GL, qa, true);
		before_denied = denied_events();
		assert_int_equal(add_user(P_GL, qa, NISS_STRANGER, "sophie", "USER", NULL, 0, NULL),
		    ACCESS_DENIED);
		assert_int_equal(search_users(F->fx.s, &gl, F->org, qa, &none, 1, 25, a, &page, &err),
		    ACCESS_DENIED);
		assert_int_equal(audit_count("access.denied", "3", NULL, "reason", "suspended"), 2);
		set_suspended(P_GL, qa, false);
	}
	/* A co-GAP removing the GAP, or any co-GAP. */
	{
		struct actor cogap = who(P_COGAP);

		before_denied = denied_events();
		assert_int_equal(hierarchy_cogap_remove(F->fx.s, &cogap, F->org, P_GAP, &err),
		    ACCESS_DENIED);
		assert_int_equal(cogap_add(&cogap, NISS_STRANGER, NULL, "co@org.example"),
		    ACCESS_DENIED);
		assert_int_equal(denied_events(), before_denied + 2);
		assert_int_equal(count("SELECT count(*) FROM org_manager WHERE role = 'GAP' AND "
		    "person_id = 1"), 1);
		assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = "
		    "'access.denied' AND actor = '2' AND object = 'person:1'"), 1);
	}
	/* A local manager changing the GAP's account (the GAP is GL of youth_care). */
	{
		struct actor cogl;
		struct user_view v;
		int64_t gap_acc = count("SELECT id FROM account WHERE person_id = 1");
		struct user_input change = {
			.username = "claire", .data.language = "fr", .data.email = "c@example.be", .type = "USER",
		};

		/* Marie becomes co-GL of youth_care, then tries to suspend the GAP. */
		make_cogl(P_USER, qb);
		cogl = who(P_USER);
		assert_int_equal(account_get(F->fx.s, &cogl, F->org, qb, gap_acc, F->a, &v), ACCESS_OK);
		assert_true(v.is_gap);
		assert_int_equal(account_set_status(F->fx.s, &cogl, F->org, qb, gap_acc, v.version, true,
		    &err), ACCESS_DENIED);
		assert_int_equal(account_update(F->fx.s, &cogl, F->org, qb, gap_acc, v.version, &change,
		    &err), ACCESS_DENIED);
		assert_int_equal(count("SELECT count(*) FROM account WHERE person_id = 1 AND "
		    "status = 'active' AND username = 'claire.dubois'"), 1);
	}
	/* The audit trail: GAP, co-GAP and helpdesk read the organisation's; a GL only their
	 * quality's; a user nothing. */
	{
		struct audit_filter af = { 0 };
		struct audit_page ap;
		struct actor gap = who(P_GAP), cogap = who(P_COGAP), hd = who(P_HELPDESK);
		struct actor gl = who(P_GL), user = who(P_STRANGER);

		assert_int_equal(search_audit(F->fx.s, &gap, F->org, 0, &af, 1, 50, a, &ap, &err),
		    ACCESS_OK);
		assert_int_equal(search_audit(F->fx.s, &cogap, F->org, 0, &af, 1, 50, a, &ap, &err),
		    ACCESS_OK);
		assert_int_equal(search_audit(F->fx.s, &hd, F->org, 0, &af, 1, 50, a, &ap, &err),
		    ACCESS_OK);
		assert_int_equal(search_audit(F->fx.s, &gl, F->org, qa, &af, 1, 50, a, &ap, &err),
		    ACCESS_OK);
		assert_int_equal(search_audit(F->fx.s, &gl, F->org, 0, &af, 1, 50, a, &ap, &err),
		    ACCESS_DENIED);
		assert_int_equal(search_audit(F->fx.s, &gl, F->org, qb, &af, 1, 50, a, &ap, &err),
		    ACCESS_DENIED);
		assert_int_equal(search_audit(F->fx.s, &user, F->org, 0, &af, 1, 50, a, &ap, &err),
		    ACCESS_DENIED);
	}
	assert_int_equal(count("SELECT count(*) FROM quality_member"), before_members);
	arena_free(a);
}

/* The cells of the product design (§2) that these services use, one actor per column. */
static void
policy_table_cells(void **state)
{
	int64_t qa, qb;
	struct access_errors err = { 0 };
	struct arena *a = arena_new(0);
	static struct sink sink_out;

	(void)state;
	qa = activate_health();                     /* Lukas GL of A */
	qb = activate_other("youth_care", P_GAP);   /* Claire GL of B */
	/* Marie: co-GL of A; Sophie: user of A. */
	assert_int_equal(add_user(P_GL, qa, NISS_USER, "marie", "COGL", NULL, 0, NULL), ACCESS_OK);
	assert_int_equal(add_user(P_GL, qa, NISS_STRANGER, "sophie", "USER", NULL, 0, NULL),
	    ACCESS_OK);
	{
		/* Rows: activate a quality; designate co-GLs (of A); manage users (of A); export
		 * (of A); read the audit trail (of A). Columns: GAP, co-GAP, GL, co-GL, USER,
		 * helpdesk (legal rep: not an access-management actor here). */
		static const int64_t people[6] = { P_GAP, P_COGAP, P_GL, P_USER, P_STRANGER,
		    P_HELPDESK };
		static const enum access_rc expect[5][6] = {
			/* activate */ { ACCESS_OK, ACCESS_OK, ACCESS_DENIED, ACCESS_DENIED, ACCESS_DENIED, ACCESS_DENIED },
			/* co-GL   */ { ACCESS_OK, ACCESS_OK, ACCESS_OK, ACCESS_DENIED, ACCESS_DENIED, ACCESS_DENIED },
			/* users   */ { ACCESS_OK, ACCESS_OK, ACCESS_OK, ACCESS_OK, ACCESS_DENIED, ACCESS_DENIED },
			/* export  */ { ACCESS_OK, ACCESS_OK, ACCESS_OK, ACCESS_OK, ACCESS_DENIED, ACCESS_DENIED },
			/* audit   */ { ACCESS_OK, ACCESS_OK, ACCESS_OK, ACCESS_OK, ACCESS_DENIED, ACCESS_OK },
		};

		for (int k = 0; k < 6; k++) {
			struct actor w = who(people[k]);
			struct quality_info qi;
			struct app_info *apps;
			size_t napps;
			struct user_prefill pre;
			struct user_page page;
			struct user_filter f = { 0 };
			struct audit_filter af = { 0 };
			struct audit_page ap;
			int64_t rows, denied = denied_events();
			int ndenied = 0;
			enum access_rc got[5];

			memset(&err, 0, sizeof(err));
			got[0] = quality_activation_start(F->fx.s, &w, F->org, "health_care", a, &qi, &apps,
			    &napps);
			got[1] = account_prepare(F->fx.s, &w, F->org, qa, NISS_NEW, "COGL", F->a, &pre, &err);
			got[2] = search_users(F->fx.s, &w, F->org, qa, &f, 1, 25, a, &page, &err);
			sink_out.n = 0;
			got[3] = export_users(F->fx.s, &w, F->org, qa, &f, ';', same, NULL, to_sink,
			    &sink_out, &rows, &err);
			got[4] = search_audit(F->fx.s, &w, F->org, qa, &af, 1, 10, a, &ap, &err);
			for (int row = 0; row < 5; row++) {
				if (got[row] != expect[row][k])
					fail_msg("row %d, person %" PRId64 ": got %d, want %d", row,
					    people[k], got[row], expect[row][k]);
				ndenied += expect[row][k] == ACCESS_DENIED;
			}
			/* Each refusal left exactly one event. */
			assert_int_equal(denied_events(), denied + ndenied);
		}
	}
	(void)qb;
	arena_free(a);
}

/* ---- lists, filters, pages ---- */

static void
lists_and_filters(void **state)
{
	static const char *const medseip[] = { "MEDSEIP" };
	struct actor gap = who(P_GAP), gl = who(P_GL);
	struct access_errors err = { 0 };
	struct arena *a = arena_new(0);
	struct user_page p;
	int64_t q, qb;

	(void)state;
	q = activate_health();
	qb = activate_other("youth_care", P_GAP);
	assert_int_equal(add_user(P_GL, q, NISS_USER, "marie", "USER", medseip, 1, NULL), ACCESS_OK);
	assert_int_equal(add_user(P_GL, q, NISS_STRANGER, "sophie", "COGL", NULL, 0, NULL),
	    ACCESS_OK);
	assert_int_equal(add_user(P_GAP, qb, NISS_USER, "marie", "USER", NULL, 0, NULL), ACCESS_OK);
	set_suspended(P_STRANGER, q, true);
	{
		struct user_filter f = { 0 };

		assert_int_equal(search_users(F->fx.s, &gl, F->org, q, &f, 1, 25, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.total, 3);
		assert_string_equal(p.rows[0].last_name, "Janssens");
		assert_string_equal(p.rows[1].last_name, "Martin");
		assert_string_equal(p.rows[2].last_name, "Schmitz");
		assert_string_equal(p.rows[2].type, "GL");
		assert_string_equal(p.rows[0].apps, "MEDSEIP");
	}
	{
		struct user_filter f = { .last_name = "jan" };

		assert_int_equal(search_users(F->fx.s, &gl, F->org, q, &f, 1, 25, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.total, 1);
		assert_string_equal(p.rows[0].username, "marie");
	}
	{
		struct user_filter f = { .application = "MEDSEIP" };

		assert_int_equal(search_users(F->fx.s, &gl, F->org, q, &f, 1, 25, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.total, 2);      /* Lukas (GL) and Marie */
	}
	{
		struct user_filter f = { .status = "suspended" };

		assert_int_equal(search_users(F->fx.s, &gl, F->org, q, &f, 1, 25, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.total, 1);
		assert_string_equal(p.rows[0].first_name, "Sophie");
	}
	{
		struct user_filter f = { .type = "COGL", .username = "SOPH" };

		assert_int_equal(search_users(F->fx.s, &gl, F->org, q, &f, 1, 25, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.total, 1);
	}
	{
		struct user_filter f = { .niss = "80.01.01-003.05" };

		assert_int_equal(search_users(F->fx.s, &gl, F->org, q, &f, 1, 25, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.total, 1);
		assert_string_equal(p.rows[0].niss, NISS_USER);
	}
	{
		struct user_filter f = { .niss = "80.01.01-003.06", .type = "BOSS" };

		assert_int_equal(search_users(F->fx.s, &gl, F->org, q, &f, 1, 25, a, &p, &err),
		    ACCESS_INVALID);
		assert_non_null(access_error_of(&err, "f_niss"));
		assert_non_null(access_error_of(&err, "f_type"));
	}
	{
		/* "%" and "_" typed are letters, not patterns. */
		struct user_filter f = { .last_name = "%" };

		memset(&err, 0, sizeof(err));
		assert_int_equal(search_users(F->fx.s, &gl, F->org, q, &f, 1, 25, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.total, 0);
	}
	{
		/* Pages. */
		struct user_filter f = { 0 };

		assert_int_equal(search_users(F->fx.s, &gl, F->org, q, &f, 2, 2, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.pages, 2);
		assert_int_equal(p.page, 2);
		assert_int_equal(p.n, 1);
		assert_string_equal(p.rows[0].last_name, "Schmitz");
	}
	{
		/* Across the organisation: the GAP sees both qualities, the GL theirs. */
		struct user_filter f = { 0 };

		assert_int_equal(search_users(F->fx.s, &gap, F->org, 0, &f, 1, 25, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.nqualities, 2);
		assert_int_equal(p.total, 5);
		assert_int_equal(search_users(F->fx.s, &gl, F->org, 0, &f, 1, 25, a, &p, &err), ACCESS_OK);
		assert_int_equal(p.nqualities, 1);
		assert_int_equal(p.total, 3);
	}
	arena_free(a);
}

/* ---- export ---- */

static void
export_users_csv(void **state)
{
	static const char *const apps[] = { "SANAC", "MEDSEIP" };
	struct actor gl = who(P_GL);
	struct access_errors err = { 0 };
	struct user_filter f = { 0 };
	struct sink out = { .n = 0 };
	int64_t q, rows = 0;

	(void)state;
	q = activate_health();
	/* A person whose name needs quoting in CSV (her record's names, locked on the form). */
	assert_true(make_person(NISS_NEW, "Janssens; \"dit\" Jan", "Marie") > 0);
	assert_int_equal(add_user(P_GL, q, NISS_NEW, "marie", "USER", apps, 2, NULL), ACCESS_OK);
	assert_int_equal(export_users(F->fx.s, &gl, F->org, q, &f, ';', same, NULL, to_sink, &out,
	    &rows, &err), ACCESS_OK);
	assert_int_equal(rows, 2);
	assert_memory_equal(out.buf, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(out.buf, "Nom;Prénom;Nom d'utilisateur;Type;NISS;Statut;Titre;"));
	assert_non_null(strstr(out.buf, "\r\n\"Janssens; \"\"dit\"\" Jan\";Marie;marie;USER;"
	    "75.05.05-002.03;Actif;Mme;fr;nadia@example.be;;"));
	assert_non_null(strstr(out.buf, ";MEDSEIP SANAC\r\n"));
	assert_non_null(strstr(out.buf, "Schmitz;Lukas;lukas.schmitz;GL;90.02.28-001.93;Actif;"));
	assert_int_equal(audit_count("users.export", NULL, NULL, "rows", "2"), 1);
	/* Comma as separator; across the organisation a column names the quality. */
	out.n = 0;
	assert_int_equal(export_users(F->fx.s, &gl, F->org, 0, &f, ',', same, NULL, to_sink, &out,
	    &rows, &err), ACCESS_OK);
	assert_non_null(strstr(out.buf, "Nom,Prénom,Nom d'utilisateur,Type,NISS,Statut,Qualité,"));
	assert_non_null(strstr(out.buf, "\"Janssens; \"\"dit\"\" Jan\",Marie,"));
	assert_non_null(strstr(out.buf, ",Institution liée au domaine de la santé,"));
}

/* ---- organisation managers, hierarchy, own data, audit trail ---- */

/* One rule set whichever page asks: each refusal at its field, nothing written; the
 * designation with its audit event and its mail. */
static void
cogap_one_rule_set(void **state)
{
	struct actor gap = who(P_GAP), cogap = who(P_COGAP);
	int64_t denied = denied_events();

	(void)state;
	register_person(NISS_NEW, "Van den Broeck", "Els", "nl");
	/* Not the GAP: refused and audited. */
	assert_int_equal(cogap_add(&cogap, NISS_NEW, NULL, "els@org.example"), ACCESS_DENIED);
	assert_int_equal(denied_events(), denied + 1);
	/* A bad NISS, a missing e-mail: both reported at once. */
	assert_int_equal(cogap_add(&gap, "85.07.30-033.29", NULL, ""), ACCESS_INVALID);
	assert_non_null(access_error_of(&cogap_err, "niss"));
	assert_non_null(access_error_of(&cogap_err, "email"));
	assert_int_equal(cogap_add(&gap, NISS_NEW, NULL, NULL), ACCESS_INVALID);
	assert_non_null(access_error_of(&cogap_err, "email"));
	assert_null(access_error_of(&cogap_err, "niss"));
	assert_int_equal(cogap_add(&gap, NISS_NEW, NULL, "not an address"), ACCESS_INVALID);
	assert_non_null(access_error_of(&cogap_err, "email"));
	/* Unknown to portier and to the register. */
	assert_int_equal(cogap_add(&gap, NISS_NEW2, NULL, "x@org.example"), ACCESS_INVALID);
	assert_non_null(access_error_of(&cogap_err, "niss"));
	/* A form that asks the name: empty, or not the register's, is refused. */
	assert_int_equal(cogap_add(&gap, NISS_NEW, "", "els@org.example"), ACCESS_INVALID);
	assert_non_null(access_error_of(&cogap_err, "last_name"));
	assert_int_equal(cogap_add(&gap, NISS_NEW, "Peeters", "els@org.example"), ACCESS_INVALID);
	assert_non_null(access_error_of(&cogap_err, "last_name"));
	/* The GAP themself. */
	assert_int_equal(cogap_add(&gap, NISS_GAP, NULL, "c@org.example"), ACCESS_INVALID);
	assert_non_null(access_error_of(&cogap_err, "niss"));
	/* Nothing written by the refusals (the person is created only with the co-GAP). */
	assert_int_equal(count("SELECT count(*) FROM person WHERE niss = '" NISS_NEW "'"), 0);
	assert_int_equal(count("SELECT count(*) FROM org_manager WHERE role = 'COGAP'"), 1);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox"), 0);
	/* The register's name, typed another way: designated, audited, told by mail. */
	assert_int_equal(cogap_add(&gap, "75.05.05-002.03", "VANDENBROECK", "els@org.example"),
	    ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM org_manager m JOIN person p ON "
	    "p.id = m.person_id WHERE m.role = 'COGAP' AND p.niss = '" NISS_NEW "' AND "
	    "p.last_name = 'Van den Broeck'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action IN "
	    "('org.cogap.add', 'person.create') AND actor = '1' AND object = (SELECT 'person:' "
	    "|| id FROM person WHERE niss = '" NISS_NEW "')"), 2);
	assert_int_equal(count("SELECT count(*) FROM mail_outbox WHERE kind = 'cogap_added' AND "
	    "recipient = 'els@org.example' AND body LIKE '%Els Van den Broeck%'"), 1);
	/* Already co-GAP. */
	assert_int_equal(cogap_add(&gap, NISS_NEW, NULL, "els@org.example"), ACCESS_INVALID);
	assert_non_null(access_error_of(&cogap_err, "niss"));
	assert_int_equal(count("SELECT count(*) FROM mail_outbox"), 1);
}

static void
cogaps_hierarchy_audit(void **state)
{
	struct actor gap = who(P_GAP), gl = who(P_GL);
	struct access_errors err = { 0 };
	struct arena *a = arena_new(0);
	struct managers_view mv;
	struct hierarchy_view hv;
	int64_t q;

	(void)state;
	q = activate_health();
	assert_int_equal(cogap_add(&gap, "80.01.01-007.01", NULL, "co@org.example"), ACCESS_OK);
	assert_int_equal(cogap_add(&gap, NISS_STRANGER, NULL, "co@org.example"),
	    ACCESS_INVALID);       /* already */
	memset(&err, 0, sizeof(err));
	assert_int_equal(cogap_add(&gap, NISS_GAP, NULL, "co@org.example"), ACCESS_INVALID);
	memset(&err, 0, sizeof(err));
	assert_int_equal(cogap_add(&gap, "1234", NULL, "co@org.example"), ACCESS_INVALID);
	assert_int_equal(hierarchy_managers(F->fx.s, &gap, F->org, a, &mv), ACCESS_OK);
	assert_true(mv.may_change);
	assert_int_equal(mv.n, 3);
	assert_string_equal(mv.rows[0].role, "GAP");
	assert_int_equal(hierarchy_cogap_remove(F->fx.s, &gap, F->org, P_STRANGER, &err), ACCESS_OK);
	assert_int_equal(hierarchy_cogap_remove(F->fx.s, &gap, F->org, P_GAP, &err), ACCESS_INVALID);
	assert_int_equal(count("SELECT count(*) FROM org_manager WHERE org_id = 1"), 2);

	assert_int_equal(hierarchy_tree(F->fx.s, &gap, F->org, a, &hv), ACCESS_OK);
	assert_int_equal(hv.nmanagers, 2);
	assert_int_equal(hv.nqualities, 1);
	assert_int_equal(hv.qualities[0].n, 1);
	assert_string_equal(hv.qualities[0].users[0].type, "GL");
	assert_string_equal(hv.qualities[0].users[0].apps, "MEDSEIP SADM");
	assert_int_equal(hierarchy_tree(F->fx.s, &gl, F->org, a, &hv), ACCESS_OK);
	{
		struct actor stranger = who(P_STRANGER);

		assert_int_equal(hierarchy_tree(F->fx.s, &stranger, F->org, a, &hv), ACCESS_DENIED);
	}
	/* Contact data of the organisation. */
	assert_int_equal(hierarchy_org_update(F->fx.s, &gap, F->org, "nope", "abc", &err),
	    ACCESS_INVALID);
	memset(&err, 0, sizeof(err));
	assert_int_equal(hierarchy_org_update(F->fx.s, &gap, F->org, "info@pharma.be",
	    "+32 2 511 51 51", &err), ACCESS_OK);
	assert_int_equal(count("SELECT count(*) FROM organisation WHERE contact_email = "
	    "'info@pharma.be'"), 1);
	/* Own data: the GL's language and account e-mail, read at a version. */
	{
		struct own_data d;
		struct user_input acc = { .data.title = "M.", .data.language = "nl",
		    .data.email = "lukas@example.be" };

		assert_int_equal(hierarchy_own_get(F->fx.s, &gl, F->org, F->a, &d), ACCESS_OK);
		assert_true(d.has_account);
		assert_int_equal(hierarchy_own_update(F->fx.s, &gl, F->org, "l@example.be", "de", &acc,
		    d.version, &err), ACCESS_OK);
		assert_int_equal(hierarchy_own_update(F->fx.s, &gl, F->org, "l@example.be", "de", &acc,
		    d.version, &err), ACCESS_CONFLICT);
		assert_int_equal(count("SELECT count(*) FROM account WHERE email = 'lukas@example.be' "
		    "AND language = 'nl'"), 1);
		assert_int_equal(count("SELECT count(*) FROM person WHERE id = 3 AND language = 'de'"), 1);
	}
	/* The audit trail, filtered. */
	{
		struct audit_filter f = { .action = "org.cogap.add" };
		struct audit_page ap;

		assert_int_equal(search_audit(F->fx.s, &gap, F->org, 0, &f, 1, 50, a, &ap, &err), ACCESS_OK);
		assert_int_equal(ap.total, 2);   /* Jan (fixture) and Sophie */
		assert_string_equal(ap.rows[0].object_name, "Sophie Martin");
		assert_string_equal(ap.rows[0].actor_name, "Claire Dubois");
		f.action = NULL;
		f.person = "martin";
		assert_int_equal(search_audit(F->fx.s, &gap, F->org, 0, &f, 1, 50, a, &ap, &err), ACCESS_OK);
		assert_true(ap.total >= 3);      /* created, added, removed */
		f.person = NULL;
		f.from = "2000-01-01";
		f.to = "2000-12-31";
		assert_int_equal(search_audit(F->fx.s, &gap, F->org, 0, &f, 1, 50, a, &ap, &err), ACCESS_OK);
		assert_int_equal(ap.total, 0);
		f.from = "2000-02-31";
		assert_int_equal(search_audit(F->fx.s, &gap, F->org, 0, &f, 1, 50, a, &ap, &err),
		    ACCESS_INVALID);
		f.from = NULL;
		f.to = NULL;
		/* The quality's trail holds the quality's events only. */
		assert_int_equal(search_audit(F->fx.s, &gl, F->org, q, &f, 1, 50, a, &ap, &err), ACCESS_OK);
		for (size_t i = 0; i < ap.n; i++)
			assert_null(strstr(ap.rows[i].action, "cogap"));
		assert_true(ap.total >= 2);      /* activated, GL added */
	}
	arena_free(a);
}

/* ---- the catalogue ---- */

static int
count_rows(void *arg, const char *quality, const char *qn, const char *app, const char *an,
    int level)
{
	int *n = arg;

	(void)quality;
	(void)qn;
	(void)an;
	(void)level;
	if (app != NULL)
		(*n)++;
	return 0;
}

static void
catalogue_additions(void **state)
{
	struct catalogue_quality q = {
		.code = "pharmacy", .domain = "health",
		.names = { "Pharmacie", "Apotheek", "Apotheke", "Pharmacy" }, .sort = 45,
	};
	struct catalogue_app ap = {
		.code = "PHARMA_PORTAL", .quality = "pharmacy",
		.names = { "Portail", "Portaal", "Portal", "Portal" },
		.descriptions = { "Décrit", "Beschreven", "Beschrieben", "Described" },
		.min_level = 2, .sort = 10,
	};
	char err[256];
	int n = 0;

	(void)state;
	assert_int_equal(catalogue_add_quality(F->fx.s, &(struct actor){ 0 }, &q, err, sizeof(err)), 0);
	assert_int_equal(catalogue_add_quality(F->fx.s, &(struct actor){ 0 }, &q, err, sizeof(err)), -2);
	q.code = "bad code";
	assert_int_equal(catalogue_add_quality(F->fx.s, &(struct actor){ 0 }, &q, err, sizeof(err)), -3);
	assert_int_equal(catalogue_add_application(F->fx.s, &(struct actor){ 0 }, &ap, err, sizeof(err)), 0);
	ap.code = "OTHER";
	ap.quality = "nope";
	assert_int_equal(catalogue_add_application(F->fx.s, &(struct actor){ 0 }, &ap, err, sizeof(err)), -3);
	ap.quality = "pharmacy";
	ap.names[1] = "";
	assert_int_equal(catalogue_add_application(F->fx.s, &(struct actor){ 0 }, &ap, err, sizeof(err)), -3);
	/* Names are texts (VALUE_TEXT): not only spaces, no DEL. */
	ap.names[1] = "   ";
	assert_int_equal(catalogue_add_application(F->fx.s, &(struct actor){ 0 }, &ap, err, sizeof(err)), -3);
	ap.names[1] = "Portaal\x7f";
	assert_int_equal(catalogue_add_application(F->fx.s, &(struct actor){ 0 }, &ap, err, sizeof(err)), -3);
	assert_int_equal(catalogue_each(F->fx.s, "nl", count_rows, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action LIKE 'catalogue.%'"),
	    2);
	/* The new quality can be activated and offers its application. */
	{
		struct actor gap = who(P_GAP);
		struct arena *a = arena_new(0);
		struct quality_info qi;
		struct app_info *apps;
		size_t napps;

		gap.lang = "de";
		assert_int_equal(quality_activation_start(F->fx.s, &gap, F->org, "pharmacy", a, &qi, &apps,
		    &napps), ACCESS_OK);
		assert_string_equal(qi.name, "Apotheke");
		assert_int_equal(napps, 1);
		assert_string_equal(apps[0].description, "Beschrieben");
		arena_free(a);
	}
}

/* ---- checks of typed values ---- */

static void
typed_values(void **state)
{
	struct arena *a = arena_new(0);

	(void)state;
	assert_true(value_ok(VALUE_EMAIL, "nom@exemple.be", 0));
	assert_true(value_ok(VALUE_EMAIL, "a.b+c@sub.exemple.brussels", 0));
	assert_false(value_ok(VALUE_EMAIL, "nom@exemple", 0));
	assert_false(value_ok(VALUE_EMAIL, "nom@@exemple.be", 0));
	assert_false(value_ok(VALUE_EMAIL, "no m@exemple.be", 0));
	assert_false(value_ok(VALUE_EMAIL, ".nom@exemple.be", 0));
	assert_false(value_ok(VALUE_EMAIL, "nom@exemple..be", 0));
	assert_false(value_ok(VALUE_EMAIL, "nom@-exemple.be", 0));
	assert_false(value_ok(VALUE_EMAIL, "nom@exemple.b3", 0));
	assert_false(value_ok(VALUE_EMAIL, "<script>@x.be", 0));
	assert_true(value_ok(VALUE_USERNAME, "jan.peeters", 0));
	assert_true(value_ok(VALUE_USERNAME, "j_p-1@x", 0));
	assert_false(value_ok(VALUE_USERNAME, "ab", 0));
	assert_false(value_ok(VALUE_USERNAME, ".jan", 0));
	assert_false(value_ok(VALUE_USERNAME, "jan peeters", 0));
	assert_true(value_ok(VALUE_PERSON_NAME, "Éléonore", 100));
	assert_true(value_ok(VALUE_PERSON_NAME, "Van den Bossche", 100));
	assert_false(value_ok(VALUE_PERSON_NAME, "   ", 100));
	assert_false(value_ok(VALUE_PERSON_NAME, "a\tb", 100));
	assert_false(value_ok(VALUE_PERSON_NAME, "<b>", 100));
	assert_false(value_ok(VALUE_PERSON_NAME, "\xc3(", 100));
	assert_string_equal(access_like_prefix(a, " Du%b_o\\ ", false), "Du\\%b\\_o\\\\%");
	assert_string_equal(access_like_prefix(a, "x", true), "%x%");
	assert_null(access_like_prefix(a, "   ", false));
	arena_free(a);
}

/* ---- "Vos Responsables": who manages the person's access ---- */

static void
responsibles_of_a_user(void **state)
{
	struct arena *a = arena_new(0);
	struct responsibles all;
	struct responsible_quality *v;
	struct actor w;
	int64_t q, acc = 0;

	(void)state;
	q = activate_health();
	assert_int_equal(add_user(P_GL, q, NISS_USER, "marie.janssens", "USER", NULL, 0, &acc),
	    ACCESS_OK);
	/* In the other organisation Marie is nobody: none of it is shown to her. */
	w = who(P_USER);
	assert_int_equal(responsibles_of(F->fx.s, &w, a, &all), ACCESS_OK);
	assert_int_equal(all.nq, 1);
	assert_int_equal(all.norg, 0);
	v = all.q;
	assert_int_equal(v[0].org_id, F->org);
	assert_int_equal(v[0].quality_id, q);
	assert_string_equal(v[0].org_name, "Pharma Test SA");
	assert_string_equal(v[0].enterprise, "0552627113");
	assert_string_equal(v[0].quality_name, "Institution liée au domaine de la santé");
	assert_string_equal(v[0].quality_email, "qualite@example.be");
	assert_string_equal(v[0].member_type, "USER");
	assert_string_equal(v[0].org_email, "contact@example.be");
	assert_int_equal(v[0].nlocal, 1);
	assert_string_equal(v[0].local[0].role, "GL");
	assert_string_equal(v[0].local[0].last_name, "Schmitz");
	assert_string_equal(v[0].local[0].email, "lukas.schmitz@example.be");
	assert_false(v[0].local[0].self);
	/* The GAP first, then the co-GAP. */
	assert_int_equal(v[0].nmain, 2);
	assert_string_equal(v[0].main[0].role, "GAP");
	assert_string_equal(v[0].main[0].last_name, "Dubois");
	assert_string_equal(v[0].main[1].role, "COGAP");
	assert_string_equal(v[0].main[1].last_name, "Peeters");
	/* A suspended local manager is not one to ask. */
	set_suspended(P_GL, q, true);
	assert_int_equal(responsibles_of(F->fx.s, &w, a, &all), ACCESS_OK);
	assert_int_equal(all.q[0].nlocal, 0);
	/* The GAP is no member of a quality here: the organisation they manage, with its GAP
	 * (themselves) and co-GAP; a stranger has nobody. */
	w = who(P_GAP);
	assert_int_equal(responsibles_of(F->fx.s, &w, a, &all), ACCESS_OK);
	assert_int_equal(all.nq, 0);
	assert_int_equal(all.norg, 1);
	assert_int_equal(all.org[0].org_id, F->org);
	assert_string_equal(all.org[0].role, "GAP");
	assert_int_equal(all.org[0].nmain, 2);
	assert_string_equal(all.org[0].main[0].last_name, "Dubois");
	assert_true(all.org[0].main[0].self);
	assert_string_equal(all.org[0].main[1].last_name, "Peeters");
	assert_false(all.org[0].main[1].self);
	w = who(P_STRANGER);
	assert_int_equal(responsibles_of(F->fx.s, &w, a, &all), ACCESS_OK);
	assert_int_equal(all.nq, 0);
	assert_int_equal(all.norg, 0);
	arena_free(a);
}

/* Stored texts longer than the arrays the readers used to copy into (an address of 2000
 * bytes where 1201 fitted, an organisation name of 1000 where 801 did, a local e-mail of
 * 300 where 255 did, an application name of 900 where 801 did) are read whole, by the
 * pages' services and the OpenID provider's read model; an arena too small is an error,
 * never an empty or a cut text. */
static void
stored_texts_whole(void **state)
{
	static const char *const medseip[] = { "MEDSEIP" };
	struct actor gap = who(P_GAP), gl = who(P_GL);
	char address[2001], name[1001], local[301], app_name[901], sql[4096];
	struct access_profile p[4];
	struct access_app app;
	struct user_view v;
	struct store_tx *tx;
	struct arena *tiny;
	struct org o;
	int64_t q, acc = 0, person;
	size_t n = 0;

	(void)state;
	memset(address, 'a', sizeof(address) - 1);
	address[sizeof(address) - 1] = '\0';
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memset(local, 'l', sizeof(local) - 1);
	local[sizeof(local) - 1] = '\0';
	memset(app_name, 'p', sizeof(app_name) - 1);
	app_name[sizeof(app_name) - 1] = '\0';
	q = activate_health();
	assert_int_equal(add_user(P_GL, q, NISS_NEW, "nadia.nouveau", "USER", medseip, 1, &acc),
	    ACCESS_OK);
	person = count("SELECT person_id FROM account WHERE username = 'nadia.nouveau'");
	snprintf(sql, sizeof(sql), "UPDATE organisation SET address = '%s', name = '%s' "
	    "WHERE id = %" PRId64, address, name, F->org);
	/* Texts longer than any form takes, which the services refuse: written below them. */
	assert_int_equal(store_fixture_script(&F->fx, sql), 0);
	snprintf(sql, sizeof(sql), "UPDATE account SET local_email = '%s' WHERE id = %" PRId64,
	    local, acc);
	assert_int_equal(store_fixture_script(&F->fx, sql), 0);
	snprintf(sql, sizeof(sql), "UPDATE application SET name_fr = '%s' WHERE code = 'MEDSEIP'",
	    app_name);
	assert_int_equal(store_fixture_script(&F->fx, sql), 0);

	assert_int_equal(hierarchy_org(F->fx.s, &gap, F->org, F->a, &o), ACCESS_OK);
	assert_string_equal(o.address, address);
	assert_string_equal(o.name, name);
	assert_int_equal(account_get(F->fx.s, &gl, F->org, q, acc, F->a, &v), ACCESS_OK);
	assert_string_equal(v.data.local_email, local);
	assert_int_equal(v.napps, 1);
	assert_string_equal(v.apps[0], "MEDSEIP");
	assert_int_equal(store_begin(F->fx.s, STORE_READ, &tx), 0);
	assert_int_equal(access_application_get(tx, F->a, "MEDSEIP", &app), 0);
	assert_string_equal(app.name[0], app_name);
	assert_int_equal(access_profiles_for(tx, F->a, person, "MEDSEIP", p, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].org_name, name);
	/* No room for the address: the reader fails, it does not give less. */
	tiny = arena_new(1024);
	assert_non_null(tiny);
	assert_int_equal(org_get(tx, tiny, F->org, &o), -1);
	assert_int_equal(access_profiles_for(tx, tiny, person, "MEDSEIP", p, 4, &n), -1);
	arena_free(tiny);
	store_rollback(&tx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typed_values),
		cmocka_unit_test_setup_teardown(activation_with_local_manager, setup, teardown),
		cmocka_unit_test_setup_teardown(activation_twice_registers_once, setup, teardown),
		cmocka_unit_test_setup_teardown(activation_self_managed, setup, teardown),
		cmocka_unit_test_setup_teardown(activation_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(activation_with_new_person, setup, teardown),
		cmocka_unit_test_setup_teardown(users_add_update_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(users_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(users_suspend_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(account_times_follow_the_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(names_come_from_register_or_card, setup, teardown),
		cmocka_unit_test_setup_teardown(cogl_and_gl_change, setup, teardown),
		cmocka_unit_test_setup_teardown(policy_refusals_are_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(policy_table_cells, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_and_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(responsibles_of_a_user, setup, teardown),
		cmocka_unit_test_setup_teardown(export_users_csv, setup, teardown),
		cmocka_unit_test_setup_teardown(cogaps_hierarchy_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(cogap_one_rule_set, setup, teardown),
		cmocka_unit_test_setup_teardown(catalogue_additions, setup, teardown),
		cmocka_unit_test_setup_teardown(stored_texts_whole, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
