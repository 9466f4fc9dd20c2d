/* Imported documents, and the search index over what the public may read. */
#include <stdio.h>
#include <string.h>

#include "docket/error.h"
#include "store_int.h"

static void read_source(sqlite3_stmt *q, struct arena *a, struct source *src)
{
	src->id = sqlite3_column_int64(q, 0);
	src->file = store_column_str(q, 1, a);
	src->sha256 = store_column_str(q, 2, a);
	src->document = store_column_str(q, 3, a);
	src->title = store_column_str(q, 4, a);
	src->from = store_column_str(q, 5, a);
	src->to = store_column_str(q, 6, a);
	src->subject = store_column_str(q, 7, a);
	src->item = sqlite3_column_int64(q, 8);
	src->imported_at = store_column_str(q, 9, a);
	src->actor = store_column_str(q, 10, a);
	src->decisions = sqlite3_column_int64(q, 11);
}

static int one_source(sqlite3_stmt *q, struct arena *a, struct source *src)
{
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		read_source(q, a, src);
	store_reset(q);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -DOCKET_ENOTFOUND : -DOCKET_ESTORAGE;
}

int store_source_get(struct store *s, int64_t id, struct arena *a, struct source *src)
{
	sqlite3_stmt *q = s->stmt[S_SOURCE_GET];
	sqlite3_bind_int64(q, 1, id);
	return one_source(q, a, src);
}

int store_source_by_sha(struct store *s, struct str sha256, struct arena *a, struct source *src)
{
	sqlite3_stmt *q = s->stmt[S_SOURCE_BY_SHA];
	store_bind_str(q, 1, sha256);
	return one_source(q, a, src);
}

int store_source_insert(struct store *s, struct source *src)
{
	sqlite3_stmt *q = s->stmt[S_SOURCE_INSERT];
	store_bind_str(q, 2, src->file);
	store_bind_str(q, 3, src->sha256);
	store_bind_str(q, 4, src->document);
	store_bind_str(q, 5, src->title);
	store_bind_str(q, 6, src->from);
	store_bind_str(q, 7, src->to);
	store_bind_str(q, 8, src->subject);
	if (src->item)
		sqlite3_bind_int64(q, 9, src->item);
	store_bind_str(q, 10, src->imported_at);
	store_bind_str(q, 11, src->actor);
	int rc = store_exec(s, S_SOURCE_INSERT);
	if (rc == 0)
		src->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_source_list(struct store *s, store_source_fn fn, void *ctx)
{
	sqlite3_stmt *q = s->stmt[S_SOURCE_LIST];
	int rc, ret = 0;
	struct source src;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		read_source(q, NULL, &src);
		if ((ret = fn(ctx, &src)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -DOCKET_ESTORAGE;
	store_reset(q);
	return ret;
}

int store_search(struct store *s, const struct search_query *sq, store_hit_fn fn, void *ctx,
		 char *err, size_t errlen)
{
	sqlite3_stmt *q = s->stmt[S_SEARCH];
	store_bind_str(q, 1, sq->match);
	store_bind_str(q, 2, sq->state);
	store_bind_str(q, 3, sq->decision_maker);
	store_bind_str(q, 4, sq->category);
	store_bind_str(q, 5, sq->from);
	store_bind_str(q, 6, sq->to);
	sqlite3_bind_int64(q, 7, sq->limit);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct search_hit h = {
			.ref = store_column_str(q, 0, NULL),
			.title = store_column_str(q, 1, NULL),
			.state = store_column_str(q, 2, NULL),
			.decision_maker = store_column_str(q, 3, NULL),
			.category = store_column_str(q, 4, NULL),
			.decided_on = store_column_str(q, 5, NULL),
			.score = sqlite3_column_double(q, 6),
			.snippet = store_column_str(q, 7, NULL),
		};
		if ((ret = fn(ctx, &h)) < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE) {
		/* FTS5 refuses a query it cannot read ("syntax error", "no such column") as SQLITE_ERROR. */
		const char *msg = sqlite3_errmsg(s->db);
		ret = (rc & 0xff) == SQLITE_ERROR ? -DOCKET_EBADREQ : -DOCKET_ESTORAGE;
		snprintf(err, errlen, "%s", msg);
	}
	store_reset(q);
	return ret;
}
