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
};

struct reg_contact {
	const char *entity;          /* enterprise or establishment number */
	const char *type;            /* TEL, EMAIL, WEB … */
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
};

struct reg_person {
	const char *niss;            /* 11 digits */
	const char *last_name, *first_names, *birth_date, *sex, *language, *country;
};

/* Reads enterprise number (10 digits) in lang (fr, nl, de, en) into out, allocating in a.
 * Returns 0, 1 (unknown) or -1. */
int registry_enterprise(struct store_tx *tx, struct arena *a, const char *number,
    const char *lang, struct reg_enterprise *out);
/* The functions of an enterprise current on today (ISO date: begin <= today and no end
 * or end > today), in *out (allocated in a). Returns the count or -1. */
int registry_current_functions(struct store_tx *tx, struct arena *a, const char *number,
    const char *today, struct reg_function **out);
/* Whether the person (NISS) currently represents the enterprise, directly or through a
 * representing enterprise that they currently represent. Returns 1, 0 or -1. */
int registry_represents(struct store_tx *tx, const char *niss, const char *number,
    const char *today);
/* The person of the persons register with that NISS. Returns 0, 1 (unknown) or -1. */
int registry_person(struct store_tx *tx, struct arena *a, const char *niss,
    struct reg_person *out);
/* Enterprises matching text: a number in any accepted form, or name words in any order,
 * accents ignored. Fills at most max results from offset; *total receives the count.
 * Returns the number filled or -1. */
int registry_search(struct store_tx *tx, struct arena *a, const char *text, const char *lang,
    size_t offset, size_t max, struct reg_enterprise *out, size_t *total);

#endif
