/* ids.h — the SCIM resource id of a user: the account's public id (migrations/038),
 * random, never the national number; read both ways within one organisation. */
#ifndef PORTIER_SCIM_IDS_H
#define PORTIER_SCIM_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "store/store.h"

#define SCIM_ID_LEN 32   /* 16 bytes in hex */

/* The account of public id pid that is a member of quality in org: 0 (*account set),
 * 1 none (or a malformed id), -1 store error. */
int scim_account_of(struct store *s, int64_t org, int64_t quality, const char *pid,
    int64_t *account);
/* The public ids of accounts[0..n) of org into out[] (texts in a; "" for one not found).
 * 0 or -1. */
int scim_public_ids(struct store *s, struct arena *a, int64_t org, const int64_t *accounts,
    size_t n, const char **out);

#endif
