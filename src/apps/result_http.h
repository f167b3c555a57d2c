/* result_http.h — the one answer of every web surface (/acces, /csam, /helpdesk) to a
 * service of the access domain: its result code (access/result.h) as an HTTP status with
 * the error page, and its field errors on the form. */
#ifndef PORTIER_APPS_RESULT_HTTP_H
#define PORTIER_APPS_RESULT_HTTP_H

#include "access/result.h"
#include "web/web.h"

/* The HTTP status of a result that the page does not answer itself: 403 (denied or
 * refused by a rule), 404, 400 (invalid, conflict, exists), 503 (busy), 500 (error);
 * ACCESS_OK is no failure and gives 500 too. The page's message is the error page's of
 * that status (web_error: one localised message id per status). */
int app_status_of(enum access_rc rc);
/* Answers rc with the error page of app_status_of(rc) (503 with Retry-After); a store
 * error is logged with the request id. Returns 0, as a handler does after answering. */
int app_fail(struct web_req *r, enum access_rc rc);
/* Sets, for each field error, "err_<field>" (translated) and an entry (field, text) of
 * the list "errors"; and "has_errors". */
void app_field_errors(struct web_req *r, struct tmpl_ctx *c, const struct access_errors *err);

#endif
