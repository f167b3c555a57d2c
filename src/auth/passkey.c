/* passkey.c — passkeys as a service: user handles, credentials, challenges bound to a
 * session and taken by their answer, and the passkey doors; one transaction per
 * operation with its audit event. Verification is webauthn.c's. */
#include "auth/passkey.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/factors.h"
#include "auth/webauthn_sql.h"
#include "base/arena.h"
#include "base/clock.h"

static const char *const purposes[] = { "register", "login", "second" };

/* BLAKE2b-256 of a session id: the store never holds the id itself. */
static void
binding_hash(const char *binding, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)binding, strlen(binding), NULL, 0);
}

/* Inside tx: the person's handle into handle, made when missing. 0 or -1. */
static int
handle_tx(struct store_tx *tx, int64_t person, unsigned char handle[PASSKEY_HANDLE_BYTES])
{
	for (int round = 0; round < 2; round++) {
		struct store_q *q;
		const void *b;
		size_t n = 0;
		int rc;

		if (store_query(tx, SQL_WA_HANDLE_GET, &q, "i", person) != 0)
			return -1;
		rc = store_next(q);
		if (rc == 1) {
			b = store_blob(q, WA_HANDLE_GET_HANDLE, &n);
			if (b != NULL && n == PASSKEY_HANDLE_BYTES)
				memcpy(handle, b, n);
			else
				rc = -1;
		}
		store_done(q);
		if (rc != 0)
			return rc == 1 ? 0 : -1;
		if (round == 1)
			return -1;
		randombytes_buf(handle, PASSKEY_HANDLE_BYTES);
		if (store_exec(tx, SQL_WA_HANDLE_INSERT, "ib", person, handle,
		    (size_t)PASSKEY_HANDLE_BYTES) < 0)
			return -1;
	}
	return -1;
}

int
passkey_user_handle(struct store *s, int64_t person, unsigned char handle[PASSKEY_HANDLE_BYTES])
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (handle_tx(tx, person, handle) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

/* Inside tx: a new challenge for (binding, purpose), expired ones purged. */
static int
challenge_put(struct store_tx *tx, const char *binding, enum passkey_purpose purpose,
    int64_t person, unsigned char challenge[WA_CHALLENGE_BYTES])
{
	unsigned char bh[32];
	int64_t now = clock_time();

	binding_hash(binding, bh);
	randombytes_buf(challenge, WA_CHALLENGE_BYTES);
	if (store_exec(tx, SQL_WA_CHALLENGE_PURGE, "i", now) < 0 ||
	    store_exec(tx, SQL_WA_CHALLENGE_PUT, "btbIi", bh, sizeof(bh), purposes[purpose],
	    challenge, (size_t)WA_CHALLENGE_BYTES, person, now + PASSKEY_CHALLENGE_SECONDS) != 1)
		return -1;
	return 0;
}

int
passkey_challenge_new(struct store *s, const char *binding, enum passkey_purpose purpose,
    int64_t person, unsigned char challenge[WA_CHALLENGE_BYTES])
{
	struct store_tx *tx;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	if (challenge_put(tx, binding, purpose, person, challenge) != 0) {
		store_rollback(&tx);
		return -1;
	}
	return store_commit(&tx);
}

/* Inside tx: takes (deletes) the challenge of (binding, purpose). 0 with the challenge
 * and its person when one was waiting and is alive, 1 when none (or expired), -1. */
static int
challenge_take(struct store_tx *tx, const char *binding, enum passkey_purpose purpose,
    unsigned char challenge[WA_CHALLENGE_BYTES], int64_t *person)
{
	unsigned char bh[32];
	struct store_q *q;
	const void *b;
	size_t n = 0;
	int rc;

	binding_hash(binding, bh);
	if (store_query(tx, SQL_WA_CHALLENGE_TAKE, &q, "bt", bh, sizeof(bh),
	    purposes[purpose]) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		b = store_blob(q, WA_CHALLENGE_TAKE_CHALLENGE, &n);
		*person = store_null(q, WA_CHALLENGE_TAKE_PERSON_ID) ? 0 :
		    store_int(q, WA_CHALLENGE_TAKE_PERSON_ID);
		if (b == NULL || n != WA_CHALLENGE_BYTES ||
		    store_int(q, WA_CHALLENGE_TAKE_EXPIRES_AT) < clock_time())
			rc = 2;
		else
			memcpy(challenge, b, n);
	}
	/* The statement deletes as it gives its row: read it to its end. */
	if (rc > 0 && store_next(q) < 0)
		rc = -1;
	store_done(q);
	if (rc < 0)
		return -1;
	return rc == 1 ? 0 : 1;
}

int
passkey_each_id(struct store *s, int64_t person,
    int (*fn)(void *arg, const unsigned char *id, size_t n), void *arg)
{
	struct store_tx *tx;
	struct store_q *q;
	int rc;

	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_WA_CRED_IDS, &q, "i", person) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while ((rc = store_next(q)) == 1) {
		size_t n = 0;
		const void *b = store_blob(q, WA_CRED_IDS_CREDENTIAL_ID, &n);

		if (b == NULL || fn(arg, b, n) != 0) {
			rc = -1;
			break;
		}
	}
	store_done(q);
	store_rollback(&tx);
	return rc < 0 ? -1 : 0;
}

int
passkey_list(struct store *s, struct arena *a, int64_t person, struct passkey_item **out,
    size_t *n)
{
	struct passkey_item *items = NULL;
	struct store_tx *tx;
	struct store_q *q;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (store_begin(s, STORE_READ, &tx) != 0)
		return -1;
	if (store_query(tx, SQL_WA_CRED_LIST, &q, "i", person) != 0) {
		store_rollback(&tx);
		return -1;
	}
	while ((rc = store_next(q)) == 1) {
		struct passkey_item *it;
		const char *used;

		if (*n == cap) {
			size_t c = cap ? cap * 2 : 8;
			struct passkey_item *grown = arena_alloc(a, c * sizeof(*grown));

			if (grown == NULL) {
				rc = -1;
				break;
			}
			if (*n > 0)
				memcpy(grown, items, *n * sizeof(*grown));
			items = grown;
			cap = c;
		}
		it = &items[(*n)++];
		used = store_text(q, WA_CRED_LIST_LAST_USED_AT);
		it->id = store_int(q, WA_CRED_LIST_ID);
		it->alg = (int)store_int(q, WA_CRED_LIST_ALG);
		it->name = arena_strdup(a, store_text(q, WA_CRED_LIST_NAME) ?
		    store_text(q, WA_CRED_LIST_NAME) : "");
		it->created_at = arena_strdup(a, store_text(q, WA_CRED_LIST_CREATED_AT) ?
		    store_text(q, WA_CRED_LIST_CREATED_AT) : "");
		it->last_used_at = arena_strdup(a, used ? used : "");
		if (it->name == NULL || it->created_at == NULL || it->last_used_at == NULL) {
			rc = -1;
			break;
		}
	}
	store_done(q);
	store_rollback(&tx);
	if (rc < 0)
		return -1;
	*out = items;
	return 0;
}

/* Audits a refused enrolment with reason and commits; result res, or PASSKEY_ERROR. */
static enum passkey_result
enrol_refused(struct store_tx **tx, const struct actor *by, const char *reason,
    enum passkey_result res)
{
	if (factors_audit(*tx, by, "passkey.enrol.failure", reason) != 0) {
		store_rollback(tx);
		return PASSKEY_ERROR;
	}
	return store_commit(tx) == 0 ? res : PASSKEY_ERROR;
}

enum passkey_result
passkey_register(struct store *s, const struct actor *by, const char *binding,
    const struct wa_expect *rp, const unsigned char *client_data, size_t client_data_len,
    const unsigned char *attestation, size_t attestation_len, const char *name,
    const char *transports, enum wa_status *status)
{
	unsigned char challenge[WA_CHALLENGE_BYTES], handle[PASSKEY_HANDLE_BYTES];
	struct wa_credential *cred = NULL;
	struct wa_expect e = *rp;
	struct store_tx *tx;
	char now[CLOCK_TEXT_SIZE];
	int64_t owner = 0;
	enum passkey_result res = PASSKEY_ERROR;
	int rc;

	*status = WA_ERROR;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return PASSKEY_ERROR;
	rc = challenge_take(tx, binding, PASSKEY_REGISTER, challenge, &owner);
	if (rc < 0)
		goto fail;
	if (rc == 1 || owner != by->person_id)
		return enrol_refused(&tx, by, "unknown or expired challenge", PASSKEY_NO_CHALLENGE);
	cred = malloc(sizeof(*cred));   /* public data: no locked memory needed */
	if (cred == NULL)
		goto fail;
	e.challenge = challenge;
	e.challenge_len = sizeof(challenge);
	*status = wa_verify_registration(&e, client_data, client_data_len, attestation,
	    attestation_len, cred);
	if (*status != WA_OK) {
		res = enrol_refused(&tx, by, wa_status_text(*status), PASSKEY_REFUSED);
		goto done;
	}
	if (handle_tx(tx, by->person_id, handle) != 0 ||
	    clock_text(clock_time(), now) != 0)
		goto fail;
	rc = store_exec_try(tx, SQL_WA_CRED_INSERT, "ibbiittt", by->person_id, cred->id,
	    cred->id_len, cred->cose, cred->cose_len, (int64_t)cred->alg,
	    (int64_t)cred->sign_count, transports, name, now);
	if (rc == -2) {
		res = enrol_refused(&tx, by, "credential registered already", PASSKEY_DUPLICATE);
		goto done;
	}
	if (rc != 1 || factors_audit(tx, by, "passkey.enrol", cred->fmt) != 0)
		goto fail;
	res = store_commit(&tx) == 0 ? PASSKEY_OK : PASSKEY_ERROR;
	goto done;
fail:
	store_rollback(&tx);
	res = PASSKEY_ERROR;
done:
	free(cred);
	return res;
}

int
passkey_remove(struct store *s, const struct actor *by, int64_t id)
{
	struct store_tx *tx;
	int n;

	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return -1;
	n = store_exec(tx, SQL_WA_CRED_DELETE, "ii", id, by->person_id);
	return factors_removed(&tx, by, n, "passkey.remove");
}

enum login_result
passkey_second_begin(struct store *s, struct login_attempt *a, const char *binding,
    unsigned char challenge[WA_CHALLENGE_BYTES])
{
	enum login_result res;
	struct store_tx *tx;
	struct store_q *q;
	int64_t person;
	int rc;

	res = factors_login_password(s, a, "passkey2", &tx, &person);
	if (res != LOGIN_OK)
		return res;
	if (store_query(tx, SQL_WA_CRED_IDS, &q, "i", person) != 0)
		goto fail;
	rc = store_next(q);
	store_done(q);
	if (rc < 0)
		goto fail;
	if (rc == 0)
		return factors_login_refuse(&tx, a, "passkey2", "no passkey enrolled");
	if (challenge_put(tx, binding, PASSKEY_SECOND, person, challenge) != 0)
		goto fail;
	if (store_commit(&tx) != 0)
		return LOGIN_ERROR;
	a->person_id = person;
	return LOGIN_OK;
fail:
	store_rollback(&tx);
	return LOGIN_ERROR;
}

struct stored_cred {
	int64_t id, person;
	unsigned char cose[WA_COSE_MAX];
	size_t cose_len;
	int alg;
	int64_t count;
	unsigned char handle[PASSKEY_HANDLE_BYTES];
};

/* Inside tx: the credential of id into c. 0, 1 when unknown, -1. */
static int
cred_get(struct store_tx *tx, const unsigned char *id, size_t n, struct stored_cred *c)
{
	struct store_q *q;
	const void *k, *h;
	size_t kn = 0, hn = 0;
	int rc;

	if (store_query(tx, SQL_WA_CRED_BY_ID, &q, "b", id, n) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		/* Each blob copied at once: a backend may reuse its buffer at the next read. */
		k = store_blob(q, WA_CRED_BY_ID_PUBLIC_KEY, &kn);
		if (k != NULL && kn <= WA_COSE_MAX) {
			memcpy(c->cose, k, kn);
			c->cose_len = kn;
		}
		h = store_blob(q, WA_CRED_BY_ID_HANDLE, &hn);
		if (k == NULL || kn > WA_COSE_MAX || h == NULL || hn != PASSKEY_HANDLE_BYTES) {
			rc = -1;
		} else {
			memcpy(c->handle, h, hn);
			c->id = store_int(q, WA_CRED_BY_ID_ID);
			c->person = store_int(q, WA_CRED_BY_ID_PERSON_ID);
			c->alg = (int)store_int(q, WA_CRED_BY_ID_ALG);
			c->count = store_int(q, WA_CRED_BY_ID_SIGN_COUNT);
		}
	}
	store_done(q);
	if (rc < 0)
		return -1;
	return rc == 1 ? 0 : 1;
}

enum login_result
passkey_login(struct store *s, struct login_attempt *a, const char *binding, bool second,
    const struct wa_expect *rp, const struct passkey_assertion *as)
{
	const char *door = second ? "passkey2" : "passkey";
	unsigned char challenge[WA_CHALLENGE_BYTES];
	struct stored_cred c;
	struct wa_expect e = *rp;
	struct store_tx *tx;
	enum login_result res;
	enum wa_status st;
	char now[CLOCK_TEXT_SIZE];
	int64_t owner = 0;
	uint32_t count = 0;
	int rc;

	res = login_gate(s, a, door);
	if (res != LOGIN_OK)
		return res;
	if (store_begin(s, STORE_WRITE, &tx) != 0)
		return LOGIN_ERROR;
	rc = challenge_take(tx, binding, second ? PASSKEY_SECOND : PASSKEY_LOGIN, challenge,
	    &owner);
	if (rc < 0)
		goto fail;
	if (rc == 1)
		return factors_login_refuse(&tx, a, door, "unknown or expired challenge");
	if (as->cred_id_len == 0 || as->cred_id_len > WA_CRED_ID_MAX)
		return factors_login_refuse(&tx, a, door, "unknown credential");
	rc = cred_get(tx, as->cred_id, as->cred_id_len, &c);
	if (rc < 0)
		goto fail;
	if (rc == 1)
		return factors_login_refuse(&tx, a, door, "unknown credential");
	if (second && c.person != owner)
		return factors_login_refuse(&tx, a, door, "credential of another person");
	/* §7.2 step 6: a user handle given must be the credential owner's. */
	if (as->user_handle_len > 0 && (as->user_handle_len != PASSKEY_HANDLE_BYTES ||
	    sodium_memcmp(as->user_handle, c.handle, PASSKEY_HANDLE_BYTES) != 0))
		return factors_login_refuse(&tx, a, door, "user handle mismatch");
	e.challenge = challenge;
	e.challenge_len = sizeof(challenge);
	st = wa_verify_assertion(&e, c.cose, c.cose_len, c.alg,
	    c.count < 0 || c.count > UINT32_MAX ? UINT32_MAX : (uint32_t)c.count,
	    as->client_data, as->client_data_len, as->auth_data, as->auth_data_len, as->sig,
	    as->sig_len, &count);
	if (st != WA_OK)
		return factors_login_refuse(&tx, a, door, wa_status_text(st));
	if (clock_text(clock_time(), now) != 0)
		goto fail;
	rc = store_exec(tx, SQL_WA_CRED_USE, "iiti", c.id, (int64_t)count, now, c.count);
	if (rc < 0)
		goto fail;
	if (rc == 0)
		return factors_login_refuse(&tx, a, door, "sign counter regression");
	if (login_note_success(tx, a, door, c.person) != 0)
		goto fail;
	if (store_commit(&tx) != 0)
		return LOGIN_ERROR;
	a->person_id = c.person;
	return LOGIN_OK;
fail:
	store_rollback(&tx);
	return LOGIN_ERROR;
}
