/* csam_app.h — what the pages of the GAP designation (apps/csam/) and of the helpdesk back
 * office (apps/helpdesk/) share: who acts, dates, settings (answers to the services'
 * result codes and field errors: apps/result_http.h). Internal to those two folders. */
#ifndef PORTIER_APPS_CSAM_APP_H
#define PORTIER_APPS_CSAM_APP_H

#include <stdbool.h>
#include <stdint.h>

#include "apps/app.h"
#include "apps/result_http.h"
#include "csam/csam.h"
#include "web/web.h"

/* The settings of the request's application (struct app's csam, made by cmd/). */
const struct csam_app_settings *csam_app_cfg(struct web_req *r);

/* The store of the application. */
struct store *csam_app_store(struct web_req *r);
/* A form value, "" when absent. */
const char *csam_app_form(struct web_req *r, const char *name);
/* "dd/mm/yyyy" of an ISO date or timestamp; "" for NULL or "". */
const char *csam_app_date(struct web_req *r, const char *iso);
/* "dd/mm/yyyy hh:mm" (UTC) of an ISO timestamp. */
const char *csam_app_time(struct web_req *r, const char *iso);
/* "YY.MM.DD-SSS.CC" of 11 digits; "0552.627.113" of 10 digits. */
const char *csam_app_niss(struct web_req *r, const char *digits);
const char *csam_app_enterprise(struct web_req *r, const char *digits);
/* The translated name of a country code ("" when unknown). */
const char *csam_app_country(struct web_req *r, const char *code);
/* Adds the list "countries" (code, label, selected) for a select of field key. */
void csam_app_countries(struct web_req *r, struct tmpl_ctx *c, const char *key,
    const char *selected);
/* Labels of an exception request's case, status, representative kind and document. */
const char *csam_app_case_label(struct web_req *r, const char *kind);
const char *csam_app_status_label(struct web_req *r, const char *status);
const char *csam_app_doc_label(struct web_req *r, const char *doc);

/* Route registrations, one per file. */
int csam_designate_routes(struct web_server *s);
int csam_org_routes(struct web_server *s);
int csam_exception_routes(struct web_server *s);
int csam_mails_routes(struct web_server *s);
int helpdesk_routes(struct web_server *s);

#endif
