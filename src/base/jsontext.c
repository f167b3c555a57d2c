/* jsontext.c — small JSON texts built by jansson into fixed arrays, checked at every step:
 * a value that cannot be packed or does not fit is an error, not a shorter text. */
#include "base/jsontext.h"

#include <jansson.h>
#include <stdarg.h>

int
json_text(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	json_t *j;
	size_t len;

	if (n == 0)
		return -1;
	out[0] = '\0';
	va_start(ap, fmt);
	j = json_vpack_ex(NULL, 0, fmt, ap);
	va_end(ap);
	if (j == NULL)
		return -1;
	len = json_dumpb(j, out, n - 1, JSON_COMPACT);
	json_decref(j);
	if (len == 0 || len >= n) {
		out[0] = '\0';
		return -1;
	}
	out[len] = '\0';
	return 0;
}
