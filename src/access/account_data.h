/* account_data.h — an account's own data (title, language, e-mails) declared once: the
 * struct every reader and form carries, and the table that reads, checks, stores, shows and
 * exports it. Adding a field: a member, a table entry, the two column macros, a migration. */
#ifndef PORTIER_ACCESS_ACCOUNT_DATA_H
#define PORTIER_ACCESS_ACCOUNT_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "store/store.h"
#include "value/value.h"

/* The account's own data, texts whole ("" when not set). */
struct account_data {
	const char *title;         /* "", "M.", "Mme" */
	const char *language;      /* fr, nl, de, en */
	const char *email;
	const char *local_email;
};

/* The columns of the account table holding it, in table order: selects list them last (so
 * that a new one shifts nothing) with the alias t ("a." or ""), writes bind them from
 * parameter ?4 on (after org or id, person or version, and the user name). */
#define ACCOUNT_DATA_COLS(t) t "title, " t "language, " t "email, " t "local_email"
#define ACCOUNT_DATA_PARAMS "?4, ?5, ?6, ?7"
/* The parameter after the data: the time of the write (clock_time, as text), which the
 * insert stores as created_at and modified_at and an update as modified_at. */
#define ACCOUNT_DATA_AT "?8"

/* One value a choice field offers, with its label's msgid. */
struct account_choice {
	const char *value, *msgid;
};

/* One field: its typed declaration (form name, value type, required, limit, messages;
 * a choice field is checked against its choices instead), where it sits in the struct,
 * and what the pages and the export call it. */
struct account_field {
	struct value_field v;
	size_t offset;                      /* of the member in struct account_data */
	const struct account_choice *choices;   /* a select of nchoices; NULL: a text input */
	size_t nchoices;
	const char *input_type;             /* the input's type ("email", "tel") */
	const char *label;                  /* the form's label msgid */
	const char *show_label;             /* the confirmation page's label msgid ("… :") */
	const char *column;                 /* the export's column msgid */
	const char *help;                   /* a help text msgid under the input, or NULL */
	const char *preset;                 /* the value of a new form ("" when NULL) */
};

extern const struct account_field account_fields[];
extern const size_t account_nfields;

/* The member of d that field i holds. */
const char **account_data_at(struct account_data *d, size_t i);
const char *account_data_get(const struct account_data *d, size_t i);
/* Sets every member to its preset (or ""). */
void account_data_empty(struct account_data *d);
/* The label msgid of a choice field's value, or NULL. */
const char *account_choice_label(const struct account_field *f, const char *value);

/* Reads the columns of ACCOUNT_DATA_COLS from column first of the current row into d:
 * copied into a, or (a NULL) pointing into the row until the next one ("" for NULL).
 * Returns 0, or -1 when a is full. */
int account_data_read(struct store_q *q, int first, struct arena *a, struct account_data *d);
/* Checks d (typed values as given, NULL = absent) against the table; each refusal is
 * reported at its field with the field's message. Returns how many were refused. */
size_t account_data_check(const struct account_data *d, value_report_fn report, void *arg);
/* True when a and b hold the same data. */
bool account_data_same(const struct account_data *a, const struct account_data *b);
#define ACCOUNT_PUBLIC_ID_LEN 32   /* account.public_id: 16 random bytes in hex */
/* Runs the insert or update statement id with ?1 p1, ?2 p2, ?3 username and the data from
 * ?4 (an empty optional text input is stored as NULL), the time after them; the insert
 * (SQL_ACCESS_ACCOUNT_INSERT) also the new account's public id, random from libsodium,
 * last. Returns as store_exec. */
int account_data_write(struct store_tx *tx, int id, int64_t p1, int64_t p2,
    const char *username, const struct account_data *d);

#endif
