/* eid_reader.h — the demo card reader, for demo mode only: it stands in for a card reader
 * and the card's chip. It holds the keys of the test cards (DIR/cards/NAME.key.pem) or
 * opens an uploaded PKCS#12, and signs a challenge the server chose; the server then
 * checks that signature with the certificate's public key (eid_check_possession) and
 * verifies the certificate as for a real card. */
#ifndef PORTIER_AUTH_EID_READER_H
#define PORTIER_AUTH_EID_READER_H

#include <stddef.h>

/* label and key are owned by the arena given to eid_reader_list. */
struct eid_card_info {
	char id[17];              /* first 16 hex digits of the certificate's SHA-256: a
	                           * fixed-format value */
	const char *label;        /* the certificate's CN ("Jan Peeters (Authentication)") */
	const char *key;          /* "RSA 2048", "EC P-384" … */
};

struct arena;

/* What the reader signed: the card's certificate (DER) and the signature (SHA-256 with
 * the card's key). Buffers are malloc'd: free with eid_reader_result_free. */
struct eid_reader_result {
	unsigned char *cert;
	size_t cert_len;
	unsigned char *sig;
	size_t sig_len;
};

/* Lists up to max cards of dir/cards that have both certificate and key, sorted by
 * label, their texts in a; *count receives how many. Returns 0, or -1 when a is full. */
int eid_reader_list(const char *dir, struct arena *a, struct eid_card_info *out, size_t max,
    size_t *count);
/* Signs challenge with the key of card id in dir. Returns 0, 1 (no such card) or -1. */
int eid_reader_sign(const char *dir, const char *id, const unsigned char *challenge,
    size_t clen, struct eid_reader_result *out);
/* Signs challenge with the key in a PKCS#12 file (its password). Returns 0, 1 (not a
 * PKCS#12, wrong password or no key) or -1. */
int eid_reader_sign_p12(const void *p12, size_t len, const char *password,
    const unsigned char *challenge, size_t clen, struct eid_reader_result *out);
void eid_reader_result_free(struct eid_reader_result *r);

#endif
