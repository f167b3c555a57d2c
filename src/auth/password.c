/* password.c — Argon2id password hashes in the standard encoded form
 * ($argon2id$v=19$m=…,t=…,p=…$salt$hash, the form libsodium writes and reads), rehash
 * detection, and the policy for new passwords (length, common passwords, user name).
 *
 * The Argon2id computation is libargon2's (the reference implementation, Debian's
 * libargon2-1) with memory that each hashing thread keeps from one hash to the next:
 * libsodium maps, faults in and unmaps its 19 MiB at every hash, which costs a tenth of
 * the hash in the kernel and slows the other cores' hashes (every unmap interrupts them to
 * flush their address translations). The memory is in huge pages where the kernel allows,
 * left out of core dumps, and wiped by libargon2 after each hash. libsodium still makes
 * the salts, the base64, the constant-time comparison and the rehash check, and verifies
 * any hash form this file does not parse itself (argon2i from earlier versions). */
#include "auth/password.h"

#include <argon2.h>
#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/analyzer.h"
#include "base/msgid.h"
#include "base/utf8.h"

#define COMMON_MAX 20000
#define SALT_BYTES 16
#define HASH_BYTES 32
#define HUGE_PAGE ((size_t)2 << 20)
/* Bounds on a stored hash's parameters: a damaged or planted hash cannot ask for more
 * than 1 GiB or 64 passes. */
#define M_MAX_KIB (1u << 20)
#define T_MAX 64u
#define P_MAX 16u
#define PARAM_SALT_MIN 8
#define PARAM_SALT_MAX 64
#define PARAM_HASH_MIN 16
#define PARAM_HASH_MAX 64

#define DEFAULT_OPS 2
#define DEFAULT_MEM_KIB 19456

void
password_cfg_init(struct password_cfg *cfg, unsigned long long ops, size_t mem_kib)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ops = ops >= crypto_pwhash_OPSLIMIT_MIN ? ops : DEFAULT_OPS;
	cfg->mem = mem_kib * 1024 >= crypto_pwhash_MEMLIMIT_MIN ? mem_kib * 1024 :
	    (size_t)DEFAULT_MEM_KIB * 1024;
}

void
password_cfg_free(struct password_cfg *cfg)
{
	for (size_t i = 0; i < cfg->ncommon; i++)
		free(cfg->common[i]);
	free(cfg->common);
	cfg->common = NULL;
	cfg->ncommon = 0;
}

/* A hashing thread's Argon2 memory, kept until the thread ends. The key is process-wide
 * on purpose: the memory belongs to the thread, whichever application it hashes for (it
 * grows to the largest cost asked), so it holds no setting of any application. */
struct work {
	uint8_t *map;   /* the mapping, len bytes */
	size_t len;
	uint8_t *mem;   /* its first huge-page boundary */
	size_t usable;
};

static pthread_key_t work_key;
static pthread_once_t work_once = PTHREAD_ONCE_INIT;
static bool work_key_ok;

static void
work_free(void *arg)
{
	struct work *w = arg;

	if (w->map != NULL)
		munmap(w->map, w->len);
	free(w);
}

static void
work_key_make(void)
{
	work_key_ok = pthread_key_create(&work_key, work_free) == 0;
}

/* libargon2's allocator: this thread's memory, grown (never shrunk) to n bytes. */
static int
work_get(uint8_t **memory, size_t n)
{
	struct work *w;
	size_t len;
	void *p;

	pthread_once(&work_once, work_key_make);
	if (!work_key_ok || n > (size_t)M_MAX_KIB * 1024)
		return ARGON2_MEMORY_ALLOCATION_ERROR;
	if ((w = pthread_getspecific(work_key)) == NULL) {
		if ((w = calloc(1, sizeof(*w))) == NULL)
			return ARGON2_MEMORY_ALLOCATION_ERROR;
		if (pthread_setspecific(work_key, w) != 0) {
			free(w);
			return ARGON2_MEMORY_ALLOCATION_ERROR;
		}
	}
	/* gcc 12's analyzer does not know that pthread_setspecific keeps w (the key's
	 * destructor frees it at thread exit) and calls it leaked at each return below. */
	ANALYZER_IGNORE("-Wanalyzer-malloc-leak")
	if (w->usable < n) {
		if (w->map != NULL)
			munmap(w->map, w->len);
		w->map = w->mem = NULL;
		w->len = w->usable = 0;
		/* One huge page more than needed, so that the memory can start on a boundary. */
		len = (n + 2 * HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return ARGON2_MEMORY_ALLOCATION_ERROR;
		w->map = p;
		w->len = len;
		w->mem = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
		w->usable = len - (size_t)(w->mem - w->map);
		/* Advice only: without huge pages or the flag, the memory works the same. */
		(void)madvise(w->map, w->len, MADV_HUGEPAGE);
		(void)madvise(w->map, w->len, MADV_DONTDUMP);
	}
	*memory = w->mem;
	return ARGON2_OK;
	ANALYZER_END
}

/* libargon2 has wiped the memory before it calls this; it stays for the next hash. */
static void
work_put(uint8_t *memory, size_t n)
{
	(void)memory;
	(void)n;
}

/* Argon2id (version 1.3) of pw into out; 0 or -1. */
static int
argon2id_raw(const char *pw, const uint8_t *salt, size_t saltlen, uint32_t t, uint32_t m_kib,
    uint32_t lanes, uint8_t *out, size_t outlen)
{
	argon2_context c = {
		.out = out,
		.outlen = (uint32_t)outlen,
		.pwd = (uint8_t *)(uintptr_t)pw,   /* read only: no ARGON2_FLAG_CLEAR_PASSWORD */
		.pwdlen = (uint32_t)strlen(pw),
		.salt = (uint8_t *)(uintptr_t)salt,
		.saltlen = (uint32_t)saltlen,
		.t_cost = t,
		.m_cost = m_kib,
		.lanes = lanes,
		.threads = 1,
		.version = ARGON2_VERSION_13,
		.allocate_cbk = work_get,
		.free_cbk = work_put,
		.flags = ARGON2_DEFAULT_FLAGS,
	};

	return argon2id_ctx(&c) == ARGON2_OK ? 0 : -1;
}

/* Appends base64 (standard alphabet, no padding: the PHC string form) of bin to out at
 * *at; false when it does not fit. */
static bool
put_b64(char *out, size_t outlen, size_t *at, const uint8_t *bin, size_t n)
{
	if (sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) >
	    outlen - *at)
		return false;
	sodium_bin2base64(out + *at, outlen - *at, bin, n,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	*at += strlen(out + *at);
	return true;
}

int
password_hash(const struct password_cfg *cfg, const char *pw, char *out, size_t outlen)
{
	uint8_t salt[SALT_BYTES], hash[HASH_BYTES];
	uint32_t t = (uint32_t)cfg->ops, m = (uint32_t)(cfg->mem / 1024);
	size_t at;
	int n, rc = -1;

	if (outlen < crypto_pwhash_STRBYTES)
		return -1;
	randombytes_buf(salt, sizeof(salt));
	if (argon2id_raw(pw, salt, sizeof(salt), t, m, 1, hash, sizeof(hash)) != 0)
		goto out;
	n = snprintf(out, outlen, "$argon2id$v=19$m=%u,t=%u,p=1$", m, t);
	if (n < 0 || (size_t)n >= outlen)
		goto out;
	at = (size_t)n;
	if (!put_b64(out, outlen, &at, salt, sizeof(salt)) || at + 1 >= outlen)
		goto out;
	out[at++] = '$';
	if (!put_b64(out, outlen, &at, hash, sizeof(hash)))
		goto out;
	rc = 0;
out:
	sodium_memzero(hash, sizeof(hash));
	if (rc != 0)
		out[0] = '\0';
	return rc;
}

/* Reads a decimal number of 1 to 10 digits at *s, at most max (and at least 1). */
static bool
get_u32(const char **s, uint32_t max, uint32_t *v)
{
	uint64_t x = 0;
	int digits = 0;

	while (**s >= '0' && **s <= '9' && digits < 10) {
		x = x * 10 + (uint64_t)(**s - '0');
		(*s)++;
		digits++;
	}
	if (digits == 0 || x == 0 || x > max || (**s >= '0' && **s <= '9'))
		return false;
	*v = (uint32_t)x;
	return true;
}

/* Decodes the base64 at s up to stop (a '$' or the end) into bin, min to max bytes. */
static bool
get_b64(const char **s, char stop, uint8_t *bin, size_t min, size_t max, size_t *n)
{
	const char *end = stop != '\0' ? strchr(*s, stop) : *s + strlen(*s);
	const char *last;

	if (end == NULL || end == *s)
		return false;
	if (sodium_base642bin(bin, max, *s, (size_t)(end - *s), NULL, n, &last,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 || last != end || *n < min)
		return false;
	*s = end;
	return true;
}

/* The parts of $argon2id$v=19$m=M,t=T,p=P$SALT$HASH, within the bounds above. */
struct parsed {
	uint32_t m, t, p;
	uint8_t salt[PARAM_SALT_MAX], hash[PARAM_HASH_MAX];
	size_t saltlen, hashlen;
};

static bool
parse(const char *s, struct parsed *h)
{
	static const char head[] = "$argon2id$v=19$m=";

	if (strncmp(s, head, sizeof(head) - 1) != 0)
		return false;
	s += sizeof(head) - 1;
	if (!get_u32(&s, M_MAX_KIB, &h->m) || strncmp(s, ",t=", 3) != 0)
		return false;
	s += 3;
	if (!get_u32(&s, T_MAX, &h->t) || strncmp(s, ",p=", 3) != 0)
		return false;
	s += 3;
	if (!get_u32(&s, P_MAX, &h->p) || *s++ != '$' || h->m < 8 * h->p)
		return false;
	if (!get_b64(&s, '$', h->salt, PARAM_SALT_MIN, sizeof(h->salt), &h->saltlen))
		return false;
	s++;
	return get_b64(&s, '\0', h->hash, PARAM_HASH_MIN, sizeof(h->hash), &h->hashlen);
}

bool
password_verify(const char *encoded, const char *pw)
{
	struct parsed h;
	uint8_t mine[PARAM_HASH_MAX];
	bool ok;

	/* Another form (argon2i): libsodium's. A damaged argon2id hash: no. */
	if (strncmp(encoded, "$argon2id$", 10) != 0)
		return crypto_pwhash_str_verify(encoded, pw, strlen(pw)) == 0;
	if (!parse(encoded, &h))
		return false;
	ok = argon2id_raw(pw, h.salt, h.saltlen, h.t, h.m, h.p, mine, h.hashlen) == 0 &&
	    sodium_memcmp(mine, h.hash, h.hashlen) == 0;
	sodium_memzero(mine, sizeof(mine));
	return ok;
}

bool
password_needs_rehash(const struct password_cfg *cfg, const char *encoded)
{
	return crypto_pwhash_str_needs_rehash(encoded, cfg->ops, cfg->mem) != 0;
}

void
password_burn(const struct password_cfg *cfg, const char *pw)
{
	char out[crypto_pwhash_STRBYTES];

	(void)password_hash(cfg, pw, out, sizeof(out));
	sodium_memzero(out, sizeof(out));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
password_cfg_load_common(struct password_cfg *cfg, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], **common;
	size_t ncommon = 0;

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
		/* gcc 12's analyzer takes common[ncommon] (a moving index) for one slot written
		 * again at each line and calls the previous copy leaked; each has its own slot. */
		ANALYZER_IGNORE("-Wanalyzer-malloc-leak")
		if (common[ncommon] == NULL)
			break;
		ANALYZER_END
		ncommon++;
	}
	fclose(f);
	qsort(common, ncommon, sizeof(*common), cmp_str);
	password_cfg_free(cfg);
	cfg->common = common;
	cfg->ncommon = ncommon;
	return 0;
}

enum password_problem
password_check(const struct password_cfg *cfg, const char *pw, const char *username)
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
	if (cfg->ncommon > 0 && bsearch(&key, cfg->common, cfg->ncommon, sizeof(*cfg->common),
	    cmp_str) != NULL)
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
