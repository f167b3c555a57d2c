/* stream.c — responses produced while they are sent (large CSV exports): a producer fills
 * libmicrohttpd's buffer piece by piece, chunked, with the headers of every response. */
#include "web/internal.h"

#include <stdlib.h>
#include <sys/types.h>

/* Bytes asked of the producer at most per call (MHD may ask for less). */
#define STREAM_BLOCK (32 * 1024)

/* What MHD holds: the response may outlive the request's state (a connection closed
 * before the request completed), so the producer travels on its own. */
struct stream_handoff {
	web_stream_read read;
	void (*done)(void *arg);
	void *arg;
};

int
web_stream(struct web_req *r, int status, const char *ctype, web_stream_read read,
    void (*done)(void *arg), void *arg)
{
	web_stream_cancel(r);
	r->stream_read = read;
	r->stream_done = done;
	r->stream_arg = arg;
	r->status = status;
	r->ctype = ctype;
	buf_reset(&r->out);
	r->responded = true;
	return 0;
}

void
web_stream_cancel(struct web_req *r)
{
	void (*done)(void *) = r->stream_done;
	void *arg = r->stream_arg;

	r->stream_read = NULL;
	r->stream_done = NULL;
	r->stream_arg = NULL;
	if (done != NULL)
		done(arg);
}

/* MHD's content reader: the producer's bytes, its end, or an error that cuts the
 * connection (the missing last chunk tells the client that the body is incomplete). */
static ssize_t
reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream_handoff *h = cls;
	long n;

	(void)pos;
	n = h->read(h->arg, buf, max);
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0 || (size_t)n > max)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return (ssize_t)n;
}

/* Called by MHD once the response is destroyed: sent, or the client gone mid-way. */
static void
release(void *cls)
{
	struct stream_handoff *h = cls;

	if (h->done != NULL)
		h->done(h->arg);
	free(h);
}

struct MHD_Response *
stream_response(struct web_req *r)
{
	struct stream_handoff *h = malloc(sizeof(*h));
	struct MHD_Response *resp = NULL;

	if (h != NULL) {
		h->read = r->stream_read;
		h->done = r->stream_done;
		h->arg = r->stream_arg;
		/* Unknown size: chunked under HTTP/1.1, the connection closed at the end under 1.0. */
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, reader, h,
		    release);
	}
	if (resp == NULL) {
		free(h);
		web_stream_cancel(r);
		return NULL;
	}
	/* From here MHD owns the producer: release() ends it. */
	r->stream_read = NULL;
	r->stream_done = NULL;
	r->stream_arg = NULL;
	return resp;
}
