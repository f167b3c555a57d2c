/* certs.h — "Gestion du certificat" (issue 15): the system certificates a manager of a
 * quality registers for some of its applications (a CSR signed by portier's CA, or a
 * certificate from elsewhere), their renewal, early revocation, the CRL, the expiry mails;
 * and "Messages structurés": the channel and sender identifier per application. Each
 * operation is one transaction with its policy check (a refusal audited) and audit event. */
#ifndef PORTIER_MACHINE_CERTS_H
#define PORTIER_MACHINE_CERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access/account.h"
#include "access/org.h"
#include "access/quality.h"
#include "base/arena.h"
#include "machine/ca.h"
#include "mail/mail.h"
#include "store/store.h"

#define MACHINE_DAYS_DEFAULT 1095     /* 3 years */
#define MACHINE_RENEW_DAYS 90         /* the renewal window: the last 3 months */
#define MACHINE_LABEL_MAX 100         /* characters */
#define MACHINE_REASON_MAX 500        /* characters */
#define MACHINE_PUBLIC_ID_SIZE 23     /* 22 base64url characters and NUL */
#define MACHINE_SENDER_MAX 64
#define MACHINE_SSH_KEY_MAX 8192

/* What the certificate services need from the application. */
struct machine_settings {
	struct machine_ca *ca;        /* NULL: no CA, only certificates from elsewhere */
	int days;                     /* validity of what the CA signs (0: the default) */
	const struct mail_texts *mail;
};

/* A registration as posted: a CSR or a certificate, a label, applications. */
struct cert_input {
	const char *label;
	const char *csr;              /* PEM, or NULL/"" */
	size_t csr_len;
	const char *cert;             /* PEM, or NULL/"" */
	size_t cert_len;
	const char *apps[ACCESS_MAX_APPS + 1];
	size_t napps;
	const char *renews;           /* public id of the certificate renewed, or NULL */
};

/* A certificate as listed; status is the shown one: active, to_renew (in the renewal
 * window), expired, revoked or replaced. */
struct cert_row {
	int64_t id;
	const char *public_id, *name, *subject, *issuer, *serial, *thumbprint, *pem;
	const char *not_before, *not_after, *status, *revoked_at, *reason, *apps;
	bool by_portier, may_renew, may_revoke;
};

/* A channel of "Messages structurés". */
struct channel_row {
	const char *application, *kind, *cert, *thumbprint, *ssh_key, *sender, *updated_at;
	const char *quality;
};

/* The page of a quality: its organisation, applications, certificates, channels. */
struct cert_view {
	struct org org;
	const char *quality_code, *quality_name;
	struct app_info *apps;
	size_t napps;
	struct cert_row *rows;
	size_t n;
	struct channel_row *channels;
	size_t nchannels;
};

/* The quality's certificates and channels (POLICY_MANAGE_SYSTEM_CERTS), at now. */
enum access_rc machine_view(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, int64_t now, struct arena *a, struct cert_view *out);
/* One certificate of the quality (POLICY_MANAGE_SYSTEM_CERTS), ACCESS_NOT_FOUND if none. */
enum access_rc machine_cert_get(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *public_id, int64_t now, struct arena *a,
    struct cert_row *out);
/* Registers a certificate (in->renews: a renewal, the renewed one becomes "replaced").
 * Field errors at "label", "csr", "cert", "apps". out: the new public id. */
enum access_rc machine_cert_register(struct store *s, const struct machine_settings *set,
    const struct actor *who, int64_t org, int64_t quality, const struct cert_input *in,
    int64_t now, struct access_errors *err, char out[MACHINE_PUBLIC_ID_SIZE]);
/* Revokes early with a reason (field "reason"). */
enum access_rc machine_cert_revoke(struct store *s, const struct machine_settings *set,
    const struct actor *who, int64_t org, int64_t quality, const char *public_id,
    const char *reason, int64_t now, struct access_errors *err);

/* The CRL (DER, *der malloc'ed) of the certificates the CA signed and that are revoked.
 * 0 or -1. */
int machine_crl(struct store *s, struct machine_ca *ca, int64_t now, unsigned char **der,
    size_t *len);
/* Writes the expiry mails due at now (60, 30, 7 days before not_after, each once) to the
 * quality's GL and co-GLs and the organisation's GAP. Returns the certificates notified,
 * or -1. */
int machine_expiry_sweep(struct store *s, const struct mail_texts *mt, int64_t now);

/* "Messages structurés": a channel as posted. kind "ws" (cert: the public id of one of
 * the quality's active certificates) or "sftp" (ssh_key: an OpenSSH public key). */
struct channel_input {
	const char *application, *kind, *cert, *ssh_key, *sender;
};
/* Registers or changes the channel of an application of the quality
 * (POLICY_MANAGE_CHANNELS); field errors at "application", "kind", "cert", "ssh_key",
 * "sender". */
enum access_rc machine_channel_put(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const struct channel_input *in, int64_t now, struct access_errors *err);
enum access_rc machine_channel_remove(struct store *s, const struct actor *who, int64_t org,
    int64_t quality, const char *application);
/* The agency portal's lookup: the channel of enterprise (10 digits) for application.
 * 0 found, 1 none (or no such organisation), -1 error. Strings in a. */
int machine_channel_lookup(struct store *s, const char *enterprise, const char *application,
    struct arena *a, struct channel_row *out);
/* Whether text is an OpenSSH public key line of ssh-ed25519, ssh-rsa or
 * ecdsa-sha2-nistp256/384 whose base64 decodes to a blob naming the same type. */
bool machine_ssh_key_ok(const char *text);
/* Whether text is a sender identifier: 3 to 64 of A-Z a-z 0-9 . _ - */
bool machine_sender_ok(const char *text);

#endif
