/* test_import.c — the CSV import of users (access/import.c): parsing (';' and ',', BOM,
 * Windows-1252, quoted newlines, defused cells, limits of bytes, rows and cells, malformed
 * quotes) and, on a real store (SQLite, or PostgreSQL under make unit-pg), each row's
 * class and refusal reason, the apply (one transaction, once), the policy's refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/import.h"
#include "access/quality.h"
#include "audit/audit.h"
#include "base/buf.h"
#include "policy/loa.h"
#include "store/store.h"
#include "store_fixture.h"
#include "test_arena.h"

/* ---- parsing ---- */

static void
semicolon_bom_quoted_newline(void **state)
{
	static const char in[] = "\xEF\xBB\xBFNom;Pr\xC3\xA9nom\r\n\"Janssens\r\ndit \"\"Jan\"\"\";'=1+1\r\n\r\n";
	struct import_file f;
	const char *why;

	(void)state;
	assert_int_equal(import_parse(in, sizeof(in) - 1, test_arena(), &f, &why), 0);
	assert_int_equal(f.sep, ';');
	assert_false(f.converted);
	assert_int_equal(f.nrows, 2);            /* the blank line is no row */
	assert_string_equal(f.rows[0][1], "Pr\xC3\xA9nom");
	assert_string_equal(f.rows[1][0], "Janssens\r\ndit \"Jan\"");
	assert_string_equal(f.rows[1][1], "=1+1");   /* the export's defusing undone */
}

static void
comma_windows_1252(void **state)
{
	/* "Müller,Dubois-Léger" in Windows-1252: ü = FC, é = E9; no BOM. */
	static const char in[] = "Nom,Pr\xE9nom\nM\xFCller,Dubois-L\xE9ger\n";
	struct import_file f;
	const char *why;

	(void)state;
	assert_int_equal(import_parse(in, sizeof(in) - 1, test_arena(), &f, &why), 0);
	assert_int_equal(f.sep, ',');
	assert_true(f.converted);
	assert_string_equal(f.rows[1][0], "M\xC3\xBCller");
	assert_string_equal(f.rows[1][1], "Dubois-L\xC3\xA9ger");
}

static void
refusals(void **state)
{
	struct import_file f;
	const char *why;
	struct buf b;
	char *big;

	(void)state;
	/* Bytes: one over the limit. */
	big = malloc(IMPORT_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, 'a', IMPORT_MAX_BYTES + 1);
	assert_int_equal(import_parse(big, IMPORT_MAX_BYTES + 1, test_arena(), &f, &why), 1);
	assert_string_equal(why, "Le fichier est trop volumineux (5 Mio au plus).");
	/* A cell over the limit. */
	memcpy(big, "h\n", 2);
	assert_int_equal(import_parse(big, IMPORT_MAX_CELL + 3, test_arena(), &f, &why), 1);
	assert_string_equal(why, "Une cellule du fichier est trop longue.");
	free(big);
	/* Rows: the header and 20,001 rows; 20,000 pass. */
	buf_init(&b, (size_t)1 << 20);
	assert_int_equal(buf_puts(&b, "h\n"), 0);
	for (int i = 0; i < IMPORT_MAX_ROWS; i++)
		assert_int_equal(buf_puts(&b, "r\n"), 0);
	assert_int_equal(import_parse(b.data, b.len, test_arena(), &f, &why), 0);
	assert_int_equal(f.nrows, IMPORT_MAX_ROWS + 1);
	assert_int_equal(buf_puts(&b, "r\n"), 0);
	assert_int_equal(import_parse(b.data, b.len, test_arena(), &f, &why), 1);
	assert_string_equal(why, "Le fichier compte trop de lignes (20 000 au plus).");
	buf_free(&b);
	/* Malformed quotes, a NUL byte, a header alone. */
	assert_int_equal(import_parse("h\n\"open;x\n", 10, test_arena(), &f, &why), 1);
	assert_string_equal(why, "Le fichier CSV est mal formé (guillemets).");
	assert_int_equal(import_parse("h\nx\0y\n", 6, test_arena(), &f, &why), 1);
	assert_string_equal(why, "Ce fichier n'est pas un fichier CSV.");
	assert_int_equal(import_parse("Nom;Prénom\r\n", 12, test_arena(), &f, &why), 1);
	assert_string_equal(why, "Le fichier ne contient aucun utilisateur.");
}

/* ---- on a store ---- */

enum { P_GAP = 1, P_KNOWN, P_USER, P_MARIE };

#define REG_NISS "81020301162"     /* in the persons register only */
#define NOBODY "81020301954"       /* valid, known to nobody */

struct fixture {
	struct store_fixture fx;
	int64_t org, quality;
};

static struct fixture *F;

static int64_t
count(const char *sql)
{
	return store_fixture_count(&F->fx, sql);
}

static const char *
tr(void *arg, const char *msgid)
{
	(void)arg;
	return msgid;
}

static int
setup(void **state)
{
	struct actor gap = STORE_FIXTURE_WHO(P_GAP, LOA_LOW);
	struct activation_input in = {
		.quality = "health_related", .email = "q@example.be", .mode = "self",
		.gl = { .username = "gap.gl", .data.title = "Mme", .data.language = "fr",
		    .data.email = "gl@example.be" },
	};
	struct access_errors err = { 0 };

	F = calloc(1, sizeof(*F));
	if (F == NULL || store_fixture_open(&F->fx, "import", 2) != 0)
		return -1;
	assert_true(store_fixture_person(F->fx.s, "17073003384", "Dubois", "Claire", "fr",
	    "system") == P_GAP);
	assert_true(store_fixture_person(F->fx.s, "85073003328", "Peeters", "Jan", "nl",
	    "system") == P_KNOWN);
	assert_true(store_fixture_person(F->fx.s, "90022800193", "Schmitz", "Lukas", "de",
	    "system") == P_USER);
	assert_true(store_fixture_person(F->fx.s, "80010100305", "Janssens", "Marie", "fr",
	    "system") == P_MARIE);
	assert_int_equal(store_fixture_script(&F->fx,
	    "INSERT INTO reg_person(niss, last_name, first_names, country, source_line) "
	    "VALUES ('" REG_NISS "', 'M\xC3\xBCller', 'Anna', 'BE', 1);"), 0);
	F->org = store_fixture_org(F->fx.s, "0552627113", "Import SA", P_GAP);
	assert_true(F->org > 0);
	assert_int_equal(quality_activate(F->fx.s, &gap, F->org, &in, &err, &F->quality, NULL),
	    ACCESS_OK);
	*state = F;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	assert_int_equal(store_fixture_end(&F->fx, test_arena()), 0);
	free(F);
	return 0;
}

#define HEAD "Nom;Pr\xC3\xA9nom;Nom d'utilisateur;Type;NISS;Statut;Titre;Choix linguistique;" \
	"Adresse e-mail utilisateur;Adresse e-mail locale;Date cr\xC3\xA9" "ation;" \
	"Date modification;Applications s\xC3\xA9" "curis\xC3\xA9" "es\r\n"
#define ROW(niss, user, type, apps) \
	"X;Y;" user ";" type ";" niss ";Actif;Mme;fr;" user "@example.be;;;;" apps "\r\n"

static const char file_text[] = HEAD
    ROW("85073003328", "jan.p", "USER", "SADM")            /* 2 to add (known person) */
    ROW(REG_NISS, "anna.m", "COGL", "MEDSEIP")             /* 3 to add (register) */
    ROW("85073003329", "bad.niss", "USER", "")             /* 4 NISS check digits */
    ROW("90022800193", "lukas.s", "USER", "NOPE")          /* 5 application */
    ROW(NOBODY, "no.body", "USER", "")                     /* 6 not in the register */
    ROW("85073003328", "jan.again", "USER", "")            /* 7 twice */
    ROW("80010100305", "marie.gl", "GL", "")               /* 8 GL by import */
    "X;Y;too;few\r\n";                                     /* 9 columns */

static void
preview_and_apply(void **state)
{
	static const char *const reasons[] = {
		NULL, NULL, "check", "Une application coch\xC3\xA9" "e n'appartient pas \xC3\xA0 cette qualit\xC3\xA9.",
		"Cette personne est inconnue du registre des personnes.",
		"Cette personne figure d\xC3\xA9j\xC3\xA0 plus haut dans le fichier.",
		"Le gestionnaire local se d\xC3\xA9signe sur la page de la qualit\xC3\xA9, pas par un import.",
		"Nombre de colonnes inattendu : le fichier doit avoir les colonnes de l'export.",
	};
	static const enum import_class want[] = {
		IMPORT_ADD, IMPORT_ADD, IMPORT_REFUSED, IMPORT_REFUSED, IMPORT_REFUSED, IMPORT_REFUSED,
		IMPORT_REFUSED, IMPORT_REFUSED,
	};
	struct actor gap = STORE_FIXTURE_WHO(P_GAP, LOA_LOW);
	struct actor other = STORE_FIXTURE_WHO(P_KNOWN, LOA_LOW);
	char id[IMPORT_ID_LEN + 1];
	struct access_errors err;
	struct import_view v;
	int64_t members, events;
	const char *csv;
	size_t len;

	(void)state;
	enum access_rc rc = import_upload(F->fx.s, &gap, F->org, F->quality, "u.csv", file_text,
	    sizeof(file_text) - 1, id, &err);

	if (rc == ACCESS_INVALID)
		fprintf(stderr, "refused: %s\n", err.e[0].msgid);
	assert_int_equal(rc, ACCESS_OK);
	assert_int_equal(strlen(id), IMPORT_ID_LEN);

	assert_int_equal(import_preview(F->fx.s, &gap, F->org, F->quality, id, test_arena(), &v),
	    ACCESS_OK);
	assert_int_equal(v.nrows, 8);
	for (size_t i = 0; i < v.nrows; i++) {
		assert_int_equal(v.rows[i].line, i + 2);
		if (v.rows[i].cls != want[i])
			fprintf(stderr, "row %zu: %s\n", i + 2, v.rows[i].reason);
		assert_int_equal(v.rows[i].cls, want[i]);
		if (reasons[i] != NULL && strcmp(reasons[i], "check") != 0)
			assert_string_equal(v.rows[i].reason, reasons[i]);
	}
	assert_non_null(strstr(v.rows[2].reason, "contr\xC3\xB4le"));
	assert_string_equal(v.rows[1].last_name, "M\xC3\xBCller");   /* the register's */
	/* Nobody else's: another person, or another quality. */
	assert_int_equal(import_preview(F->fx.s, &other, F->org, F->quality, id, test_arena(),
	    &v), ACCESS_DENIED);
	assert_int_equal(import_preview(F->fx.s, &gap, F->org, F->quality, "0123456789abcdef0123456789abcdef",
	    test_arena(), &v), ACCESS_NOT_FOUND);
	members = count("SELECT count(*) FROM quality_member");
	events = count("SELECT count(*) FROM audit_event");
	assert_int_equal(import_apply(F->fx.s, &gap, F->org, F->quality, id, tr, NULL,
	    test_arena(), &v), ACCESS_OK);
	assert_int_equal(v.counts[IMPORT_ADD], 2);
	assert_int_equal(v.counts[IMPORT_REFUSED], 6);
	assert_int_equal(count("SELECT count(*) FROM quality_member"), members + 2);
	assert_int_equal(count("SELECT count(*) FROM quality_member WHERE type = 'COGL'"), 1);
	/* person.create (the register person), user.add x2, users.import. */
	assert_int_equal(count("SELECT count(*) FROM audit_event"), events + 4);
	/* Once. */
	assert_int_equal(import_apply(F->fx.s, &gap, F->org, F->quality, id, tr, NULL,
	    test_arena(), &v), ACCESS_CONFLICT);
	assert_int_equal(count("SELECT count(*) FROM audit_event"), events + 4);
	assert_int_equal(import_refused_csv(F->fx.s, &gap, F->org, F->quality, id, test_arena(),
	    &csv, &len), ACCESS_OK);
	assert_non_null(strstr(csv, "Motif du refus"));
	assert_non_null(strstr(csv, "bad.niss"));
	assert_null(strstr(csv, "jan.p@"));
}

static void
policy(void **state)
{
	struct actor user = STORE_FIXTURE_WHO(P_USER, LOA_LOW);
	struct actor cogl = STORE_FIXTURE_WHO(0, LOA_LOW);
	char id[IMPORT_ID_LEN + 1];
	struct access_errors err;
	struct import_view v;
	int64_t denied = count("SELECT count(*) FROM audit_event WHERE action = 'access.denied'");
	static const char cogl_file[] = HEAD ROW("90022800193", "lukas.cogl", "COGL", "");

	(void)state;
	/* Lukas (no role in the organisation): refused and audited, nothing kept. */
	assert_int_equal(import_upload(F->fx.s, &user, F->org, F->quality, "u.csv", file_text,
	    sizeof(file_text) - 1, id, &err), ACCESS_DENIED);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'access.denied'"),
	    denied + 1);
	assert_int_equal(count("SELECT count(*) FROM import_batch WHERE person_id = 3"), 0);
	/* The co-manager added by the import above (anna.m): a COGL row is above their own. */
	cogl.person_id = count("SELECT a.person_id FROM account a JOIN quality_member m ON "
	    "m.account_id = a.id WHERE m.type = 'COGL'");
	assert_true(cogl.person_id > 0);
	assert_int_equal(import_upload(F->fx.s, &cogl, F->org, F->quality, "c.csv", cogl_file,
	    sizeof(cogl_file) - 1, id, &err), ACCESS_OK);
	assert_int_equal(import_preview(F->fx.s, &cogl, F->org, F->quality, id, test_arena(), &v),
	    ACCESS_OK);
	assert_int_equal(v.rows[0].cls, IMPORT_REFUSED);
	assert_non_null(strstr(v.rows[0].reason, "au-del\xC3\xA0 de vos propres droits"));
	/* The preview records nothing; the confirmation applies nothing of that row and
	 * records its refusal as the pages do: one access.denied event with the policy's
	 * action and reason and the line. */
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'access.denied'"),
	    denied + 1);
	assert_int_equal(import_apply(F->fx.s, &cogl, F->org, F->quality, id, tr, NULL,
	    test_arena(), &v), ACCESS_OK);
	assert_int_equal(v.counts[IMPORT_REFUSED], 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'access.denied' "
	    "AND details LIKE '%\"action\":\"designate_cogl\"%' AND details LIKE '%\"line\":2%' "
	    "AND details LIKE '%\"reason\":\"no_role\"%'"), 1);
	assert_int_equal(count("SELECT count(*) FROM audit_event WHERE action = 'access.denied'"),
	    denied + 2);
	assert_int_equal(count("SELECT count(*) FROM quality_member WHERE type = 'COGL'"), 1);
}

/* A person twice, far apart: the first row's NISS is remembered past the scratch arenas
 * of the rows between (renewed every 64 rows). */
static void
twice_far_apart(void **state)
{
	struct actor gap = STORE_FIXTURE_WHO(P_GAP, LOA_LOW);
	char id[IMPORT_ID_LEN + 1];
	struct access_errors err;
	struct import_view v;
	struct buf b;

	(void)state;
	buf_init(&b, (size_t)1 << 20);
	assert_int_equal(buf_puts(&b, HEAD), 0);
	for (long i = 0; i <= 200; i++) {
		long base = 700101100 + (i == 200 ? 0 : i);

		assert_int_equal(buf_printf(&b, "X;Y;u%ld;USER;%09ld%02ld;Actif;Mme;fr;u@example.be;;;;\r\n",
		    i, base, 97 - base % 97), 0);
	}
	assert_int_equal(import_upload(F->fx.s, &gap, F->org, F->quality, "t.csv", b.data, b.len,
	    id, &err), ACCESS_OK);
	assert_int_equal(import_preview(F->fx.s, &gap, F->org, F->quality, id, test_arena(), &v),
	    ACCESS_OK);
	assert_int_equal(v.nrows, 201);
	assert_string_equal(v.rows[200].reason,
	    "Cette personne figure d\xC3\xA9j\xC3\xA0 plus haut dans le fichier.");
	assert_string_equal(v.rows[0].reason, "Cette personne est inconnue du registre des personnes.");
	buf_free(&b);
}

/* A file of the members added above (unchanged, changed), n persons to add, a person
 * unknown to all and a user name taken, in b. */
static void
mixed_file(struct buf *b, long n)
{
	buf_reset(b);
	assert_int_equal(buf_puts(b, HEAD ROW("85073003328", "jan.p", "USER", "SADM")
	    ROW(REG_NISS, "anna.m", "COGL", "") ROW(NOBODY, "no.body", "USER", "")
	    ROW("90022800193", "jan.p", "USER", "")), 0);
	for (long i = 0; i < n; i++) {
		long base = 650101100 + i;

		assert_int_equal(buf_printf(b, "X;Y;bulk%ld;USER;%09ld%02ld;Actif;Mme;fr;"
		    "b%ld@example.be;;;;%s\r\n", i, base, 97 - base % 97, i,
		    i % 2 ? "MEDSEIP SADM" : "MEDSEIP"), 0);
	}
}

/* The statements a preview of the mixed file of n rows to add runs (store calls that
 * prepare a statement, counted by the store's fault hook); *v receives the view. */
static long
preview_statements(long n, struct import_view *v)
{
	struct actor gap = STORE_FIXTURE_WHO(P_GAP, LOA_LOW);
	char id[IMPORT_ID_LEN + 1];
	struct access_errors err;
	struct buf b;
	long calls;

	buf_init(&b, (size_t)1 << 20);
	mixed_file(&b, n);
	assert_int_equal(import_upload(F->fx.s, &gap, F->org, F->quality, "m.csv", b.data,
	    b.len, id, &err), ACCESS_OK);
	buf_free(&b);
	store_fault_after(F->fx.s, 0, STORE_FAULT_PREPARE);
	assert_int_equal(import_preview(F->fx.s, &gap, F->org, F->quality, id, test_arena(), v),
	    ACCESS_OK);
	calls = store_fault_calls(F->fx.s);
	store_fault_off(F->fx.s);
	return calls;
}

/* The preview reads what its rows need for the whole file at once: the statements it runs
 * do not grow with the rows (on PostgreSQL each is a round trip); the classes are the
 * per-row checks' all the same. */
static void
bounded_statements(void **state)
{
	struct import_view small, large;
	long few, many;

	(void)state;
	for (long i = 0; i < 120; i++) {
		char niss[24], first[24];   /* room for any long: -O1 checks the format */
		long base = 650101100 + i;

		snprintf(niss, sizeof(niss), "%09ld%02ld", base, 97 - base % 97);
		snprintf(first, sizeof(first), "P%ld", i);
		assert_true(store_fixture_person(F->fx.s, niss, "Bulk", first, "fr", "system") > 0);
	}
	few = preview_statements(3, &small);
	many = preview_statements(120, &large);
	if (few != many)
		fprintf(stderr, "statements: %ld for 7 rows, %ld for 124 rows\n", few, many);
	assert_int_equal(many, few);
	assert_true(few < 30);
	/* The classes: jan.p unchanged, anna.m changed (her application withdrawn), the
	 * unknown person and the user name taken refused, the rest to add. */
	assert_int_equal(large.nrows, 124);
	assert_int_equal(large.rows[0].cls, IMPORT_SAME);
	assert_int_equal(large.rows[1].cls, IMPORT_CHANGE);
	assert_int_equal(large.rows[2].cls, IMPORT_REFUSED);
	assert_int_equal(large.rows[3].cls, IMPORT_REFUSED);
	assert_string_equal(large.rows[3].reason,
	    "Ce nom d'utilisateur est d\xC3\xA9j\xC3\xA0 utilis\xC3\xA9 dans votre organisation. Choisissez-en un autre.");
	assert_int_equal(large.counts[IMPORT_ADD], 120);
	assert_int_equal(small.counts[IMPORT_ADD], 3);
	assert_string_equal(large.rows[4].last_name, "Bulk");
}

/* Two new persons asking for one user name (in two cases): the preview, read before
 * anything is written, finds it free for both; the confirmation, which writes row after
 * row, adds the first and refuses the second, as the pages' reads would (what the bulk
 * read said of that name is forgotten once it is written). */
static void
username_taken_while_applying(void **state)
{
	static const char twice[] = HEAD
	    "X;Y;same.name;USER;65010110078;Actif;Mme;fr;a@example.be;;;;\r\n"
	    "X;Y;Same.Name;USER;65010110177;Actif;Mme;fr;b@example.be;;;;\r\n";
	struct actor gap = STORE_FIXTURE_WHO(P_GAP, LOA_LOW);
	char id[IMPORT_ID_LEN + 1];
	struct access_errors err;
	struct import_view v;

	(void)state;
	/* Persons of bounded_statements (650101100, 650101101), not yet members. */
	assert_int_equal(count("SELECT count(*) FROM person WHERE niss IN ('65010110078', "
	    "'65010110177')"), 2);
	assert_int_equal(import_upload(F->fx.s, &gap, F->org, F->quality, "t.csv", twice,
	    sizeof(twice) - 1, id, &err), ACCESS_OK);
	assert_int_equal(import_preview(F->fx.s, &gap, F->org, F->quality, id, test_arena(), &v),
	    ACCESS_OK);
	assert_int_equal(v.counts[IMPORT_ADD], 2);
	assert_int_equal(import_apply(F->fx.s, &gap, F->org, F->quality, id, tr, NULL,
	    test_arena(), &v), ACCESS_OK);
	assert_int_equal(v.rows[0].cls, IMPORT_ADD);
	assert_int_equal(v.rows[1].cls, IMPORT_REFUSED);
	assert_string_equal(v.rows[1].reason,
	    "Ce nom d'utilisateur est d\xC3\xA9j\xC3\xA0 utilis\xC3\xA9 dans votre organisation. Choisissez-en un autre.");
	assert_int_equal(count("SELECT count(*) FROM account WHERE lower(username) = 'same.name'"),
	    1);
}

int
main(void)
{
	const struct CMUnitTest parse[] = {
		cmocka_unit_test(semicolon_bom_quoted_newline),
		cmocka_unit_test(comma_windows_1252),
		cmocka_unit_test(refusals),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test(preview_and_apply),
		cmocka_unit_test(policy),
		cmocka_unit_test(twice_far_apart),
		cmocka_unit_test(bounded_statements),
		cmocka_unit_test(username_taken_while_applying),
	};
	int rc = cmocka_run_group_tests(parse, NULL, NULL);

	return rc + cmocka_run_group_tests(store, setup, teardown);
}
