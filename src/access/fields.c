/* fields.c — the field errors of the access domain's forms (access/ and csam/), and forms
 * declared as tables of typed fields (src/value) whose refusals go to those errors. */
#include "access/result.h"

#include <string.h>

void
access_error_add(struct access_errors *err, const char *field, const char *msgid)
{
	if (err == NULL || access_error_of(err, field) != NULL || err->n == ACCESS_MAX_ERRORS)
		return;
	err->e[err->n].field = field;
	err->e[err->n].msgid = msgid;
	err->n++;
}

const char *
access_error_of(const struct access_errors *err, const char *field)
{
	if (err == NULL)
		return NULL;
	for (size_t i = 0; i < err->n; i++)
		if (strcmp(err->e[i].field, field) == 0)
			return err->e[i].msgid;
	return NULL;
}

static void
report(void *arg, const char *field, const char *msgid)
{
	access_error_add(arg, field, msgid);
}

void
access_check_fields(struct access_errors *err, const struct value_field *fields, size_t n,
    const char *const in[])
{
	value_check_fields(fields, n, in, report, err);
}
