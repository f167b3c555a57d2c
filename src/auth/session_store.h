/* session_store.h — sessions kept in the store, so that several nodes share them.
 * Keys are hashes of the cookie value; the value itself is never stored. */
#ifndef PORTIER_AUTH_SESSION_STORE_H
#define PORTIER_AUTH_SESSION_STORE_H

#include <stdint.h>

#include "store/store.h"

/* Texts are owned by the arena session_load was given; "" or NULL when absent. csrf is a
 * fixed-format random token (43 base64url characters, web/session.c), hence an array. */
struct session_rec {
	char csrf[48];
	const char *lang;
	int64_t person_id;
	const char *auth_method;
	int auth_level;
	int64_t auth_time;
	int64_t created_at;
	int64_t seen_at;
	const char *capacity;
};

struct arena;

/* Each returns 0, 1 (load: no such session) or -1 on a store error (load: also when a is
 * full or the stored CSRF token is not of its fixed format). */
int session_load(struct store *s, struct arena *a, const unsigned char id_hash[32],
    struct session_rec *out);
int session_create(struct store *s, const unsigned char id_hash[32], const struct session_rec *r);
int session_touch(struct store *s, const unsigned char id_hash[32], int64_t now);
int session_rotate(struct store *s, const unsigned char old_hash[32],
    const unsigned char new_hash[32], const struct session_rec *r);
int session_set_capacity(struct store *s, const unsigned char id_hash[32], const char *capacity);
int session_destroy(struct store *s, const unsigned char id_hash[32]);
/* Deletes sessions idle since before idle_before or created before created_before. */
int session_purge(struct store *s, int64_t idle_before, int64_t created_before);

#endif
