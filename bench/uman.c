/* uman.c — benchmark of access management (issue 6) through the service layer: a quality
 * with N users (default 100,000) created with account_create, then a filtered first page
 * (search_users, median of many runs) and the CSV export of all users. Leaves the database
 * for bench/uman.sh, which times the same through HTTP.
 *
 * Usage: uman DB [N] — prints "key value" lines on stdout, progress on stderr. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/account.h"
#include "access/export.h"
#include "access/org.h"
#include "access/quality.h"
#include "access/search.h"
#include "auth/person.h"
#include "base/arena.h"
#include "policy/loa.h"
#include "cmd/store_modules.h"
#include "store/store.h"

static const char *const last_names[] = {
	"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
	"Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent",
	"Leclercq", "Lejeune", "Renard", "Denis", "Hermans", "Michiels", "Dumont", "Vermeulen",
	"Pauwels", "Van Damme", "Aerts", "De Clercq", "Smets", "Mathieu", "Fontaine", "Gérard",
	"Schmitz", "Müller", "Becker", "Cools", "Verstraete", "Thys", "Baert", "Declercq",
};
static const char *const first_names[] = {
	"Jan", "Marie", "Luc", "Sophie", "Pieter", "Anne", "Marc", "Julie", "Thomas", "Emma",
	"Lucas", "Louise", "Noah", "Élise", "Arthur", "Camille", "Jules", "Léa", "Victor", "Nora",
};
static const char *const app_sets[][3] = {
	{ "MEDSEIP", NULL, NULL }, { "SADM", "SANAC", NULL }, { "SAA", NULL, NULL },
	{ "MEDSEIP", "SARA", "SACEX" },
};

static double
clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* CPU time of this thread: what a run costs, whatever else the machine is doing. */
static double
cpu_ms(void)
{
	return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The i-th valid NISS: births 1950-1999, days 1-28, sequences 1-997. */
static void
niss_of(long i, char out[12])
{
	long seq = i % 997 + 1, day = i / 997;
	int d = (int)(day % 28) + 1, m = (int)(day / 28 % 12) + 1, y = (int)(day / 336 % 50) + 50;
	long base = ((long)y * 10000 + m * 100 + d) * 1000 + seq;

	snprintf(out, 12, "%09ld%02ld", base, 97 - base % 97);
}

struct counter {
	size_t bytes;
};

static int
count_bytes(void *arg, const char *data, size_t len)
{
	struct counter *c = arg;

	(void)data;
	c->bytes += len;
	return 0;
}

static const char *
same(void *arg, const char *msgid)
{
	(void)arg;
	return msgid;
}

/* Median wall time of runs first pages with filter f; *cpu the median CPU time. */
static double
time_search(struct store *s, const struct actor *w, int64_t org, int64_t q,
    const struct user_filter *f, int runs, int64_t *total, double *cpu)
{
	double *t = calloc((size_t)runs, sizeof(*t)), *c = calloc((size_t)runs, sizeof(*c)), m;
	struct access_errors err;

	for (int i = 0; i < runs; i++) {
		struct arena *a = arena_new(0);
		struct user_page p;
		double t0 = now_ms(), c0 = cpu_ms();

		if (search_users(s, w, org, q, f, 1, 25, a, &p, &err) != ACCESS_OK) {
			fprintf(stderr, "uman: search failed\n");
			exit(1);
		}
		t[i] = now_ms() - t0;
		c[i] = cpu_ms() - c0;
		*total = p.total;
		arena_free(a);
	}
	m = median(t, (size_t)runs);
	*cpu = median(c, (size_t)runs);
	free(t);
	free(c);
	return m;
}

static void
report(const char *name, struct store *s, const struct actor *w, int64_t org, int64_t q,
    const struct user_filter *f, int runs)
{
	int64_t total = 0;
	double cpu, wall = time_search(s, w, org, q, f, runs, &total, &cpu);

	printf("page_%s_ms %.2f\n", name, wall);
	printf("page_%s_cpu_ms %.2f\n", name, cpu);
	printf("page_%s_found %" PRId64 "\n", name, total);
}

int
main(int argc, char **argv)
{
	struct store *s;
	char err[512];
	long n = argc > 2 ? strtol(argv[2], NULL, 10) : 100000;
	struct person gap = { 0 };
	struct password_cfg pw;
	struct arena *pa;         /* the GAP's texts; lives until the program exits */
	struct store_tx *tx;
	struct actor w = { .level = LOA_LOW, .lang = "fr", .source = "bench" };
	struct access_errors aerr;
	int64_t org, q = 0;
	double t0, cpu0, elapsed;
	int rc;

	if (argc < 2 || n < 10) {
		fprintf(stderr, "usage: uman DB [N]\n");
		return 2;
	}
	if (store_modules_register() != 0)
		return 1;
	if (store_open(argv[1], 4, &s, err, sizeof(err)) != 0 ||
	    store_migrate(s, "migrations", err, sizeof(err)) < 0) {
		fprintf(stderr, "uman: %s\n", err);
		return 1;
	}
	pa = arena_new(0);
	if (pa == NULL) {
		fprintf(stderr, "uman: out of memory\n");
		return 1;
	}
	if (person_get(s, pa, 1, &gap) == 0) {
		/* A database made by an earlier run: measure again without creating. */
		w.person_id = gap.id;
		org = 1;
		q = 1;
		goto measure;
	}
	gap = (struct person){ .niss = "17073003384", .last_name = "Dubois",
	    .first_name = "Claire", .language = "fr" };
	password_cfg_init(&pw, 2, 19456);   /* the server's default costs */
	if (person_create(s, &(struct actor){ .name = "system" }, &gap) != 0 ||
	    person_set_password(s, &pw, &(struct actor){ .person_id = gap.id }, gap.id,
	    "claire.dubois", "Demo-portier-2026", &rc) != PASSWORD_OK) {
		fprintf(stderr, "uman: cannot create the GAP\n");
		return 1;
	}
	{
		struct org_new on = {
			.enterprise = "0552627113", .country = "BE", .name = "Bench Pharma SA",
			.contact_email = "bench@example.be", .contact_phone = "02 511 51 51",
			.procedure = "standard",
		};
		struct actor by = { .person_id = gap.id, .role = "legal_rep" };

		if (store_begin(s, STORE_WRITE, &tx) != 0 || (org = org_create(tx, &on, gap.id,
		    &by)) <= 0 || store_commit(&tx) != 0) {
			fprintf(stderr, "uman: cannot create the organisation\n");
			return 1;
		}
	}
	w.person_id = gap.id;
	{
		struct activation_input in = {
			.quality = "health_related", .email = "qualite@example.be", .mode = "self",
			.gl = { .username = "claire.dubois", .data = { .title = "Mme", .language = "fr",
			    .email = "claire.dubois@example.be" } },
		};

		if (quality_activate(s, &w, org, &in, &aerr, &q, NULL) != ACCESS_OK) {
			fprintf(stderr, "uman: cannot activate the quality\n");
			return 1;
		}
	}
	/* N users through the service layer, one transaction and audit events each. */
	t0 = now_ms();
	cpu0 = cpu_ms();
	for (long i = 0; i < n; i++) {
		char niss[12], username[64], email[80];
		/* Applications drawn independently of the names (a multiplicative hash). */
		const char *const *apps = app_sets[((uint64_t)i * 2654435761u >> 16) % 4];
		size_t napps = apps[2] ? 3 : apps[1] ? 2 : 1;
		const char *last = last_names[(i * 7) % (long)(sizeof(last_names) / sizeof(*last_names))];
		const char *first = first_names[(i * 3) % (long)(sizeof(first_names) /
		    sizeof(*first_names))];
		struct user_input in = {
			.username = username, .last_name = last, .first_name = first,
			.data = { .title = i % 2 ? "M." : "Mme", .language = "fr", .email = email },
			.type = i % 500 == 0 ? "COGL" : "USER", .apps = apps, .napps = napps,
		};

		niss_of(i + 1, niss);
		in.niss = niss;
		snprintf(username, sizeof(username), "user%06ld", i);
		snprintf(email, sizeof(email), "user%06ld@example.be", i);
		if (account_create(s, &w, org, q, &in, &aerr, NULL) != ACCESS_OK) {
			fprintf(stderr, "uman: user %ld refused (%s: %s)\n", i,
			    aerr.n ? aerr.e[0].field : "?", aerr.n ? aerr.e[0].msgid : "?");
			return 1;
		}
		if ((i + 1) % 10000 == 0)
			fprintf(stderr, "uman: %ld users\n", i + 1);
	}
	elapsed = now_ms() - t0;
	printf("users %ld\n", n);
	printf("create_per_s %.0f\n", (double)n / (elapsed / 1e3));
	printf("create_per_cpu_s %.0f\n", (double)n / ((cpu_ms() - cpu0) / 1e3));
measure:
	/* Let SQLite know the sizes (the index choice of a prefix filter). */
	if (store_begin(s, STORE_WRITE, &tx) == 0) {
		store_script(tx, "ANALYZE", err, sizeof(err));
		store_commit(&tx);
	}
	{
		struct user_filter byname = { .last_name = "Dub" };
		struct user_filter none = { 0 };
		struct user_filter byapp = { .application = "SARA" };
		struct user_filter bytype = { .type = "COGL" };
		struct user_filter bystatus = { .status = "suspended" };
		char some_niss[12];
		struct user_filter byniss = { .niss = some_niss };
		struct user_filter byuser = { .username = "user0999" };

		niss_of(n / 2, some_niss);

		report("filtered_last_name", s, &w, org, q, &byname, 101);
		report("unfiltered", s, &w, org, q, &none, 51);
		report("filtered_niss", s, &w, org, q, &byniss, 51);
		report("filtered_username", s, &w, org, q, &byuser, 21);
		report("filtered_type", s, &w, org, q, &bytype, 21);
		report("filtered_application", s, &w, org, q, &byapp, 21);
		report("filtered_status", s, &w, org, q, &bystatus, 21);
	}
	{
		struct user_filter none = { 0 };
		struct counter c = { 0 };
		int64_t rows = 0;
		double times[5], cpus[5];

		for (int i = 0; i < 5; i++) {
			double c0 = cpu_ms();

			c.bytes = 0;
			t0 = now_ms();
			if (export_users(s, &w, org, q, &none, ';', same, NULL, count_bytes, &c, &rows,
			    &aerr) != ACCESS_OK) {
				fprintf(stderr, "uman: export failed\n");
				return 1;
			}
			times[i] = now_ms() - t0;
			cpus[i] = cpu_ms() - c0;
		}
		printf("export_rows %" PRId64 "\n", rows);
		printf("export_bytes %zu\n", c.bytes);
		printf("export_ms %.1f\n", median(times, 5));
		printf("export_cpu_ms %.1f\n", median(cpus, 5));
	}
	printf("org %" PRId64 "\n", org);
	printf("quality %" PRId64 "\n", q);
	store_close(s);
	return 0;
}
