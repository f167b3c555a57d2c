/* passkey.h — passkeys as a service: a person's random user handle, their credentials
 * (enrolled, listed, removed), the pending challenges of the ceremonies (single use,
 * short-lived, bound to a session), and the two passkey doors (passwordless, and second
 * factor after the access codes). Verification itself is auth/webauthn.c. */
#ifndef PORTIER_AUTH_PASSKEY_H
#define PORTIER_AUTH_PASSKEY_H

#include <stddef.h>
#include <stdint.h>

#include "auth/login.h"
#include "auth/webauthn.h"
#include "policy/actor.h"
#include "store/store.h"

struct arena;

#define PASSKEY_HANDLE_BYTES 32
#define PASSKEY_NAME_MAX 64          /* bytes of the name a person gives a key */
#define PASSKEY_TRANSPORTS_MAX 64
#define PASSKEY_CHALLENGE_SECONDS 300
#define PASSKEY_IDS_MAX 32           /* credentials listed in an allow or exclude list */

enum passkey_purpose { PASSKEY_REGISTER, PASSKEY_LOGIN, PASSKEY_SECOND };

enum passkey_result {
	PASSKEY_OK,
	PASSKEY_REFUSED,       /* the answer did not verify (why in *status) */
	PASSKEY_NO_CHALLENGE,  /* none waiting for this session, expired, or already used */
	PASSKEY_DUPLICATE,     /* that credential is registered already */
	PASSKEY_ERROR,
};

/* One of a person's passkeys as "Mon compte" lists it (texts in the arena given). */
struct passkey_item {
	int64_t id;
	const char *name;
	int alg;
	const char *created_at;
	const char *last_used_at;   /* "" when never used */
};

/* The person's user handle (made at the first call: random bytes, never personal data).
 * Returns 0 or -1. */
int passkey_user_handle(struct store *s, int64_t person, unsigned char handle[PASSKEY_HANDLE_BYTES]);
/* A new challenge for purpose, bound to the session whose id is binding, for person (0:
 * nobody yet), replacing the one waiting for the same session and purpose; expired ones
 * are purged. Returns 0 and the challenge, or -1. */
int passkey_challenge_new(struct store *s, const char *binding, enum passkey_purpose purpose,
    int64_t person, unsigned char challenge[WA_CHALLENGE_BYTES]);
/* Calls fn with each credential id of person (at most PASSKEY_IDS_MAX). Returns 0 or -1. */
int passkey_each_id(struct store *s, int64_t person,
    int (*fn)(void *arg, const unsigned char *id, size_t n), void *arg);
/* The person's passkeys, oldest first, in arena a. Returns 0 or -1. */
int passkey_list(struct store *s, struct arena *a, int64_t person, struct passkey_item **out,
    size_t *n);

/* Enrols the credential of a registration answered for the challenge of the session binding
 * (rp: the server's RP id and origins; its challenge is taken from the store). Audited
 * ("passkey.enrol", or "passkey.enrol.failure" with the reason). *status says why a
 * registration was refused. */
enum passkey_result passkey_register(struct store *s, const struct actor *by, const char *binding,
    const struct wa_expect *rp, const unsigned char *client_data, size_t client_data_len,
    const unsigned char *attestation, size_t attestation_len, const char *name,
    const char *transports, enum wa_status *status);
/* Removes person's passkey id. Returns 0, 1 when it is not theirs or not there, -1. */
int passkey_remove(struct store *s, const struct actor *by, int64_t id);

/* What a browser sent back from navigator.credentials.get. */
struct passkey_assertion {
	const unsigned char *cred_id, *client_data, *auth_data, *sig, *user_handle;
	size_t cred_id_len, client_data_len, auth_data_len, sig_len, user_handle_len;
};

/* The first step of the door "access codes + passkey" (door "passkey2"): the access codes
 * (slow: one Argon2id; run on a worker), then a challenge bound to the session binding
 * for that person, who must have a passkey. LOGIN_OK: a->person_id set, challenge filled. */
enum login_result passkey_second_begin(struct store *s, struct login_attempt *a,
    const char *binding, unsigned char challenge[WA_CHALLENGE_BYTES]);
/* The passkey step of a door: second false, the passwordless door ("passkey": any
 * enrolled person); true, the second factor ("passkey2": the credential must be the one
 * of the person whose access codes opened the first step). Throttled by address and
 * audited like the other doors. LOGIN_OK: a->person_id set. */
enum login_result passkey_login(struct store *s, struct login_attempt *a, const char *binding,
    bool second, const struct wa_expect *rp, const struct passkey_assertion *as);

#endif
