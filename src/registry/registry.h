/* registry.h — the queries the platform asks of the authentic sources: the enterprise
 * registry (KBO/BCE Open Data), legal functions and the persons register.
 * Read-only; imports are in kbo_import.h, functions_import.h, persons_import.h. */
#ifndef PORTIER_REGISTRY_H
#define PORTIER_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "store/store.h"

/* Limits of the queries: search text in characters, pages of results, names looked at by
 * a name search (more would cost more than the 50 ms a search may take over the two
 * million enterprises of the register: bench/lookup.sh), rows of each list of a card. */
#define REGISTRY_SEARCH_TEXT_MAX 200
#define REGISTRY_PAGE_MAX 1000
#define REGISTRY_SEARCH_CAP 1000
#define REGISTRY_LIST_MAX 200

struct reg_address {
	const char *type;            /* REGO (seat), BAET (establishment) …; NULL when none */
	const char *type_label;
	const char *street, *house_number, *box, *zipcode, *municipality, *country;
	const char *extra;
};

struct reg_establishment {
	const char *number;          /* 10 digits */
	const char *start_date;      /* ISO */
	const char *name;            /* commercial name in the reader's language, or NULL */
	struct reg_address address;
};

struct reg_activity {
	const char *nace_version, *nace_code, *classification, *group;
	const char *label;           /* NACE label in the reader's language (fr/nl/de; en falls back) */
	const char *classification_label, *group_label;
};

struct reg_contact {
	const char *entity;          /* enterprise or establishment number */
	const char *type;            /* TEL, EMAIL, WEB … */
	const char *value;
	const char *type_label;
};

struct reg_denomination {
	const char *type, *type_label;         /* 001 name, 002 abbreviation, 003 commercial … */
	const char *language, *language_label; /* KBO code: 0 unknown, 1 FR, 2 NL, 3 DE, 4 EN */
	const char *value;
};

struct reg_function {
	const char *enterprise;      /* 10 digits */
	const char *rep_niss;        /* 11 digits, or NULL when the representative is an enterprise */
	const char *rep_enterprise;  /* 10 digits, or NULL */
	const char *rep_name;        /* the person's or the enterprise's name */
	const char *code, *label;    /* function code and label */
	const char *begin, *end;     /* ISO dates; end NULL when open */
};

struct reg_enterprise {
	const char *number;          /* 10 digits */
	const char *status;          /* AC active, ST stopped … */
	bool active;
	const char *name;            /* denomination in the reader's language with fallback */
	const char *juridical_form, *juridical_form_label;
	const char *juridical_situation, *juridical_situation_label;
	const char *type_of_enterprise;  /* 1 natural person, 2 legal person */
	const char *start_date;
	struct reg_address seat;
	struct reg_establishment *establishments;
	size_t nestablishments;
	struct reg_activity *activities;
	size_t nactivities;
	struct reg_contact *contacts;
	size_t ncontacts;
	/* added with the lookup page */
	const char *status_label, *type_of_enterprise_label;
	struct reg_denomination *denominations;   /* all names of the enterprise */
	size_t ndenominations;
	size_t establishments_total;  /* establishments in all; at most REGISTRY_LIST_MAX listed */
};

struct reg_person {
	const char *niss;            /* 11 digits */
	const char *last_name, *first_names, *birth_date, *sex, *language, *country;
};

/* The queries below run inside a transaction the caller holds; lang is fr, nl, de or en.
 * Names: the denomination of type 001 (name) in the reader's language, else of unknown
 * language, else FR, NL, DE, EN; labels: kbo_code in the reader's language, else FR. */

/* Reads enterprise number (10 digits) in lang (fr, nl, de, en) into out, allocating in a.
 * Returns 0, 1 (unknown) or -1. */
int registry_enterprise(struct store_tx *tx, struct arena *a, const char *number,
    const char *lang, struct reg_enterprise *out);
/* The functions of an enterprise current on today (ISO date: begin <= today and no end
 * or end > today), in *out (allocated in a). Returns the count or -1. */
int registry_current_functions(struct store_tx *tx, struct arena *a, const char *number,
    const char *today, struct reg_function **out);
/* Whether the person (NISS) currently represents the enterprise, directly or through a
 * representing enterprise that they currently represent (one level: a person who
 * represents an enterprise that represents an enterprise that represents this one does
 * not count). Returns 1, 0 or -1. */
int registry_represents(struct store_tx *tx, const char *niss, const char *number,
    const char *today);
/* The person of the persons register with that NISS. Returns 0, 1 (unknown) or -1. */
int registry_person(struct store_tx *tx, struct arena *a, const char *niss,
    struct reg_person *out);
/* registry_person for many NISS in one statement (niss_json: a JSON array of texts): fn
 * is called with each person found (texts in a, as registry_person gives them); a
 * non-zero return of fn stops and is returned. Returns 0 or -1. */
int registry_persons(struct store_tx *tx, struct arena *a, const char *niss_json,
    int (*fn)(void *arg, const struct reg_person *p), void *arg);
/* Enterprises matching text: a number in any accepted form, or name words in any order,
 * accents ignored. Fills at most max results from offset; *total receives the count.
 * Returns the number filled or -1. */
int registry_search(struct store_tx *tx, struct arena *a, const char *text, const char *lang,
    size_t offset, size_t max, struct reg_enterprise *out, size_t *total);
/* As registry_search. An enterprise or establishment number (any accepted form) finds
 * that enterprise; other text is name words (the last one as a prefix) matched against
 * every denomination of enterprises and establishments. Active enterprises come first,
 * then by name. Only the first REGISTRY_SEARCH_CAP matching names are looked at: *capped
 * (may be NULL) tells when there were more, *total is then a lower bound. Results carry
 * number, status, name, juridical form and seat only. Text longer than
 * REGISTRY_SEARCH_TEXT_MAX characters or not UTF-8 returns -1. */
int registry_search_capped(struct store_tx *tx, struct arena *a, const char *text,
    const char *lang, size_t offset, size_t max, struct reg_enterprise *out, size_t *total,
    bool *capped);

/* ---- services: each opens its own read transaction on s (the web pages use these) ---- */

/* An enterprise and its current legal functions, as the lookup page shows them. */
struct reg_card {
	struct reg_enterprise e;
	struct reg_function *functions;
	size_t nfunctions;
};

/* Reads the card of enterprise number (10 digits) on today (ISO; NULL = the local date).
 * Returns 0, 1 (unknown) or -1. */
int registry_card(struct store *s, struct arena *a, const char *number, const char *lang,
    const char *today, struct reg_card *out);
/* registry_search_capped in a read transaction of its own. */
int registry_find(struct store *s, struct arena *a, const char *text, const char *lang,
    size_t offset, size_t max, struct reg_enterprise *out, size_t *total, bool *capped);
/* 1 when no enterprise is loaded, 0 when some are, -1 on error. */
int registry_empty(struct store *s);
/* Writes the local date, ISO "yyyy-mm-dd", into out. */
void registry_today(char out[11]);

#endif
