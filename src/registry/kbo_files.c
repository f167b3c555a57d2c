/* kbo_files.c — the nine files of a KBO Open Data extract as the official cookbook
 * publishes them: names, columns in order, what each column holds, and the statements
 * that store them. */
#include "registry/kbo_internal.h"

#include "registry/sql.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct kbo_column meta_cols[] = {
	{ "Variable", KBO_TEXT, true }, { "Value", KBO_TEXT, false },
};
static const struct kbo_column code_cols[] = {
	{ "Category", KBO_TEXT, true }, { "Code", KBO_TEXT, true },
	{ "Language", KBO_TEXT, true }, { "Description", KBO_TEXT, false },
};
static const struct kbo_column enterprise_cols[] = {
	{ "EnterpriseNumber", KBO_ENTERPRISE, true }, { "Status", KBO_TEXT, false },
	{ "JuridicalSituation", KBO_TEXT, false }, { "TypeOfEnterprise", KBO_TEXT, false },
	{ "JuridicalForm", KBO_TEXT, false }, { "JuridicalFormCAC", KBO_TEXT, false },
	{ "StartDate", KBO_DATE, false },
};
static const struct kbo_column establishment_cols[] = {
	{ "EstablishmentNumber", KBO_ESTABLISHMENT, true }, { "StartDate", KBO_DATE, false },
	{ "EnterpriseNumber", KBO_ENTERPRISE, true },
};
static const struct kbo_column denomination_cols[] = {
	{ "EntityNumber", KBO_ENTITY, true }, { "Language", KBO_TEXT, false },
	{ "TypeOfDenomination", KBO_TEXT, false }, { "Denomination", KBO_TEXT, false },
};
static const struct kbo_column address_cols[] = {
	{ "EntityNumber", KBO_ENTITY, true }, { "TypeOfAddress", KBO_TEXT, false },
	{ "CountryNL", KBO_TEXT, false }, { "CountryFR", KBO_TEXT, false },
	{ "Zipcode", KBO_TEXT, false }, { "MunicipalityNL", KBO_TEXT, false },
	{ "MunicipalityFR", KBO_TEXT, false }, { "StreetNL", KBO_TEXT, false },
	{ "StreetFR", KBO_TEXT, false }, { "HouseNumber", KBO_TEXT, false },
	{ "Box", KBO_TEXT, false }, { "ExtraAddressInfo", KBO_TEXT, false },
	{ "DateStrikingOff", KBO_DATE, false },
};
static const struct kbo_column contact_cols[] = {
	{ "EntityNumber", KBO_ENTITY, true }, { "EntityContact", KBO_TEXT, false },
	{ "ContactType", KBO_TEXT, false }, { "Value", KBO_TEXT, false },
};
static const struct kbo_column activity_cols[] = {
	{ "EntityNumber", KBO_ENTITY, true }, { "ActivityGroup", KBO_TEXT, false },
	{ "NaceVersion", KBO_TEXT, false }, { "NaceCode", KBO_TEXT, false },
	{ "Classification", KBO_TEXT, false },
};
static const struct kbo_column branch_cols[] = {
	{ "Id", KBO_BRANCH, true }, { "StartDate", KBO_DATE, false },
	{ "EnterpriseNumber", KBO_ENTERPRISE, true },
};

/* Statement ids of a table X: X_CLEAR, X_INSERT, X_LOAD, X_DELETE. */
#define SQL4(X) .sql_clear = SQL_KBO_##X##_CLEAR, .sql_insert = SQL_KBO_##X##_INSERT, \
	.sql_load = SQL_KBO_##X##_LOAD, .sql_delete = SQL_KBO_##X##_DELETE
/* Its secondary index, dropped before a full load and built after it. */
#define INDEX(X) .sql_index_drop = SQL_KBO_INDEX_DROP_##X, \
	.sql_index_create = SQL_KBO_INDEX_CREATE_##X

const struct kbo_table kbo_tables[KBO_NTABLES] = {
	{ .id = KBO_META, .name = "meta", .ncols = N(meta_cols), .cols = meta_cols,
	  .sql_clear = SQL_KBO_META_CLEAR, .sql_insert = SQL_KBO_META_INSERT },
	{ .id = KBO_CODE, .name = "code", .ncols = N(code_cols), .cols = code_cols,
	  .sql_clear = SQL_KBO_CODE_CLEAR, .sql_insert = SQL_KBO_CODE_INSERT,
	  .sql_load = SQL_KBO_CODE_LOAD },
	{ .id = KBO_ENTERPRISE_T, .name = "enterprise", .ncols = N(enterprise_cols),
	  .cols = enterprise_cols, .key = &enterprise_cols[0], .keyed = true,
	  SQL4(ENTERPRISE), .sql_upsert = SQL_KBO_ENTERPRISE_UPSERT },
	{ .id = KBO_ESTABLISHMENT_T, .name = "establishment", .ncols = N(establishment_cols),
	  .cols = establishment_cols, .key = &establishment_cols[0], .keyed = true,
	  SQL4(ESTABLISHMENT), .sql_upsert = SQL_KBO_ESTABLISHMENT_UPSERT,
	  INDEX(ESTABLISHMENT) },
	{ .id = KBO_DENOMINATION_T, .name = "denomination", .ncols = N(denomination_cols),
	  .cols = denomination_cols, .key = &denomination_cols[0],
	  SQL4(DENOMINATION), INDEX(DENOMINATION) },
	{ .id = KBO_ADDRESS_T, .name = "address", .ncols = N(address_cols),
	  .cols = address_cols, .key = &address_cols[0], SQL4(ADDRESS) },
	{ .id = KBO_CONTACT_T, .name = "contact", .ncols = N(contact_cols),
	  .cols = contact_cols, .key = &contact_cols[0], SQL4(CONTACT) },
	{ .id = KBO_ACTIVITY_T, .name = "activity", .ncols = N(activity_cols),
	  .cols = activity_cols, .key = &activity_cols[0], SQL4(ACTIVITY) },
	{ .id = KBO_BRANCH_T, .name = "branch", .ncols = N(branch_cols), .cols = branch_cols,
	  .key = &branch_cols[0], .keyed = true,
	  SQL4(BRANCH), .sql_upsert = SQL_KBO_BRANCH_UPSERT },
};
