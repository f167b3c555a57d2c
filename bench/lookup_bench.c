/* lookup_bench.c — `make bench-lookup`: how fast the public lookup's name search answers
 * over two million enterprises. Generates (once, then reuses) a database with N
 * enterprises, their names (1.3 per enterprise: names, abbreviations, commercial names,
 * some on establishment units), seats and code labels, with the product's schema
 * (migrations/), then times registry_find() — what the lookup page calls — for typical
 * queries: median and p99 over repeated runs, printed, never asserted.
 * Usage: lookup_bench DB [ENTERPRISES] [RUNS]
 * Names are drawn from a Zipf-like distribution over generated surnames and a list of
 * business words, so common words match many enterprises and rare ones a few, as in the
 * real register. The pseudo-random numbers only shape test data: nothing is a secret. */
#include <sqlite3.h>
#include <stdint.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "registry/registry.h"
#include "cmd/store_modules.h"
#include "store/store.h"

#define SURNAMES 20000

/* Most common first, roughly as in Belgian company names. */
static const char *const business[] = {
	"Services", "Consult", "Management", "Bouw", "Immo", "Invest", "Solutions", "Group",
	"Transport", "Holding", "Construct", "Trading", "Belgium", "International", "Garage",
	"Logistics", "Design", "Media", "Renovatie", "Technics", "Elektro", "Finance", "Energy",
	"Vastgoed", "Patrimoine", "Restaurant", "Café", "Brasserie", "Events", "Catering",
	"Dakwerken", "Schilderwerken", "Tuinen", "Jardins", "Coiffure", "Kapsalon", "Auto",
	"Taxi", "Fitness", "Interieur", "Meubelen", "Wonen", "Software", "Data", "Informatique",
	"Solar", "Accounting", "Boekhouding", "Fiduciaire", "Import", "Export", "Distribution",
	"Distributie", "Textiel", "Mode", "Traiteur", "Bakkerij", "Boulangerie", "Slagerij",
	"Boucherie", "Société", "Générale", "Vlaamse", "Wallonne", "Zorg", "Santé", "Medical",
	"Medisch", "Pharma", "Apotheek", "Pharmacie", "Dental", "Optiek", "Labo",
	"Kinésithérapie", "Dierenarts", "Vétérinaire", "Agri", "Landbouw", "Ferme", "Hoeve",
	"Advocaten", "Notaris", "Architecten",
};
static const char *const first_names[] = {
	"Jan", "Marc", "Luc", "Anne", "Marie", "Els", "Pieter", "Sophie", "Thomas", "Claire",
	"Lukas", "Nathalie", "Koen", "Sarah", "Bart", "Isabelle", "Wim", "Julie", "Tom", "Laura",
	"Dirk", "Sandrine", "Geert", "Céline", "Hans", "Inge", "Philippe", "Ann", "Kris", "Léa",
};
static const char *const syll[] = {
	"pe", "ter", "jan", "sens", "mae", "ly", "de", "wit", "van", "dam", "mer", "tens",
	"du", "bois", "lam", "bert", "cla", "es", "ver", "stra", "ete", "goo", "sen", "wou",
	"ters", "hoe", "ven", "ber", "gen", "mul", "der", "ker", "cke", "bro", "eck", "lau",
	"rent", "fra", "nçois", "mar", "tin", "ri", "chard", "lé", "ger", "dri", "es", "sch",
	"mitz", "wa", "gner", "kra", "mer", "bec", "kers", "ho", "ste", "ens", "aer", "ts",
};

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* A rank in [0, n) with weight about 1 / (rank + c): a few common values, a long tail;
 * c flattens the head (the most common surname is under 1% of people, not 10%). */
static size_t
zipf(uint64_t h, size_t n, double c)
{
	double u = (double)(h >> 11) / (double)(1ULL << 53);
	double v = exp(log(c) + u * (log((double)n + c) - log(c))) - c;
	size_t r = v > 0 ? (size_t)v : 0;

	return r < n ? r : n - 1;
}

static void
surname(size_t k, char *out, size_t len)
{
	uint64_t h = mix(k * 7919 + 17);
	size_t n = 2 + h % 2, used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *s = syll[mix(h + i) % (sizeof(syll) / sizeof(syll[0]))];
		int w = snprintf(out + used, len - used, "%s", s);

		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 32);
}

/* The 10 digits of the number whose first eight are base8 (below 10^8): mod-97 valid. */
static void
number(uint64_t base8, char out[11])
{
	uint64_t v = (base8 % 100000000ULL) * 100 + (97 - base8 % 97);

	for (int i = 9; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[10] = '\0';
}

static int
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "lookup_bench: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: what a query costs whatever else the machine runs. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The business name of enterprise i. */
static void
company_name(uint64_t h, char *out, size_t len)
{
	size_t nb = sizeof(business) / sizeof(business[0]);
	char sur[64];

	surname(zipf(mix(h + 1), SURNAMES, 40.0), sur, sizeof(sur));
	switch (h % 5) {
	case 0:
		snprintf(out, len, "%s %s", business[zipf(mix(h + 2), nb, 4.0)], sur);
		break;
	case 1:
		snprintf(out, len, "%s %s", sur, business[zipf(mix(h + 2), nb, 4.0)]);
		break;
	case 2:
		snprintf(out, len, "%s %s", business[zipf(mix(h + 2), nb, 4.0)],
		    business[zipf(mix(h + 3), nb, 4.0)]);
		break;
	case 3:
		snprintf(out, len, "%s & %s %s", sur, business[zipf(mix(h + 2), nb, 4.0)],
		    business[zipf(mix(h + 3), nb, 4.0)]);
		break;
	default:
		snprintf(out, len, "%s%s", sur, business[zipf(mix(h + 2), nb, 4.0)]);
		break;
	}
}

static int
generate(const char *path, long n)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ent = NULL, *den = NULL, *adr = NULL, *est = NULL;
	double t0 = now();
	long dens = 0, ests = 0;
	int rc = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		goto done;
	if (exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
	    "PRAGMA cache_size=-262144; BEGIN") != 0 ||
	    exec(db, "INSERT INTO kbo_extract(id, extract_number, extract_type, source, "
	    "applied_at) VALUES (1, 1, 'full', 'lookup_bench', '2026-01-01T00:00:00Z')") != 0 ||
	    exec(db, "INSERT INTO kbo_code(category, code, language, description, extract_id, "
	    "source_line) VALUES "
	    "('JuridicalForm','610','FR','Société à responsabilité limitée',1,2),"
	    "('JuridicalForm','610','NL','Besloten Vennootschap',1,3),"
	    "('JuridicalForm','014','FR','Société anonyme',1,4),"
	    "('JuridicalSituation','000','FR','Situation normale',1,5),"
	    "('TypeOfEnterprise','1','FR','Personne physique',1,6),"
	    "('TypeOfEnterprise','2','FR','Personne morale',1,7),"
	    "('Status','AC','FR','Actif',1,8),('TypeOfAddress','REGO','FR','Siège',1,9)") != 0)
		goto done;
	if (sqlite3_prepare_v2(db, "INSERT INTO kbo_enterprise(enterprise_number, status, "
	    "juridical_situation, type_of_enterprise, juridical_form, start_date, extract_id, "
	    "source_line) VALUES (?1, ?2, '000', ?3, ?4, '2010-01-01', 1, ?5)", -1, &ent, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO kbo_denomination(entity_number, language, "
	    "type_of_denomination, denomination, extract_id, source_line) VALUES "
	    "(?1, ?2, ?3, ?4, 1, ?5)", -1, &den, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO kbo_address(entity_number, type_of_address, "
	    "zipcode, municipality_nl, municipality_fr, street_nl, street_fr, house_number, "
	    "extract_id, source_line) VALUES (?1, 'REGO', '1000', 'Brussel', 'Bruxelles', "
	    "'Wetstraat', 'Rue de la Loi', ?2, 1, ?3)", -1, &adr, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO kbo_establishment(establishment_number, "
	    "start_date, enterprise_number, extract_id, source_line) VALUES (?1, '2010-01-01', "
	    "?2, 1, ?3)", -1, &est, NULL) != SQLITE_OK) {
		fprintf(stderr, "lookup_bench: %s (schema changed?)\n", sqlite3_errmsg(db));
		goto done;
	}
	for (long i = 0; i < n; i++) {
		uint64_t h = mix((uint64_t)i + 1);
		char num[11], name[160], house[16];
		bool person = h % 100 < 35;

		number(10000000ULL + (uint64_t)i, num);
		sqlite3_bind_text(ent, 1, num, 10, SQLITE_TRANSIENT);
		sqlite3_bind_text(ent, 2, h % 100 < 96 ? "AC" : "ST", -1, SQLITE_STATIC);
		sqlite3_bind_text(ent, 3, person ? "1" : "2", -1, SQLITE_STATIC);
		if (person)
			sqlite3_bind_null(ent, 4);
		else
			sqlite3_bind_text(ent, 4, h % 7 ? "610" : "014", -1, SQLITE_STATIC);
		sqlite3_bind_int64(ent, 5, i + 2);
		if (sqlite3_step(ent) != SQLITE_DONE)
			goto step;
		sqlite3_reset(ent);

		if (person) {
			char sur[64];

			surname(zipf(mix(h + 1), SURNAMES, 40.0), sur, sizeof(sur));
			snprintf(name, sizeof(name), "%s, %s", sur, first_names[mix(h + 5) %
			    (sizeof(first_names) / sizeof(first_names[0]))]);
		} else {
			company_name(h, name, sizeof(name));
		}
		sqlite3_bind_text(den, 1, num, 10, SQLITE_TRANSIENT);
		sqlite3_bind_text(den, 2, person ? "0" : (h % 3 ? "2" : "1"), -1, SQLITE_STATIC);
		sqlite3_bind_text(den, 3, "001", -1, SQLITE_STATIC);
		sqlite3_bind_text(den, 4, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(den, 5, ++dens);
		if (sqlite3_step(den) != SQLITE_DONE)
			goto step;
		sqlite3_reset(den);
		/* A quarter of the companies have a commercial name or an abbreviation. */
		if (!person && h % 4 == 0) {
			company_name(mix(h + 9), name, sizeof(name));
			sqlite3_bind_text(den, 1, num, 10, SQLITE_TRANSIENT);
			sqlite3_bind_text(den, 3, h % 8 ? "003" : "002", -1, SQLITE_STATIC);
			sqlite3_bind_text(den, 4, name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(den, 5, ++dens);
			if (sqlite3_step(den) != SQLITE_DONE)
				goto step;
			sqlite3_reset(den);
		}
		/* Some have an establishment unit with its own commercial name. */
		if (!person && h % 6 == 1) {
			char en[11];

			number(20000000ULL + (uint64_t)i, en);
			sqlite3_bind_text(est, 1, en, 10, SQLITE_TRANSIENT);
			sqlite3_bind_text(est, 2, num, 10, SQLITE_TRANSIENT);
			sqlite3_bind_int64(est, 3, ++ests);
			if (sqlite3_step(est) != SQLITE_DONE)
				goto step;
			sqlite3_reset(est);
			company_name(mix(h + 13), name, sizeof(name));
			sqlite3_bind_text(den, 1, en, 10, SQLITE_TRANSIENT);
			sqlite3_bind_text(den, 3, "003", -1, SQLITE_STATIC);
			sqlite3_bind_text(den, 4, name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(den, 5, ++dens);
			if (sqlite3_step(den) != SQLITE_DONE)
				goto step;
			sqlite3_reset(den);
		}
		snprintf(house, sizeof(house), "%u", (unsigned)(h % 300) + 1);
		sqlite3_bind_text(adr, 1, num, 10, SQLITE_TRANSIENT);
		sqlite3_bind_text(adr, 2, house, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(adr, 3, i + 2);
		if (sqlite3_step(adr) != SQLITE_DONE)
			goto step;
		sqlite3_reset(adr);
		if (i % 200000 == 199999) {
			fprintf(stderr, "\r  generated %ld enterprises", i + 1);
			fflush(stderr);
		}
	}
	fprintf(stderr, "\r  generated %ld enterprises, %ld names, %ld establishment units "
	    "in %.1f s\n", n, dens, ests, now() - t0);
	t0 = now();
	if (exec(db, "INSERT INTO kbo_denomination_fts(kbo_denomination_fts) "
	    "VALUES ('rebuild')") != 0 || exec(db, "COMMIT") != 0 ||
	    exec(db, "INSERT INTO kbo_denomination_fts(kbo_denomination_fts) "
	    "VALUES ('optimize')") != 0 || exec(db, "ANALYZE") != 0)
		goto done;
	fprintf(stderr, "  name index built in %.1f s\n", now() - t0);
	rc = 0;
	goto done;
step:
	fprintf(stderr, "lookup_bench: insert: %s\n", sqlite3_errmsg(db));
done:
	sqlite3_finalize(ent);
	sqlite3_finalize(den);
	sqlite3_finalize(adr);
	sqlite3_finalize(est);
	sqlite3_close(db);
	return rc;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Times one query: runs, median and p99 in ms of wall-clock time, median of CPU time. */
static int
measure(struct store *s, const char *text, long page, int runs)
{
	struct reg_enterprise res[20];
	double *t = calloc((size_t)runs, sizeof(*t)), *cpu = calloc((size_t)runs, sizeof(*cpu));
	size_t total = 0;
	bool capped = false;
	int n = 0;

	if (t == NULL || cpu == NULL) {
		free(t);
		free(cpu);
		return -1;
	}
	for (int i = -3; i < runs; i++) {
		struct arena *a = arena_new(0);
		double t0 = now(), c0 = cpu_now();

		n = registry_find(s, a, text, "fr", (size_t)(page - 1) * 20, 20, res, &total,
		    &capped);
		if (i >= 0) {
			t[i] = (now() - t0) * 1000.0;
			cpu[i] = (cpu_now() - c0) * 1000.0;
		}
		arena_free(a);
		if (n < 0) {
			fprintf(stderr, "lookup_bench: search '%s' failed\n", text);
			free(t);
			free(cpu);
			return -1;
		}
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp);
	qsort(cpu, (size_t)runs, sizeof(*cpu), cmp);
	printf("  %-22s page %-3ld %s%5zu found  median %6.2f ms  p99 %6.2f ms  (cpu median "
	    "%6.2f ms)\n", text, page, capped ? ">" : " ", total, t[runs / 2],
	    t[(runs * 99) / 100 < runs ? (runs * 99) / 100 : runs - 1], cpu[runs / 2]);
	free(t);
	free(cpu);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *text;
		long page;
	} queries[] = {
		{ "pharma", 1 },              /* a business word, prefix */
		{ "apotheek", 1 },
		{ "peters bouw", 1 },         /* two words */
		{ "bouw peters", 1 },         /* the same, other order */
		{ "societe generale", 1 },    /* accents left out */
		{ "Société Générale", 1 },
		{ "services", 1 },            /* a common word: many matches */
		{ "services", 50 },           /* deep in the pages */
		{ "ph", 1 },                  /* a two-letter prefix: the widest */
		{ "dubois claire", 1 },
		{ "vanmertens", 1 },          /* a rare name */
		{ "1000.004.276", 1 },        /* enterprise number 43, three ways */
		{ "1000004276", 1 },
		{ "BE 1000 004 276", 1 },
		{ "zzzqqq", 1 },              /* nothing */
	};
	const char *path;
	long n = 2000000;
	int runs = 200;
	struct store *s;
	char err[512];
	sqlite3 *db;
	long have = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: lookup_bench DB [ENTERPRISES] [RUNS]\n");
		return 2;
	}
	path = argv[1];
	if (argc > 2)
		n = strtol(argv[2], NULL, 10);
	if (argc > 3)
		runs = (int)strtol(argv[3], NULL, 10);
	if (n < 1000 || runs < 10) {
		fprintf(stderr, "lookup_bench: at least 1000 enterprises and 10 runs\n");
		return 2;
	}
	/* The product's schema. */
	if (store_modules_register() != 0)
		return 1;
	if (store_open(path, 1, &s, err, sizeof(err)) != 0 ||
	    store_migrate(s, "migrations", err, sizeof(err)) < 0) {
		fprintf(stderr, "lookup_bench: %s\n", err);
		return 1;
	}
	store_close(s);
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		sqlite3_stmt *st;

		if (sqlite3_prepare_v2(db, "SELECT count(*) FROM kbo_enterprise", -1, &st,
		    NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			have = (long)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	if (have != n) {
		if (have != 0) {
			fprintf(stderr, "lookup_bench: %s holds %ld enterprises, not %ld: remove it\n",
			    path, have, n);
			return 1;
		}
		fprintf(stderr, "lookup_bench: generating %ld enterprises into %s\n", n, path);
		if (generate(path, n) != 0)
			return 1;
	} else {
		fprintf(stderr, "lookup_bench: reusing %s (%ld enterprises)\n", path, have);
	}
	if (store_open(path, 1, &s, err, sizeof(err)) != 0) {
		fprintf(stderr, "lookup_bench: %s\n", err);
		return 1;
	}
	printf("registry_find over %ld enterprises, 20 results per page, %d runs each (warm "
	    "cache); wall-clock median and p99, and the median CPU time of the query:\n", n, runs);
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (measure(s, queries[i].text, queries[i].page, runs) != 0) {
			store_close(s);
			return 1;
		}
	store_close(s);
	return 0;
}
