/* test_registry_query.c — the registry queries (registry.h) on the demo world: demo/kbo,
 * demo/persons.csv and demo/functions.csv loaded through the import services into a
 * temporary database. Enterprise cards, language fallback, code labels in FR/NL/DE,
 * current functions (ended, future, through an enterprise), representation, persons,
 * search by number forms and by name words, paging, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "registry/functions_import.h"
#include "registry/kbo_import.h"
#include "registry/persons_import.h"
#include "registry/registry.h"
#include "store/store.h"
#include "store_fixture.h"

/* Demo numbers (docs/demo-world.md). */
#define ZORGTECH "1099001189"
#define MEDIDISTRI "1099002278"
#define OSTBELGIEN "1099003367"
#define ORTHOMED "1099004456"
#define HOLDING "1099005545"
#define DENTALIA "1099006634"
#define OPTIK "1099007723"
#define ANCIENNE "1099008812"
#define BIOMED "1099018908"
#define SGMM "1099026826"
#define JAN "85073003328"
#define CLAIRE "17073003384"
#define LUKAS "90022800193"
#define PIETER "58090901526"
#define SOPHIE "78431204480"
#define TODAY "2026-11-28"

struct fixture {
	struct store_fixture fx;
	struct store_tx *tx;
	struct arena *a;
};

static struct fixture F;

static int
group_setup(void **state)
{
	struct kbo_import_opts ko = { .quiet = true };
	struct reg_import_result r;
	struct arena *a = arena_new(0);
	char err[1024] = "out of memory";
	int rc = 0;

	(void)state;
	if (a == NULL || store_fixture_open(&F.fx, "regq", 2) != 0) {
		arena_free(a);
		return -1;
	}
	if (kbo_import(F.fx.s, "demo/kbo", &ko, NULL, err, sizeof(err)) != 0 ||
	    persons_import(F.fx.s, a, "demo/persons.csv", NULL, &r, err, sizeof(err)) != 0 ||
	    functions_import(F.fx.s, a, "demo/functions.csv", NULL, &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "demo import: %s\n", err);
		rc = -1;
	}
	arena_free(a);
	return rc;
}

static int
group_teardown(void **state)
{
	(void)state;
	return store_fixture_close(&F.fx);
}

static int
setup(void **state)
{
	(void)state;
	F.a = arena_new(0);
	return F.a != NULL && store_begin(F.fx.s, STORE_READ, &F.tx) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	store_rollback(&F.tx);
	arena_free(F.a);
	return 0;
}

static struct reg_enterprise
card(const char *number, const char *lang)
{
	struct reg_enterprise e;

	assert_int_equal(registry_enterprise(F.tx, F.a, number, lang, &e), 0);
	return e;
}

static const struct reg_activity *
activity(const struct reg_enterprise *e, const char *version, const char *code)
{
	for (size_t i = 0; i < e->nactivities; i++)
		if (strcmp(e->activities[i].nace_version, version) == 0 &&
		    strcmp(e->activities[i].nace_code, code) == 0)
			return &e->activities[i];
	fail_msg("no activity %s %s", version, code);
	return NULL;
}

static void
test_card_fields(void **state)
{
	struct reg_enterprise e = card(ZORGTECH, "fr"), none;
	const struct reg_activity *ac;
	bool tel = false, est_tel = false;

	(void)state;
	assert_string_equal(e.number, ZORGTECH);
	assert_string_equal(e.name, "Zorgtech Distributie");
	assert_string_equal(e.status, "AC");
	assert_true(e.active);
	assert_string_equal(e.status_label, "Actif");
	assert_string_equal(e.juridical_form, "610");
	assert_string_equal(e.juridical_form_label, "Société à responsabilité limitée");
	assert_string_equal(e.juridical_situation, "000");
	assert_string_equal(e.juridical_situation_label, "Situation normale");
	assert_string_equal(e.type_of_enterprise, "2");
	assert_string_equal(e.type_of_enterprise_label, "Personne morale");
	assert_string_equal(e.start_date, "2014-03-17");
	/* Seat: REGO address, municipality in the reader's language. */
	assert_string_equal(e.seat.type, "REGO");
	assert_string_equal(e.seat.type_label, "Siège");
	assert_string_equal(e.seat.street, "Zorgvlietstraat");
	assert_string_equal(e.seat.house_number, "12");
	assert_null(e.seat.box);
	assert_string_equal(e.seat.zipcode, "9000");
	assert_string_equal(e.seat.municipality, "Gand");
	assert_null(e.seat.country);
	/* Names: all denominations, with labels. */
	assert_int_equal(e.ndenominations, 2);
	assert_string_equal(e.denominations[0].type, "001");
	assert_string_equal(e.denominations[0].type_label, "Dénomination");
	assert_string_equal(e.denominations[0].language_label, "néerlandais");
	assert_string_equal(e.denominations[1].value, "ZTD");
	assert_string_equal(e.denominations[1].type_label, "Abréviation");
	/* Establishments with their commercial names and addresses. */
	assert_int_equal(e.establishments_total, 2);
	assert_int_equal(e.nestablishments, 2);
	assert_string_equal(e.establishments[0].number, "2990100125");
	assert_string_equal(e.establishments[0].name, "Zorgtech Magazijn Gent");
	assert_string_equal(e.establishments[0].start_date, "2014-03-17");
	assert_string_equal(e.establishments[0].address.street, "Dokstraat");
	assert_string_equal(e.establishments[0].address.box, "B");
	assert_string_equal(e.establishments[0].address.type, "BAET");
	assert_string_equal(e.establishments[1].address.municipality, "Anvers");
	/* Activities with NACE labels of their version. */
	ac = activity(&e, "2008", "46460");
	assert_string_equal(ac->label, "Commerce de gros de produits pharmaceutiques");
	ac = activity(&e, "2025", "46460");
	assert_string_equal(ac->label, "Commerce de gros de produits pharmaceutiques et médicaux");
	assert_string_equal(ac->classification, "MAIN");
	assert_string_equal(ac->classification_label, "Activité principale");
	assert_string_equal(ac->group_label, "Activités TVA");
	ac = activity(&e, "2003", "51460");
	assert_non_null(ac->label);
	ac = activity(&e, "2008", "46699");
	assert_string_equal(ac->classification, "SECO");
	/* 2025 first. */
	assert_string_equal(e.activities[0].nace_version, "2025");
	/* Contacts of the enterprise and of its establishments. */
	assert_int_equal(e.ncontacts, 4);
	for (size_t i = 0; i < e.ncontacts; i++) {
		if (strcmp(e.contacts[i].value, "09/210.45.67") == 0) {
			tel = strcmp(e.contacts[i].entity, ZORGTECH) == 0 &&
			    strcmp(e.contacts[i].type_label, "Numéro de téléphone") == 0;
		}
		if (strcmp(e.contacts[i].value, "03/555.12.34") == 0)
			est_tel = strcmp(e.contacts[i].entity, "2990100125") == 0;
	}
	assert_true(tel);
	assert_true(est_tel);

	/* A foreign entity: seat abroad, country in the reader's language. */
	e = card("1099010196", "nl");
	assert_string_equal(e.seat.country, "Zweden");
	assert_string_equal(e.seat.municipality, "Stockholm");
	assert_string_equal(e.juridical_form_label, "Buitenlandse entiteit");
	e = card("1099010196", "fr");
	assert_string_equal(e.seat.country, "Suède");

	/* A stopped enterprise. */
	e = card(ANCIENNE, "fr");
	assert_string_equal(e.status, "ST");
	assert_false(e.active);
	assert_null(e.status_label);   /* the open data publishes active enterprises only */
	assert_string_equal(e.juridical_situation_label, "Clôture de liquidation");

	/* Unknown enterprise (valid number). */
	assert_int_equal(registry_enterprise(F.tx, F.a, "0552627113", "fr", &none), 1);
}

static void
test_language_fallback(void **state)
{
	(void)state;
	/* FR and NL names. */
	assert_string_equal(card(MEDIDISTRI, "fr").name, "MediDistri Belgium");
	assert_string_equal(card(MEDIDISTRI, "nl").name, "MediDistri België");
	assert_string_equal(card(MEDIDISTRI, "de").name, "MediDistri Belgium");
	assert_string_equal(card(MEDIDISTRI, "en").name, "MediDistri Belgium");
	/* DE and FR names: NL and EN readers fall back to FR. */
	assert_string_equal(card(OSTBELGIEN, "de").name, "Medizintechnik Ostbelgien");
	assert_string_equal(card(OSTBELGIEN, "fr").name, "Technique Médicale de l'Est");
	assert_string_equal(card(OSTBELGIEN, "nl").name, "Technique Médicale de l'Est");
	/* NL and EN names: EN reads EN, FR falls back to NL. */
	assert_string_equal(card(DENTALIA, "en").name, "Dentalia Supplies Belgium");
	assert_string_equal(card(DENTALIA, "fr").name, "Dentalia Supplies");
	/* Language 0 (unknown): a natural person's name, the same for everyone. */
	assert_string_equal(card("1099013463", "de").name, "Lambert, Marc");
	/* The name, not the abbreviation or a commercial name. */
	assert_string_equal(card(SGMM, "fr").name, "Société Générale de Matériel Médical");
	/* Municipality and street in the reader's language. */
	assert_string_equal(card(MEDIDISTRI, "nl").seat.street, "Gezondheidsstraat");
	assert_string_equal(card(MEDIDISTRI, "nl").seat.municipality, "Brussel");
	assert_string_equal(card(MEDIDISTRI, "de").seat.street, "Rue de la Santé");
}

static void
test_labels(void **state)
{
	struct reg_enterprise e;

	(void)state;
	e = card(ZORGTECH, "nl");
	assert_string_equal(e.juridical_form_label, "Besloten Vennootschap");
	assert_string_equal(e.juridical_situation_label, "Normale toestand");
	assert_string_equal(e.seat.type_label, "Zetel");
	assert_string_equal(activity(&e, "2008", "46460")->label,
	    "Groothandel in farmaceutische producten");
	assert_string_equal(activity(&e, "2025", "46460")->classification_label,
	    "Hoofdactiviteit");
	e = card(ZORGTECH, "de");
	assert_string_equal(e.juridical_form_label, "Gesellschaft mit beschränkter Haftung");
	assert_string_equal(e.juridical_situation_label, "gewöhnlicher Zustand");
	/* No German NACE labels in code.csv: French. */
	assert_string_equal(activity(&e, "2008", "46460")->label,
	    "Commerce de gros de produits pharmaceutiques");
	e = card(ZORGTECH, "en");
	assert_string_equal(e.juridical_form_label, "Société à responsabilité limitée");
	e = card(HOLDING, "de");
	assert_string_equal(e.juridical_form_label, "Aktiengesellschaft");
	e = card("1099022470", "nl");
	assert_string_equal(e.juridical_form_label, "Coöperatieve vennootschap");
}

static int
functions(const char *number, const char *day, struct reg_function **f)
{
	int n = registry_current_functions(F.tx, F.a, number, day, f);

	assert_true(n >= 0);
	return n;
}

static void
test_current_functions(void **state)
{
	struct reg_function *f;
	int n;

	(void)state;
	n = functions(ZORGTECH, TODAY, &f);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].rep_niss, JAN);
	assert_null(f[0].rep_enterprise);
	assert_string_equal(f[0].rep_name, "Jan Peeters");
	assert_string_equal(f[0].code, "ADM");
	assert_string_equal(f[0].label, "Administrateur");
	assert_string_equal(f[0].begin, "2014-03-17");
	assert_null(f[0].end);
	assert_string_equal(f[1].rep_name, "Els Maria Van den Broeck");
	assert_string_equal(f[1].label, "Délégué à la gestion journalière");

	/* Ended on 2025-12-31: current until the day before, not on that day. */
	n = functions(DENTALIA, TODAY, &f);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].rep_name, "Els Maria Van den Broeck");
	n = functions(DENTALIA, "2025-06-01", &f);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].rep_name, "Pieter Janssens");
	assert_string_equal(f[0].end, "2025-12-31");
	assert_int_equal(functions(DENTALIA, "2025-12-30", &f), 1);
	assert_int_equal(functions(DENTALIA, "2025-12-31", &f), 0);
	assert_int_equal(functions(DENTALIA, "2026-01-01", &f), 1);

	/* Beginning on 2099-01-01: not yet, then current. */
	n = functions(OPTIK, TODAY, &f);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].rep_name, "Anna Weber");
	assert_int_equal(functions(OPTIK, "2098-12-31", &f), 1);
	assert_int_equal(functions(OPTIK, "2099-01-01", &f), 2);

	/* Represented by an enterprise: its name and number, no NISS. */
	n = functions(ORTHOMED, TODAY, &f);
	assert_int_equal(n, 1);
	assert_null(f[0].rep_niss);
	assert_string_equal(f[0].rep_enterprise, HOLDING);
	assert_string_equal(f[0].rep_name, "Dubois Participations");

	/* None. */
	assert_int_equal(functions("1099015641", TODAY, &f), 0);
	assert_int_equal(functions("0552627113", TODAY, &f), 0);
}

static void
test_represents(void **state)
{
	(void)state;
	/* Directly. */
	assert_int_equal(registry_represents(F.tx, JAN, ZORGTECH, TODAY), 1);
	assert_int_equal(registry_represents(F.tx, CLAIRE, MEDIDISTRI, TODAY), 1);
	assert_int_equal(registry_represents(F.tx, LUKAS, OSTBELGIEN, TODAY), 1);
	/* Through a representing enterprise the person currently represents. */
	assert_int_equal(registry_represents(F.tx, JAN, BIOMED, TODAY), 1);
	assert_int_equal(registry_represents(F.tx, CLAIRE, ORTHOMED, TODAY), 1);
	assert_int_equal(registry_represents(F.tx, CLAIRE, SGMM, TODAY), 1);
	/* ... but not before that person's own function began. */
	assert_int_equal(registry_represents(F.tx, CLAIRE, ORTHOMED, "1998-01-01"), 0);
	/* Ended, future, unrelated. */
	assert_int_equal(registry_represents(F.tx, PIETER, DENTALIA, TODAY), 0);
	assert_int_equal(registry_represents(F.tx, PIETER, DENTALIA, "2025-06-01"), 1);
	assert_int_equal(registry_represents(F.tx, LUKAS, OPTIK, TODAY), 0);
	assert_int_equal(registry_represents(F.tx, LUKAS, OPTIK, "2099-01-02"), 1);
	assert_int_equal(registry_represents(F.tx, JAN, ORTHOMED, TODAY), 0);
	assert_int_equal(registry_represents(F.tx, JAN, MEDIDISTRI, TODAY), 0);
	assert_int_equal(registry_represents(F.tx, "12345678901", ZORGTECH, TODAY), 0);
	/* Jan's Euro Dental Trade function ended on 2025-12-31. */
	assert_int_equal(registry_represents(F.tx, JAN, "1099030388", TODAY), 0);
}

static void
test_person(void **state)
{
	struct reg_person p;

	(void)state;
	assert_int_equal(registry_person(F.tx, F.a, JAN, &p), 0);
	assert_string_equal(p.niss, JAN);
	assert_string_equal(p.last_name, "Peeters");
	assert_string_equal(p.first_names, "Jan");
	assert_string_equal(p.birth_date, "1985-07-30");
	assert_string_equal(p.sex, "M");
	assert_string_equal(p.language, "nl");
	assert_string_equal(p.country, "BE");
	/* A BIS number, domiciled abroad. */
	assert_int_equal(registry_person(F.tx, F.a, SOPHIE, &p), 0);
	assert_string_equal(p.last_name, "Martin");
	assert_string_equal(p.birth_date, "1978-03-12");
	assert_string_equal(p.country, "FR");
	assert_int_equal(registry_person(F.tx, F.a, "98472899765", &p), 1);
}

/* The numbers found for text, page by page of size max from offset. */
static int
search(const char *text, const char *lang, size_t offset, size_t max, size_t *total,
    struct reg_enterprise *out)
{
	return registry_search(F.tx, F.a, text, lang, offset, max, out, total);
}

static bool
found(const struct reg_enterprise *r, int n, const char *number)
{
	for (int i = 0; i < n; i++)
		if (strcmp(r[i].number, number) == 0)
			return true;
	return false;
}

static void
test_search_number(void **state)
{
	static const char *const forms[] = {
		"1099.001.189", "1099001189", "BE 1099.001.189", "BE1099001189", "be 1099 001 189",
		" 1099-001-189 ", "2.990.100.125", "2990100224",
	};
	struct reg_enterprise r[4];
	size_t total;

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(search(forms[i], "fr", 0, 4, &total, r), 1);
		assert_int_equal(total, 1);
		assert_string_equal(r[0].number, ZORGTECH);
		assert_string_equal(r[0].name, "Zorgtech Distributie");
		assert_string_equal(r[0].seat.municipality, "Gand");
	}
	/* A valid number that is not in the registry; page 2 of a number. */
	assert_int_equal(search("0552.627.113", "fr", 0, 4, &total, r), 0);
	assert_int_equal(total, 0);
	assert_int_equal(search(ZORGTECH, "fr", 4, 4, &total, r), 0);
	assert_int_equal(total, 1);
}

static void
test_search_name(void **state)
{
	struct reg_enterprise r[20];
	size_t total;
	int n;

	(void)state;
	/* Words in any order, any case. */
	n = search("zorgtech distributie", "fr", 0, 20, &total, r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].number, ZORGTECH);
	n = search("DISTRIBUTIE Zorgtech", "fr", 0, 20, &total, r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].number, ZORGTECH);
	/* Accents ignored, both ways. */
	n = search("societe generale materiel medical", "fr", 0, 20, &total, r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].number, SGMM);
	n = search("Matériel Société", "fr", 0, 20, &total, r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].number, SGMM);
	n = search("horgerate", "de", 0, 20, &total, r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].name, "Hörgeräte Eifel");
	n = search("Hörgeräte", "de", 0, 20, &total, r);
	assert_int_equal(n, 1);
	/* The last word is a prefix; the others are whole words. */
	n = search("zorgt", "fr", 0, 20, &total, r);
	assert_int_equal(n, 1);
	n = search("zorgt distributie", "fr", 0, 20, &total, r);
	assert_int_equal(n, 0);
	/* An establishment's name finds its enterprise. */
	n = search("magazijn", "fr", 0, 20, &total, r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].number, ZORGTECH);
	/* Punctuation and operators are only separators. */
	n = search("\"zorgtech\" AND (distributie*) -", "fr", 0, 20, &total, r);
	assert_int_equal(n, 0);   /* "and" is a word here, and no name has it */
	n = search("zorgtech: distributie!", "fr", 0, 20, &total, r);
	assert_int_equal(n, 1);
	n = search("l'est", "fr", 0, 20, &total, r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].number, OSTBELGIEN);
	/* Nothing to search. */
	assert_int_equal(search("  -- ", "fr", 0, 20, &total, r), 0);
	assert_int_equal(total, 0);
	assert_int_equal(search("zzzzqx", "fr", 0, 20, &total, r), 0);
	assert_int_equal(total, 0);
	/* Active enterprises first, by name: the stopped pharmacy comes last although it
	 * sorts first. */
	n = search("pharma", "fr", 0, 20, &total, r);
	assert_int_equal(n, 4);
	assert_int_equal(total, 4);
	assert_string_equal(r[0].name, "Pharmacie du Parc");
	assert_string_equal(r[1].name, "PharmaPlatel");
	assert_string_equal(r[2].name, "Pharmaservice Ardennes");
	assert_string_equal(r[3].number, ANCIENNE);
	assert_true(r[0].active && r[1].active && r[2].active);
	assert_false(r[3].active);
}

static void
test_search_paging(void **state)
{
	struct reg_enterprise r[20], page[4];
	size_t total, t2;
	int n, k;

	(void)state;
	/* "med*": MediDistri (and its establishments), Medizintechnik, Medical Import Export,
	 * Nordic Medical Devices, SGMM (Médical), Medisch Materiaal: six enterprises. */
	n = search("med", "fr", 0, 20, &total, r);
	assert_int_equal(n, 6);
	assert_int_equal(total, 6);
	assert_true(found(r, n, MEDIDISTRI));
	assert_true(found(r, n, OSTBELGIEN));
	assert_true(found(r, n, SGMM));
	assert_true(found(r, n, "1099010196"));
	/* Pages of four: the same six, in the same order, the total on every page. */
	k = search("med", "fr", 0, 4, &t2, page);
	assert_int_equal(k, 4);
	assert_int_equal(t2, 6);
	for (int i = 0; i < 4; i++)
		assert_string_equal(page[i].number, r[i].number);
	k = search("med", "fr", 4, 4, &t2, page);
	assert_int_equal(k, 2);
	assert_int_equal(t2, 6);
	for (int i = 0; i < 2; i++)
		assert_string_equal(page[i].number, r[4 + i].number);
	/* Past the end: nothing, but the total. */
	k = search("med", "fr", 8, 4, &t2, page);
	assert_int_equal(k, 0);
	assert_int_equal(t2, 6);
	/* The capped flag stays off for small results. */
	{
		bool capped = true;

		assert_int_equal(registry_search_capped(F.tx, F.a, "med", "fr", 0, 4, page, &t2,
		    &capped), 4);
		assert_false(capped);
	}
}

static void
test_search_limits(void **state)
{
	struct reg_enterprise r[2];
	char text[REGISTRY_SEARCH_TEXT_MAX * 2 + 8];
	size_t total;

	(void)state;
	memset(text, 'a', REGISTRY_SEARCH_TEXT_MAX);
	text[REGISTRY_SEARCH_TEXT_MAX] = '\0';
	assert_int_equal(search(text, "fr", 0, 2, &total, r), 0);
	text[REGISTRY_SEARCH_TEXT_MAX] = 'a';
	text[REGISTRY_SEARCH_TEXT_MAX + 1] = '\0';
	assert_int_equal(search(text, "fr", 0, 2, &total, r), -1);
	/* 200 characters of two bytes each are accepted: the limit counts characters. */
	for (int i = 0; i < REGISTRY_SEARCH_TEXT_MAX; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[2 * REGISTRY_SEARCH_TEXT_MAX] = '\0';
	assert_int_equal(search(text, "fr", 0, 2, &total, r), 0);
	/* Not UTF-8. */
	assert_int_equal(search("caf\xe9", "fr", 0, 2, &total, r), -1);
	/* Many words: only the first ten count, no failure. */
	assert_int_equal(search("a b c d e f g h i j k l m n o p q r s t u v w x y z", "fr", 0,
	    2, &total, r), 0);
}

static void
test_services(void **state)
{
	struct reg_card c;
	struct reg_enterprise r[2];
	size_t total;
	bool capped;

	(void)state;
	F.a = arena_new(0);
	assert_non_null(F.a);
	assert_int_equal(registry_card(F.fx.s, F.a, ZORGTECH, "nl", TODAY, &c), 0);
	assert_string_equal(c.e.seat.municipality, "Gent");
	assert_int_equal(c.nfunctions, 2);
	assert_int_equal(registry_card(F.fx.s, F.a, "0552627113", "nl", TODAY, &c), 1);
	assert_int_equal(registry_card(F.fx.s, F.a, ORTHOMED, "fr", NULL, &c), 0);
	assert_int_equal(registry_find(F.fx.s, F.a, "orthomed", "fr", 0, 2, r, &total, &capped), 1);
	assert_string_equal(r[0].number, ORTHOMED);
	assert_int_equal(registry_empty(F.fx.s), 0);
	arena_free(F.a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_card_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_language_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current_functions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_represents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_person, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_limits, setup, teardown),
		cmocka_unit_test(test_services),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
