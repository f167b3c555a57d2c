/* account_data.c — the table of an account's own data fields and the one loop of each use:
 * reading a row, checking a form (src/value), storing, comparing. */
#include "access/account_data.h"

#include <sodium.h>
#include <string.h>

#include "access/account.h"
#include "access/sql.h"
#include "base/clock.h"
#include "base/msgid.h"

static const struct account_choice titles[] = {
	{ "M.", N_("M.") }, { "Mme", N_("Mme") }, { "", N_("(aucun)") },
};
static const struct account_choice languages[] = {
	{ "fr", N_("Français") }, { "nl", N_("Néerlandais") }, { "de", N_("Allemand") },
	{ "en", N_("Anglais") },
};

#define CHOICES(c) (c), sizeof(c) / sizeof((c)[0])

const struct account_field account_fields[] = {
	{ .v = { "title", VALUE_TEXT, false, 0, NULL, N_("Choisissez un titre de la liste.") },
	  .offset = offsetof(struct account_data, title), .choices = CHOICES(titles),
	  .label = N_("Titre"), .show_label = N_("Titre :"), .column = N_("Titre") },
	{ .v = { "language", VALUE_TEXT, true, 0, NULL, N_("Choisissez une langue de la liste.") },
	  .offset = offsetof(struct account_data, language), .choices = CHOICES(languages),
	  .label = N_("Choix linguistique"), .show_label = N_("Choix linguistique :"),
	  .column = N_("Choix linguistique"), .preset = "fr" },
	{ .v = { "email", VALUE_EMAIL, true, ACCESS_EMAIL_MAX,
	    N_("L'adresse e-mail utilisateur est obligatoire."),
	    N_("L'adresse e-mail n'est pas valide (exemple : nom@exemple.be).") },
	  .offset = offsetof(struct account_data, email), .input_type = "email",
	  .label = N_("Adresse e-mail utilisateur *"),
	  .show_label = N_("Adresse e-mail utilisateur :"),
	  .column = N_("Adresse e-mail utilisateur") },
	{ .v = { "local_email", VALUE_EMAIL, false, ACCESS_EMAIL_MAX, NULL,
	    N_("L'adresse e-mail locale n'est pas valide (exemple : nom@exemple.be).") },
	  .offset = offsetof(struct account_data, local_email), .input_type = "email",
	  .label = N_("Adresse e-mail locale"), .show_label = N_("Adresse e-mail locale :"),
	  .column = N_("Adresse e-mail locale"),
	  .help = N_("(cette adresse peut être utilisée dans le cadre de vos contacts individuels avec le centre de contact)") },
};
const size_t account_nfields = sizeof(account_fields) / sizeof(account_fields[0]);

const char **
account_data_at(struct account_data *d, size_t i)
{
	/* offset is offsetof a const char * member: the address is aligned for one (through
	 * void * so that clang's -Wcast-align does not take the char * for the target). */
	return (const char **)(void *)((char *)d + account_fields[i].offset);
}

const char *
account_data_get(const struct account_data *d, size_t i)
{
	return *(const char *const *)(const void *)((const char *)d + account_fields[i].offset);
}

void
account_data_empty(struct account_data *d)
{
	for (size_t i = 0; i < account_nfields; i++)
		*account_data_at(d, i) = account_fields[i].preset ? account_fields[i].preset : "";
}

const char *
account_choice_label(const struct account_field *f, const char *value)
{
	for (size_t i = 0; i < f->nchoices && value != NULL; i++)
		if (strcmp(value, f->choices[i].value) == 0)
			return f->choices[i].msgid;
	return NULL;
}

int
account_data_read(struct store_q *q, int first, struct arena *a, struct account_data *d)
{
	for (size_t i = 0; i < account_nfields; i++) {
		const char *t = store_text(q, first + (int)i);

		t = t != NULL ? t : "";
		if (a != NULL && (t = arena_strdup(a, t)) == NULL)
			return -1;
		*account_data_at(d, i) = t;
	}
	return 0;
}

size_t
account_data_check(const struct account_data *d, value_report_fn report, void *arg)
{
	size_t refused = 0;

	for (size_t i = 0; i < account_nfields; i++) {
		const struct account_field *f = &account_fields[i];
		const char *in = account_data_get(d, i), *why;

		/* A choice is one of its values (absent counts as ""); a text, its type. */
		if (f->choices != NULL)
			why = account_choice_label(f, in != NULL ? in : "") ? NULL : f->v.msg_invalid;
		else
			why = value_field_check(&f->v, in, NULL, 0);
		if (why != NULL) {
			report(arg, f->v.name, why);
			refused++;
		}
	}
	return refused;
}

bool
account_data_same(const struct account_data *a, const struct account_data *b)
{
	for (size_t i = 0; i < account_nfields; i++) {
		const char *x = account_data_get(a, i), *y = account_data_get(b, i);

		if (strcmp(x ? x : "", y ? y : "") != 0)
			return false;
	}
	return true;
}

int
account_data_write(struct store_tx *tx, int id, int64_t p1, int64_t p2,
    const char *username, const struct account_data *d)
{
	struct store_val v[3 + sizeof(account_fields) / sizeof(account_fields[0]) + 2] = {
		{ .i = p1, .integer = true }, { .i = p2, .integer = true },
		{ .p = username, .len = strlen(username) },
	};
	char at[CLOCK_TEXT_SIZE], public_id[ACCOUNT_PUBLIC_ID_LEN + 1];
	unsigned char raw[ACCOUNT_PUBLIC_ID_LEN / 2];
	int n = 3 + (int)account_nfields + 1;

	/* ACCOUNT_DATA_AT, after the data: the service's clock, not the database's. */
	if (clock_text(clock_time(), at) != 0)
		return -1;
	v[3 + account_nfields] = (struct store_val){ .p = at, .len = strlen(at) };

	for (size_t i = 0; i < account_nfields; i++) {
		const char *t = account_data_get(d, i);

		t = t != NULL ? t : "";
		/* An optional text left empty is stored as NULL; a choice as chosen. */
		if (t[0] == '\0' && account_fields[i].choices == NULL && !account_fields[i].v.required)
			t = NULL;
		v[3 + i] = (struct store_val){ .p = t, .len = t ? strlen(t) : 0 };
	}
	/* A new account's public id (the SCIM resource id): random from libsodium. */
	if (id == SQL_ACCESS_ACCOUNT_INSERT) {
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(public_id, sizeof(public_id), raw, sizeof(raw));
		v[n++] = (struct store_val){ .p = public_id, .len = ACCOUNT_PUBLIC_ID_LEN };
	}
	return store_exec_vals(tx, id, v, n);
}
