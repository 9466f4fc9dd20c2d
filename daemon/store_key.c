/* The clients' keys in the store: each a principal's, with its roles, revoked but never deleted. */
#include "arena.h"
#include "docket/error.h"
#include "store_int.h"
#include "store_key.h"

/*
 * Keys change a few times a year and are read once at start: these
 * statements are prepared when used rather than kept with the hot ones.
 */
static sqlite3_stmt *prepare(struct store *s, const char *sql)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return NULL;
	return q;
}

static void read_row(sqlite3_stmt *q, struct key_row *k)
{
	k->key = store_column_str(q, 0, NULL);
	k->principal = store_column_str(q, 1, NULL);
	k->roles = (unsigned)sqlite3_column_int64(q, 2);
	k->added_at = store_column_str(q, 3, NULL);
	k->changed_at = store_column_str(q, 4, NULL);
	k->revoked_at = store_column_str(q, 5, NULL);
}

#define COLUMNS "key, principal, roles, added_at, changed_at, revoked_at"

int store_key_each(struct store *s, store_key_fn fn, void *ctx)
{
	sqlite3_stmt *q = prepare(s, "SELECT " COLUMNS " FROM keys ORDER BY key");
	if (!q)
		return -DOCKET_ESTORAGE;
	int rc, out = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct key_row k;
		read_row(q, &k);
		if ((out = fn(ctx, &k)) != 0)
			break;
	}
	if (out == 0 && rc != SQLITE_DONE)
		out = -DOCKET_ESTORAGE;
	sqlite3_finalize(q);
	return out;
}

static struct str copy(struct arena *a, struct str v, int *ok)
{
	if (!v.ptr)
		return v;
	const char *p = arena_strndup(a, v.ptr, v.len);
	*ok &= p != NULL;
	return (struct str){p, v.len};
}

int store_key_get(struct store *s, struct str key, struct arena *a, struct key_row *out)
{
	sqlite3_stmt *q = prepare(s, "SELECT " COLUMNS " FROM keys WHERE key = ?1");
	if (!q)
		return -DOCKET_ESTORAGE;
	store_bind_str(q, 1, key);
	int rc = sqlite3_step(q), ret = 0;
	if (rc == SQLITE_ROW) {
		int ok = 1;
		read_row(q, out);
		out->key = copy(a, out->key, &ok);
		out->principal = copy(a, out->principal, &ok);
		out->added_at = copy(a, out->added_at, &ok);
		out->changed_at = copy(a, out->changed_at, &ok);
		out->revoked_at = copy(a, out->revoked_at, &ok);
		ret = ok ? 0 : -DOCKET_ENOMEM;
	} else {
		ret = rc == SQLITE_DONE ? -DOCKET_ENOTFOUND : -DOCKET_ESTORAGE;
	}
	sqlite3_finalize(q);
	return ret;
}

static int run(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE)
		return 0;
	return rc == SQLITE_CONSTRAINT_PRIMARYKEY ? -DOCKET_ECONFLICT : -DOCKET_ESTORAGE;
}

int store_key_add(struct store *s, struct str key, struct str principal, unsigned roles,
		  const char *ts)
{
	sqlite3_stmt *q = prepare(s, "INSERT INTO keys (key, principal, roles, added_at, changed_at)"
				     " VALUES (?1, ?2, ?3, ?4, ?4)");
	if (!q)
		return -DOCKET_ESTORAGE;
	store_bind_str(q, 1, key);
	store_bind_str(q, 2, principal);
	sqlite3_bind_int64(q, 3, roles);
	sqlite3_bind_text(q, 4, ts, -1, SQLITE_STATIC);
	return run(q);
}

int store_key_set_roles(struct store *s, struct str key, unsigned roles, const char *ts)
{
	sqlite3_stmt *q = prepare(s, "UPDATE keys SET roles = ?2, changed_at = ?3 WHERE key = ?1");
	if (!q)
		return -DOCKET_ESTORAGE;
	store_bind_str(q, 1, key);
	sqlite3_bind_int64(q, 2, roles);
	sqlite3_bind_text(q, 3, ts, -1, SQLITE_STATIC);
	return run(q);
}

int store_key_revoke(struct store *s, struct str key, const char *ts)
{
	sqlite3_stmt *q =
		prepare(s, "UPDATE keys SET revoked_at = ?2, changed_at = ?2 WHERE key = ?1");
	if (!q)
		return -DOCKET_ESTORAGE;
	store_bind_str(q, 1, key);
	sqlite3_bind_text(q, 2, ts, -1, SQLITE_STATIC);
	return run(q);
}

int64_t store_key_holders(struct store *s, unsigned role, struct str except)
{
	sqlite3_stmt *q = prepare(s, "SELECT count(*) FROM keys WHERE revoked_at IS NULL"
				     " AND roles & ?1 AND key IS NOT ?2");
	if (!q)
		return -DOCKET_ESTORAGE;
	sqlite3_bind_int64(q, 1, role);
	store_bind_str(q, 2, except);
	int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -DOCKET_ESTORAGE;
	sqlite3_finalize(q);
	return n;
}
