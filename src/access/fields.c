/* fields.c — access-management forms declared as tables of typed fields (src/value): each
 * refusal goes to the form's error list at its field, with the page's own message. */
#include "access/account.h"

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
