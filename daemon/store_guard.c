/* What docketd's own connection may never do to the database, whatever a file or a bug asks. */
#include <stdio.h>

#include "docket/error.h"
#include "store_int.h"

int store_guard_config(sqlite3 *db, char *err, size_t errlen)
{
	/*
	 * Defensive: no writable_schema, no journal_mode=OFF, no writes to the
	 * search index's shadow tables, nothing else that corrupts a file
	 * through SQL. Untrusted schema: what the file's schema holds (triggers,
	 * views, defaults) may call only functions SQLite marks harmless, so a
	 * planted trigger cannot run docketd's own functions. The migrations
	 * call docket_ref_key and docket_local_date from their own SQL, which
	 * this does not restrict.
	 */
	int defensive = 0, trusted = 1;
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, &defensive) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, &trusted) != SQLITE_OK ||
	    defensive != 1 || trusted != 0) {
		snprintf(err, errlen, "cannot make the database connection defensive: %s",
		         sqlite3_errmsg(db));
		return -DOCKET_ESTORAGE;
	}
	return 0;
}

static int main_schema(const char *db)
{
	return db && sqlite3_stricmp(db, "main") == 0;
}

/*
 * The authoriser: the log is appended to, never changed, and the schema
 * (the triggers that say so among it) changes only in a migration. The
 * triggers refuse the same; each holds if the other is lost.
 */
static int authorise(void *arg, int action, const char *a, const char *b, const char *db,
                     const char *inner)
{
	(void)arg;
	(void)b;
	(void)inner;
	switch (action) {
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		return main_schema(db) && a && sqlite3_stricmp(a, "events") == 0 ? SQLITE_DENY
		                                                                 : SQLITE_OK;
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_VTABLE:
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_VTABLE:
		return main_schema(db) ? SQLITE_DENY : SQLITE_OK;
	case SQLITE_ALTER_TABLE:
		/* Here the database's name comes first. */
		return main_schema(a) ? SQLITE_DENY : SQLITE_OK;
	default:
		return SQLITE_OK;
	}
}

int store_guard_log(sqlite3 *db, char *err, size_t errlen)
{
	if (sqlite3_set_authorizer(db, authorise, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot guard the log: %s", sqlite3_errmsg(db));
		return -DOCKET_ESTORAGE;
	}
	return 0;
}
