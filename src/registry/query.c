/* query.c — the registry's read side (registry.h): enterprise cards from the KBO tables,
 * current legal functions, representation, persons, and the search by number or name.
 * Everything returned is allocated in the caller's arena; one query open at a time. */
#include "registry/registry.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/log.h"
#include "base/utf8.h"
#include "be/be.h"
#include "registry/query_sql.h"

/* Words of a name search kept; a last word shorter than this is matched whole. */
#define SEARCH_WORDS_MAX 10
#define PREFIX_MIN 3

/* The code-table language ("FR" …) and the KBO denomination language ("1" …) of lang. */
static const char *
code_lang(const char *lang)
{
	if (lang != NULL && strcmp(lang, "nl") == 0)
		return "NL";
	if (lang != NULL && strcmp(lang, "de") == 0)
		return "DE";
	if (lang != NULL && strcmp(lang, "en") == 0)
		return "EN";
	return "FR";
}

static const char *
kbo_lang(const char *lang)
{
	if (lang != NULL && strcmp(lang, "nl") == 0)
		return "2";
	if (lang != NULL && strcmp(lang, "de") == 0)
		return "3";
	if (lang != NULL && strcmp(lang, "en") == 0)
		return "4";
	return "1";
}

static bool
is_nl(const char *lang)
{
	return lang != NULL && strcmp(lang, "nl") == 0;
}

/* Column col as a copy in a; NULL for NULL or empty text. */
static const char *
col(struct arena *a, struct store_q *q, int c)
{
	const char *t = store_text(q, c);

	if (t == NULL || t[0] == '\0')
		return NULL;
	return arena_strdup(a, t);
}

/* The first of two language versions that is set. */
static const char *
pick(const char *first, const char *second)
{
	return first != NULL ? first : second;
}

/* The column of an address (ADDRESS_COLS) name, counted from the address's first: as in
 * SQL_REGQ_SEAT, which starts with them; SQL_REGQ_ESTABLISHMENTS has the same from its
 * TYPE_OF_ADDRESS (both lists are checked against the database, rule 9). */
#define ADDR(name) (REGQ_SEAT_##name - REGQ_SEAT_TYPE_OF_ADDRESS)
_Static_assert(REGQ_ESTABLISHMENTS_EXTRA_ADDRESS_INFO - REGQ_ESTABLISHMENTS_TYPE_OF_ADDRESS ==
    ADDR(EXTRA_ADDRESS_INFO) && REGQ_ESTABLISHMENTS_ZIPCODE -
    REGQ_ESTABLISHMENTS_TYPE_OF_ADDRESS == ADDR(ZIPCODE), "one address layout");

/* Fills an address from the 12 columns of ADDRESS_COLS starting at c. */
static void
address_read(struct arena *a, struct store_q *q, int c, const char *lang,
    struct reg_address *out)
{
	const char *country_nl = col(a, q, c + ADDR(COUNTRY_NL));
	const char *country_fr = col(a, q, c + ADDR(COUNTRY_FR));
	const char *muni_nl = col(a, q, c + ADDR(MUNICIPALITY_NL));
	const char *muni_fr = col(a, q, c + ADDR(MUNICIPALITY_FR));
	const char *street_nl = col(a, q, c + ADDR(STREET_NL));
	const char *street_fr = col(a, q, c + ADDR(STREET_FR));
	bool nl = is_nl(lang);

	out->type = col(a, q, c);
	out->type_label = col(a, q, c + ADDR(TYPE_OF_ADDRESS_LABEL));
	out->country = nl ? pick(country_nl, country_fr) : pick(country_fr, country_nl);
	out->zipcode = col(a, q, c + ADDR(ZIPCODE));
	out->municipality = nl ? pick(muni_nl, muni_fr) : pick(muni_fr, muni_nl);
	out->street = nl ? pick(street_nl, street_fr) : pick(street_fr, street_nl);
	out->house_number = col(a, q, c + ADDR(HOUSE_NUMBER));
	out->box = col(a, q, c + ADDR(BOX));
	out->extra = col(a, q, c + ADDR(EXTRA_ADDRESS_INFO));
}

/* Room for one more element in *arr (n used of *cap), growing in the arena. */
static int
grow(struct arena *a, void **arr, size_t *cap, size_t n, size_t elem)
{
	void *bigger;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	bigger = arena_alloc(a, ncap * elem);
	if (bigger == NULL)
		return -1;
	if (n > 0)
		memcpy(bigger, *arr, n * elem);
	*arr = bigger;
	*cap = ncap;
	return 0;
}

/* Runs a query to its end, calling row() on each row. Returns rows read or -1. */
static int
each(struct store_q *q, int (*row)(void *arg, struct store_q *q), void *arg)
{
	int n = 0, rc;

	while ((rc = store_next(q)) == 1) {
		if (row(arg, q) != 0) {
			store_done(q);
			return -1;
		}
		n++;
	}
	store_done(q);
	return rc == 0 ? n : -1;
}

/* The number, status, labels, name and seat of one enterprise. Returns 0, 1 or -1. */
static int
enterprise_summary(struct store_tx *tx, struct arena *a, const char *number, const char *lang,
    struct reg_enterprise *out)
{
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_query(tx, SQL_REGQ_ENTERPRISE, &q, "ttt", number, code_lang(lang),
	    kbo_lang(lang)) != 0)
		return -1;
	rc = store_next(q);
	if (rc != 1) {
		store_done(q);
		return rc == 0 ? 1 : -1;
	}
	out->number = col(a, q, REGQ_ENTERPRISE_ENTERPRISE_NUMBER);
	out->status = col(a, q, REGQ_ENTERPRISE_STATUS);
	out->active = out->status != NULL && strcmp(out->status, "AC") == 0;
	out->juridical_situation = col(a, q, REGQ_ENTERPRISE_JURIDICAL_SITUATION);
	out->type_of_enterprise = col(a, q, REGQ_ENTERPRISE_TYPE_OF_ENTERPRISE);
	out->juridical_form = col(a, q, REGQ_ENTERPRISE_JURIDICAL_FORM);
	out->start_date = col(a, q, REGQ_ENTERPRISE_START_DATE);
	out->juridical_form_label = col(a, q, REGQ_ENTERPRISE_JURIDICAL_FORM_LABEL);
	out->juridical_situation_label = col(a, q, REGQ_ENTERPRISE_JURIDICAL_SITUATION_LABEL);
	out->type_of_enterprise_label = col(a, q, REGQ_ENTERPRISE_TYPE_OF_ENTERPRISE_LABEL);
	out->status_label = col(a, q, REGQ_ENTERPRISE_STATUS_LABEL);
	out->name = col(a, q, REGQ_ENTERPRISE_NAME);
	store_done(q);
	if (out->number == NULL)
		return -1;

	if (store_query(tx, SQL_REGQ_SEAT, &q, "tt", number, code_lang(lang)) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		address_read(a, q, REGQ_SEAT_TYPE_OF_ADDRESS, lang, &out->seat);
	store_done(q);
	return rc < 0 ? -1 : 0;
}

struct list_ctx {
	struct arena *a;
	const char *lang;
	struct reg_enterprise *e;
	size_t cap;
	struct reg_function *functions;
	size_t nfunctions;
};

static int
denomination_row(void *arg, struct store_q *q)
{
	struct list_ctx *c = arg;
	struct reg_enterprise *e = c->e;
	struct reg_denomination *d;

	if (grow(c->a, (void **)&e->denominations, &c->cap, e->ndenominations,
	    sizeof(*d)) != 0)
		return -1;
	d = &e->denominations[e->ndenominations++];
	d->type = col(c->a, q, REGQ_DENOMINATIONS_TYPE_OF_DENOMINATION);
	d->type_label = col(c->a, q, REGQ_DENOMINATIONS_TYPE_LABEL);
	d->language = col(c->a, q, REGQ_DENOMINATIONS_LANGUAGE);
	d->language_label = col(c->a, q, REGQ_DENOMINATIONS_LANGUAGE_LABEL);
	d->value = col(c->a, q, REGQ_DENOMINATIONS_DENOMINATION);
	return 0;
}

static int
establishment_row(void *arg, struct store_q *q)
{
	struct list_ctx *c = arg;
	struct reg_enterprise *e = c->e;
	struct reg_establishment *es;

	if (grow(c->a, (void **)&e->establishments, &c->cap, e->nestablishments,
	    sizeof(*es)) != 0)
		return -1;
	es = &e->establishments[e->nestablishments++];
	es->number = col(c->a, q, REGQ_ESTABLISHMENTS_ESTABLISHMENT_NUMBER);
	es->start_date = col(c->a, q, REGQ_ESTABLISHMENTS_START_DATE);
	es->name = col(c->a, q, REGQ_ESTABLISHMENTS_NAME);
	address_read(c->a, q, REGQ_ESTABLISHMENTS_TYPE_OF_ADDRESS, c->lang, &es->address);
	return 0;
}

static int
activity_row(void *arg, struct store_q *q)
{
	struct list_ctx *c = arg;
	struct reg_enterprise *e = c->e;
	struct reg_activity *ac;

	if (grow(c->a, (void **)&e->activities, &c->cap, e->nactivities, sizeof(*ac)) != 0)
		return -1;
	ac = &e->activities[e->nactivities++];
	ac->group = col(c->a, q, REGQ_ACTIVITIES_ACTIVITY_GROUP);
	ac->nace_version = col(c->a, q, REGQ_ACTIVITIES_NACE_VERSION);
	ac->nace_code = col(c->a, q, REGQ_ACTIVITIES_NACE_CODE);
	ac->classification = col(c->a, q, REGQ_ACTIVITIES_CLASSIFICATION);
	ac->label = col(c->a, q, REGQ_ACTIVITIES_NACE_LABEL);
	ac->group_label = col(c->a, q, REGQ_ACTIVITIES_ACTIVITY_GROUP_LABEL);
	ac->classification_label = col(c->a, q, REGQ_ACTIVITIES_CLASSIFICATION_LABEL);
	return 0;
}

static int
contact_row(void *arg, struct store_q *q)
{
	struct list_ctx *c = arg;
	struct reg_enterprise *e = c->e;
	struct reg_contact *ct;

	if (grow(c->a, (void **)&e->contacts, &c->cap, e->ncontacts, sizeof(*ct)) != 0)
		return -1;
	ct = &e->contacts[e->ncontacts++];
	ct->entity = col(c->a, q, REGQ_CONTACTS_ENTITY_NUMBER);
	ct->type = col(c->a, q, REGQ_CONTACTS_CONTACT_TYPE);
	ct->value = col(c->a, q, REGQ_CONTACTS_VALUE);
	ct->type_label = col(c->a, q, REGQ_CONTACTS_CONTACT_TYPE_LABEL);
	return 0;
}

int
registry_enterprise(struct store_tx *tx, struct arena *a, const char *number,
    const char *lang, struct reg_enterprise *out)
{
	struct list_ctx c = { .a = a, .lang = lang, .e = out };
	const char *cl = code_lang(lang);
	struct store_q *q;
	int rc;

	rc = enterprise_summary(tx, a, number, lang, out);
	if (rc != 0)
		return rc;

	if (store_query(tx, SQL_REGQ_DENOMINATIONS, &q, "tt", number, cl) != 0 ||
	    each(q, denomination_row, &c) < 0)
		return -1;

	if (store_query(tx, SQL_REGQ_ESTABLISHMENT_COUNT, &q, "t", number) != 0)
		return -1;
	rc = store_next(q);
	out->establishments_total = rc == 1 ?
	    (size_t)store_int(q, REGQ_ESTABLISHMENT_COUNT_N) : 0;
	store_done(q);
	if (rc < 0)
		return -1;
	c.cap = 0;
	if (store_query(tx, SQL_REGQ_ESTABLISHMENTS, &q, "ttti", number, cl, kbo_lang(lang),
	    (int64_t)REGISTRY_LIST_MAX) != 0 || each(q, establishment_row, &c) < 0)
		return -1;

	c.cap = 0;
	if (store_query(tx, SQL_REGQ_ACTIVITIES, &q, "tti", number, cl,
	    (int64_t)REGISTRY_LIST_MAX) != 0 || each(q, activity_row, &c) < 0)
		return -1;

	c.cap = 0;
	if (store_query(tx, SQL_REGQ_CONTACTS, &q, "tti", number, cl,
	    (int64_t)REGISTRY_LIST_MAX) != 0 || each(q, contact_row, &c) < 0)
		return -1;
	return 0;
}

static int
function_row(void *arg, struct store_q *q)
{
	struct list_ctx *c = arg;
	struct reg_function *f;

	if (grow(c->a, (void **)&c->functions, &c->cap, c->nfunctions, sizeof(*f)) != 0)
		return -1;
	f = &c->functions[c->nfunctions++];
	f->enterprise = col(c->a, q, REGQ_FUNCTIONS_ENTERPRISE_NUMBER);
	f->rep_niss = col(c->a, q, REGQ_FUNCTIONS_REP_NISS);
	f->rep_enterprise = col(c->a, q, REGQ_FUNCTIONS_REP_ENTERPRISE);
	f->rep_name = col(c->a, q, REGQ_FUNCTIONS_REP_NAME);
	f->code = col(c->a, q, REGQ_FUNCTIONS_FUNCTION_CODE);
	f->label = col(c->a, q, REGQ_FUNCTIONS_FUNCTION_LABEL);
	f->begin = col(c->a, q, REGQ_FUNCTIONS_BEGIN_DATE);
	f->end = col(c->a, q, REGQ_FUNCTIONS_END_DATE);
	return 0;
}

static int
functions_read(struct store_tx *tx, struct arena *a, const char *number, const char *today,
    const char *lang, struct reg_function **out)
{
	struct list_ctx c = { .a = a, .lang = lang };
	struct store_q *q;

	*out = NULL;
	if (store_query(tx, SQL_REGQ_FUNCTIONS, &q, "ttt", number, today, kbo_lang(lang)) != 0 ||
	    each(q, function_row, &c) < 0)
		return -1;
	*out = c.functions;
	return (int)c.nfunctions;
}

int
registry_current_functions(struct store_tx *tx, struct arena *a, const char *number,
    const char *today, struct reg_function **out)
{
	return functions_read(tx, a, number, today, "fr", out);
}

int
registry_represents(struct store_tx *tx, const char *niss, const char *number,
    const char *today)
{
	struct store_q *q;
	int rc;

	if (store_query(tx, SQL_REGQ_REPRESENTS, &q, "ttt", niss, number, today) != 0)
		return -1;
	rc = store_next(q);
	store_done(q);
	return rc;
}

/* The current row of SQL_REGQ_PERSON(S) into out, texts in a (NULL for none or a full
 * arena: out->niss NULL). */
static void
person_of_row(struct store_q *q, struct arena *a, struct reg_person *out)
{
	out->niss = col(a, q, REGQ_PERSON_NISS);
	out->last_name = col(a, q, REGQ_PERSON_LAST_NAME);
	out->first_names = col(a, q, REGQ_PERSON_FIRST_NAMES);
	out->birth_date = col(a, q, REGQ_PERSON_BIRTH_DATE);
	out->sex = col(a, q, REGQ_PERSON_SEX);
	out->language = col(a, q, REGQ_PERSON_LANGUAGE);
	out->country = col(a, q, REGQ_PERSON_COUNTRY);
}

int
registry_persons(struct store_tx *tx, struct arena *a, const char *niss_json,
    int (*fn)(void *arg, const struct reg_person *p), void *arg)
{
	struct reg_person p;
	struct store_q *q;
	int rc, stop = 0;

	if (store_query(tx, SQL_REGQ_PERSONS, &q, "t", niss_json) != 0)
		return -1;
	while (stop == 0 && (rc = store_next(q)) == 1) {
		memset(&p, 0, sizeof(p));
		person_of_row(q, a, &p);
		stop = p.niss == NULL ? -1 : fn(arg, &p);
	}
	store_done(q);
	return stop != 0 ? stop : rc < 0 ? -1 : 0;
}

int
registry_person(struct store_tx *tx, struct arena *a, const char *niss,
    struct reg_person *out)
{
	struct store_q *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (store_query(tx, SQL_REGQ_PERSON, &q, "t", niss) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1)
		person_of_row(q, a, out);
	store_done(q);
	if (rc == 1 && out->niss == NULL)
		return -1;
	return rc == 1 ? 0 : rc == 0 ? 1 : -1;
}

/* A byte that belongs to a word: ASCII letters and digits, and any byte of a multi-byte
 * UTF-8 character (the FTS5 tokenizer decides about those). */
static bool
word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    c >= 0x80;
}

/* The FTS5 query of name words: each word a quoted string (so no word is read as an
 * operator), all required, the last one as a prefix. NULL when text has no word. */
static char *
fts_query(struct arena *a, const char *text)
{
	size_t n = strlen(text), k = 0, words = 0, last = 0, last_len = 0;
	char *out = arena_alloc(a, n + 4 * SEARCH_WORDS_MAX + 2);
	const char *p = text;

	if (out == NULL)
		return NULL;
	while (*p != '\0' && words < SEARCH_WORDS_MAX) {
		const char *w;

		while (*p != '\0' && !word_byte((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		w = p;
		while (*p != '\0' && word_byte((unsigned char)*p))
			p++;
		if (words > 0)
			out[k++] = ' ';
		out[k++] = '"';
		memcpy(out + k, w, (size_t)(p - w));
		last = k;
		last_len = (size_t)(p - w);
		k += (size_t)(p - w);
		out[k++] = '"';
		words++;
	}
	if (words == 0)
		return NULL;
	if (utf8_len(out + last, last_len) >= PREFIX_MIN)
		out[k++] = '*';
	out[k] = '\0';
	return out;
}

/* Number search: the enterprise of an enterprise or establishment number. Returns 1 when
 * text is such a number (*found tells whether it is known), 0 when it is not, -1. */
static int
number_lookup(struct store_tx *tx, const char *text, char number[11], bool *found)
{
	char est[11];
	struct store_q *q;
	int rc;

	*found = false;
	if (be_enterprise_parse(text, number) == BE_OK) {
		*found = true;   /* checked by the caller's summary read */
		return 1;
	}
	if (be_establishment_parse(text, est) != BE_OK)
		return 0;
	if (store_query(tx, SQL_REGQ_ESTABLISHMENT_OWNER, &q, "t", est) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1 && store_text(q, REGQ_ESTABLISHMENT_OWNER_ENTERPRISE_NUMBER) != NULL &&
	    strlen(store_text(q, REGQ_ESTABLISHMENT_OWNER_ENTERPRISE_NUMBER)) == 10) {
		memcpy(number, store_text(q, REGQ_ESTABLISHMENT_OWNER_ENTERPRISE_NUMBER), 11);
		*found = true;
	}
	store_done(q);
	return rc < 0 ? -1 : 1;
}

/* One enterprise found by a name search: the number, the first matching name in sort
 * order, whether it is active. */
struct hit {
	const char *number;
	const char *name;
	bool active;
};

/* Active first, then by name (ASCII case folded), then by number: a total order, so that
 * pages never overlap. */
static int
hit_cmp(const void *pa, const void *pb)
{
	const struct hit *x = pa, *y = pb;
	int c;

	if (x->active != y->active)
		return x->active ? -1 : 1;
	c = strcasecmp(x->name, y->name);
	if (c != 0)
		return c;
	return strcmp(x->number, y->number);
}

static size_t
hash10(const char *s)
{
	size_t h = 14695981039346656037ULL;

	for (int i = 0; i < 10 && s[i] != '\0'; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* The enterprises of the first REGISTRY_SEARCH_CAP names matching match, each once,
 * sorted. Returns the count or -1; *capped when more names matched. */
static long
name_search(struct store_tx *tx, struct arena *a, const char *match, struct hit **out,
    bool *capped)
{
	size_t slots = 1, n = 0, rows = 0;
	struct hit *hits, **set;
	struct store_q *q;
	int rc;

	while (slots < 2 * REGISTRY_SEARCH_CAP)
		slots *= 2;
	hits = arena_alloc(a, REGISTRY_SEARCH_CAP * sizeof(*hits));
	set = arena_alloc(a, slots * sizeof(*set));
	if (hits == NULL || set == NULL)
		return -1;
	*capped = false;
	if (store_query(tx, SQL_REGQ_SEARCH, &q, "ti", match,
	    (int64_t)REGISTRY_SEARCH_CAP + 1) != 0)
		return -1;
	while ((rc = store_next(q)) == 1) {
		const char *num = store_text(q, REGQ_SEARCH_NUM),
		    *name = store_text(q, REGQ_SEARCH_NAME);
		const char *status = store_text(q, REGQ_SEARCH_STATUS);
		size_t k;

		if (++rows > REGISTRY_SEARCH_CAP) {
			*capped = true;
			break;
		}
		if (num == NULL || status == NULL)
			continue;   /* an establishment or a name whose enterprise is not loaded */
		if (name == NULL)
			name = "";
		for (k = hash10(num) & (slots - 1); set[k] != NULL; k = (k + 1) & (slots - 1))
			if (strcmp(set[k]->number, num) == 0)
				break;
		if (set[k] != NULL) {
			/* Found by several names: it sorts by the first of them. */
			if (strcasecmp(name, set[k]->name) < 0 &&
			    (set[k]->name = arena_strdup(a, name)) == NULL)
				break;
			continue;
		}
		hits[n].number = arena_strdup(a, num);
		hits[n].name = arena_strdup(a, name);
		hits[n].active = strcmp(status, "AC") == 0;
		if (hits[n].number == NULL || hits[n].name == NULL)
			break;
		set[k] = &hits[n++];
	}
	store_done(q);
	if (rc < 0 || (rc == 1 && !*capped))
		return -1;
	qsort(hits, n, sizeof(*hits), hit_cmp);
	*out = hits;
	return (long)n;
}

int
registry_search_capped(struct store_tx *tx, struct arena *a, const char *text,
    const char *lang, size_t offset, size_t max, struct reg_enterprise *out, size_t *total,
    bool *capped)
{
	struct hit *hits = NULL;
	char number[11];
	bool found, more = false;
	size_t len, n;
	char *match;
	long count;
	int rc;

	*total = 0;
	if (capped != NULL)
		*capped = false;
	if (text == NULL)
		return -1;
	len = strlen(text);
	if (!utf8_valid(text, len) || utf8_len(text, len) > REGISTRY_SEARCH_TEXT_MAX)
		return -1;

	rc = number_lookup(tx, text, number, &found);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		struct reg_enterprise e;

		if (!found)
			return 0;
		rc = enterprise_summary(tx, a, number, lang, &e);
		if (rc < 0)
			return -1;
		if (rc == 1)
			return 0;
		*total = 1;
		if (offset > 0 || max == 0)
			return 0;
		out[0] = e;
		return 1;
	}

	match = fts_query(a, text);
	if (match == NULL)
		return 0;
	count = name_search(tx, a, match, &hits, &more);
	if (count < 0)
		return -1;
	*total = (size_t)count;
	if (capped != NULL)
		*capped = more;
	if (offset >= (size_t)count)
		return 0;
	n = (size_t)count - offset < max ? (size_t)count - offset : max;
	for (size_t i = 0; i < n; i++) {
		rc = enterprise_summary(tx, a, hits[offset + i].number, lang, &out[i]);
		if (rc != 0)
			return -1;   /* it was just found: a change under a read transaction is an error */
	}
	return (int)n;
}

int
registry_search(struct store_tx *tx, struct arena *a, const char *text, const char *lang,
    size_t offset, size_t max, struct reg_enterprise *out, size_t *total)
{
	return registry_search_capped(tx, a, text, lang, offset, max, out, total, NULL);
}

/* ---- services ---- */

void
registry_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		memcpy(out, "1970-01-01", 11);
}

int
registry_card(struct store *s, struct arena *a, const char *number, const char *lang,
    const char *today, struct reg_card *out)
{
	struct store_tx *tx;
	char day[11];
	int rc, n;

	memset(out, 0, sizeof(*out));
	if (today == NULL) {
		registry_today(day);
		today = day;
	}
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = registry_enterprise(tx, a, number, lang, &out->e);
	if (rc == 0) {
		n = functions_read(tx, a, number, today, lang, &out->functions);
		if (n < 0)
			rc = -1;
		else
			out->nfunctions = (size_t)n;
	}
	store_rollback(&tx);
	if (rc < 0)
		log_err(NULL, "registry: cannot read an enterprise card");
	return rc;
}

int
registry_find(struct store *s, struct arena *a, const char *text, const char *lang,
    size_t offset, size_t max, struct reg_enterprise *out, size_t *total, bool *capped)
{
	struct store_tx *tx;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	rc = registry_search_capped(tx, a, text, lang, offset, max, out, total, capped);
	store_rollback(&tx);
	return rc;
}

int
registry_empty(struct store *s)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_REGP_ANY_ENTERPRISE, &q, "") != 0) {
		store_rollback(&tx);
		return -1;
	}
	rc = store_next(q);
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}
