/* import.c — CSV import of a quality's users: parsing (libcsv, iconv for Windows-1252), the
 * batch kept in import_batch, each row classified with the pages' own checks and applied
 * with the pages' own service functions (account_add_member, account_change_member). */
#include "access/import.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/quality.h"
#include "access/service.h"
#include "access/sql.h"
#include "base/clock.h"
#include "base/msgid.h"
#include "base/utf8.h"
#include "be/be.h"

/* ---- parsing ---- */

struct parse_state {
	struct arena *a;
	const char **cells;        /* the current row's cells */
	size_t ncells, cap;
	const char ***rows;
	size_t *ncells_of;
	size_t nrows, rcap;
	const char *why;
	bool full;                 /* the arena */
};

/* A cell the export defused ("'=…") comes back as it was. */
static const char *
undefuse(const char *s)
{
	if (s[0] == '\'' && (s[1] == '=' || s[1] == '+' || s[1] == '-' || s[1] == '@' ||
	    s[1] == '\t' || s[1] == '\r'))
		return s + 1;
	return s;
}

static void
on_field(void *data, size_t len, void *arg)
{
	struct parse_state *p = arg;
	char *cell;

	if (p->why != NULL || p->full)
		return;
	if (len > IMPORT_MAX_CELL) {
		p->why = N_("Une cellule du fichier est trop longue.");
		return;
	}
	if (p->ncells == IMPORT_MAX_COLS) {
		p->why = N_("Une ligne du fichier compte trop de colonnes.");
		return;
	}
	if (p->ncells == p->cap) {
		p->cells = access_grow(p->a, p->cells, p->ncells, &p->cap, sizeof(*p->cells));
		if (p->cells == NULL) {
			p->full = true;
			return;
		}
	}
	cell = arena_alloc(p->a, len + 1);
	if (cell == NULL) {
		p->full = true;
		return;
	}
	memcpy(cell, data ? data : "", len);
	cell[len] = '\0';
	p->cells[p->ncells++] = undefuse(cell);
}

static void
on_row(int c, void *arg)
{
	struct parse_state *p = arg;

	(void)c;
	if (p->why != NULL || p->full)
		return;
	/* A blank line is no row. */
	if (p->ncells == 0 || (p->ncells == 1 && p->cells[0][0] == '\0')) {
		p->ncells = 0;
		return;
	}
	if (p->nrows == IMPORT_MAX_ROWS + 1) {
		p->why = N_("Le fichier compte trop de lignes (20 000 au plus).");
		return;
	}
	if (p->nrows == p->rcap) {
		size_t cap = p->rcap;

		p->rows = access_grow(p->a, p->rows, p->nrows, &p->rcap, sizeof(*p->rows));
		p->ncells_of = access_grow(p->a, p->ncells_of, p->nrows, &cap,
		    sizeof(*p->ncells_of));
		if (p->rows == NULL || p->ncells_of == NULL) {
			p->full = true;
			return;
		}
	}
	p->rows[p->nrows] = p->cells;
	p->ncells_of[p->nrows++] = p->ncells;
	/* The next row's cells in a list of their own. */
	p->cells = NULL;
	p->ncells = p->cap = 0;
}

/* Windows-1252 to UTF-8 through glibc's iconv, into a. NULL on failure. */
static char *
from_cp1252(struct arena *a, const char *in, size_t len, size_t *out_len)
{
	iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
	size_t cap = len * 3 + 1, left = cap - 1, inleft = len;
	char *out, *dst, *src = (char *)(uintptr_t)in;

	if (cd == (iconv_t)-1)
		return NULL;
	out = arena_alloc(a, cap);
	dst = out;
	if (out == NULL || iconv(cd, &src, &inleft, &dst, &left) == (size_t)-1) {
		iconv_close(cd);
		return NULL;
	}
	iconv_close(cd);
	*dst = '\0';
	*out_len = (size_t)(dst - out);
	return out;
}

/* ';' unless the header row holds more commas than semicolons. */
static char
guess_sep(const char *s, size_t len)
{
	size_t semi = 0, comma = 0;

	for (size_t i = 0; i < len && s[i] != '\n'; i++) {
		semi += s[i] == ';';
		comma += s[i] == ',';
	}
	return comma > semi ? ',' : ';';
}

int
import_parse(const char *data, size_t len, struct arena *a, struct import_file *f,
    const char **why)
{
	struct parse_state p = { .a = a };
	struct csv_parser csv;
	const char *text = data;
	size_t n = len;

	memset(f, 0, sizeof(*f));
	*why = NULL;
	if (len > IMPORT_MAX_BYTES) {
		*why = N_("Le fichier est trop volumineux (5 Mio au plus).");
		return 1;
	}
	if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		n -= 3;
	}
	if (memchr(text, '\0', n) != NULL) {
		*why = N_("Ce fichier n'est pas un fichier CSV.");
		return 1;
	}
	if (!utf8_valid(text, n)) {
		text = from_cp1252(a, text, n, &n);
		if (text == NULL) {
			*why = N_("Ce fichier n'est pas un fichier CSV.");
			return 1;
		}
		f->converted = true;
	} else {
		char *copy = arena_alloc(a, n + 1);

		if (copy == NULL)
			return -1;
		memcpy(copy, text, n);
		copy[n] = '\0';
		text = copy;
	}
	f->text = text;
	f->text_len = n;
	f->sep = guess_sep(text, n);
	if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return -1;
	csv_set_delim(&csv, (unsigned char)f->sep);
	if (csv_parse(&csv, text, n, on_field, on_row, &p) != n ||
	    csv_fini(&csv, on_field, on_row, &p) != 0) {
		if (p.why == NULL && !p.full)
			p.why = N_("Le fichier CSV est mal formé (guillemets).");
	}
	csv_free(&csv);
	if (p.full)
		return -1;
	if (p.why == NULL && p.nrows < 2)
		p.why = N_("Le fichier ne contient aucun utilisateur.");
	if (p.why != NULL) {
		*why = p.why;
		return 1;
	}
	f->rows = p.rows;
	f->ncells = p.ncells_of;
	f->nrows = p.nrows;
	return 0;
}

/* ---- classification ---- */

/* The export's columns: Nom, Prénom, Nom d'utilisateur, Type, NISS, Statut, the account
 * data (account_fields), Date création, Date modification, Applications sécurisées. A
 * further last column (the refused-rows file's reason) is ignored. */
enum { COL_LAST, COL_FIRST, COL_USERNAME, COL_TYPE, COL_NISS, COL_STATUS, COL_DATA };

static size_t
ncols(void)
{
	return COL_DATA + account_nfields + 3;
}

/* What classifying needs across rows: the transaction, the actor, NISS seen. */
struct classify_ctx {
	struct store_tx *tx;
	const struct actor *who;
	struct policy_actor actor;
	int64_t org, quality;
	const char *qcode;
	bool apply;
	struct account_bulk *bulk; /* what the rows need, read for the whole file at once */
	char **seen;               /* NISS of earlier rows: open addressing, in keep */
	size_t seen_cap;
	struct arena *keep;        /* what outlives a row: the view's arena */
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Whether niss was seen in an earlier row: 1, else 0 and recorded (a copy in c->keep);
 * -1 when that arena is full. */
static int
seen_before(struct classify_ctx *c, const char *niss)
{
	size_t i = (size_t)(hash(niss) % c->seen_cap);

	while (c->seen[i] != NULL) {
		if (strcmp(c->seen[i], niss) == 0)
			return 1;
		i = (i + 1) % c->seen_cap;
	}
	c->seen[i] = arena_strdup(c->keep, niss);
	return c->seen[i] != NULL ? 0 : -1;
}

/* The applications cell ("A B C") into in's list, in a. Returns 0 or -1. */
static int
split_apps(struct arena *a, const char *cell, struct user_input *in)
{
	const char **apps = arena_alloc(a, (ACCESS_MAX_APPS + 2) * sizeof(*apps));
	const char *p = cell;

	if (apps == NULL)
		return -1;
	in->napps = 0;
	while (*p != '\0') {
		size_t k;
		char *code;

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		k = strcspn(p, " ,\t");
		if (k == 0)
			break;
		if (in->napps == ACCESS_MAX_APPS + 1)
			break;     /* too many: account_validate refuses them */
		code = arena_alloc(a, k + 1);
		if (code == NULL)
			return -1;
		memcpy(code, p, k);
		code[k] = '\0';
		apps[in->napps++] = code;
		p += k;
	}
	in->apps = apps;
	return 0;
}

/* The first field error's message, for a row's reason. */
static const char *
first_error(const struct access_errors *err)
{
	return err->n > 0 ? err->e[0].msgid : N_("Ligne refusée.");
}

#define ABOVE N_("Refusé : au-delà de vos propres droits (un co-gestionnaire, ou une personne au-dessus de vous).")

/* A row beyond the importer's own rights: refused with ABOVE; at the confirmation also an
 * access.denied event naming the policy's action and reason, the quality, the line and
 * the person (0: none yet), in the applying transaction, as the pages record their
 * refusals (the preview, read again at will, records nothing). Returns 0 or -1. */
static int
refuse_row(struct classify_ctx *c, struct import_row *r, enum policy_action action,
    enum policy_reason why, int64_t person)
{
	char object[32];

	r->reason = ABOVE;
	if (!c->apply)
		return 0;
	if (person > 0 && snprintf(object, sizeof(object), "person:%" PRId64, person) < 0)
		return -1;
	return access_audit_json(c->tx, c->who, &c->actor, c->org, "access.denied",
	    person > 0 ? object : NULL,
	    json_pack("{s:s,s:s,s:I,s:I}", "action", policy_action_name(action), "reason",
	    policy_reason_name(why), "quality", (json_int_t)c->quality, "line",
	    (json_int_t)r->line));
}

/* Classifies (and with c->apply applies) the row whose data starts at cells; fills r.
 * Returns 0, or -1 on store errors. */
static int
classify_row(struct classify_ctx *c, struct arena *a, const char *const *cells, size_t n,
    struct import_row *r)
{
	struct access_errors err = { 0 };
	struct user_input in = { 0 };
	struct policy_target t = { .quality = c->quality };
	struct be_niss parsed;
	struct user_norm norm;
	struct user_view v;
	enum policy_reason pr;
	enum be_reason why;
	enum access_rc rc;
	unsigned roles = 0;
	char *type;
	bool changed;

	r->cells = cells;
	r->ncells = n;
	r->cls = IMPORT_REFUSED;
	r->niss = r->last_name = r->first_name = r->username = r->type = r->apps = "";
	if (n != ncols() && n != ncols() + 1) {
		r->reason = N_("Nombre de colonnes inattendu : le fichier doit avoir les colonnes de l'export.");
		return 0;
	}
	r->last_name = cells[COL_LAST];
	r->first_name = cells[COL_FIRST];
	r->username = cells[COL_USERNAME];
	r->niss = cells[COL_NISS];
	r->apps = cells[COL_DATA + account_nfields + 2];
	type = arena_strdup(a, cells[COL_TYPE][0] != '\0' ? cells[COL_TYPE] : "USER");
	if (type == NULL)
		return -1;
	for (char *p = type; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	if (strcmp(type, "CO-GL") == 0)
		type = "COGL";
	r->type = type;
	why = strlen(r->niss) > 31 ? BE_LENGTH : r->niss[0] == '\0' ? BE_EMPTY :
	    be_niss_parse(r->niss, &parsed);
	if (why != BE_OK) {
		r->reason = be_reason_msgid(why);
		return 0;
	}
	if ((r->niss = arena_strdup(a, parsed.digits)) == NULL)
		return -1;
	switch (seen_before(c, r->niss)) {
	case 0:
		break;
	case 1:
		r->reason = N_("Cette personne figure déjà plus haut dans le fichier.");
		return 0;
	default:
		return -1;
	}
	if (strcmp(type, "GL") != 0 && strcmp(type, "COGL") != 0 && strcmp(type, "USER") != 0) {
		r->reason = N_("Choisissez un type d'utilisateur de la liste.");
		return 0;
	}
	in.niss = r->niss;
	in.username = r->username;
	in.last_name = r->last_name;
	in.first_name = r->first_name;
	in.type = type;
	account_data_empty(&in.data);
	for (size_t i = 0; i < account_nfields; i++)
		*account_data_at(&in.data, i) = cells[COL_DATA + i];
	if (split_apps(a, r->apps, &in) != 0)
		return -1;
	if (account_validate_bulk(c->tx, c->bulk, a, c->org, c->qcode, &in, &norm, &err) < 0)
		return -1;
	if (norm.person_id == 0 && !norm.names_from_register) {
		r->reason = N_("Cette personne est inconnue du registre des personnes.");
		return 0;
	}
	r->last_name = norm.last_name;
	r->first_name = norm.first_name;
	/* Acting on the GAP or a co-GAP: only someone above them may. */
	if (norm.person_id != 0 &&
	    account_bulk_manager_roles(c->bulk, c->who, norm.person_id, &roles) != 0)
		return -1;
	t.target_roles = roles;
	if ((pr = policy_check(POLICY_MANAGE_USERS, &c->actor, &t)) != POLICY_ALLOWED)
		return refuse_row(c, r, POLICY_MANAGE_USERS, pr, norm.person_id);
	rc = norm.account_id != 0 ?
	    account_member_view_bulk(c->tx, c->bulk, a, c->org, c->quality, norm.account_id,
	    &v) :
	    ACCESS_NOT_FOUND;
	if (rc == ACCESS_ERROR)
		return -1;
	if (rc == ACCESS_NOT_FOUND) {
		/* A new member: the creation page's checks. */
		if (err.n > 0) {
			r->reason = first_error(&err);
			return 0;
		}
		if (strcmp(type, "GL") == 0) {
			r->reason = N_("Le gestionnaire local se désigne sur la page de la qualité, pas par un import.");
			return 0;
		}
		if (strcmp(type, "COGL") == 0 &&
		    (pr = policy_check(POLICY_DESIGNATE_COGL, &c->actor, &t)) != POLICY_ALLOWED)
			return refuse_row(c, r, POLICY_DESIGNATE_COGL, pr, norm.person_id);
		r->cls = IMPORT_ADD;
		if (!c->apply)
			return 0;
		rc = account_add_member(c->tx, c->who, &c->actor, c->org, c->quality, type, &norm);
		/* Written: later rows read that person and user name from the store. */
		account_bulk_forget(c->bulk, norm.niss, norm.username, NULL);
		return rc == ACCESS_OK ? 0 : -1;
	}
	/* A member already: the edition page's checks. */
	if ((strcmp(type, "GL") == 0) != (strcmp(v.type, "GL") == 0)) {
		r->reason = N_("Le gestionnaire local se désigne sur la page de la qualité, pas par un import.");
		return 0;
	}
	if (strcmp(type, v.type) != 0 &&
	    (pr = policy_check(POLICY_DESIGNATE_COGL, &c->actor, &t)) != POLICY_ALLOWED)
		return refuse_row(c, r, POLICY_DESIGNATE_COGL, pr, norm.person_id);
	memset(&err, 0, sizeof(err));
	rc = account_change_member_bulk(c->tx, c->bulk, c->who, &c->actor, c->org, c->quality,
	    c->qcode, &v, &in, type, false, a, &err, &changed);
	if (rc == ACCESS_INVALID) {
		r->reason = first_error(&err);
		return 0;
	}
	if (rc != ACCESS_OK)
		return -1;
	r->cls = changed ? IMPORT_CHANGE : IMPORT_SAME;
	if (!c->apply || !changed)
		return 0;
	rc = account_change_member_bulk(c->tx, c->bulk, c->who, &c->actor, c->org, c->quality,
	    c->qcode, &v, &in, type, true, a, &err, &changed);
	account_bulk_forget(c->bulk, v.niss, in.username, v.username);
	return rc == ACCESS_OK ? 0 : -1;
}

#define SCRATCH_ROWS 64

/* Reads at once what classifying f's rows needs (account_bulk_load): the valid NISS and
 * the user names of the rows with the export's columns. Returns 0 or -1. */
static int
load_bulk(struct classify_ctx *c, const struct import_file *f, struct arena *a)
{
	size_t n = f->nrows - 1;
	const char **niss = arena_alloc(a, (n + 1) * sizeof(*niss));
	const char **users = arena_alloc(a, (n + 1) * sizeof(*users));

	if (niss == NULL || users == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *const *cells = f->rows[i + 1];
		struct be_niss parsed;

		niss[i] = users[i] = NULL;
		if (f->ncells[i + 1] != ncols() && f->ncells[i + 1] != ncols() + 1)
			continue;
		users[i] = cells[COL_USERNAME];
		if (strlen(cells[COL_NISS]) <= 31 && cells[COL_NISS][0] != '\0' &&
		    be_niss_parse(cells[COL_NISS], &parsed) == BE_OK &&
		    (niss[i] = arena_strdup(a, parsed.digits)) == NULL)
			return -1;
	}
	return account_bulk_load(c->tx, a, c->org, c->quality, c->qcode, niss, users, n,
	    &c->bulk);
}

/* Copies the texts r shows that the checks read (in the scratch arena) into a; the cells
 * and the texts taken from them are in a already (the parsed file). */
static int
keep_row(struct arena *a, struct import_row *r)
{
	return access_dup(a, &r->niss, r->niss) | access_dup(a, &r->last_name, r->last_name) |
	    access_dup(a, &r->first_name, r->first_name) | access_dup(a, &r->type, r->type);
}

/* Classifies every data row of f into out (rows in a). Returns 0 or -1. */
static int
classify_all(struct classify_ctx *c, const struct import_file *f, struct arena *a,
    struct import_view *out)
{
	struct arena *scratch = NULL;

	out->nrows = f->nrows - 1;
	out->rows = arena_alloc(a, (out->nrows + 1) * sizeof(*out->rows));
	c->seen_cap = 2 * out->nrows + 1;
	c->seen = arena_alloc(a, c->seen_cap * sizeof(*c->seen));
	if (out->rows == NULL || c->seen == NULL)
		return -1;
	memset(c->seen, 0, c->seen_cap * sizeof(*c->seen));
	c->keep = a;
	if (load_bulk(c, f, a) != 0)
		return -1;
	memset(out->counts, 0, sizeof(out->counts));
	/* What the checks read for a row lives in a scratch arena renewed every few rows;
	 * what the row shows is copied to a: memory follows the rows kept, not the reads. */
	for (size_t i = 0; i < out->nrows; i++) {
		struct import_row *r = &out->rows[i];

		if (i % SCRATCH_ROWS == 0) {
			arena_free(scratch);
			if ((scratch = arena_new(ACCESS_CALL_ARENA)) == NULL)
				return -1;
		}
		memset(r, 0, sizeof(*r));
		r->line = i + 2;
		if (classify_row(c, scratch, f->rows[i + 1], f->ncells[i + 1], r) != 0 ||
		    keep_row(a, r) != 0) {
			arena_free(scratch);
			return -1;
		}
		out->counts[r->cls]++;
	}
	arena_free(scratch);
	return 0;
}

/* ---- the batch ---- */

struct batch {
	const char *filename, *content, *expires_at, *applied_at, *result;
	char sep;
};

/* Reads batch id when it is who's, of org and quality, and not expired. Returns 0, 1 (not
 * found: anyone else's, expired), -1. */
static int
batch_read(struct store_tx *tx, struct arena *a, const struct actor *who, int64_t org,
    int64_t quality, const char *id, struct batch *b)
{
	char now[CLOCK_TEXT_SIZE];
	struct store_q *q;
	int rc;

	if (id == NULL || strlen(id) != IMPORT_ID_LEN || clock_text(clock_time(), now) != 0)
		return id == NULL || strlen(id) != IMPORT_ID_LEN ? 1 : -1;
	if (store_query(tx, SQL_ACCESS_IMPORT_GET, &q, "t", id) != 0)
		return -1;
	rc = store_next(q);
	if (rc == 1) {
		if (store_int(q, ACCESS_IMPORT_GET_ORG_ID) != org ||
		    store_int(q, ACCESS_IMPORT_GET_QUALITY_ID) != quality ||
		    store_int(q, ACCESS_IMPORT_GET_PERSON_ID) != who->person_id ||
		    strcmp(store_text(q, ACCESS_IMPORT_GET_EXPIRES_AT), now) < 0)
			rc = 0;
		else if ((access_dup(a, &b->filename, store_text(q, ACCESS_IMPORT_GET_FILENAME)) |
		    access_dup(a, &b->content, store_text(q, ACCESS_IMPORT_GET_CONTENT)) |
		    access_dup(a, &b->expires_at, store_text(q, ACCESS_IMPORT_GET_EXPIRES_AT)) |
		    access_dup(a, &b->result, store_text(q, ACCESS_IMPORT_GET_RESULT))) != 0)
			rc = -1;
		else {
			b->applied_at = store_text(q, ACCESS_IMPORT_GET_APPLIED_AT) != NULL ? "1" : NULL;
			b->sep = store_text(q, ACCESS_IMPORT_GET_SEP)[0];
		}
	}
	store_done(q);
	return rc < 0 ? -1 : rc == 1 ? 0 : 1;
}

/* Opens tx with the policy's POLICY_MANAGE_USERS on quality (a refusal audited) and reads
 * its catalogue code. */
static enum access_rc
open_import(struct store *s, enum store_mode mode, const struct actor *who, int64_t org,
    int64_t quality, struct store_tx **tx, struct arena *a, struct classify_ctx *c)
{
	struct policy_target t = { .quality = quality };
	enum access_rc rc;
	int r;

	memset(c, 0, sizeof(*c));
	rc = access_open(s, mode, who, org, POLICY_MANAGE_USERS, &t, tx, NULL, NULL, &c->actor);
	if (rc != ACCESS_OK)
		return rc;
	r = quality_read(*tx, a, org, quality, "fr", &c->qcode, NULL);
	if (r != 0) {
		store_rollback(tx);
		return r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	}
	c->tx = *tx;
	c->who = who;
	c->org = org;
	c->quality = quality;
	return ACCESS_OK;
}

enum access_rc
import_may(struct store *s, const struct actor *who, int64_t org, int64_t quality)
{
	struct classify_ctx c;
	struct store_tx *tx = NULL;
	struct arena *a = arena_new(1 << 16);
	enum access_rc rc = a == NULL ? ACCESS_ERROR :
	    open_import(s, STORE_READ, who, org, quality, &tx, a, &c);

	store_rollback(&tx);
	arena_free(a);
	return rc;
}

enum access_rc
import_upload(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const char *filename, const char *data, size_t len, char id[IMPORT_ID_LEN + 1],
    struct access_errors *err)
{
	char now[CLOCK_TEXT_SIZE], until[CLOCK_TEXT_SIZE];
	unsigned char raw[IMPORT_ID_LEN / 2];
	struct classify_ctx c;
	struct import_file f;
	struct store_tx *tx = NULL;
	struct arena *a = arena_new((size_t)64 << 20);
	const char *why;
	char sep[2];
	enum access_rc rc;
	int r;

	memset(err, 0, sizeof(*err));
	id[0] = '\0';
	if (a == NULL)
		return ACCESS_ERROR;
	rc = open_import(s, STORE_WRITE, who, org, quality, &tx, a, &c);
	if (rc != ACCESS_OK)
		goto done;
	rc = ACCESS_ERROR;
	if (data == NULL || len == 0) {
		access_error_add(err, "file", N_("Choisissez un fichier CSV."));
		rc = ACCESS_INVALID;
		goto done;
	}
	r = import_parse(data, len, a, &f, &why);
	if (r < 0)
		goto done;
	if (r > 0) {
		access_error_add(err, "file", why);
		rc = ACCESS_INVALID;
		goto done;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(id, IMPORT_ID_LEN + 1, raw, sizeof(raw));
	sep[0] = f.sep;
	sep[1] = '\0';
	if (clock_text(clock_time(), now) != 0 ||
	    clock_text(clock_time() + IMPORT_TTL_SECONDS, until) != 0)
		goto done;
	if (filename == NULL || !utf8_valid(filename, strlen(filename)) || strlen(filename) > 255)
		filename = "import.csv";
	/* Expired batches go as new ones come. */
	if (store_exec(tx, SQL_ACCESS_IMPORT_PURGE, "t", now) < 0 ||
	    store_exec(tx, SQL_ACCESS_IMPORT_INSERT, "tiiittttti", id, org, quality,
	    who->person_id, filename, f.text, sep, now, until, (int64_t)(f.nrows - 1)) != 1 ||
	    access_audit_json(tx, who, &c.actor, org, "users.import.upload", NULL,
	    json_pack("{s:I,s:I}", "quality", (json_int_t)quality, "rows",
	    (json_int_t)(f.nrows - 1))) != 0)
		goto done;
	rc = store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
done:
	store_rollback(&tx);
	arena_free(a);
	if (rc != ACCESS_OK)
		id[0] = '\0';
	return rc;
}

/* Reads and classifies batch id in an open tx (c from open_import). */
static enum access_rc
batch_classify(struct classify_ctx *c, const char *id, struct arena *a,
    struct import_view *out, struct batch *b)
{
	struct import_file f;
	const char *why;
	int r;

	r = batch_read(c->tx, a, c->who, c->org, c->quality, id, b);
	if (r != 0)
		return r > 0 ? ACCESS_NOT_FOUND : ACCESS_ERROR;
	snprintf(out->id, sizeof(out->id), "%s", id);
	out->filename = b->filename;
	out->sep = b->sep;
	out->expires_at = b->expires_at;
	out->applied = b->applied_at != NULL;
	if (out->applied)
		return ACCESS_CONFLICT;
	r = import_parse(b->content, strlen(b->content), a, &f, &why);
	if (r != 0)
		return ACCESS_ERROR;      /* it was parsed at the upload */
	return classify_all(c, &f, a, out) == 0 ? ACCESS_OK : ACCESS_ERROR;
}

enum access_rc
import_preview(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const char *id, struct arena *a, struct import_view *out)
{
	struct classify_ctx c;
	struct store_tx *tx = NULL;
	struct batch b = { 0 };
	enum access_rc rc;

	memset(out, 0, sizeof(*out));
	rc = open_import(s, STORE_READ, who, org, quality, &tx, a, &c);
	if (rc != ACCESS_OK)
		return rc;
	rc = batch_classify(&c, id, a, out, &b);
	store_rollback(&tx);
	return rc;
}

/* The refused rows as CSV (the file's header, its cells and a reason column) into *csv. */
struct grow_buf {
	struct buf b;
};

static int
to_buf(void *arg, const char *data, size_t len)
{
	return buf_add(&((struct grow_buf *)arg)->b, data, len);
}

static int
refused_csv(const struct import_view *v, const char *const *head, size_t nhead,
    export_tr tr, void *tr_arg, char **csv)
{
	struct csv_writer w;
	struct grow_buf g;
	int rc;

	buf_init(&g.b, (size_t)64 << 20);
	csvw_init(&w, v->sep, to_buf, &g);
	csvw_bom(&w);
	for (size_t k = 0; k < nhead && k < ncols(); k++)
		csvw_field(&w, head[k]);
	csvw_field(&w, tr(tr_arg, N_("Motif du refus")));
	csvw_row_end(&w);
	for (size_t i = 0; i < v->nrows; i++) {
		const struct import_row *r = &v->rows[i];

		if (r->cls != IMPORT_REFUSED)
			continue;
		for (size_t k = 0; k < ncols(); k++)
			csvw_field(&w, k < r->ncells ? r->cells[k] : "");
		csvw_field(&w, tr(tr_arg, r->reason));
		csvw_row_end(&w);
	}
	rc = csvw_finish(&w);
	if (rc == 0)
		rc = buf_add(&g.b, "", 1);    /* NUL-terminated: stored as text */
	*csv = rc == 0 ? g.b.data : NULL;
	if (rc != 0)
		buf_free(&g.b);
	return rc;
}

enum access_rc
import_apply(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const char *id, export_tr tr, void *tr_arg, struct arena *a, struct import_view *out)
{
	char now[CLOCK_TEXT_SIZE];
	struct classify_ctx c;
	struct store_tx *tx = NULL;
	struct import_file f;
	struct batch b = { 0 };
	enum access_rc rc;
	char *csv = NULL;
	const char *why;

	memset(out, 0, sizeof(*out));
	rc = open_import(s, STORE_WRITE, who, org, quality, &tx, a, &c);
	if (rc != ACCESS_OK)
		return rc;
	c.apply = true;
	/* Classified again here, in the writing transaction: what changed since the
	 * preview is taken as it is now (docs/csv-import.md, "Stale previews"). */
	rc = batch_classify(&c, id, a, out, &b);
	if (rc != ACCESS_OK)
		goto done;
	rc = ACCESS_ERROR;
	if (import_parse(b.content, strlen(b.content), a, &f, &why) != 0 ||
	    refused_csv(out, f.rows[0], f.ncells[0], tr, tr_arg, &csv) != 0 ||
	    clock_text(clock_time(), now) != 0)
		goto done;
	/* Single use: a second confirmation finds it applied (0 rows) and changes nothing. */
	switch (store_exec(tx, SQL_ACCESS_IMPORT_APPLY, "ttt", id, now, csv)) {
	case 1:
		break;
	case 0:
		rc = ACCESS_CONFLICT;
		goto done;
	default:
		goto done;
	}
	if (access_audit_json(tx, who, &c.actor, org, "users.import", NULL,
	    json_pack("{s:I,s:I,s:I,s:I,s:I}", "quality", (json_int_t)quality,
	    "added", (json_int_t)out->counts[IMPORT_ADD],
	    "changed", (json_int_t)out->counts[IMPORT_CHANGE],
	    "unchanged", (json_int_t)out->counts[IMPORT_SAME],
	    "refused", (json_int_t)out->counts[IMPORT_REFUSED])) != 0)
		goto done;
	rc = store_commit(&tx) == 0 ? ACCESS_OK : ACCESS_ERROR;
	out->applied = rc == ACCESS_OK;
done:
	store_rollback(&tx);
	free(csv);
	return rc;
}

enum access_rc
import_refused_csv(struct store *s, const struct actor *who, int64_t org, int64_t quality,
    const char *id, struct arena *a, const char **csv, size_t *len)
{
	struct classify_ctx c;
	struct store_tx *tx = NULL;
	struct batch b = { 0 };
	enum access_rc rc;
	int r;

	*csv = NULL;
	*len = 0;
	rc = open_import(s, STORE_READ, who, org, quality, &tx, a, &c);
	if (rc != ACCESS_OK)
		return rc;
	r = batch_read(tx, a, who, org, quality, id, &b);
	store_rollback(&tx);
	if (r < 0)
		return ACCESS_ERROR;
	if (r > 0 || b.applied_at == NULL)
		return ACCESS_NOT_FOUND;
	*csv = b.result;
	*len = strlen(b.result);
	return ACCESS_OK;
}
