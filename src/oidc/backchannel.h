/* backchannel.h — OpenID Connect Back-Channel Logout 1.0: when a person's sessions end at
 * portier (a logout, a suspension or a removal of their account), each relying party that
 * registered a back-channel logout URI and holds a live grant of theirs is sent a logout
 * token (a JWT, typ logout+jwt) by an outbox (logout_outbox) that a thread of the process
 * delivers with libcurl, retrying with exponential back-off up to a bound. */
#ifndef PORTIER_OIDC_BACKCHANNEL_H
#define PORTIER_OIDC_BACKCHANNEL_H

#include <stdint.h>

#include "policy/actor.h"
#include "store/store.h"

#define OIDC_SID_LEN 22               /* 128 bits in base64url */
#define OIDC_BCL_RETRY_FIRST 30       /* seconds before the second attempt; doubles */
#define OIDC_BCL_RETRY_MAX 3600       /* at most this long between two attempts */
#define OIDC_BCL_ATTEMPTS 6           /* then the notification is given up ("failed") */
#define OIDC_LOGOUT_TOKEN_TTL 120     /* exp of a logout token, after its iat */
#define OIDC_BCL_KEEP (30 * 86400)    /* sent and failed notifications are kept so long */

struct oidc_provider;

/* The wait before the next attempt after `attempts` failed ones: OIDC_BCL_RETRY_FIRST,
 * doubling, at most OIDC_BCL_RETRY_MAX (the SAML SPs' outbox follows it too). */
int64_t oidc_bcl_delay(int64_t attempts);

/* Inside tx (a suspension or a removal of account_id, in the access service's
 * transaction): queues a notification for every live grant of the account (within
 * org_quality_id; 0: all its qualities) whose client has a back-channel logout URI, and
 * revokes those live grants of the account. why: the reason kept ("suspended",
 * "removed"). 0 or -1. */
int oidc_backchannel_account(struct store_tx *tx, int64_t account_id,
    int64_t org_quality_id, const char *why);
/* A logout of person_id at portier: queues the notifications and revokes the grants of
 * the clients notified, audited. 0 or -1. */
int oidc_backchannel_person(struct store *s, int64_t person_id, const char *why,
    const struct actor *ctx);

/* The sid of grant_id for provider p: keyed BLAKE2b-128 (the installation's pairwise
 * secret) of the grant id, in base64url. The same in the ID tokens and the logout tokens
 * of a grant. 0 or -1. */
int oidc_sid(struct oidc_provider *p, int64_t grant_id, char out[OIDC_SID_LEN + 1]);

/* Posts the notifications due at now (at most max). Returns how many were tried, or -1
 * when the outbox cannot be read. */
int oidc_backchannel_deliver_due(struct oidc_provider *p, int64_t now, int max);

/* Another outbox the same thread delivers at each turn, with this retry policy (the SAML
 * SPs' LogoutRequests of a suspension or a removal): fn(arg, now), below 0 logged. */
struct oidc_bcl_also {
	int (*fn)(void *arg, int64_t now);
	void *arg;
};
/* The delivery thread of a process (one per provider); also may be NULL (copied). */
struct oidc_bcl_runner;
int oidc_backchannel_start(struct oidc_provider *p, const struct oidc_bcl_also *also,
    struct oidc_bcl_runner **out);
void oidc_backchannel_stop(struct oidc_bcl_runner *b);

#endif
