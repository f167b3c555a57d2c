/* store_modules.c — every module's statement tables, registered with the store by main()
 * and by tests before a store is opened (docs/store-contract.md, rule 1). A new module
 * adds its line here, beside its other wiring in cmd/. */
#include "cmd/store_modules.h"

#include "access/sql.h"
#include "access/audit_feed_sql.h"
#include "access/subdept_sql.h"
#include "audit/sql.h"
#include "auth/eid_sql.h"
#include "auth/email_code_sql.h"
#include "auth/factor_sql.h"
#include "auth/login_sql.h"
#include "auth/person_sql.h"
#include "auth/upstream_sql.h"
#include "auth/webauthn_sql.h"
#include "csam/sql.h"
#include "machine/sql.h"
#include "mail/sql.h"
#include "oidc/machine_sql.h"
#include "oidc/sql.h"
#include "oidc/toolbox_sql.h"
#include "portal/sql.h"
#include "registry/query_sql.h"
#include "registry/sql.h"
#include "saml/sql.h"
#include "scim/sql.h"
#include "store/sql.h"
#include "store/store.h"

#include <stdio.h>

const struct store_module store_modules[] = {
	{ "access", &sql_access_sqlite, &sql_access_pg, 0 },
	{ "eid", &sql_eid_sqlite, NULL, 0 },
	{ "factor", &sql_factor_sqlite, NULL, 0 },
	{ "person", &sql_person_sqlite, &sql_person_pg, 0 },
	{ "login", &sql_login_sqlite, NULL, 0 },
	{ "upstream", &sql_upstream_sqlite, NULL, 0 },
	{ "webauthn", &sql_webauthn_sqlite, NULL, 0 },
	{ "audit", &sql_audit_sqlite, NULL, 0 },
	{ "registry", &sql_registry_sqlite, &sql_registry_pg, 0 },
	{ "registry_query", &sql_registry_query_sqlite, &sql_registry_query_pg, 0 },
	{ "oidc", &sql_oidc_sqlite, NULL, 0 },
	{ "oidc_machine", &sql_oidc_machine_sqlite, NULL, 0 },
	{ "oidc_toolbox", &sql_oidc_toolbox_sqlite, NULL, 0 },
	{ "saml", &sql_saml_sqlite, NULL, 0 },
	{ "portal", &sql_portal_sqlite, NULL, 1 },
	{ "csam", &sql_csam_sqlite, &sql_csam_pg, 0 },
	{ "mail", &sql_mail_sqlite, &sql_mail_pg, 0 },
	{ "email_code", &sql_email_code_sqlite, NULL, 0 },
	{ "subdept", &sql_subdept_sqlite, &sql_subdept_pg, 0 },
	{ "audit_feed", &sql_audit_feed_sqlite, &sql_audit_feed_pg, 0 },
	{ "machine", &sql_machine_sqlite, &sql_machine_pg, 0 },
	{ "scim", &sql_scim_sqlite, &sql_scim_pg, 0 },
};
const size_t store_modules_n = sizeof(store_modules) / sizeof(store_modules[0]);

int
store_modules_register(void)
{
	for (size_t i = 0; i < store_modules_n; i++)
		if (store_register(store_modules[i].portable, store_modules[i].pg) != 0)
			return -1;
	return 0;
}

int
store_modules_check(struct store *s, int own_db, char *err, size_t errlen)
{
	char why[900];

	if (own_db == 0 && store_check_columns(s, &sql_core_sqlite, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "core %s", why);
		return -1;
	}
	for (size_t i = 0; i < store_modules_n; i++) {
		if (store_modules[i].own_db != own_db)
			continue;
		if (store_check_columns(s, store_modules[i].portable, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s %s", store_modules[i].name, why);
			return -1;
		}
	}
	return 0;
}
