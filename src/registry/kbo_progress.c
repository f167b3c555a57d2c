/* kbo_progress.c — what a long import says while it runs: on a terminal one line redrawn
 * in place (file, rows/s, share done and ETA by bytes read), otherwise one summary line
 * per file, for logs. Both on stderr. */
#include "registry/kbo_internal.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define REDRAW_EVERY 0.2
#define BAR 20

double
kbo_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
kbo_progress_start(struct kbo_progress *p, uint64_t total_bytes, bool quiet)
{
	p->quiet = quiet;
	p->tty = !quiet && isatty(STDERR_FILENO);
	p->total_bytes = total_bytes;
	p->done_bytes = 0;
	p->start = kbo_now();
	p->file_start = p->start;
	p->last_draw = 0;
	p->file = "";
}

void
kbo_progress_file(struct kbo_progress *p, const char *file)
{
	p->file = file;
	p->file_start = kbo_now();
}

static void
clock_text(double s, char out[16])
{
	int t = s < 0 ? 0 : s > 359999 ? 359999 : (int)(s + 0.5);   /* < 100 hours */

	if (t >= 3600)
		snprintf(out, 16, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, 16, "%d:%02d", t / 60, t % 60);
}

void
kbo_progress_update(struct kbo_progress *p, unsigned long rows, uint64_t pos)
{
	double now, spent, rate, share;
	uint64_t done;
	char eta[16], bar[BAR + 1];

	if (!p->tty)
		return;
	now = kbo_now();
	if (now - p->last_draw < REDRAW_EVERY)
		return;
	p->last_draw = now;
	spent = now - p->file_start;
	rate = spent > 0 ? (double)rows / spent : 0;
	done = p->done_bytes + pos;
	share = p->total_bytes ? (double)done / (double)p->total_bytes : 1;
	if (share > 1)
		share = 1;
	/* Bytes still to read, at the pace of the import so far. */
	clock_text(share > 0 ? (now - p->start) * (1 - share) / share : 0, eta);
	for (int i = 0; i < BAR; i++)
		bar[i] = i < (int)(share * BAR) ? '#' : '.';
	bar[BAR] = '\0';
	fprintf(stderr, "\r\033[K[%s] %3.0f%%  ETA %s  %-24s %10lu rows %9.0f rows/s", bar,
	    share * 100, eta, p->file, rows, rate);
	fflush(stderr);
}

void
kbo_progress_file_done(struct kbo_progress *p, unsigned long rows, uint64_t size)
{
	double spent = kbo_now() - p->file_start;

	p->done_bytes += size;
	if (p->quiet)
		return;
	if (p->tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "kbo: %-24s %10lu rows %8.2f s %10.0f rows/s\n", p->file, rows, spent,
	    spent > 0 ? (double)rows / spent : 0);
}

void
kbo_progress_step(struct kbo_progress *p, const char *what)
{
	p->file = what;
	p->file_start = kbo_now();
	if (!p->tty)
		return;
	fprintf(stderr, "\r\033[K%s ...", what);
	fflush(stderr);
}

void
kbo_progress_step_done(struct kbo_progress *p)
{
	if (p->quiet)
		return;
	if (p->tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "kbo: %-24s %8.2f s\n", p->file, kbo_now() - p->file_start);
}

void
kbo_progress_end(struct kbo_progress *p)
{
	if (p->tty)
		fputs("\r\033[K", stderr);
}
