/* saml.h — the SAML 2.0 identity provider's service (issue 14 parts 2 and 3; docs/saml.md):
 * the service providers registered from their metadata, the IdP's signing keys and
 * certificates, the federation service's pending SAML requests, and the messages built and
 * read with lasso. Calls fed/, the store and base/; never a handler. */
#ifndef PORTIER_SAML_SAML_H
#define PORTIER_SAML_SAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "fed/attrs.h"
#include "fed/jws.h"
#include "fed/request.h"
#include "saml/msg.h"
#include "store/store.h"

#define SAML_METADATA_MAX (256 * 1024)   /* an SP's metadata */
#define SAML_ENTITY_MAX 1024
#define SAML_REQUEST_TTL 900             /* a pending request waits this long */
#define SAML_SKEW 180                    /* a request's IssueInstant may be ahead this much */
#define SAML_REQUEST_AGE_MAX 600         /* … and no older than this */
#define SAML_KEY_OVERLAP_DAYS 14         /* a retired certificate stays in the metadata */
#define SAML_KEYS_MAX 8
#define SAML_METADATA_VALID_DAYS 7       /* the published metadata's validUntil, from now */
#define SAML_METADATA_CACHE "PT6H"       /* … and its cacheDuration */
#define SAML_ID_LEN 43                   /* a pending request's id: 256 bits, base64url */

/* ---- service providers (sp.c) ---- */
struct saml_sp {
	const char *entity_id;
	const char *application;
	const char *metadata;
	const char *source;
	int min_level;
	bool allow_national_number;          /* receives the national number attribute */
	bool encrypt_assertions;             /* its Assertion encrypted to its key (--encrypt-…) */
	bool ecdsa;                          /* signed with ecdsa-sha256 (sig_alg), else RSA */
	const char *requested;               /* attribute Names it asks for, one a line; NULL: all */
	int64_t created_at, refreshed_at;    /* saml_sp_list only */
};
/* Checks an SP's metadata: no declaration (msg.h), read by lasso as an SP, with at least one
 * AssertionConsumerService of HTTP-POST or HTTP-Artifact. Writes its entityID (in a).
 * 0, 1 (not acceptable: why in err), -1. */
int saml_sp_check(struct arena *a, const char *metadata, size_t n, const char **entity_id,
    char *err, size_t errlen);
/* Registers the SP of metadata linked to application (audited as by actor); allow_nn: it
 * receives the national number; encrypt: its Assertions are encrypted to the encryption key
 * of its metadata (refused when there is none); ecdsa: its Response and Assertion are
 * signed with ecdsa-sha256 (the IdP's EC key made if need be; not with encrypt). 0; 1 refused (why in err); -2 already
 * registered; -1. */
int saml_sp_add(struct store *s, const char *metadata, const char *source,
    const char *application, int min_level, bool allow_nn, bool encrypt, bool ecdsa,
    const char *actor,
    char *entity_id_out,
    size_t entity_max, char *err, size_t errlen);
/* 0 (out's texts in a), 1 unknown, -1. */
int saml_sp_get(struct store *s, struct arena *a, const char *entity_id, struct saml_sp *out);
int saml_sp_list(struct store *s, int (*fn)(void *arg, const struct saml_sp *sp), void *arg);
/* 0, 1 unknown, -1. */
int saml_sp_remove(struct store *s, const char *entity_id, const char *actor);
/* Replaces entity_id's metadata by metadata, which must name the same entity (and hold an
 * encryption key when the SP's Assertions are encrypted). 0; 1 refused
 * (why in err); 2 unknown SP; -1. */
int saml_sp_refresh(struct store *s, const char *entity_id, const char *metadata,
    const char *actor, char *err, size_t errlen);
/* The Location of the SP's AssertionConsumerService for acs_url (NULL: the default one, or
 * by index >= 0), with the binding it serves (want, when listed at that address, else
 * HTTP-POST): only a URL the metadata lists is returned. 0 (*location and *binding in a),
 * 1 none such, -1. */
int saml_sp_acs(struct arena *a, const char *metadata, const char *acs_url, int index,
    const char *want, const char **location, const char **binding);
/* The Names of the RequestedAttribute of the metadata's default AttributeConsumingService
 * (else its first), one a line, in a; NULL when it requests none (or out of memory). */
const char *saml_sp_requested(struct arena *a, const char *metadata);
/* The SP's SingleLogoutService: SOAP, else HTTP-Redirect, else HTTP-POST (*binding a
 * static URI). 0, 1 none, -1. */
int saml_sp_slo(struct arena *a, const char *metadata, const char **location,
    const char **binding);
#define SAML_BINDING_SOAP_URI "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"
#define SAML_BINDING_POST_URI "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
#define SAML_BINDING_ARTIFACT_URI "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"
/* Whether lasso finds an encryption key (KeyDescriptor use="encryption" or without use) in
 * the SP's metadata. */
bool saml_sp_has_encryption_key(const char *metadata);
/* Whether the SP's metadata says AuthnRequestsSigned="true". */
bool saml_sp_wants_signed(const char *metadata);

/* Audits a single sign-on event of the SP entity_id ("saml.sso.answered",
 * "saml.sso.refused" …) with reason (may be NULL) as done by ctx for person_id (0: none).
 * An entity id not registered is named only in the details, cut to 256 bytes. 0 or -1. */
struct actor;
int saml_audit(struct store *s, const char *action, const char *entity_id, int64_t person_id,
    const char *enterprise, const char *reason, const struct actor *ctx);

/* ---- signing keys (keys.c) ---- */
struct saml_keys {
	char *key_pem;                       /* the active key (PEM, private) */
	char *cert_pem;                      /* its certificate */
	char *ec_key_pem, *ec_cert_pem;      /* the active EC P-256 key (ES256), NULL if none */
	char *certs[SAML_KEYS_MAX];          /* every published certificate (PEM), active first */
	size_t n;
};
/* Creates the first key (RSA 2048, rsa-sha256) and its certificate when none is active.
 * 0 or -1. */
int saml_keys_ensure(struct store *s);
/* Creates the EC P-256 key (ecdsa-sha256) and its certificate when none is active: made
 * when the first SP signed with ECDSA is registered, rotated with the RSA key after. */
int saml_keys_ensure_ec(struct store *s);
/* Retires the active key (its certificate stays published overlap_days more), makes a new
 * one, removes keys past their publication, audited. 0 or -1. */
int saml_keys_rotate(struct store *s, const char *actor, int overlap_days,
    char kid[JWS_KID_MAX]);
/* Loads the keys (creating the first one). 0 or -1; free with saml_keys_free. */
int saml_keys_load(struct store *s, struct saml_keys *out);
void saml_keys_free(struct saml_keys *k);
/* Frees the kept PEMs of the active keys (keys.c; at exit, after the last message). */
void saml_keys_cache_clear(void);
/* Keys at rest: re-encodes the private keys from old to new inside tx (as OpenID's). */
struct kek;
int saml_keys_rewrap(struct store_tx *tx, const struct kek *old, const struct kek *new_k,
    int *changed);

/* ---- pending requests (pending.c): the table fed_request, kind saml ---- */
struct saml_pending {
	struct fed_request fr;               /* requester, application, level, force_login … */
	unsigned char browser[32];
	const char *dump;                    /* lasso's dump of the login */
	bool artifact;                       /* answer by HTTP-Artifact (else HTTP-POST) */
};
/* Stores p (its created_at set by the caller), writes the new id. 0 or -1. */
int saml_pending_save(struct store *s, const struct saml_pending *p, char id[SAML_ID_LEN + 1]);
/* 0 (texts in a), 1 none (unknown or expired), -1. */
int saml_pending_read(struct store *s, struct arena *a, const char *id, struct saml_pending *out);
int saml_pending_mark(struct store *s, const char *id, const unsigned char mark[32]);
/* Takes the request for its answer (single use): 0, 1 already taken, -1. */
int saml_pending_take(struct store *s, const char *id);
/* Records that issuer sent request_id, remembered until expires_at: 0 first time, 1 seen
 * already (a replay), -1. */
int saml_request_seen(struct store *s, const char *issuer, const char *request_id,
    int64_t expires_at);

/* HTTP-Artifact: keeps the Response message for artifact, for entity_id, a minute. 0 or
 * -1. */
int saml_artifact_save(struct store *s, const char *artifact, const char *entity_id,
    const char *message, int64_t now);
/* Takes the message of artifact (single use, whoever asks): 0 with *message when
 * entity_id is the SP it was made for; 1 unknown, expired, or another SP's; -1. */
int saml_artifact_take(struct store *s, struct arena *a, const char *artifact,
    const char *entity_id, int64_t now, const char **message);

struct saml_out;
/* ---- the SPs of a browser's session, the logouts under way (session.c) ---- */
#define SAML_FLOW_COOKIE "portier_saml_flow"   /* binds SAML's flows to their browser */
#define SAML_SESSION_TTL (24 * 3600)     /* an SP of a session is remembered this long */
#define SAML_LOGOUT_TTL 900              /* a logout under way waits this long */
/* The hash the tables keep of the browser's flow cookie. 0, 1 (no valid cookie). */
int saml_browser_hash(const char *cookie, unsigned char out[32]);
/* An SP of the session: the NameID and SessionIndex it was sent. */
struct saml_session_sp {
	const char *entity_id;
	const char *name_id;
	const char *name_format;
	const char *session_index;
};
/* Records that browser's person_id got a Response for sp (replacing an older one of that
 * SP in that browser), given for the profile account_id in org_quality_id (which a
 * suspension or a removal of that account ends: saml_backchannel_account). 0 or -1. */
int saml_session_record(struct store *s, const unsigned char browser[32],
    const struct saml_session_sp *sp, int64_t person_id, int64_t account_id,
    int64_t org_quality_id, int64_t now);
/* Whether browser's session gave entity_id the NameID name_id (persistent or transient):
 * 0 (*person_id set), 1 none, -1. */
int saml_session_find(struct store *s, const unsigned char browser[32], const char *entity_id,
    const char *name_id, int64_t now, int64_t *person_id);
/* How a logout ends: the LogoutResponse to origin (the SP whose LogoutRequest started it,
 * NULL for portier's own logout) from origin_dump (lasso's logout) with origin_relay (its
 * RelayState), else the browser goes to return_to (NULL: the logged-out page). */
struct saml_logout_state {
	const char *origin, *origin_dump, *origin_relay, *return_to;
};
/* Starts a logout of browser's person_id: origin's SP is forgotten, the others of the
 * session wait in a new logout that ends as how says. 0 (*id written), 1 no other SP to
 * tell (nothing stored), -1. */
int saml_logout_begin(struct store *s, const unsigned char browser[32], int64_t person_id,
    const struct saml_logout_state *how, int64_t now, char id[SAML_ID_LEN + 1]);
/* Takes the next SP of the logout id (of browser): 0 with *next (forgotten now); 1 none
 * left (the logout is over and gone; *st says how to finish); 2 unknown, expired or
 * another browser's; -1. */
int saml_logout_next(struct store *s, struct arena *a, const char *id,
    const unsigned char browser[32], int64_t now, struct saml_logout_state *st,
    struct saml_session_sp *next);

/* ---- logouts sent to SPs (slo.c) ---- */
/* The LogoutRequest to sp for the session's sp_row, signed with k's RSA key, by the SP's
 * SingleLogoutService: SOAP when its metadata has one (*soap true: out->acs_url is the
 * address, out->response the envelope to POST), else HTTP-Redirect (out->acs_url the whole
 * address, the query signed) or HTTP-POST (out->response the base64 message), with
 * relay_state. 0; 1 the SP has no SingleLogoutService; -1. */
int saml_logout_request(struct arena *a, const char *entity_id, const struct saml_keys *k,
    const struct saml_sp *sp, const struct saml_session_sp *row, const char *relay_state,
    int64_t now, bool *soap, struct saml_out *out);
/* The LogoutRequest to sp's SOAP SingleLogoutService for the session's row, with Reason
 * reason (e.g. SAML_LOGOUT_REASON_ADMIN), signed with k's RSA key: *url the address,
 * *envelope the SOAP envelope to POST (in a). 0; 1 the SP has no SOAP SingleLogoutService
 * (first in its order: saml_sp_slo); -1. */
#define SAML_LOGOUT_REASON_ADMIN "urn:oasis:names:tc:SAML:2.0:logout:admin"
int saml_logout_request_soap(struct arena *a, const char *entity_id, const struct saml_keys *k,
    const struct saml_sp *sp, const struct saml_session_sp *row, const char *reason,
    int64_t now, const char **url, const char **envelope);
/* POSTs a SOAP LogoutRequest to url (10 s at most); 0 when the SP answered 200, else 1. */
int saml_soap_send(const char *url, const char *envelope);

/* ---- a suspension or a removal of an account (backchannel.c) ---- */
/* Inside tx (the access service's transaction that suspends account_id, or removes it from
 * org_quality_id; 0: all its qualities): ends the account's live SAML sessions (those
 * recorded for that profile, and those of its person_id recorded before sessions named
 * their account); for each whose SP has a SOAP SingleLogoutService (first in its order),
 * a LogoutRequest (Reason admin) is queued; the others are audited
 * "saml.backchannel.unreachable" (front channel only: no browser to carry it). why: the
 * reason kept ("suspended", "removed"). 0 or -1. */
int saml_backchannel_account(struct store_tx *tx, int64_t account_id, int64_t org_quality_id,
    int64_t person_id, const char *why, int64_t now);
/* Signs and POSTs the LogoutRequests due at now (at most max) as the IdP idp (its
 * entityID), with OpenID's back-channel retry policy; sent and failed (after the last
 * attempt) audited. How many were tried, or -1 when the outbox cannot be read. */
int saml_backchannel_deliver_due(struct store *s, const char *idp, int64_t now, int max);
/* What the delivery thread (oidc_backchannel_start's also) is given. */
struct saml_bcl {
	struct store *store;
	const char *idp_entity_id;
	int64_t purged_at;                   /* the last purge of old requests */
};
/* One turn of the thread: the requests due, an hourly purge. arg: a struct saml_bcl. */
int saml_backchannel_tick(void *arg, int64_t now);

/* ---- messages (idp.c, with lasso) ---- */
/* Starts lasso once per process (thread-safe). 0 or -1. */
int saml_init(void);
/* The IdP's metadata (entityID entity_id, endpoints under base_url, every published
 * certificate as a signing key), as XML in a; NULL when out of memory. */
const char *saml_idp_metadata(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k);

/* The same signed with k's active key (enveloped XML-DSig, rsa-sha256), as served at
 * /saml/metadata. NULL on error. */
const char *saml_idp_metadata_signed(struct arena *a, const char *entity_id,
    const char *base_url, const struct saml_keys *k);

/* An AuthnRequest as received. */
struct saml_in {
	enum saml_binding binding;
	const char *saml_request;            /* SAMLRequest, as decoded from the URL or form */
	const char *relay_state;
	const char *query;                   /* HTTP-Redirect: the raw query (its signature) */
};
/* Why a request is refused (saml_idp_read). */
enum saml_refusal {
	SAML_OK = 0,
	SAML_BAD_MESSAGE,                    /* encoding, size, declarations, not an AuthnRequest */
	SAML_UNKNOWN_SP,
	SAML_UNSIGNED,                       /* signature required by the SP's metadata, absent */
	SAML_BAD_SIGNATURE,
	SAML_BAD_ACS,
	SAML_REPLAY,
	SAML_STALE,                          /* IssueInstant too old or ahead */
};
/* What a read request gives. */
struct saml_read {
	struct saml_authn authn;
	struct saml_sp sp;
	const char *dump;                    /* lasso's login, for saml_idp_respond */
	const char *acs_url;
	bool artifact;                       /* the ACS is of the HTTP-Artifact binding */
	int msg_err;                         /* enum saml_msg_err when SAML_BAD_MESSAGE */
};
/* Reads and checks an AuthnRequest: decoded (msg.h), its issuer registered, its age, its
 * signature (required when the SP's metadata asks), its ACS in the metadata, its ID never
 * seen before (recorded). Returns enum saml_refusal (out->authn.issuer set when known), -1
 * on error. */
int saml_idp_read(struct store *s, struct arena *a, const char *entity_id,
    const char *base_url, const struct saml_keys *k, const struct saml_in *in, int64_t now,
    struct saml_read *out);

/* What the response says. */
struct saml_answer {
	const struct fed_attrs *attrs;
	int auth_level;                      /* level of assurance of the login */
	int64_t auth_time;
	const char *session_index;           /* SessionIndex (for SLO), may be NULL */
};
/* Where and how the answer goes: HTTP-POST (response: the base64 SAMLResponse) or
 * HTTP-Artifact (acs_url carries SAMLart and RelayState; the message, to keep with
 * saml_artifact_save until it is resolved, is artifact_message). Texts in the arena. */
struct saml_out {
	const char *acs_url;
	const char *response;
	const char *relay_state;
	const char *artifact;
	const char *artifact_message;
	const char *name_id, *name_format;   /* saml_idp_respond: the NameID sent (SLO) */
};
/* Builds the signed Response to the request in dump (lasso) for sp: the assertion signed
 * with k's active key (rsa-sha256), its NameID persistent (the pairwise subject) or
 * transient as asked, AuthnContextClassRef from the level, the attributes; by HTTP-POST,
 * or by HTTP-Artifact when artifact. 0 or -1. */
int saml_idp_respond(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k, const struct saml_sp *sp, const char *dump, bool artifact,
    const struct saml_answer *ans, int64_t now, struct saml_out *out);
/* Answers a SOAP ArtifactResolve (body): its issuer registered, its signature checked when
 * the SP's metadata has a signing certificate, the artifact taken (single use, for that
 * SP only); *soap is the ArtifactResponse (with the Response, or without one when the
 * artifact is unknown). SAML_OK, SAML_BAD_MESSAGE, SAML_UNKNOWN_SP, SAML_UNSIGNED,
 * SAML_BAD_SIGNATURE, or -1; *issuer set when read. */
int saml_idp_resolve(struct store *s, struct arena *a, const char *entity_id,
    const char *base_url, const struct saml_keys *k, const char *body, size_t n,
    int64_t now, const char **issuer, const char **soap);
/* A LogoutRequest read (saml_slo_read). */
struct saml_slo {
	struct saml_logout_req req;
	struct saml_sp sp;
	const char *dump;                    /* lasso's logout, for saml_slo_answer */
	int msg_err;
};
/* Reads and checks a LogoutRequest (front channel, HTTP-Redirect or HTTP-POST) as
 * saml_idp_read does an AuthnRequest: decoded, its issuer registered, its age, its ID
 * never seen, its signature (required when the SP's metadata holds a certificate). Returns
 * enum saml_refusal, -1 on error. */
int saml_slo_read(struct store *s, struct arena *a, const char *entity_id,
    const char *base_url, const struct saml_keys *k, const struct saml_in *in, int64_t now,
    struct saml_slo *out);
/* The LogoutResponse to the request in dump: Success when done, else Responder. By the
 * binding of the SP's SingleLogoutService: out->response set for HTTP-POST, else
 * out->acs_url is the whole Redirect address. 0 or -1. */
int saml_slo_answer(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k, const struct saml_sp *sp, const char *dump, bool done,
    struct saml_out *out);
/* The Response saying that the person did not log in ("Annuler": status Responder with
 * AuthnFailed), signed, to the request in dump; outputs as saml_idp_respond. 0 or -1. */
int saml_idp_decline(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k, const struct saml_sp *sp, const char *dump,
    const char **acs_url, const char **response, const char **relay_state);
/* The same with NoPassive beneath Responder: an IsPassive request that would need the
 * person (no session, a higher level, ForceAuthn, a profile to choose). */
int saml_idp_no_passive(struct arena *a, const char *entity_id, const char *base_url,
    const struct saml_keys *k, const struct saml_sp *sp, const char *dump,
    const char **acs_url, const char **response, const char **relay_state);
/* The AuthnContextClassRef of a level of assurance (eIDAS LoA URIs: low, substantial,
 * high). */
const char *saml_class_ref(int level);
/* The level a requested AuthnContextClassRef demands (eIDAS LoA or SAML's classes); 0 when
 * it names none portier knows. */
int saml_class_level(const char *class_ref);

#endif
