/* session_store.h — sessions kept in the store, so that several nodes share them.
 * Keys are hashes of the cookie value; the value itself is never stored. */
#ifndef PORTIER_AUTH_SESSION_STORE_H
#define PORTIER_AUTH_SESSION_STORE_H

#include <stdint.h>

#include "store/store.h"

struct session_rec {
	char csrf[48];
	char lang[4];
	int64_t person_id;
	char auth_method[16];
	int auth_level;
	int64_t auth_time;
	int64_t created_at;
	int64_t seen_at;
	char capacity[24];
};

/* Each returns 0, 1 (load: no such session) or -1 on a store error. */
int session_load(struct store *s, const unsigned char id_hash[32], struct session_rec *out);
int session_create(struct store *s, const unsigned char id_hash[32], const struct session_rec *r);
int session_touch(struct store *s, const unsigned char id_hash[32], int64_t now);
int session_rotate(struct store *s, const unsigned char old_hash[32],
    const unsigned char new_hash[32], const struct session_rec *r);
int session_set_capacity(struct store *s, const unsigned char id_hash[32], const char *capacity);
int session_destroy(struct store *s, const unsigned char id_hash[32]);
/* Deletes sessions idle since before idle_before or created before created_before. */
int session_purge(struct store *s, int64_t idle_before, int64_t created_before);

#endif
