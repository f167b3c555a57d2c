/* exception.h — the exception procedure of guide §2.2.2, for representatives without eID:
 * an online request for one of the guide's three cases, refused when the requester could
 * use the standard procedure (an eID card, a Belgian domicile); its result is a reference
 * and a form to print, sign and post (pdf/forms.h); anyone may ask the status of a
 * reference, only the requester's browser (its download key) reads the request back. */
#ifndef PORTIER_CSAM_EXCEPTION_H
#define PORTIER_CSAM_EXCEPTION_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "csam/csam.h"
#include "mail/mail.h"
#include "store/store.h"

#define CSAM_REFERENCE_MAX 16       /* "EX-XXXX-XXXX" and NUL */
#define CSAM_KEY_LEN 32             /* hex download key */

/* The request form as typed. Radio answers are "yes"/"no"; case_kind is rep_abroad,
 * rep_company or foreign_company; rep_kind person or company; rep_doc_type passport,
 * id_card or residence_permit; no_number is a Belgian organisation without enterprise
 * number, known by another identifier (id_type, id_value); countries are ISO codes of
 * csam_countries(). */
struct csam_exc_form {
	const char *case_kind;
	const char *has_eid;             /* does the requester have an eID or a foreigner's card */
	const char *rep_domicile_be;     /* is the legal representative domiciled in Belgium */
	const char *enterprise;          /* rep_abroad, rep_company: Belgian enterprise number */
	const char *company_country, *company_name, *company_reg, *company_address;
	const char *rep_kind;
	const char *rep_company_name, *rep_company_number, *rep_company_country;
	const char *rep_last_name, *rep_first_name, *rep_birth_date, *rep_nationality;
	const char *rep_country, *rep_address, *rep_doc_type, *rep_doc_number, *rep_doc_country;
	const char *gap_niss, *gap_last_name, *gap_first_name, *gap_has_eid;
	const char *contact_email, *contact_phone;
	const char *declaration;         /* "yes" when ticked */
	const char *id_type;             /* no_number: "inami" or "helpdesk" (access/org_id.h) */
	const char *id_value;            /* no_number, "inami": the INAMI/RIZIV number */
	const char *token;               /* the form's token: a replay finds the same request */
	const char *today;               /* ISO date */
};

/* A stored request. Strings are allocated in the caller's arena. */
struct csam_exc {
	int64_t id;
	const char *reference, *case_kind, *status, *language;
	const char *enterprise;          /* 10 digits or "" */
	const char *company_country, *company_name, *company_reg, *company_address;
	const char *rep_kind, *rep_company_name, *rep_company_number, *rep_company_country;
	const char *rep_last_name, *rep_first_name, *rep_birth_date, *rep_nationality;
	const char *rep_country, *rep_address, *rep_doc_type, *rep_doc_number, *rep_doc_country;
	const char *gap_niss, *gap_last_name, *gap_first_name;
	bool gap_has_eid;
	const char *contact_email, *contact_phone;
	const char *submitted_at, *paper_at, *decided_at, *reason;
	const char *id_type, *id_value;  /* no_number: the identifier asked for ("" else) */
	int64_t org_id, gap_person;
	int64_t submitted_by;            /* the person logged in who filed it, or 0 */
	bool own;                        /* csam_request: the operator's own (she may not act) */
	unsigned char access_hash[32];
};

/* A stored request's reference and key, in the caller's arena. */
struct csam_exc_created {
	const char *reference;           /* EX-XXXX-XXXX */
	const char *key;                 /* the requester's download key (shown once) */
	bool replayed;                   /* the same form again: the same request, a new key */
};

/* Checks and stores a request, with its audit event and the mail "request received" in
 * one transaction. *stopped is set, and nothing stored (a refusal is audited), when the
 * requester states an eID card or a Belgian domicile: the standard procedure is theirs.
 * Returns ACCESS_OK (out filled, its texts in a), ACCESS_REFUSED (*stopped), ACCESS_INVALID
 * (err) or ACCESS_ERROR. */
enum access_rc csam_exception_submit(struct store *s, const struct mail_texts *mt,
    struct arena *a, const struct actor *who,
    const struct csam_exc_form *f, struct access_errors *err, bool *stopped,
    struct csam_exc_created *out);

/* The status of a reference ("received", "paper", "approving", "approved", "rejected")
 * into *status, in a. Returns ACCESS_OK, ACCESS_NOT_FOUND or ACCESS_ERROR. */
enum access_rc csam_exception_status(struct store *s, struct arena *a, const char *reference,
    const char **status);

/* The request of reference for its requester: key must be the download key given at
 * submission. Returns ACCESS_OK, ACCESS_NOT_FOUND (unknown, or the key does not match) or
 * ACCESS_ERROR. */
enum access_rc csam_exception_for_requester(struct store *s, struct arena *a,
    const char *reference, const char *key, struct csam_exc *out);

/* Reads a request by reference inside tx (helpdesk.c). Returns 0, 1 (unknown) or -1. */
int csam_exception_read(struct store_tx *tx, struct arena *a, const char *reference,
    struct csam_exc *out);

/* True when s has the shape of a reference (EX-XXXX-XXXX, any case, dashes optional);
 * writes the canonical form into out. */
bool csam_reference_parse(const char *s, char out[CSAM_REFERENCE_MAX]);

#endif
