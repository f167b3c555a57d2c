/* routes.c — registers every page of access management ("/acces…"), the literal paths
 * before the ones with parameters (the router takes the first match). */
#include "apps/uman/uman.h"

int
uman_routes(struct web_server *s)
{
	if (uman_me_routes(s) != 0 || uman_responsibles_routes(s) != 0 ||
	    uman_home_routes(s) != 0 || uman_import_routes(s) != 0 ||
	    uman_activate_routes(s) != 0 || uman_users_routes(s) != 0 ||
	    uman_user_routes(s) != 0 || uman_quality_routes(s) != 0 ||
	    uman_search_routes(s) != 0 || uman_hierarchy_routes(s) != 0 ||
	    uman_audit_routes(s) != 0 || uman_mandate_routes(s) != 0 ||
	    uman_subdept_routes(s) != 0 || uman_certs_routes(s) != 0 ||
	    uman_entity_routes(s) != 0)
		return -1;
	return 0;
}
