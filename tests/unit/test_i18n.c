/* test_i18n.c — language negotiation, and .mo catalogues: ones compiled by msgfmt in
 * both byte orders, and handcrafted broken ones that must be refused without a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "web/i18n.h"

/* ---- negotiation ---- */

static void
test_negotiate_cookie_wins(void **state)
{
	(void)state;
	assert_string_equal(i18n_negotiate("de", "nl-BE,nl;q=0.9,en;q=0.8"), "de");
	assert_string_equal(i18n_negotiate("en", NULL), "en");
	assert_string_equal(i18n_negotiate("fr", "nl"), "fr");
	/* The result is one of i18n_langs, not a copy of the argument. */
	assert_ptr_equal(i18n_negotiate("nl", NULL), i18n_langs[0]);
}

static void
test_negotiate_cookie_unsupported(void **state)
{
	(void)state;
	assert_string_equal(i18n_negotiate("es", "en"), "en");
	assert_string_equal(i18n_negotiate("", "de"), "de");
	assert_string_equal(i18n_negotiate("nl-BE", "de"), "de");
	assert_string_equal(i18n_negotiate("NL", NULL), "fr");
	assert_string_equal(i18n_negotiate("nl\"><script>", NULL), "fr");
	assert_string_equal(i18n_negotiate("es", NULL), "fr");
}

static void
test_negotiate_accept_language(void **state)
{
	static const struct {
		const char *header;
		const char *want;
	} cases[] = {
		{ "nl-BE,nl;q=0.9,en;q=0.8", "nl" },
		{ "en-US,en;q=0.9,fr;q=0.8", "en" },
		{ "de;q=0.1, en;q=0.5", "en" },
		{ "es, *", "fr" },
		{ "*", "fr" },
		{ "fr;q=0, nl;q=0.2", "nl" },
		{ "nl;q=0", "fr" },
		{ "de;q=0.000", "fr" },
		{ "", "fr" },
		{ "   ", "fr" },
		{ "q=;;;,,,", "fr" },
		{ ",,,;;;===", "fr" },
		{ "en;q=", "fr" },
		{ "en;q=abc", "fr" },
		{ "en;q=2", "fr" },
		{ "en;q=1.5", "fr" },
		{ "en;q=0.5x", "fr" },
		{ "en;q=0.1234", "fr" },		/* at most three decimals */
		{ "en garbage", "fr" },
		{ "eng, de", "de" },			/* three-letter primary: not "en" */
		{ "e, de", "de" },
		{ "DE-de", "de" },			/* case-insensitive */
		{ "De-CH;Q=0.7, en;q=0.6", "de" },
		{ "de;q=0.5, en;q=0.5", "de" },		/* tie: header order */
		{ "en;q=0.5, de;q=0.5", "en" },
		{ "es;q=1, it, en;q=0.001", "en" },
		{ "fr-BE ; q = 0.5, nl;q=0.4", "nl" },	/* no spaces around '=' in RFC 9110 */
		{ "fr-BE ;q=0.5, nl;q=0.4", "fr" },	/* OWS before ';' is allowed */
		{ "\tnl-BE\t;\tq=0.3\t, en;q=0.2", "nl" },
		{ "nl;level=1;q=0.9, de;q=0.8", "nl" },	/* unknown parameter skipped */
		{ "en;q=1.000, nl", "en" },
		{ "en;q=0., nl;q=0.1", "nl" },
		{ "x-klingon, nl-BE-u-nu-latn", "nl" },
		{ "nl;q=0.3,,,de;q=0.4", "de" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = i18n_negotiate(NULL, cases[i].header);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("Accept-Language \"%s\": got %s, want %s",
			    cases[i].header, got, cases[i].want);
	}
	assert_string_equal(i18n_negotiate(NULL, NULL), "fr");
}

static void
fill_filler(char *h, size_t n)
{
	size_t i;

	/* "xx;q=0.9, " repeated: supported by nobody. */
	for (i = 0; i < n; i++)
		h[i] = "xx;q=0.9, "[i % 10];
}

static void
test_negotiate_long_header(void **state)
{
	char h[4096];

	(void)state;
	/* A supported language at the start of a long header is found. */
	memcpy(h, "de;q=0.4,", 9);
	fill_filler(h + 9, sizeof(h) - 10);
	h[sizeof(h) - 1] = '\0';
	assert_string_equal(i18n_negotiate(NULL, h), "de");

	/* Beyond the first 1024 bytes nothing counts. */
	fill_filler(h, 2000);
	memcpy(h + 2000, ", nl", 5);
	assert_string_equal(i18n_negotiate(NULL, h), "fr");
	memcpy(h + 2000, ", nl, de;q=0.5", 15);
	assert_string_equal(i18n_negotiate(NULL, h), "fr");

	/* Just inside the limit: "en" ends at byte 1024 and a comma follows. */
	fill_filler(h, 1020);
	memcpy(h + 1020, ", en,", 6);
	assert_int_equal(strlen(h), 1025);
	assert_string_equal(i18n_negotiate(NULL, h), "en");

	/* One byte further, "en" straddles the limit and is not read. */
	fill_filler(h, 1021);
	memcpy(h + 1021, ", en,", 6);
	assert_true(h[1023] == 'e' && h[1024] == 'n');
	assert_string_equal(i18n_negotiate(NULL, h), "fr");

	/* An element cut by the limit is dropped, so that "en;q=0.1" cut to "en" does
	 * not become q=1 and beat "de;q=0.5". */
	memcpy(h, "de;q=0.5,", 9);
	fill_filler(h + 9, 1011);
	memcpy(h + 1020, ", en;q=0.1", 11);
	assert_true(h[1022] == 'e' && h[1023] == 'n' && h[1024] == ';');
	assert_string_equal(i18n_negotiate(NULL, h), "de");

	/* Header of exactly 1024 bytes is read whole. */
	fill_filler(h, 1020);
	memcpy(h + 1020, ", en", 5);
	assert_int_equal(strlen(h), 1024);
	assert_string_equal(i18n_negotiate(NULL, h), "en");
}

static void
test_supported(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_true(i18n_supported(i18n_langs[i]));
	assert_string_equal(i18n_langs[0], "nl");
	assert_string_equal(i18n_langs[1], "fr");
	assert_string_equal(i18n_langs[2], "de");
	assert_string_equal(i18n_langs[3], "en");
	assert_false(i18n_supported(NULL));
	assert_false(i18n_supported(""));
	assert_false(i18n_supported("es"));
	assert_false(i18n_supported("nl-BE"));
	assert_false(i18n_supported("n"));
}

/* ---- temporary catalogue directories ---- */

struct tdir {
	char path[256];
};

static void
tdir_make(struct tdir *d)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	if (tmp == NULL || *tmp == '\0' || strchr(tmp, '\'') != NULL)
		tmp = "/tmp";
	n = snprintf(d->path, sizeof(d->path), "%s/test_i18n.XXXXXX", tmp);
	assert_true(n > 0 && (size_t)n < sizeof(d->path));
	assert_non_null(mkdtemp(d->path));
}

static void
tdir_file(const struct tdir *d, const char *name, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", d->path, name);

	assert_true(n > 0 && (size_t)n < outlen);
}

static void
tdir_write(const struct tdir *d, const char *name, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	tdir_file(d, name, path, sizeof(path));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
tdir_remove(struct tdir *d)
{
	static const char *const names[] = {
		"fr.po", "nl.po", "de.po", "en.po", "fr.mo", "nl.mo", "de.mo", "en.mo",
	};
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		tdir_file(d, names[i], path, sizeof(path));
		unlink(path);
	}
	assert_int_equal(rmdir(d->path), 0);
}

/* Compiles d/lang.po into d/lang.mo with msgfmt; endianness is "little" or "big". */
static void
tdir_msgfmt(const struct tdir *d, const char *lang, const char *endianness)
{
	char cmd[1024];
	int n, rc;

	n = snprintf(cmd, sizeof(cmd), "msgfmt --check --endianness=%s -o '%s/%s.mo' '%s/%s.po'",
	    endianness, d->path, lang, d->path, lang);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	rc = system(cmd);
	if (rc != 0)
		fail_msg("msgfmt failed (status %d): is gettext installed?", rc);
}

/* A complete header, so that msgfmt --check stays quiet; %s is the language. */
static const char po_header[] =
    "msgid \"\"\n"
    "msgstr \"\"\n"
    "\"Project-Id-Version: test\\n\"\n"
    "\"PO-Revision-Date: 2024-01-01 00:00+0100\\n\"\n"
    "\"Last-Translator: test\\n\"\n"
    "\"Language-Team: test\\n\"\n"
    "\"Language: %s\\n\"\n"
    "\"MIME-Version: 1.0\\n\"\n"
    "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
    "\"Content-Transfer-Encoding: 8bit\\n\"\n"
    "\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n"
    "\n";

static const char po_nl_body[] =
    "msgid \"Se connecter\"\n"
    "msgstr \"Aanmelden\"\n"
    "\n"
    "msgid \"La page demandée n'existe pas.\"\n"
    "msgstr \"De gevraagde pagina bestaat niet.\"\n"
    "\n"
    "msgid \"Bonjour {1}, vous avez \\\"{2}\\\"\"\n"
    "msgstr \"Hallo {1}, u hebt \\\"{2}\\\"\"\n"
    "\n"
    "msgid \"Pas traduit\"\n"
    "msgstr \"\"\n"
    "\n"
    "#, fuzzy\n"
    "msgid \"Approximatif\"\n"
    "msgstr \"Bij benadering\"\n"
    "\n"
    "msgid \"{1} fichier\"\n"
    "msgid_plural \"{1} fichiers\"\n"
    "msgstr[0] \"{1} bestand\"\n"
    "msgstr[1] \"{1} bestanden\"\n"
    "\n"
    "msgctxt \"menu\"\n"
    "msgid \"Fichier\"\n"
    "msgstr \"Bestand (menu)\"\n";

static const char po_de_body[] =
    "msgid \"Se connecter\"\n"
    "msgstr \"Anmelden\"\n";

/* Writes d/lang.po (header, then body) and compiles it. */
static void
tdir_catalogue(const struct tdir *d, const char *lang, const char *body,
    const char *endianness)
{
	char po[4096], name[8];
	int n;

	n = snprintf(po, sizeof(po), po_header, lang);
	assert_true(n > 0 && (size_t)n < sizeof(po));
	assert_true(strlen(body) < sizeof(po) - (size_t)n);
	memcpy(po + n, body, strlen(body) + 1);
	n = snprintf(name, sizeof(name), "%s.po", lang);
	assert_true(n > 0 && (size_t)n < sizeof(name));
	tdir_write(d, name, po, strlen(po));
	tdir_msgfmt(d, lang, endianness);
}

/* Writes and compiles the four catalogues (fr and en have only their header). */
static void
tdir_catalogues(const struct tdir *d, const char *endianness)
{
	tdir_catalogue(d, "nl", po_nl_body, endianness);
	tdir_catalogue(d, "de", po_de_body, endianness);
	tdir_catalogue(d, "fr", "", endianness);
	tdir_catalogue(d, "en", "", endianness);
}

static void
check_loaded(const struct i18n *t)
{
	const char *id;

	assert_string_equal(i18n_get(t, "nl", "Se connecter"), "Aanmelden");
	assert_string_equal(i18n_get(t, "de", "Se connecter"), "Anmelden");
	assert_string_equal(i18n_get(t, "nl", "La page demandée n'existe pas."),
	    "De gevraagde pagina bestaat niet.");
	assert_string_equal(i18n_get(t, "nl", "Bonjour {1}, vous avez \"{2}\""),
	    "Hallo {1}, u hebt \"{2}\"");
	/* Plural entries: the first form, looked up by the singular msgid. */
	assert_string_equal(i18n_get(t, "nl", "{1} fichier"), "{1} bestand");
	/* Missing translations fall back to the msgid itself (same pointer). */
	id = "Texte absent du catalogue";
	assert_ptr_equal(i18n_get(t, "nl", id), id);
	id = "Pas traduit";
	assert_ptr_equal(i18n_get(t, "nl", id), id);
	id = "Approximatif";
	assert_ptr_equal(i18n_get(t, "nl", id), id);
	id = "La page demandée n'existe pas.";
	assert_ptr_equal(i18n_get(t, "de", id), id);
	assert_ptr_equal(i18n_get(t, "en", id), id);
	assert_ptr_equal(i18n_get(t, "fr", id), id);
	/* A msgctxt entry does not answer the bare msgid. */
	id = "Fichier";
	assert_ptr_equal(i18n_get(t, "nl", id), id);
	/* The header entry is not a translation of "". */
	assert_string_equal(i18n_get(t, "nl", ""), "");
	/* Unknown languages and NULLs. */
	id = "Se connecter";
	assert_ptr_equal(i18n_get(t, "es", id), id);
	assert_ptr_equal(i18n_get(t, NULL, id), id);
	assert_ptr_equal(i18n_get(t, "NL", id), id);
	assert_string_equal(i18n_get(t, "nl", NULL), "");
}

static void
test_load_msgfmt(void **state)
{
	const char *orders[] = { "little", "big" };
	struct i18n *t;
	struct tdir d;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		tdir_make(&d);
		tdir_catalogues(&d, orders[i]);
		err[0] = '\0';
		if (i18n_load(d.path, &t, err, sizeof(err)) != 0)
			fail_msg("i18n_load (%s-endian): %s", orders[i], err);
		check_loaded(t);
		i18n_free(t);
		tdir_remove(&d);
	}
}

static void
test_get_without_catalogue(void **state)
{
	const char *id = "Accueil";

	(void)state;
	assert_ptr_equal(i18n_get(NULL, "nl", id), id);
	assert_string_equal(i18n_get(NULL, "nl", NULL), "");
	i18n_free(NULL);
}

/* ---- handcrafted images ---- */

#define IMG_MAX 4096

struct img {
	unsigned char b[IMG_MAX];
	size_t len;
	int big;
};

static void
put32(struct img *m, size_t off, uint32_t v)
{
	assert_true(off + 4 <= IMG_MAX);
	if (m->big) {
		m->b[off] = (unsigned char)(v >> 24);
		m->b[off + 1] = (unsigned char)(v >> 16);
		m->b[off + 2] = (unsigned char)(v >> 8);
		m->b[off + 3] = (unsigned char)v;
	} else {
		m->b[off] = (unsigned char)v;
		m->b[off + 1] = (unsigned char)(v >> 8);
		m->b[off + 2] = (unsigned char)(v >> 16);
		m->b[off + 3] = (unsigned char)(v >> 24);
	}
}

/* Builds a revision-0 .mo: header, msgid table, msgstr table, a 1-slot hash table,
 * then the strings, each followed by its NUL. pairs holds n msgid/msgstr pairs. */
static void
img_build(struct img *m, int big, const char *const *pairs, size_t n)
{
	size_t otab = 28, ttab = 28 + 8 * n, htab = 28 + 16 * n, str = htab + 4, i, k;

	memset(m, 0, sizeof(*m));
	m->big = big;
	put32(m, 0, 0x950412deU);
	put32(m, 4, 0);
	put32(m, 8, (uint32_t)n);
	put32(m, 12, (uint32_t)otab);
	put32(m, 16, (uint32_t)ttab);
	put32(m, 20, 1);
	put32(m, 24, (uint32_t)htab);
	put32(m, htab, 0);
	for (i = 0; i < n; i++) {
		for (k = 0; k < 2; k++) {
			size_t l = strlen(pairs[2 * i + k]);

			assert_true(str + l + 1 <= IMG_MAX);
			memcpy(m->b + str, pairs[2 * i + k], l + 1);
			put32(m, (k == 0 ? otab : ttab) + 8 * i, (uint32_t)l);
			put32(m, (k == 0 ? otab : ttab) + 8 * i + 4, (uint32_t)str);
			str += l + 1;
		}
	}
	m->len = str;
}

static const char *const sample[] = {
	"", "Content-Type: text/plain; charset=UTF-8\n",
	"Zèbre", "Zebra",
	"Accueil", "Startpagina",
	"Aide", "Help",
};
#define SAMPLE_N (sizeof(sample) / sizeof(sample[0]) / 2)

static void
test_parse_handcrafted(void **state)
{
	struct img m;
	char err[256];

	(void)state;
	img_build(&m, 0, sample, SAMPLE_N);
	assert_int_equal(i18n_parse_mo(m.b, m.len, err, sizeof(err)), 3);
	img_build(&m, 1, sample, SAMPLE_N);
	assert_true(m.b[0] == 0x95 && m.b[3] == 0xde);
	assert_int_equal(i18n_parse_mo(m.b, m.len, err, sizeof(err)), 3);
	/* An empty catalogue is valid. */
	img_build(&m, 1, sample, 0);
	assert_int_equal(i18n_parse_mo(m.b, m.len, err, sizeof(err)), 0);
	/* Revision 1 (system-dependent strings) keeps the same layout for what we read. */
	img_build(&m, 0, sample, SAMPLE_N);
	put32(&m, 4, 1);
	assert_int_equal(i18n_parse_mo(m.b, m.len, err, sizeof(err)), 3);
}

/* Expects a refusal whose reason contains want. */
static void
expect_refused(const struct img *m, const char *want)
{
	char err[256] = "";

	if (i18n_parse_mo(m->b, m->len, err, sizeof(err)) != -1)
		fail_msg("accepted an image that should be refused (%s)", want);
	if (strstr(err, want) == NULL)
		fail_msg("reason \"%s\" does not mention \"%s\"", err, want);
}

static void
test_parse_malformed(void **state)
{
	static const char *const dup[] = { "Aide", "Help", "Aide", "Hilfe" };
	static const char *const bad_utf8[] = { "Caf\xe9", "Coffee" };
	struct img m;
	int big;

	(void)state;
	for (big = 0; big <= 1; big++) {
		img_build(&m, big, sample, SAMPLE_N);
		m.len = 27;
		expect_refused(&m, "too short");

		img_build(&m, big, sample, SAMPLE_N);
		m.b[0] ^= 0xff;
		expect_refused(&m, "not a .mo file");

		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 4, 2u << 16);
		expect_refused(&m, "revision");

		/* More entries than the tables can hold. */
		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 8, 0xffffffffU);
		expect_refused(&m, "do not fit");

		/* msgid table offset past the end. */
		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 12, (uint32_t)m.len + 100);
		expect_refused(&m, "do not fit");

		/* msgstr table offset so that the table straddles the end. */
		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 16, (uint32_t)m.len - 8);
		expect_refused(&m, "do not fit");

		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 24, 0xfffffff0U);
		expect_refused(&m, "hash table");

		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 20, 0x40000000U);
		expect_refused(&m, "hash table");

		/* A string offset past the end of the file. */
		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 28 + 8 + 4, (uint32_t)m.len + 1);
		expect_refused(&m, "past the end");

		/* A string offset at the very end (no room for the NUL). */
		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 28 + 8 * SAMPLE_N + 8 + 4, (uint32_t)m.len);
		expect_refused(&m, "past the end");

		/* A length running past the end, and one that wraps around 32 bits. */
		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 28 + 8, 0xfffffff0U);
		expect_refused(&m, "past the end");
		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 28 + 8, 0xffffffffU);
		expect_refused(&m, "past the end");

		/* A length one short of the real one leaves no NUL after the string. */
		img_build(&m, big, sample, SAMPLE_N);
		put32(&m, 28 + 8, 3);
		expect_refused(&m, "NUL");

		img_build(&m, big, dup, 2);
		expect_refused(&m, "twice");

		img_build(&m, big, bad_utf8, 1);
		expect_refused(&m, "UTF-8");
	}

	/* Over the 8 MiB cap, checked before anything is read. */
	img_build(&m, 0, sample, SAMPLE_N);
	{
		char err[128] = "";

		assert_int_equal(i18n_parse_mo(m.b, ((size_t)8 << 20) + 1, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "limit"));
		/* NULL data and a NULL err are tolerated. */
		assert_int_equal(i18n_parse_mo(NULL, 0, NULL, 0), -1);
		assert_int_equal(i18n_parse_mo(NULL, 10, err, sizeof(err)), -1);
	}
}

static void
test_parse_every_prefix(void **state)
{
	struct img m;
	char err[256];
	size_t full, len;
	int big;

	(void)state;
	for (big = 0; big <= 1; big++) {
		img_build(&m, big, sample, SAMPLE_N);
		full = m.len;
		/* The last string ends the image: every shorter prefix is broken. */
		for (len = 0; len < full; len++)
			assert_int_equal(i18n_parse_mo(m.b, len, err, sizeof(err)), -1);
		assert_int_equal(i18n_parse_mo(m.b, full, err, sizeof(err)), 3);
	}
}

/* i18n_load names the file and the reason, and frees what it had loaded. */
static void
test_load_refuses(void **state)
{
	struct i18n *t = (struct i18n *)(uintptr_t)1;	/* must be reset to NULL */
	struct tdir d;
	struct img m;
	char err[256], path[512];
	FILE *f;

	(void)state;
	tdir_make(&d);
	tdir_catalogues(&d, "little");

	/* Truncated nl.mo, big-endian. */
	img_build(&m, 1, sample, SAMPLE_N);
	tdir_write(&d, "nl.mo", m.b, m.len - 3);
	assert_int_equal(i18n_load(d.path, &t, err, sizeof(err)), -1);
	assert_null(t);
	assert_non_null(strstr(err, "nl.mo"));
	assert_non_null(strstr(err, "past the end"));

	/* A msgid offset past the end in en.mo (loaded last). */
	tdir_msgfmt(&d, "nl", "little");
	img_build(&m, 0, sample, SAMPLE_N);
	put32(&m, 28 + 12, 5000);
	tdir_write(&d, "en.mo", m.b, m.len);
	assert_int_equal(i18n_load(d.path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "en.mo"));

	/* Empty file. */
	tdir_write(&d, "en.mo", "", 0);
	assert_int_equal(i18n_load(d.path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too short"));

	/* Over 8 MiB (sparse). */
	tdir_file(&d, "en.mo", path, sizeof(path));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), ((off_t)8 << 20) + 1), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(i18n_load(d.path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "limit"));

	/* Missing file. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(i18n_load(d.path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "en.mo"));

	/* A directory where a file is expected. */
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(i18n_load(d.path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "regular file"));
	assert_int_equal(rmdir(path), 0);

	/* A FIFO is refused at once, not waited on. */
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(i18n_load(d.path, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "regular file"));
	assert_int_equal(unlink(path), 0);

	assert_int_equal(i18n_load(NULL, &t, err, sizeof(err)), -1);
	assert_null(t);

	/* Back to valid: loads again. */
	tdir_msgfmt(&d, "en", "big");
	assert_int_equal(i18n_load(d.path, &t, err, sizeof(err)), 0);
	check_loaded(t);
	i18n_free(t);
	tdir_remove(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiate_cookie_wins),
		cmocka_unit_test(test_negotiate_cookie_unsupported),
		cmocka_unit_test(test_negotiate_accept_language),
		cmocka_unit_test(test_negotiate_long_header),
		cmocka_unit_test(test_supported),
		cmocka_unit_test(test_load_msgfmt),
		cmocka_unit_test(test_get_without_catalogue),
		cmocka_unit_test(test_parse_handcrafted),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_every_prefix),
		cmocka_unit_test(test_load_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
