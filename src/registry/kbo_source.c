/* kbo_source.c — where an extract's files come from: a folder holding the CSV files, or
 * the official zip (KboOpenData_<nr>_<yyyy>_<mm>_<dd>_Full.zip / _Update.zip), read
 * with libzip member by member, inflated as it is read. */
#include "registry/kbo_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

struct kbo_source {
	char path[4096];
	const char *name;     /* last component of path */
	zip_t *zip;           /* NULL for a folder */
};

struct kbo_member {
	int fd;               /* folder */
	zip_file_t *zf;       /* zip */
	const char *file;     /* the caller's name (kbo_member_open: it outlives the member) */
};

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

int
kbo_source_open(const char *path, struct kbo_source **out, char *err, size_t errlen)
{
	struct kbo_source *s = NULL;
	struct stat st;
	size_t n = strlen(path);
	const char *slash;
	int zerr = 0;

	if (n == 0 || n >= sizeof(s->path)) {
		snprintf(err, errlen, "%s: path too long or empty", path);
		goto fail;
	}
	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memcpy(s->path, path, n + 1);
	while (n > 1 && s->path[n - 1] == '/')
		s->path[--n] = '\0';
	slash = strrchr(s->path, '/');
	s->name = slash ? slash + 1 : s->path;
	if (S_ISDIR(st.st_mode)) {
		*out = s;
		return 0;
	}
	if (!S_ISREG(st.st_mode) || !ends_with(s->path, ".zip")) {
		snprintf(err, errlen, "%s: neither a folder nor a .zip file", path);
		goto fail;
	}
	s->zip = zip_open(s->path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (s->zip == NULL) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		snprintf(err, errlen, "%s: not a readable zip archive (truncated or damaged?): %s",
		    path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	free(s);
	return -1;
}

void
kbo_source_close(struct kbo_source *s)
{
	if (s == NULL)
		return;
	if (s->zip != NULL)
		zip_discard(s->zip);   /* opened read-only: nothing to write back */
	free(s);
}

const char *
kbo_source_name(const struct kbo_source *s)
{
	return s->name;
}

/* The index of file in the zip, wherever the zip puts it (some tools add a folder). */
static zip_int64_t
zip_find(struct kbo_source *s, const char *file)
{
	return zip_name_locate(s->zip, file, ZIP_FL_NODIR);
}

static int
folder_path(const struct kbo_source *s, const char *file, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", s->path, file);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int64_t
kbo_source_size(struct kbo_source *s, const char *file)
{
	char path[4400];
	struct stat st;
	zip_stat_t zs;
	zip_int64_t i;

	if (s->zip == NULL) {
		if (folder_path(s, file, path, sizeof(path)) != 0 || stat(path, &st) != 0 ||
		    !S_ISREG(st.st_mode))
			return -1;
		return (int64_t)st.st_size;
	}
	i = zip_find(s, file);
	if (i < 0 || zip_stat_index(s->zip, (zip_uint64_t)i, 0, &zs) != 0 ||
	    !(zs.valid & ZIP_STAT_SIZE))
		return -1;
	return (int64_t)zs.size;
}

int
kbo_member_open(struct kbo_source *s, const char *file, struct kbo_member **out, char *err,
    size_t errlen)
{
	struct kbo_member *m = calloc(1, sizeof(*m));
	char path[4400];
	zip_int64_t i;

	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	m->fd = -1;
	m->file = file;
	if (s->zip == NULL) {
		if (folder_path(s, file, path, sizeof(path)) != 0) {
			snprintf(err, errlen, "%s: path too long", file);
			goto fail;
		}
		m->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (m->fd < 0) {
			snprintf(err, errlen, "%s: %s", file, strerror(errno));
			goto fail;
		}
		(void)posix_fadvise(m->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		*out = m;
		return 0;
	}
	i = zip_find(s, file);
	if (i < 0) {
		snprintf(err, errlen, "%s: not in %s", file, s->name);
		goto fail;
	}
	m->zf = zip_fopen_index(s->zip, (zip_uint64_t)i, 0);
	if (m->zf == NULL) {
		snprintf(err, errlen, "%s: %s: %s", s->name, file, zip_strerror(s->zip));
		goto fail;
	}
	*out = m;
	return 0;
fail:
	free(m);
	return -1;
}

long
kbo_member_read(struct kbo_member *m, char *buf, size_t n, char *err, size_t errlen)
{
	ssize_t got;
	zip_int64_t zgot;

	if (m->zf == NULL) {
		do
			got = read(m->fd, buf, n);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			snprintf(err, errlen, "%s: %s", m->file, strerror(errno));
			return -1;
		}
		return (long)got;
	}
	zgot = zip_fread(m->zf, buf, n);
	if (zgot < 0) {
		snprintf(err, errlen, "%s: damaged in the zip: %s", m->file,
		    zip_file_strerror(m->zf));
		return -1;
	}
	return (long)zgot;
}

void
kbo_member_close(struct kbo_member *m)
{
	if (m == NULL)
		return;
	if (m->fd >= 0)
		close(m->fd);
	if (m->zf != NULL)
		zip_fclose(m->zf);
	free(m);
}
