/* attrs.c — the attribute set of a chosen profile and the pairwise subjects: the
 * release rules live here once, each protocol only names what it receives. */
#include "fed/attrs.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "fed/jws.h"

void
fed_pairwise_sub(const unsigned char secret[32], const char *sector, int64_t person_id,
    char out[FED_SUB_LEN + 1])
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char id[24];

	snprintf(id, sizeof(id), "%" PRId64, person_id);
	crypto_auth_hmacsha256_init(&st, secret, 32);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)sector, strlen(sector));
	/* The NUL separates sector and id: "ab" + "12" never meets "a" + "b12". */
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)id, strlen(id));
	crypto_auth_hmacsha256_final(&st, mac);
	jws_b64url_encode(mac, sizeof(mac), out, FED_SUB_LEN + 1);
	sodium_memzero(&st, sizeof(st));
}

/* A known text: NULL for none or empty. */
static const char *
known(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

int
fed_attributes(const unsigned char secret[32], int64_t person_id,
    const struct fed_profile_data *d, const struct fed_release *rel, struct fed_attrs *out)
{
	memset(out, 0, sizeof(*out));
	if (rel->sector == NULL)
		return -1;
	fed_pairwise_sub(secret, rel->sector, person_id, out->sub);
	if (rel->names) {
		/* Names and language are released as they are, even empty. */
		out->first_name = d->first_name ? d->first_name : "";
		out->last_name = d->last_name ? d->last_name : "";
		out->language = d->language ? d->language : "";
	}
	if (rel->email)
		out->email = known(d->email);
	/* Checked here, whatever the protocol asked: asking is never enough. */
	if (rel->national_number && rel->allow_national_number)
		out->national_number = known(d->niss);
	out->profile = &d->profile;
	/* Under a mandate the chain is always said: the requester must know who acts. */
	out->via = d->mandate_id != 0 ? &d->via : NULL;
	out->apps = d->apps;
	out->n_apps = d->n_apps;
	return 0;
}
