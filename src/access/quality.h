/* quality.h — the qualities of an organisation: the entity page (its data, its active
 * qualities, the catalogue of those it may still activate), the activation in three
 * steps with its local manager and their applications, and the quality's detail (e-mail,
 * local manager, co-managers). Each operation is one transaction with its audit event. */
#ifndef PORTIER_ACCESS_QUALITY_H
#define PORTIER_ACCESS_QUALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "access/org.h"
#include "base/arena.h"
#include "store/store.h"

#define QUALITY_CODE_MAX 32

/* A secured application of the catalogue, in the reader's language. */
struct app_info {
	const char *code, *name, *description;
	int min_level;
};

/* A quality of the catalogue or an activated one (id 0 when not active). */
struct quality_info {
	int64_t id;
	const char *code, *name, *email, *activated_at;
};

/* The entity page: the organisation, its qualities, those it may still activate. */
struct entity_view {
	struct org org;
	struct quality_info *active;
	size_t nactive;
	struct quality_info *inactive;
	size_t ninactive;
	const char *start_date;    /* the enterprise's start (registry), else its registration */
	bool is_gap;               /* the one acting is the GAP (else a co-GAP) */
};

/* A local manager or co-manager of a quality. */
struct quality_manager {
	int64_t account_id, person_id;
	const char *type, *since, *last_name, *first_name, *username, *status;
};

/* The quality's detail page. */
struct quality_view {
	struct org org;
	int64_t id;
	const char *code, *name, *email, *activated_at;
	struct quality_manager *managers;   /* the GL first, then co-GLs */
	size_t nmanagers;
	struct app_info *apps;
	size_t napps;
	bool may_designate_gl;     /* the policy lets the one acting replace the GL */
	bool may_change;           /* … change the e-mail and co-managers */
};

/* What the activation steps carry from one to the next (all as typed). */
struct activation_input {
	const char *quality;       /* catalogue code */
	const char *email;         /* the quality's e-mail */
	const char *mode;          /* "self" or "gl" */
	const char *niss;          /* the local manager's NISS when mode is "gl" */
	struct user_input gl;      /* step 2: the local manager's data and applications */
};

/* The entity page for GAP and co-GAPs (POLICY_ACTIVATE_QUALITY). Strings in a. */
enum access_rc quality_entity(struct store *s, const struct actor *who, int64_t org,
    struct arena *a, struct entity_view *out);
/* Step 1: the quality to activate, of the catalogue, with its applications (out->code,
 * out->name set). ACCESS_EXISTS (all still filled, out->id set) when it is active. */
enum access_rc quality_activation_start(struct store *s, const struct actor *who,
    int64_t org, const char *code, struct arena *a, struct quality_info *out,
    struct app_info **apps, size_t *napps);
/* Checks step 1 (e-mail, choice, NISS) and prefills the local manager's form (step 2,
 * texts in a): the one acting when mode is "self", the person of the NISS otherwise. */
enum access_rc quality_activation_step1(struct store *s, const struct actor *who,
    int64_t org, const struct activation_input *in, struct arena *a, struct user_prefill *gl,
    struct access_errors *err);
/* Checks steps 1 and 2 together (for the confirmation page); changes nothing. */
enum access_rc quality_activation_check(struct store *s, const struct actor *who,
    int64_t org, const struct activation_input *in, struct access_errors *err);
/* "Confirmer": activates the quality with its e-mail and local manager (GL) and their
 * grants. Confirming the same activation again changes nothing and returns ACCESS_OK
 * (*again set); ACCESS_EXISTS when the quality was activated otherwise meanwhile. */
enum access_rc quality_activate(struct store *s, const struct actor *who, int64_t org,
    const struct activation_input *in, struct access_errors *err, int64_t *quality,
    bool *again);

/* The detail of an activated quality (its managers may read it). Strings in a. */
enum access_rc quality_get(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, struct arena *a, struct quality_view *out);
/* Changes the quality's e-mail (its managers: POLICY_DESIGNATE_COGL). */
enum access_rc quality_set_email(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *email, struct access_errors *err);
/* Makes a member of the quality its local manager (POLICY_ACTIVATE_QUALITY); the former
 * GL becomes a user of the quality. */
enum access_rc quality_set_gl(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t account_id, struct access_errors *err);

/* ---- for the other services of access/: inside the caller's transaction ---- */

/* Reads the activated quality id of org: its catalogue code and name in lang, in a
 * (either may be NULL; a too when both are). Returns 0, 1 (not of this organisation) or
 * -1. */
int quality_read(struct store_tx *tx, struct arena *a, int64_t org, int64_t quality,
    const char *lang, const char **code, const char **name);
/* The applications of catalogue quality code in lang, allocated in a. Returns the count
 * or -1. */
int quality_apps(struct store_tx *tx, struct arena *a, const char *code, const char *lang,
    struct app_info **out);

#endif
