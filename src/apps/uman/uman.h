/* uman.h — what the pages of access management ("Gestion d'accès pour Entreprises et
 * Organisations", guide §3 and §4) share: the entrance checks, who acts, the side menus
 * of the guide, the entity header, answers to posted forms. Internal to
 * apps/uman/. */
#ifndef PORTIER_APPS_UMAN_H
#define PORTIER_APPS_UMAN_H

#include <stdbool.h>
#include <stdint.h>

#include "access/account.h"
#include "access/org.h"
#include "access/quality.h"
#include "access/search.h"
#include "apps/app.h"
#include "apps/result_http.h"
#include "web/web.h"

/* The side menus of the guide: "Gestion Entreprise" (GAP, co-GAP), "Gestion Qualité"
 * (local managers), or only the personal entries. */
enum uman_menu { UMAN_MENU_HOME, UMAN_MENU_ORG, UMAN_MENU_QUALITY };

/* The current place: organisation and quality ids from the path (0 when none). */
struct uman_here {
	int64_t org, quality;
	enum uman_menu menu;
	bool org_manager;          /* GAP or co-GAP: the menu shows the organisation's entries */
};

/* Checks login and the capacity chosen, fills who from the session and here from the
 * path (":org", ":q"). Returns 1, or 0 when it answered (redirect, 404). */
int uman_enter(struct web_req *r, struct actor *who, struct uman_here *here);
/* A page context with the layout's data and the side menu of here; title is a msgid.
 * with_form: the page holds a form (a session for the CSRF token). */
struct tmpl_ctx *uman_page(struct web_req *r, const char *title_msgid,
    const struct uman_here *here, bool with_form);
/* Sets "org_name", "org_number" (formatted) and "quality_name" for the entity header. */
void uman_entity(struct web_req *r, struct tmpl_ctx *c, const struct org *o,
    const char *quality_name);
/* uman_page with the entity header of o (and quality_name, may be NULL) set. */
struct tmpl_ctx *uman_entity_page(struct web_req *r, const char *title_msgid,
    const struct uman_here *here, bool with_form, const struct org *o,
    const char *quality_name);
/* A page with a form, answered with status; err (NULL on the first showing) holds the
 * field errors of a post, shown with what was typed. */
typedef int uman_form_page(struct web_req *r, int status, const struct access_errors *err);
/* Answers the post of form by the service's result rc: the form again with err (422) on
 * ACCESS_INVALID, a redirect to done (a path with its "?ok=" flash) on ACCESS_OK,
 * app_fail (apps/result_http.h) otherwise. */
int uman_answer_post(struct web_req *r, enum access_rc rc, uman_form_page *form,
    const struct access_errors *err, const char *done);
/* A change posted by a form of the access pages: calls its service for who at here, with
 * the field errors in err. */
typedef enum access_rc uman_change(struct web_req *r, const struct actor *who,
    const struct uman_here *here, struct access_errors *err);
/* Handles the post of form: uman_enter, then change, answered by uman_answer_post with a
 * redirect to done, a path below the organisation's pages ("/acces/<org>") or, on a
 * quality's, below the quality's ("/acces/<org>/qualite/<quality>"). */
int uman_post(struct web_req *r, uman_change *change, uman_form_page *form, const char *done);
/* "dd/mm/yyyy" of an ISO date or timestamp (arena of r); "" for NULL. */
const char *uman_date(struct web_req *r, const char *iso);
/* "YY.MM.DD-SSS.CC" of 11 digits (arena of r); the text itself otherwise. */
const char *uman_niss(struct web_req *r, const char *digits);
/* The message of a flash code (?ok=…), or NULL. */
const char *uman_flash(const char *code);
/* Translated label of a member type (GL, COGL, USER) and of a status. */
const char *uman_type_label(struct web_req *r, const char *type);
const char *uman_status_label(struct web_req *r, const char *status);
/* Sets the "account_fields" list: one entry per field of the account's data (form name,
 * id, labels, value, shown value, error, help, kind, options) from d (NULL members: the
 * field's preset); a field's error is err's at err_field(name) (NULL: at name). */
void uman_account_fields(struct web_req *r, struct tmpl_ctx *c, const struct account_data *d,
    const struct access_errors *err, const char *(*err_field)(const char *name));
/* The store of the application. */
struct store *uman_store(struct web_req *r);
/* A form value, "" when absent. */
const char *uman_form(struct web_req *r, const char *name);

/* Reads the user form's fields (apps into the request's arena; more than
 * ACCESS_MAX_APPS ticked gives ACCESS_MAX_APPS + 1 so that the service refuses). */
void uman_read_user(struct web_req *r, struct user_input *in);
/* Sets the user form's variables ("u_…", "account_fields", "apps" with "checked") from
 * in; names_locked shows the names read-only; niss is 11 digits or what was typed; err
 * (may be NULL) puts each account field's error at its field. */
void uman_user_form(struct web_req *r, struct tmpl_ctx *c, const struct user_input *in,
    bool names_locked, const char *niss, const struct app_info *apps, size_t napps,
    const struct access_errors *err);
/* An input from a prefill (no applications). */
struct user_input uman_input_of(const struct user_prefill *p);

/* Rows, pages and "N utilisateurs trouvés" of a search result into c (users.c). */
void uman_rows(struct web_req *r, struct tmpl_ctx *c, const struct user_page *p, bool across);
struct export_stream;
/* Answers an export opened with result rc: the file x streamed as the attachment
 * filename (x then belongs to the response), else as app_fail (503 when too many
 * exports are under way). */
int uman_send_export(struct web_req *r, enum access_rc rc, struct export_stream *x,
    const char *filename);
/* Sends the CSV of users matching the posted filters, of quality (0: every quality of org
 * the one acting manages), as an attachment named name.csv (users.c). */
int uman_send_users_csv(struct web_req *r, const struct actor *who, int64_t org,
    int64_t quality, const char *name);
/* The filter fields of the user lists and their choice lists (users.c). */
void uman_filter_fields(struct web_req *r, struct tmpl_ctx *c, const struct user_filter *f,
    const struct app_info *apps, size_t napps);
/* Reads the posted filters (users.c). */
void uman_read_filter(struct web_req *r, struct user_filter *f);

/* Page registrations, one per file. */
int uman_home_routes(struct web_server *s);
int uman_entity_routes(struct web_server *s);
int uman_activate_routes(struct web_server *s);
int uman_users_routes(struct web_server *s);
int uman_user_routes(struct web_server *s);
int uman_quality_routes(struct web_server *s);
int uman_search_routes(struct web_server *s);
int uman_hierarchy_routes(struct web_server *s);
int uman_audit_routes(struct web_server *s);
int uman_me_routes(struct web_server *s);
int uman_responsibles_routes(struct web_server *s);
int uman_mandate_routes(struct web_server *s);
int uman_subdept_routes(struct web_server *s);
int uman_certs_routes(struct web_server *s);
int uman_import_routes(struct web_server *s);

#endif
