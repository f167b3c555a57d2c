/* kbo_gen.c — writes a synthetic KBO Open Data FULL extract (the nine official CSV files)
 * for `make bench-import`, with the real extract's proportions of rows per table.
 * Usage: kbo_gen DIR ENTERPRISES [SEED]
 * Per enterprise, as in the real full extract (per 1.9M enterprises: 1.6M establishments,
 * 2.9M denominations, 2.8M addresses, 0.7M contacts), except activities: 36M in the real
 * data, scaled here to about 13.7 per enterprise so that 200,000 enterprises give about
 * 3.8 million rows in all. Files are sorted by entity number, as the official ones are.
 * The pseudo-random numbers only shape test data: nothing here is a secret. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define FILE_BUF (1 << 20)

/* Mean rows per enterprise, in thousandths. */
#define EST_PER_ENT       842    /* 1.6 / 1.9 */
#define DEN_PER_ENT      1250    /* with DEN_PER_EST: 2.9 / 1.9 per enterprise */
#define DEN_PER_EST       333
#define ADDR_PER_ENT      630    /* with one per establishment: 2.8 / 1.9 */
#define CONTACT_PER_ENTITY 200   /* 0.7 / 1.9 per enterprise, over both kinds */
#define ACT_PER_ENTITY   7440    /* 13.7 per enterprise over 1.842 entities */
#define BRANCH_PER_ENT      4

static const char *const streets[] = {
	"Rue de la Loi", "Wetstraat", "Chaussée de Wavre", "Leuvenstraat", "Kerkstraat",
	"Place Saint-Lambert", "Grote Markt", "Rue des Bouchers", "Avenue Louise",
	"Stationsstraat", "Rue Émile Francqui", "Dorpsstraat", "Hauptstraße", "Rue du Marché",
};
static const char *const towns[][2] = {
	{ "Brussel", "Bruxelles" }, { "Antwerpen", "Anvers" }, { "Gent", "Gand" },
	{ "Luik", "Liège" }, { "Namen", "Namur" }, { "Bergen", "Mons" }, { "Leuven", "Louvain" },
	{ "Eupen", "Eupen" }, { "Brugge", "Bruges" }, { "Charleroi", "Charleroi" },
};
static const char *const words[] = {
	"Pharma", "Medical", "Santé", "Zorg", "Bouw", "Boulangerie", "Consult", "Garage",
	"Apotheek", "Brasserie", "Société", "Générale", "Vlaamse", "Wallonne", "Technics",
	"Services", "Dupont", "Peeters", "Janssens", "Müller", "Lemaître", "Ø", "Çelik",
};
static const char *const forms[] = { "610", "612", "017", "014", "030", "001", "706" };
static const char *const nace[] = {
	"46460", "47730", "86210", "86220", "32501", "21100", "41201", "56101", "62010",
	"69201", "70220", "47110", "10711", "45201", "84130", "90201", "14100",
};
static const char *const denom_types[] = { "001", "002", "003" };
static const char *const act_groups[] = { "001", "003", "006" };
static const char *const nace_versions[] = { "2003", "2008", "2025" };

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

/* A reproducible stream per (entity, file), so each file can be written on its own. */
struct rng {
	uint64_t s;
};

static void
rng_seed(struct rng *r, uint64_t seed, uint64_t entity, uint64_t file)
{
	r->s = mix(seed ^ mix(entity * 1000003ULL + file));
}

static uint32_t
rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(mix(r->s) >> 32);
}

static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return n ? rng_next(r) % n : 0;
}

/* A count with the given mean in thousandths: whole part plus a chance of one more. */
static unsigned
rng_count(struct rng *r, unsigned mean_milli, unsigned spread)
{
	unsigned base = mean_milli / 1000, n;

	if (spread > 0 && base > spread) {
		n = base - spread + rng_below(r, 2 * spread + 1);
	} else {
		n = base;
	}
	if (rng_below(r, 1000) < mean_milli % 1000)
		n++;
	return n;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct gen {
	const char *dir;
	uint64_t seed;
	unsigned nent;
	unsigned nest;
	uint32_t *ent;     /* 8-digit bodies, increasing */
	uint32_t *est;
	unsigned long rows;
};

static void
number(uint32_t body, char digits[11])
{
	snprintf(digits, 11, "%08u%02u", (unsigned)body, (unsigned)(97 - body % 97));
}

static void
ent_text(uint32_t body, char out[13])
{
	char d[11];

	number(body, d);
	snprintf(out, 13, "%.4s.%.3s.%.3s", d, d + 4, d + 7);
}

static void
est_text(uint32_t body, char out[14])
{
	char d[11];

	number(body, d);
	snprintf(out, 14, "%.1s.%.3s.%.3s.%.3s", d, d + 1, d + 4, d + 7);
}

static void
date_text(struct rng *r, char out[11])
{
	unsigned y = 1950 + rng_below(r, 76), m = 1 + rng_below(r, 12), d = 1 + rng_below(r, 28);

	snprintf(out, 11, "%02u-%02u-%04u", d, m, y);
}

static FILE *
open_csv(struct gen *g, const char *name, const char *header)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", g->dir, name);
	f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "kbo_gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, FILE_BUF);
	fprintf(f, "%s\n", header);
	return f;
}

static void
close_csv(FILE *f)
{
	if (ferror(f) || fclose(f) != 0) {
		fprintf(stderr, "kbo_gen: write error\n");
		exit(1);
	}
}

/* Entity i: the enterprises first, then the establishments, in number order. */
static void
entity_text(const struct gen *g, unsigned i, char out[14])
{
	if (i < g->nent)
		ent_text(g->ent[i], out);
	else
		est_text(g->est[i - g->nent], out);
}

static void
gen_meta(struct gen *g)
{
	FILE *f = open_csv(g, "meta.csv", "\"Variable\",\"Value\"");

	fprintf(f, "\"SnapshotDate\",\"01-10-2025\"\n\"ExtractTimestamp\",\"02-10-2025 07:40:18\"\n"
	    "\"ExtractType\",\"full\"\n\"ExtractNumber\",\"140\"\n\"Version\",\"1.0.0\"\n");
	g->rows += 5;
	close_csv(f);
}

static void
gen_code(struct gen *g)
{
	static const char *const langs[] = { "FR", "NL", "DE" };
	FILE *f = open_csv(g, "code.csv", "\"Category\",\"Code\",\"Language\",\"Description\"");

	/* 7,166 codes in three languages: about the 21,500 rows of the real code.csv. */
	for (unsigned i = 0; i < 7166; i++) {
		const char *cat = i < 14 ? "ActivityGroup" : i < 450 ? "JuridicalForm" :
		    i < 570 ? "JuridicalSituation" : i < 3000 ? "Nace2008" : "Nace2025";
		for (unsigned l = 0; l < COUNT(langs); l++) {
			fprintf(f, "\"%s\",\"%03u\",\"%s\",\"Libellé \"\"%u\"\" %s\"\n", cat, i,
			    langs[l], i, langs[l]);
			g->rows++;
		}
	}
	close_csv(f);
}

static void
gen_enterprise(struct gen *g)
{
	FILE *f = open_csv(g, "enterprise.csv", "\"EnterpriseNumber\",\"Status\","
	    "\"JuridicalSituation\",\"TypeOfEnterprise\",\"JuridicalForm\",\"JuridicalFormCAC\","
	    "\"StartDate\"");
	char num[13], date[11];
	struct rng r;

	for (unsigned i = 0; i < g->nent; i++) {
		rng_seed(&r, g->seed, i, 1);
		ent_text(g->ent[i], num);
		date_text(&r, date);
		if (rng_below(&r, 100) < 45)   /* natural persons: no juridical form */
			fprintf(f, "\"%s\",\"AC\",\"000\",\"1\",,,%s\n", num, date);
		else
			fprintf(f, "\"%s\",\"AC\",\"000\",\"2\",\"%s\",,%s\n", num,
			    forms[rng_below(&r, COUNT(forms))], date);
		g->rows++;
	}
	close_csv(f);
}

static void
gen_establishment(struct gen *g)
{
	FILE *f = open_csv(g, "establishment.csv",
	    "\"EstablishmentNumber\",\"StartDate\",\"EnterpriseNumber\"");
	char num[14], ent[13], date[11];
	struct rng r;

	for (unsigned i = 0; i < g->nest; i++) {
		rng_seed(&r, g->seed, i, 2);
		est_text(g->est[i], num);
		ent_text(g->ent[rng_below(&r, g->nent)], ent);
		date_text(&r, date);
		fprintf(f, "\"%s\",%s,\"%s\"\n", num, date, ent);
		g->rows++;
	}
	close_csv(f);
}

static void
gen_denomination(struct gen *g)
{
	FILE *f = open_csv(g, "denomination.csv",
	    "\"EntityNumber\",\"Language\",\"TypeOfDenomination\",\"Denomination\"");
	char num[14];
	struct rng r;

	for (unsigned i = 0; i < g->nent + g->nest; i++) {
		unsigned n;

		rng_seed(&r, g->seed, i, 3);
		/* Every enterprise has a name; establishments sometimes a commercial one. */
		n = i < g->nent ? 1 + rng_count(&r, DEN_PER_ENT - 1000, 0) :
		    rng_count(&r, DEN_PER_EST, 0);
		entity_text(g, i, num);
		for (unsigned k = 0; k < n; k++) {
			fprintf(f, "\"%s\",\"%u\",\"%s\",\"%s %s %s\"\n", num, rng_below(&r, 3),
			    denom_types[k < 1 ? 0 : rng_below(&r, 3)],
			    words[rng_below(&r, COUNT(words))], words[rng_below(&r, COUNT(words))],
			    k == 0 ? "SRL" : "BV");
			g->rows++;
		}
	}
	close_csv(f);
}

static void
gen_address(struct gen *g)
{
	FILE *f = open_csv(g, "address.csv", "\"EntityNumber\",\"TypeOfAddress\",\"CountryNL\","
	    "\"CountryFR\",\"Zipcode\",\"MunicipalityNL\",\"MunicipalityFR\",\"StreetNL\","
	    "\"StreetFR\",\"HouseNumber\",\"Box\",\"ExtraAddressInfo\",\"DateStrikingOff\"");
	char num[14];
	struct rng r;

	for (unsigned i = 0; i < g->nent + g->nest; i++) {
		unsigned n, t;
		const char *street;

		rng_seed(&r, g->seed, i, 4);
		/* Establishments: one address each; enterprises: the rest of the share. */
		n = i < g->nent ? rng_count(&r, ADDR_PER_ENT, 0) : 1;
		entity_text(g, i, num);
		for (unsigned k = 0; k < n; k++) {
			t = rng_below(&r, COUNT(towns));
			street = streets[rng_below(&r, COUNT(streets))];
			fprintf(f, "\"%s\",\"%s\",,,\"%04u\",\"%s\",\"%s\",\"%s\",\"%s\",\"%u\",\"%s\","
			    "\"\",\n", num, i < g->nent ? "REGO" : "BAET", 1000 + rng_below(&r, 9000),
			    towns[t][0], towns[t][1], street, street, 1 + rng_below(&r, 300),
			    rng_below(&r, 4) == 0 ? "b" : "");
			g->rows++;
		}
	}
	close_csv(f);
}

static void
gen_contact(struct gen *g)
{
	static const char *const types[] = { "TEL", "EMAIL", "WEB" };
	FILE *f = open_csv(g, "contact.csv",
	    "\"EntityNumber\",\"EntityContact\",\"ContactType\",\"Value\"");
	char num[14];
	struct rng r;

	for (unsigned i = 0; i < g->nent + g->nest; i++) {
		unsigned n;

		rng_seed(&r, g->seed, i, 5);
		n = rng_count(&r, CONTACT_PER_ENTITY, 0);
		entity_text(g, i, num);
		for (unsigned k = 0; k < n; k++) {
			unsigned t = rng_below(&r, 3);

			if (t == 0)
				fprintf(f, "\"%s\",\"%s\",\"TEL\",\"0%u/%02u.%02u.%02u\"\n", num,
				    i < g->nent ? "ENT" : "EST", 2 + rng_below(&r, 8),
				    rng_below(&r, 100), rng_below(&r, 100), rng_below(&r, 100));
			else
				fprintf(f, "\"%s\",\"%s\",\"%s\",\"%sinfo%u.be\"\n", num,
				    i < g->nent ? "ENT" : "EST", types[t], t == 1 ? "x@" : "www.", i);
			g->rows++;
		}
	}
	close_csv(f);
}

static void
gen_activity(struct gen *g)
{
	FILE *f = open_csv(g, "activity.csv", "\"EntityNumber\",\"ActivityGroup\","
	    "\"NaceVersion\",\"NaceCode\",\"Classification\"");
	char num[14];
	struct rng r;

	for (unsigned i = 0; i < g->nent + g->nest; i++) {
		unsigned n;

		rng_seed(&r, g->seed, i, 6);
		n = rng_count(&r, ACT_PER_ENTITY, 5);
		entity_text(g, i, num);
		for (unsigned k = 0; k < n; k++) {
			fprintf(f, "\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"\n", num,
			    act_groups[rng_below(&r, COUNT(act_groups))],
			    nace_versions[rng_below(&r, COUNT(nace_versions))],
			    nace[rng_below(&r, COUNT(nace))], k == 0 ? "MAIN" : "SECO");
			g->rows++;
		}
	}
	close_csv(f);
}

static void
gen_branch(struct gen *g)
{
	FILE *f = open_csv(g, "branch.csv", "\"Id\",\"StartDate\",\"EnterpriseNumber\"");
	unsigned n = g->nent * BRANCH_PER_ENT / 1000;
	char ent[13], date[11];
	struct rng r;

	for (unsigned i = 0; i < n; i++) {
		rng_seed(&r, g->seed, i, 7);
		ent_text(g->ent[rng_below(&r, g->nent)], ent);
		date_text(&r, date);
		fprintf(f, "\"9.%03u.%03u.%03u\",%s,\"%s\"\n", (6000000 + i * 7) / 1000000 % 1000,
		    (6000000 + i * 7) / 1000 % 1000, (6000000 + i * 7) % 1000, date, ent);
		g->rows++;
	}
	close_csv(f);
}

/* Increasing bodies spread over [lo, hi): the numbers of a register, in order. */
static void
spread(uint32_t *out, unsigned n, uint32_t lo, uint32_t hi, uint64_t seed)
{
	uint32_t step = n ? (hi - lo) / n : 1, v = lo;
	struct rng r;

	rng_seed(&r, seed, n, 99);
	for (unsigned i = 0; i < n; i++) {
		v += 1 + rng_below(&r, step > 1 ? step - 1 : 1);
		out[i] = v;
	}
}

int
main(int argc, char **argv)
{
	struct gen g = { 0 };
	char *end;
	unsigned long n;

	if (argc < 3) {
		fprintf(stderr, "usage: kbo_gen DIR ENTERPRISES [SEED]\n");
		return 2;
	}
	g.dir = argv[1];
	errno = 0;
	n = strtoul(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || n < 10 || n > 5000000) {
		fprintf(stderr, "kbo_gen: ENTERPRISES must be 10..5000000\n");
		return 2;
	}
	g.seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 147;
	g.nent = (unsigned)n;
	g.nest = (unsigned)(n * EST_PER_ENT / 1000);
	if (mkdir(g.dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "kbo_gen: %s: %s\n", g.dir, strerror(errno));
		return 1;
	}
	g.ent = calloc(g.nent, sizeof(*g.ent));
	g.est = calloc(g.nest ? g.nest : 1, sizeof(*g.est));
	if (g.ent == NULL || g.est == NULL)
		return 1;
	spread(g.ent, g.nent, 2000000, 19999999, g.seed);
	spread(g.est, g.nest, 20000000, 89999999, g.seed + 1);
	gen_meta(&g);
	gen_code(&g);
	gen_enterprise(&g);
	gen_establishment(&g);
	gen_denomination(&g);
	gen_address(&g);
	gen_contact(&g);
	gen_activity(&g);
	gen_branch(&g);
	printf("%lu\n", g.rows);
	free(g.ent);
	free(g.est);
	return 0;
}
