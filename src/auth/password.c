/* password.c — Argon2id hashing with libsodium's encoded strings, rehash detection,
 * and the policy for new passwords (length, common passwords, user name). */
#include "auth/password.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/msgid.h"
#include "base/utf8.h"

#define COMMON_MAX 20000

static unsigned long long cost_ops = 2;
static size_t cost_mem = (size_t)19456 * 1024;
static char **common;
static size_t ncommon;

void
password_set_cost(unsigned long long ops, size_t mem_kib)
{
	if (ops >= crypto_pwhash_OPSLIMIT_MIN)
		cost_ops = ops;
	if (mem_kib * 1024 >= crypto_pwhash_MEMLIMIT_MIN)
		cost_mem = mem_kib * 1024;
}

int
password_hash(const char *pw, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str_alg(out, pw, strlen(pw), cost_ops, cost_mem,
	    crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

bool
password_verify(const char *encoded, const char *pw)
{
	return crypto_pwhash_str_verify(encoded, pw, strlen(pw)) == 0;
}

bool
password_needs_rehash(const char *encoded)
{
	return crypto_pwhash_str_needs_rehash(encoded, cost_ops, cost_mem) != 0;
}

void
password_burn(const char *pw)
{
	char out[crypto_pwhash_STRBYTES];

	(void)password_hash(pw, out, sizeof(out));
	sodium_memzero(out, sizeof(out));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
password_load_common(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256];

	if (f == NULL)
		return -1;
	common = calloc(COMMON_MAX, sizeof(*common));
	if (common == NULL) {
		fclose(f);
		return -1;
	}
	while (ncommon < COMMON_MAX && fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, "\r\n");

		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		for (size_t i = 0; i < n; i++)
			line[i] = (char)tolower((unsigned char)line[i]);
		common[ncommon] = strdup(line);
		if (common[ncommon] == NULL)
			break;
		ncommon++;
	}
	fclose(f);
	qsort(common, ncommon, sizeof(*common), cmp_str);
	return 0;
}

enum password_problem
password_check(const char *pw, const char *username)
{
	size_t len = utf8_len(pw, strlen(pw));
	char lower[512];
	const char *key = lower;
	size_t n = strlen(pw);

	if (len < 12)
		return PASSWORD_TOO_SHORT;
	if (len > 128 || n >= sizeof(lower))
		return PASSWORD_TOO_LONG;
	for (size_t i = 0; i <= n; i++)
		lower[i] = (char)tolower((unsigned char)pw[i]);
	if (ncommon > 0 && bsearch(&key, common, ncommon, sizeof(*common), cmp_str) != NULL)
		return PASSWORD_COMMON;
	if (username != NULL && strlen(username) >= 4 && strcasestr(pw, username) != NULL)
		return PASSWORD_LIKE_USERNAME;
	return PASSWORD_OK;
}

const char *
password_problem_msgid(enum password_problem p)
{
	switch (p) {
	case PASSWORD_TOO_SHORT:
		return N_("Le mot de passe doit compter au moins 12 caractères.");
	case PASSWORD_TOO_LONG:
		return N_("Le mot de passe ne peut pas dépasser 128 caractères.");
	case PASSWORD_COMMON:
		return N_("Ce mot de passe est trop courant. Choisissez-en un autre.");
	case PASSWORD_LIKE_USERNAME:
		return N_("Le mot de passe ne peut pas contenir votre nom d'utilisateur.");
	default:
		return "";
	}
}
